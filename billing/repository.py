"""Every query of the billing domain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from billing.enums import InvoiceStatus, QuoteStatus
from billing.tables import Invoice, InvoiceLine, Quote, QuoteLine

# --- quotes ---------------------------------------------------------------------------------------


async def next_revision(request_id: int) -> int:
    rows = await Quote.raw("SELECT MAX(revision) AS r FROM quote WHERE request = {}", request_id)
    return int(rows[0]["r"] or 0) + 1


async def insert_quote(values: dict[str, Any], lines: list[dict[str, Any]]) -> int:
    rows = await Quote.insert(Quote(**values)).returning(Quote.id)
    quote_id = int(rows[0]["id"])
    await QuoteLine.insert(*[QuoteLine(quote=quote_id, **line) for line in lines])
    return quote_id


async def quote_by_id(quote_id: int) -> dict[str, Any] | None:
    return await Quote.select().where(Quote.id == quote_id).first()


async def quotes_of_requests(request_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if request_ids:
        for row in await Quote.select().where(Quote.request.is_in(request_ids)).order_by(Quote.id):
            grouped[row["request"]].append(row)
    return grouped


async def quotes_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    return await Quote.select().where(Quote.id.is_in(ids)) if ids else []


async def open_quotes_of(request_id: int) -> list[dict[str, Any]]:
    return await Quote.select().where((Quote.request == request_id) & (Quote.status == QuoteStatus.SENT.value))


async def accepted_quote_of(request_id: int) -> dict[str, Any] | None:
    return (
        await Quote.select().where((Quote.request == request_id) & (Quote.status == QuoteStatus.ACCEPTED.value)).first()
    )


async def update_quote(quote_id: int, expected_version: int, values: dict[Any, Any]) -> bool:
    rows = await (
        Quote.update({**values, Quote.version: expected_version + 1})
        .where((Quote.id == quote_id) & (Quote.version == expected_version))
        .returning(Quote.id)
    )
    return bool(rows)


async def expired_quotes(today: date) -> list[dict[str, Any]]:
    return await Quote.select().where((Quote.status == QuoteStatus.SENT.value) & (Quote.valid_until < today))


async def lines_of_quotes(quote_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if quote_ids:
        rows = await QuoteLine.select().where(QuoteLine.quote.is_in(quote_ids)).order_by(QuoteLine.position)
        for row in rows:
            grouped[row["quote"]].append(row)
    return grouped


# --- invoices -------------------------------------------------------------------------------------


async def insert_invoice(values: dict[str, Any], lines: list[dict[str, Any]]) -> int:
    rows = await Invoice.insert(Invoice(**values)).returning(Invoice.id)
    invoice_id = int(rows[0]["id"])
    await InvoiceLine.insert(*[InvoiceLine(invoice=invoice_id, **line) for line in lines])
    return invoice_id


async def invoice_by_id(invoice_id: int) -> dict[str, Any] | None:
    return await Invoice.select().where(Invoice.id == invoice_id).first()


async def invoices_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    return await Invoice.select().where(Invoice.id.is_in(ids)) if ids else []


async def update_invoice(invoice_id: int, expected_version: int, values: dict[Any, Any]) -> bool:
    """Optimistic update of an invoice's state (status, dates, buyer of a draft, payments); lines and
    totals are never passed here once it is issued (and triggers refuse it)."""
    rows = await (
        Invoice.update({**values, Invoice.version: expected_version + 1})
        .where((Invoice.id == invoice_id) & (Invoice.version == expected_version))
        .returning(Invoice.id)
    )
    return bool(rows)


_LIVE_OR_DRAFT = [
    InvoiceStatus.DRAFT.value,
    InvoiceStatus.ISSUED.value,
    InvoiceStatus.PARTIALLY_PAID.value,
    InvoiceStatus.PAID.value,
]


async def live_invoice_for(column: str, value: int) -> dict[str, Any] | None:
    """The draft or issued invoice (not cancelled, not replaced) billing a quote or a milestone."""
    target = {"quote": Invoice.quote, "milestone": Invoice.milestone}[column]
    return (
        await Invoice.select()
        .where((target == value) & Invoice.status.is_in(_LIVE_OR_DRAFT) & (Invoice.kind != "adjustment"))
        .first()
    )


async def invoices_of(column: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Invoices by request, milestone, quote or original invoice, oldest first."""
    target = {
        "request": Invoice.request,
        "milestone": Invoice.milestone,
        "quote": Invoice.quote,
        "original": Invoice.original,
    }[column]
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        for row in await Invoice.select().where(target.is_in(ids)).order_by(Invoice.id):
            grouped[row[column]].append(row)
    return grouped


async def lines_of_invoices(invoice_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if invoice_ids:
        rows = await InvoiceLine.select().where(InvoiceLine.invoice.is_in(invoice_ids)).order_by(InvoiceLine.position)
        for row in rows:
            grouped[row["invoice"]].append(row)
    return grouped


async def past_due(today: date) -> list[dict[str, Any]]:
    owing = [InvoiceStatus.ISSUED.value, InvoiceStatus.PARTIALLY_PAID.value]
    return await Invoice.select().where(
        Invoice.status.is_in(owing) & (Invoice.overdue == False) & (Invoice.due_date < today)  # noqa: E712
    )


@dataclass(frozen=True)
class InvoiceFilter:
    statuses: tuple[str, ...] = ()
    customer_id: int | None = None
    request_ids: tuple[int, ...] | None = None  # a customer's own requests (their guest-free invoices)
    issued_from: date | None = None  # inclusive, local dates
    issued_to: date | None = None
    overdue: bool | None = None
    symbol: str | None = None


def _filtered(query: Any, f: InvoiceFilter) -> Any:
    if f.statuses:
        query = query.where(Invoice.status.is_in(list(f.statuses)))
    if f.customer_id is not None:
        query = query.where(Invoice.customer == f.customer_id)
    if f.issued_from is not None:
        query = query.where(Invoice.issue_date >= f.issued_from)
    if f.issued_to is not None:
        query = query.where(Invoice.issue_date <= f.issued_to)
    if f.overdue is not None:
        query = query.where(Invoice.overdue == f.overdue)
    if f.symbol is not None:
        query = query.where(Invoice.symbol == f.symbol)
    return query


async def invoice_page(f: InvoiceFilter, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    """Newest first, keyset on id; limit + 1 rows tell whether there is more."""
    query = _filtered(Invoice.select(), f).order_by(Invoice.id, ascending=False).limit(limit)
    if after_id is not None:
        query = query.where(Invoice.id < after_id)
    return await query


async def count_invoices(f: InvoiceFilter) -> int:
    return int(await _filtered(Invoice.count(), f))


async def totals_by_rate(f: InvoiceFilter) -> list[dict[str, Any]]:
    """Sums of the lines of the matching invoices per VAT rate."""
    clauses: list[str] = ["i.status IN ({})".format(", ".join("{}" for _ in f.statuses))]
    args: list[Any] = list(f.statuses)
    if f.issued_from is not None:
        clauses.append("i.issue_date >= {}")
        args.append(f.issued_from)
    if f.issued_to is not None:
        clauses.append("i.issue_date <= {}")
        args.append(f.issued_to)
    if f.symbol is not None:
        clauses.append("i.symbol = {}")
        args.append(f.symbol)
    sql = (
        "SELECT l.vat_rate AS vat_rate, SUM(l.amount) AS amount, SUM(l.vat_amount) AS vat_amount"
        " FROM invoice_line l JOIN invoice i ON i.id = l.invoice"
        f" WHERE {' AND '.join(clauses)} GROUP BY l.vat_rate"
    )
    return await InvoiceLine.raw(sql, *args)


async def quote_page(customer_id: int | None, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    query = Quote.select().order_by(Quote.id, ascending=False).limit(limit)
    if customer_id is not None:
        query = query.where(Quote.customer == customer_id)
    if after_id is not None:
        query = query.where(Quote.id < after_id)
    return await query


async def count_quotes(customer_id: int | None) -> int:
    query = Quote.count()
    if customer_id is not None:
        query = query.where(Quote.customer == customer_id)
    return int(await query)
