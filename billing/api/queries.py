"""Billing queries: thin resolvers over billing.listing and billing.quotes."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from app.api.pagination import Connection
from app.api.scalars import Vnd
from app.money import VatRate, amount_in_words
from billing import listing, quotes
from billing.api.types import (
    ExportFormat,
    ExportRows,
    FinanceExport,
    GuestBilling,
    Invoice,
    InvoiceTotals,
    Payment,
    PaymentTotal,
    Quote,
    StatementLine,
    VatTotal,
)
from billing.enums import InvoiceStatus, LineStatus, PaymentMethod
from billing.exports import spec as exports


@strawberry.input(description="Finance's invoice filters; all given filters must match.")
class InvoiceFilter(listing.InvoiceSearch):
    customer_id: strawberry.ID | None = None
    issued_from: date | None = strawberry.field(default=None, description="Issue date (local), inclusive.")
    issued_to: date | None = strawberry.field(default=None, description="Issue date (local), inclusive.")
    symbol: str | None = strawberry.field(default=None, description="KHHDon, e.g. C26TAA.")


@strawberry.input(description="Filters of a finance export; all given must match.")
class ExportFilter:
    statuses: list[InvoiceStatus] | None = strawberry.field(
        default=None, description="Numbered invoices only; default: issued, partially paid and paid."
    )
    symbol: str | None = strawberry.field(default=None, description="KHHDon, e.g. C26TAA.")
    customer_id: strawberry.ID | None = None
    vat_rate: VatRate | None = strawberry.field(
        default=None, description="Invoices with a line at this rate; lines and totals of that rate only."
    )


@strawberry.type
class BillingQuery:
    @strawberry.field(description="A quote: for its customer, the request's department's operators and finance.")
    async def quote(self, info: Info, id: strawberry.ID) -> Quote:
        return Quote(row=await quotes.readable(info.context.principal, id))

    @strawberry.field(description="The signed-in customer's quotes, newest first.")
    async def my_quotes(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Quote]:
        page = await listing.my_quotes(info.context.principal, first, after)
        return Connection.of(page, lambda row: Quote(row=row))

    @strawberry.field(description="An invoice: for finance and the customer billed (drafts: finance only).")
    async def invoice(self, info: Info, id: strawberry.ID) -> Invoice:
        return Invoice(row=await listing.invoice(info.context.principal, id))

    @strawberry.field(description="The signed-in customer's issued invoices, newest first.")
    async def my_invoices(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[Invoice]:
        page = await listing.my_invoices(info.context.principal, first, after)
        return Connection.of(page, lambda row: Invoice(row=row))

    @strawberry.field(description="Finance: every invoice (drafts included), filtered, newest first.")
    async def invoices(
        self, info: Info, filter: InvoiceFilter | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[Invoice]:
        page = await listing.invoices(info.context.principal, filter or listing.InvoiceSearch(), first, after)
        return Connection.of(page, lambda row: Invoice(row=row))

    @strawberry.field(description="Finance: issued invoices of a period (local issue dates) per VAT rate.")
    async def invoice_totals(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date, symbol: str | None = None
    ) -> InvoiceTotals:
        t = await listing.period_totals(info.context.principal, from_, to, symbol)
        return InvoiceTotals(
            invoices=t.invoices,
            by_rate=[
                VatTotal(vat_rate=r.vat_rate, label=r.vat_rate.invoice_label, amount=Vnd(r.amount),
                         vat_amount=Vnd(r.vat_amount), total_amount=Vnd(r.total_amount))
                for r in t.by_rate
            ],
            amount=Vnd(t.amount), vat_amount=Vnd(t.vat_amount), total_amount=Vnd(t.total_amount),
            amount_in_words=amount_in_words(t.total_amount),
        )  # fmt: skip

    @strawberry.field(
        description="Finance: the link that downloads a period's invoices (local issue dates, inclusive) as CSV, "
        "XLSX or e-invoice XML; send the same bearer token with it. The input is checked here as the download will."
    )
    async def finance_export(
        self, info: Info, format: ExportFormat, from_: Annotated[date, strawberry.argument(name="from")], to: date,
        rows: ExportRows = ExportRows.INVOICES, filter: ExportFilter | None = None,
    ) -> FinanceExport:  # fmt: skip
        f = filter or ExportFilter()
        spec, url = exports.prepare(
            info.context.principal, format, from_, to, rows=rows, statuses=list(f.statuses or []), symbol=f.symbol,
            customer=f.customer_id, vat_rate=f.vat_rate,
        )  # fmt: skip
        return FinanceExport(url=url, format=spec.format, rows=spec.rows, from_=spec.start, to=spec.end,
                             filename=spec.filename)  # fmt: skip

    @strawberry.field(description="A guest's quotes and invoices, through the request's secret link token.")
    async def guest_billing(self, info: Info, token: str) -> GuestBilling:
        found_quotes, found_invoices = await listing.guest_billing(info.context.principal, token)
        return GuestBilling(
            quotes=[Quote(row=r) for r in found_quotes], invoices=[Invoice(row=r) for r in found_invoices]
        )

    @strawberry.field(description="Finance: payments received (local dates, inclusive), newest first.")
    async def payments(
        self,
        info: Info,
        method: PaymentMethod | None = None,
        from_: Annotated[date | None, strawberry.argument(name="from")] = None,
        to: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Payment]:
        page = await listing.payments(info.context.principal, method, from_, to, first, after)
        return Connection.of(page, lambda row: Payment(row=row))

    @strawberry.field(description="Finance: payments received and refunded per method over a period.")
    async def payment_totals(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> list[PaymentTotal]:
        rows = await listing.payment_totals(info.context.principal, from_, to)
        return [
            PaymentTotal(
                method=r["method"], payments=r["payments"], amount=Vnd(r["amount"]), refunded=Vnd(r["refunded"])
            )
            for r in rows
        ]

    @strawberry.field(description="Finance: bank statement lines (e.g. statuses: [UNMATCHED, OVERPAID]), newest first.")
    async def statement_lines(
        self, info: Info, statuses: list[LineStatus] | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[StatementLine]:
        page = await listing.statement_lines(info.context.principal, statuses, first, after)
        return Connection.of(page, lambda row: StatementLine(row=row))
