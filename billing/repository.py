"""Every query of the billing domain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app import clock
from app.db import is_sqlite
from billing.enums import InvoiceStatus, QuoteStatus
from billing.tables import (
    BankStatement,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAttempt,
    Quote,
    QuoteLine,
    Refund,
    StatementLine,
    StripeEvent,
)

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


# --- payments -------------------------------------------------------------------------------------


async def lock_invoice(invoice_id: int) -> None:
    """Inside a transaction: one writer of an invoice's payments at a time (PostgreSQL row lock; SQLite
    write transactions are IMMEDIATE already)."""
    if not is_sqlite():
        await Invoice.select(Invoice.id).where(Invoice.id == invoice_id).lock_rows("UPDATE")


async def invoice_by_reference(reference: str) -> dict[str, Any] | None:
    return await Invoice.select().where(Invoice.payment_reference == reference).first()


async def replacement_of(invoice_id: int) -> dict[str, Any] | None:
    return (
        await Invoice.select()
        .where((Invoice.original == invoice_id) & (Invoice.kind == "replacement"))
        .order_by(Invoice.id, ascending=False)
        .first()
    )


async def insert_attempt(values: dict[str, Any]) -> int:
    rows = await PaymentAttempt.insert(PaymentAttempt(**values)).returning(PaymentAttempt.id)
    return int(rows[0]["id"])


async def attempt_by_id(attempt_id: int) -> dict[str, Any] | None:
    return await PaymentAttempt.select().where(PaymentAttempt.id == attempt_id).first()


async def attempt_by_intent(intent_id: str) -> dict[str, Any] | None:
    return await PaymentAttempt.select().where(PaymentAttempt.stripe_intent == intent_id).first()


async def open_attempt(invoice_id: int) -> dict[str, Any] | None:
    return (
        await PaymentAttempt.select()
        .where((PaymentAttempt.invoice == invoice_id) & (PaymentAttempt.status == "created"))
        .order_by(PaymentAttempt.id, ascending=False)
        .first()
    )


async def update_attempt(attempt_id: int, values: dict[Any, Any]) -> None:
    await PaymentAttempt.update(values).where(PaymentAttempt.id == attempt_id)


async def insert_payment(values: dict[str, Any]) -> int:
    rows = await Payment.insert(Payment(**values)).returning(Payment.id)
    return int(rows[0]["id"])


async def payment_by_id(payment_id: int) -> dict[str, Any] | None:
    return await Payment.select().where(Payment.id == payment_id).first()


async def payment_by_reference(method: str, reference: str) -> dict[str, Any] | None:
    return await Payment.select().where((Payment.method == method) & (Payment.reference == reference)).first()


async def payments_of_invoices(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        for row in await Payment.select().where(Payment.invoice.is_in(ids)).order_by(Payment.id):
            grouped[row["invoice"]].append(row)
    return grouped


async def insert_refund(values: dict[str, Any]) -> int:
    rows = await Refund.insert(Refund(**values)).returning(Refund.id)
    return int(rows[0]["id"])


async def update_refund(refund_id: int, values: dict[Any, Any]) -> None:
    await Refund.update(values).where(Refund.id == refund_id)


async def refund_by_stripe_id(stripe_id: str) -> dict[str, Any] | None:
    return await Refund.select().where(Refund.stripe_refund == stripe_id).first()


async def refunds_of_payments(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        for row in await Refund.select().where(Refund.payment.is_in(ids)).order_by(Refund.id):
            grouped[row["payment"]].append(row)
    return grouped


async def record_stripe_event(event_id: str, event_type: str) -> bool:
    """True for the first delivery of an event; a duplicate (even a concurrent one) gets False."""
    rows = await StripeEvent.raw(
        "INSERT INTO stripe_event (event_id, type, received_at, outcome) VALUES ({}, {}, {}, '')"
        " ON CONFLICT (event_id) DO NOTHING RETURNING id",
        event_id,
        event_type,
        clock.now(),
    )
    return bool(rows)


async def set_event_outcome(event_id: str, outcome: str) -> None:
    await StripeEvent.update({StripeEvent.outcome: outcome}).where(StripeEvent.event_id == event_id)


@dataclass(frozen=True)
class PaymentFilter:
    method: str | None = None
    received_from: datetime | None = None
    received_before: datetime | None = None


def _payments(query: Any, f: PaymentFilter) -> Any:
    if f.method is not None:
        query = query.where(Payment.method == f.method)
    if f.received_from is not None:
        query = query.where(Payment.received_at >= f.received_from)
    if f.received_before is not None:
        query = query.where(Payment.received_at < f.received_before)
    return query


async def payment_page(f: PaymentFilter, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    query = _payments(Payment.select(), f).order_by(Payment.id, ascending=False).limit(limit)
    if after_id is not None:
        query = query.where(Payment.id < after_id)
    return await query


async def count_payments(f: PaymentFilter) -> int:
    return int(await _payments(Payment.count(), f))


async def payment_totals(f: PaymentFilter) -> list[dict[str, Any]]:
    """Received and refunded per method."""
    clauses, args = ["1 = 1"], []
    if f.received_from is not None:
        clauses.append("p.received_at >= {}")
        args.append(f.received_from)
    if f.received_before is not None:
        clauses.append("p.received_at < {}")
        args.append(f.received_before)
    sql = (
        "SELECT p.method AS method, COUNT(*) AS payments, SUM(p.amount) AS amount,"
        " SUM(COALESCE((SELECT SUM(r.amount) FROM refund r WHERE r.payment = p.id AND r.status <> 'failed'), 0))"
        f" AS refunded FROM payment p WHERE {' AND '.join(clauses)} GROUP BY p.method"
    )
    return await Payment.raw(sql, *args)


# --- bank statements ------------------------------------------------------------------------------


async def insert_statement(values: dict[str, Any]) -> int:
    rows = await BankStatement.insert(BankStatement(**values)).returning(BankStatement.id)
    return int(rows[0]["id"])


async def update_statement(statement_id: int, values: dict[Any, Any]) -> None:
    await BankStatement.update(values).where(BankStatement.id == statement_id)


async def statement_by_id(statement_id: int) -> dict[str, Any] | None:
    return await BankStatement.select().where(BankStatement.id == statement_id).first()


async def known_fingerprints(fingerprints: list[str]) -> set[str]:
    if not fingerprints:
        return set()
    rows = await StatementLine.select(StatementLine.fingerprint).where(StatementLine.fingerprint.is_in(fingerprints))
    return {row["fingerprint"] for row in rows}


async def insert_line(values: dict[str, Any]) -> int:
    rows = await StatementLine.insert(StatementLine(**values)).returning(StatementLine.id)
    return int(rows[0]["id"])


async def update_line(line_id: int, values: dict[Any, Any]) -> None:
    await StatementLine.update(values).where(StatementLine.id == line_id)


async def lines_of_statements(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        rows = await StatementLine.select().where(StatementLine.statement.is_in(ids)).order_by(StatementLine.id)
        for row in rows:
            grouped[row["statement"]].append(row)
    return grouped


async def line_page(statuses: tuple[str, ...], after_id: int | None, limit: int) -> list[dict[str, Any]]:
    query = StatementLine.select().order_by(StatementLine.id, ascending=False).limit(limit)
    if statuses:
        query = query.where(StatementLine.status.is_in(list(statuses)))
    if after_id is not None:
        query = query.where(StatementLine.id < after_id)
    return await query


async def count_lines(statuses: tuple[str, ...]) -> int:
    query = StatementLine.count()
    if statuses:
        query = query.where(StatementLine.status.is_in(list(statuses)))
    return int(await query)
