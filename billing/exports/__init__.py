"""Finance exports: invoices, lines and payments of a period as CSV, XLSX and e-invoice XML, read in
keyset pages on a connection of their own and written as they are read (spec → repository → writers →
stream; the HTTP route, the GraphQL link and the command line all go through `stream`)."""
