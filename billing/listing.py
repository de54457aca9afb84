"""Reading quotes and invoices: a customer's own (a guest's through the request's link), finance's
lists with filters, and the totals of a period per VAT rate."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.auth.principal import Principal
from app.config import get_settings
from app.guards import require_customer, require_public_caller
from app.input import Checker, check_date, clean_optional, parse_id
from app.money import RATE_ORDER, RateTotal, VatRate
from app.pagination import Page, decode_cursor, id_page, page_size
from billing import access, repository
from billing.enums import InvoiceStatus, LineStatus, PaymentMethod
from billing.repository import InvoiceFilter, PaymentFilter
from billing.states import LIVE
from catalog.requests import orders


@dataclass
class InvoiceSearch:
    """Finance's filters (the GraphQL `InvoiceFilter` is this class); all given must match."""

    statuses: list[InvoiceStatus] | None = None
    issued_from: date | None = None  # local dates, inclusive
    issued_to: date | None = None
    customer_id: object = None
    overdue: bool | None = None
    symbol: str | None = None


def _filter(search: InvoiceSearch) -> InvoiceFilter:
    c = Checker()
    customer = c.check(parse_id, search.customer_id, "customerId") if search.customer_id is not None else None
    for value, key in ((search.issued_from, "issuedFrom"), (search.issued_to, "issuedTo")):
        if value is not None:
            c.check(check_date, value, key)
    symbol = c.check(clean_optional, search.symbol, "symbol", max_length=6).upper() if search.symbol else None
    c.done()
    return InvoiceFilter(
        statuses=tuple(s.value for s in search.statuses or ()),
        customer_id=customer,
        issued_from=search.issued_from,
        issued_to=search.issued_to,
        overdue=search.overdue,
        symbol=symbol or None,
    )


async def _page(f: InvoiceFilter, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    limit = page_size(first)
    after_id = decode_cursor(after, "invoice", int)[1] if after else None
    rows = await repository.invoice_page(f, after_id, limit + 1)
    return id_page("invoice", rows, limit, after, lambda: repository.count_invoices(f))


async def invoices(
    principal: Principal, search: InvoiceSearch, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    access.require_finance(principal)
    return await _page(_filter(search), first, after)


async def my_invoices(principal: Principal, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    """The signed-in customer's issued invoices (drafts are finance's work in progress)."""
    customer = require_customer(principal)
    f = InvoiceFilter(statuses=tuple(s.value for s in (*LIVE, InvoiceStatus.REPLACED)), customer_id=customer)
    return await _page(f, first, after)


async def my_quotes(principal: Principal, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    customer = require_customer(principal)
    limit = page_size(first)
    after_id = decode_cursor(after, "quote", int)[1] if after else None
    rows = await repository.quote_page(customer, after_id, limit + 1)
    return id_page("quote", rows, limit, after, lambda: repository.count_quotes(customer))


async def invoice(principal: Principal, invoice_ref: object) -> dict[str, Any]:
    row = await repository.invoice_by_id(parse_id(invoice_ref))
    row = access.require_invoice_reader(principal, row)
    if row["status"] == InvoiceStatus.DRAFT.value and not access.is_finance(principal):
        raise access.invoice_not_found()
    return row


async def guest_billing(principal: Principal, token: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A guest's quotes and issued invoices, through the request's secret link."""
    require_public_caller(principal)
    order = await orders.for_guest(token)
    quotes = (await repository.quotes_of_requests([order.id]))[order.id]
    issued = [i for i in (await repository.invoices_of("request", [order.id]))[order.id] if i["number"] is not None]
    return quotes, issued


@dataclass(frozen=True)
class PeriodTotals:
    invoices: int
    by_rate: tuple[RateTotal, ...]

    @property
    def amount(self) -> int:
        return sum(r.amount for r in self.by_rate)

    @property
    def vat_amount(self) -> int:
        return sum(r.vat_amount for r in self.by_rate)

    @property
    def total_amount(self) -> int:
        return self.amount + self.vat_amount


async def period_totals(principal: Principal, start: date, end: date, symbol: str | None) -> PeriodTotals:
    """Finance: issued invoices of a period (replaced ones excluded, their replacements counted; adjustments
    with their sign), per VAT rate, as the tax declaration groups them."""
    access.require_finance(principal)
    f = _filter(InvoiceSearch(issued_from=start, issued_to=end, symbol=symbol))
    f = InvoiceFilter(
        statuses=tuple(s.value for s in LIVE), issued_from=f.issued_from, issued_to=f.issued_to, symbol=f.symbol
    )
    rows = {VatRate(r["vat_rate"]): r for r in await repository.totals_by_rate(f)}
    by_rate = tuple(
        RateTotal(rate, int(rows[rate]["amount"]), int(rows[rate]["vat_amount"])) for rate in RATE_ORDER if rate in rows
    )
    return PeriodTotals(await repository.count_invoices(f), by_rate)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=get_settings().timezone)


def _payment_filter(method: PaymentMethod | None, start: date | None, end: date | None) -> PaymentFilter:
    c = Checker()
    for value, key in ((start, "from"), (end, "to")):
        if value is not None:
            c.check(check_date, value, key)
    c.done()
    return PaymentFilter(
        method=method.value if method else None,
        received_from=_start_of(start) if start else None,
        received_before=_start_of(end + timedelta(days=1)) if end else None,
    )


async def payments(
    principal: Principal, method: PaymentMethod | None, start: date | None, end: date | None,
    first: int | None, after: str | None,
) -> Page[dict[str, Any]]:  # fmt: skip
    """Finance: payments received (local dates, inclusive), newest first."""
    access.require_finance(principal)
    f = _payment_filter(method, start, end)
    limit = page_size(first)
    after_id = decode_cursor(after, "payment", int)[1] if after else None
    rows = await repository.payment_page(f, after_id, limit + 1)
    return id_page("payment", rows, limit, after, lambda: repository.count_payments(f))


async def payment_totals(principal: Principal, start: date, end: date) -> list[dict[str, Any]]:
    """Finance: received and refunded per method over a period."""
    access.require_finance(principal)
    rows = {r["method"]: r for r in await repository.payment_totals(_payment_filter(None, start, end))}
    return [
        {"method": m, "payments": int(rows[m.value]["payments"]), "amount": int(rows[m.value]["amount"] or 0),
         "refunded": int(rows[m.value]["refunded"] or 0)}
        for m in PaymentMethod if m.value in rows
    ]  # fmt: skip


async def statement_lines(
    principal: Principal, statuses: list[LineStatus] | None, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    """Finance: statement lines, e.g. the unmatched and overpaid ones to settle, newest first."""
    access.require_finance(principal)
    wanted = tuple(s.value for s in statuses or ())
    limit = page_size(first)
    after_id = decode_cursor(after, "statement_line", int)[1] if after else None
    rows = await repository.line_page(wanted, after_id, limit + 1)
    return id_page("statement_line", rows, limit, after, lambda: repository.count_lines(wanted))
