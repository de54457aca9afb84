"""Billing: quotes for service requests, VAT invoices (from accepted quotes and accepted project
milestones) with gapless numbers, corrections by adjustment or replacement. Payments and exports come
with the payments and exports issues."""
