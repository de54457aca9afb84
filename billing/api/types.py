"""GraphQL types of billing, named as in the SDL. Each wraps a repository row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.types import Info

from app.api.documents import ContractDocument, documents
from app.api.history import HistoryEvent, history
from app.api.i18n import LocalizedText, localized
from app.api.scalars import Vnd
from app.config import get_settings
from app.money import RATE_ORDER, VatRate, amount_in_words
from billing import qr
from billing.enums import (
    AdjustmentDirection,
    AttemptStatus,
    BuyerKind,
    InvoiceKind,
    InvoiceSource,
    InvoiceStatus,
    LineSource,
    LineStatus,
    PaymentMethod,
    QuoteStatus,
    RefundStatus,
)
from billing.exports.spec import ExportFormat, ExportRows

# The domain's enums are the GraphQL enums: registered once here with their descriptions.
strawberry.enum(QuoteStatus, description="Where a quote stands: sent, then accepted, declined, expired or superseded.")
strawberry.enum(InvoiceStatus, description="The invoice's lifecycle (see the README's transition table).")
strawberry.enum(InvoiceKind, description="An original invoice, or a replacement or adjustment of another one.")
strawberry.enum(InvoiceSource, description="What an invoice bills: an accepted quote, a milestone, a correction.")
strawberry.enum(BuyerKind, description="An organization (tax code, address) or an individual.")
strawberry.enum(LineSource, name="DocumentLineSource", description="Where a quote or invoice line comes from.")
strawberry.enum(AdjustmentDirection, description="An adjustment invoice increases or decreases the original.")
strawberry.enum(PaymentMethod, description="A card through Stripe, or a bank transfer.")
strawberry.enum(AttemptStatus, name="CardPaymentStatus", description="A card payment attempt's state.")
strawberry.enum(RefundStatus, description="A refund's state (a card refund is pending until Stripe confirms it).")
strawberry.enum(LineStatus, name="StatementLineStatus", description="How a bank statement line was matched.")
strawberry.enum(ExportFormat, description="A finance export's format: CSV (UTF-8 with BOM), XLSX, e-invoice XML.")
strawberry.enum(
    ExportRows, description="What one row of a CSV export is (XLSX has every sheet, XML one HDon per invoice)."
)


@strawberry.type(description="A refund of (part of) a payment.")
class Refund:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field
    def reason(self) -> str:
        return str(self.row["reason"])

    @strawberry.field
    def status(self) -> RefundStatus:
        return RefundStatus(self.row["status"])

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row["created_at"]


@strawberry.type(description="Money received for an invoice.")
class Payment:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def invoice_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["invoice"]))

    @strawberry.field
    def method(self) -> PaymentMethod:
        return PaymentMethod(self.row["method"])

    @strawberry.field
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field(description="The part above the invoice's balance when it arrived (for finance to settle).")
    def overpaid_amount(self) -> Vnd:
        return Vnd(int(self.row["overpaid_amount"]))

    @strawberry.field
    def received_at(self) -> datetime:
        return self.row["received_at"]

    @strawberry.field(description="The card payment's PaymentIntent, or the bank's reference.")
    def reference(self) -> str:
        return str(self.row["reference"])

    @strawberry.field
    async def refunds(self, info: Info) -> list[Refund]:
        return [Refund(row=r) for r in await info.context.loaders.billing.refunds.load(self.row["id"])]

    @strawberry.field(description="What is left of it after refunds.")
    async def refundable_amount(self, info: Info) -> Vnd:
        refunds = await info.context.loaders.billing.refunds.load(self.row["id"])
        done = sum(int(r["amount"]) for r in refunds if r["status"] != RefundStatus.FAILED.value)
        return Vnd(int(self.row["amount"]) - done)


@strawberry.type(description="How to pay an invoice by bank transfer: the VietQR code (NAPAS 247).")
class VietQr:
    payload: str = strawberry.field(description="The EMVCo text to encode (amount = the balance).")
    png_url: str
    svg_url: str


@strawberry.type(description="One line of a quote or an invoice; amounts in đồng (negative on a decrease).")
class DocumentLine:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def position(self) -> int:
        return int(self.row["position"])

    @strawberry.field
    def source(self) -> LineSource:
        return LineSource(self.row["source"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])

    @strawberry.field
    def unit(self) -> str:
        return str(self.row["unit"])

    @strawberry.field
    def quantity(self) -> int:
        return int(self.row["quantity"])

    @strawberry.field(description="Price of one unit before VAT.")
    def unit_amount(self) -> Vnd:
        return Vnd(int(self.row["unit_amount"]))

    @strawberry.field
    def discount_amount(self) -> Vnd:
        return Vnd(int(self.row["discount_amount"]))

    @strawberry.field
    def vat_rate(self) -> VatRate:
        return VatRate(self.row["vat_rate"])

    @strawberry.field(description="As the e-invoice writes it: 10%, 8%, 5%, 0%, KCT, KKKNT.")
    def vat_label(self) -> str:
        return VatRate(self.row["vat_rate"]).invoice_label

    @strawberry.field(description="Quantity × unit price − discount, before VAT.")
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field(description="VAT of the line, rounded half up to the đồng.")
    def vat_amount(self) -> Vnd:
        return Vnd(int(self.row["vat_amount"]))

    @strawberry.field
    def total_amount(self) -> Vnd:
        return Vnd(int(self.row["total_amount"]))


@strawberry.type(description="The lines of one VAT rate, summed (the rounded lines' sums).")
class VatTotal:
    vat_rate: VatRate
    label: str
    amount: Vnd
    vat_amount: Vnd
    total_amount: Vnd


def vat_totals(rows: list[dict[str, Any]]) -> list[VatTotal]:
    """Per rate, from the stored lines (a decrease adjustment's lines are negative: sign kept)."""
    sums: dict[VatRate, tuple[int, int]] = {}
    for row in rows:
        rate = VatRate(row["vat_rate"])
        amount, vat = sums.get(rate, (0, 0))
        sums[rate] = (amount + int(row["amount"]), vat + int(row["vat_amount"]))
    return [
        VatTotal(vat_rate=r, label=r.invoice_label, amount=Vnd(sums[r][0]), vat_amount=Vnd(sums[r][1]),
                 total_amount=Vnd(sums[r][0] + sums[r][1]))
        for r in RATE_ORDER if r in sums
    ]  # fmt: skip


@strawberry.type(description="A priced offer for a service request, answered by its customer.")
class Quote:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field(description="1 for the first quote of a request, then 2, 3… (a revision supersedes).")
    def revision(self) -> int:
        return int(self.row["revision"])

    @strawberry.field
    def status(self) -> QuoteStatus:
        return QuoteStatus(self.row["status"])

    @strawberry.field(description="The last local day it may be accepted.")
    def valid_until(self) -> date:
        return self.row["valid_until"]

    @strawberry.field
    def note(self) -> str:
        return str(self.row["note"])

    @strawberry.field(description="The request's receipt code.")
    async def request_code(self, info: Info) -> str:
        return await info.context.loaders.billing.request_code.load(self.row["request"])

    @strawberry.field
    async def lines(self, info: Info) -> list[DocumentLine]:
        return [DocumentLine(row=r) for r in await info.context.loaders.billing.quote_lines.load(self.row["id"])]

    @strawberry.field
    async def vat_totals(self, info: Info) -> list[VatTotal]:
        return vat_totals(await info.context.loaders.billing.quote_lines.load(self.row["id"]))

    @strawberry.field(description="Before VAT, after discounts.")
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field
    def vat_amount(self) -> Vnd:
        return Vnd(int(self.row["vat_amount"]))

    @strawberry.field
    def total_amount(self) -> Vnd:
        return Vnd(int(self.row["total_amount"]))

    @strawberry.field
    def discount_amount(self) -> Vnd:
        return Vnd(int(self.row["discount_amount"]))

    @strawberry.field(description="The total in Vietnamese words.")
    def amount_in_words(self) -> str:
        return amount_in_words(int(self.row["total_amount"]))

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row["created_at"]

    @strawberry.field
    def decided_at(self) -> datetime | None:
        return self.row["decided_at"]

    @strawberry.field
    async def history(self, info: Info) -> list[HistoryEvent]:
        return history(await info.context.loaders.billing.quote_history.load(self.row["id"]))

    @strawberry.field(description="Its service contract, every version, newest first (once it is accepted).")
    async def documents(self, info: Info) -> list[ContractDocument]:
        return documents(await info.context.loaders.documents.of("quote").load(self.row["id"]))

    @strawberry.field(description="Invoices billing this quote.")
    async def invoices(self, info: Info) -> list[Invoice]:
        rows = await info.context.loaders.billing.invoices_of_request.load(self.row["request"])
        return [Invoice(row=r) for r in rows if r["quote"] == self.row["id"] and visible(info, r)]


def visible(info: Info, row: dict[str, Any]) -> bool:
    """Drafts are finance's work in progress: only finance sees them in nested lists."""
    from billing.access import is_finance

    return row["status"] != InvoiceStatus.DRAFT.value or is_finance(info.context.principal)


@strawberry.type(description="Who an invoice is for (NMua).")
class Buyer:
    kind: BuyerKind
    name: str
    tax_code: str
    citizen_id: str
    address: str
    email: str


@strawberry.type(description="The center, as its invoices show it (NBan); from the settings.")
class Seller:
    name: str
    tax_code: str
    address: str
    phone: str
    email: str
    bank_account: str
    bank_name: str


@strawberry.type(description="A VAT invoice. Numbered when issued; never changed afterwards.")
class Invoice:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def kind(self) -> InvoiceKind:
        return InvoiceKind(self.row["kind"])

    @strawberry.field
    def source(self) -> InvoiceSource:
        return InvoiceSource(self.row["source"])

    @strawberry.field
    def status(self) -> InvoiceStatus:
        return InvoiceStatus(self.row["status"])

    @strawberry.field(description="KHMSHDon: 1 for a VAT invoice.")
    def template(self) -> str:
        return str(self.row["template"])

    @strawberry.field(description="KHHDon, e.g. C26TAA; empty on a draft.")
    def symbol(self) -> str:
        return str(self.row["symbol"])

    @strawberry.field(description="SHDon: from 1 per template and symbol, without gaps; null on a draft.")
    def number(self) -> int | None:
        return self.row["number"]

    @strawberry.field(description="As printed: 1C26TAA-00000042; null on a draft.")
    def display_number(self) -> str | None:
        if self.row["number"] is None:
            return None
        return f"{self.row['template']}{self.row['symbol']}-{self.row['number']:08d}"

    @strawberry.field
    def issue_date(self) -> date | None:
        return self.row["issue_date"]

    @strawberry.field
    def due_date(self) -> date | None:
        return self.row["due_date"]

    @strawberry.field
    def payment_terms(self) -> str:
        return str(self.row["payment_terms"])

    @strawberry.field(description="The bank transfer memo that identifies this invoice.")
    def payment_reference(self) -> str:
        return str(self.row["payment_reference"])

    @strawberry.field
    def buyer(self) -> Buyer:
        r = self.row
        return Buyer(
            kind=BuyerKind(r["buyer_kind"]), name=r["buyer_name"], tax_code=r["buyer_tax_code"],
            citizen_id=r["buyer_citizen_id"], address=r["buyer_address"], email=r["buyer_email"],
        )  # fmt: skip

    @strawberry.field
    def seller(self) -> Seller:
        s = get_settings()
        return Seller(
            name=s.seller_name, tax_code=s.seller_tax_code, address=s.seller_address, phone=s.seller_phone,
            email=s.seller_email, bank_account=s.seller_bank_account, bank_name=s.seller_bank_name,
        )  # fmt: skip

    @strawberry.field
    async def lines(self, info: Info) -> list[DocumentLine]:
        return [DocumentLine(row=r) for r in await info.context.loaders.billing.invoice_lines.load(self.row["id"])]

    @strawberry.field
    async def vat_totals(self, info: Info) -> list[VatTotal]:
        return vat_totals(await info.context.loaders.billing.invoice_lines.load(self.row["id"]))

    @strawberry.field(description="Total before VAT (TgTCThue); negative on a decrease adjustment.")
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field(description="Total VAT (TgTThue).")
    def vat_amount(self) -> Vnd:
        return Vnd(int(self.row["vat_amount"]))

    @strawberry.field(description="Total payable (TgTTTBSo).")
    def total_amount(self) -> Vnd:
        return Vnd(int(self.row["total_amount"]))

    @strawberry.field
    def discount_amount(self) -> Vnd:
        return Vnd(int(self.row["discount_amount"]))

    @strawberry.field(description="The total in Vietnamese words (TgTTTBChu).")
    def amount_in_words(self) -> str:
        return amount_in_words(int(self.row["total_amount"]))

    @strawberry.field
    def amount_paid(self) -> Vnd:
        return Vnd(int(self.row["amount_paid"]))

    @strawberry.field(description="What is still owed.")
    def balance(self) -> Vnd:
        return Vnd(int(self.row["total_amount"]) - int(self.row["amount_paid"]))

    @strawberry.field
    def overdue(self) -> bool:
        return bool(self.row["overdue"])

    @strawberry.field(description="Payments received, oldest first, with their refunds.")
    async def payments(self, info: Info) -> list[Payment]:
        return [Payment(row=r) for r in await info.context.loaders.billing.payments.load(self.row["id"])]

    @strawberry.field(description="The VietQR code to pay the balance by transfer; null when nothing is owed.")
    def vietqr(self) -> VietQr | None:
        text = qr.payload_of(self.row)
        if text is None:
            return None
        return VietQr(payload=text, png_url=qr.url_of(self.row["id"], "png"), svg_url=qr.url_of(self.row["id"], "svg"))

    @strawberry.field(description="Why this adjustment or replacement was made.")
    def reason(self) -> str:
        return str(self.row["reason"])

    @strawberry.field(description="The receipt code of the request billed, if any.")
    async def request_code(self, info: Info) -> str | None:
        if self.row["request"] is None:
            return None
        return await info.context.loaders.billing.request_code.load(self.row["request"])

    @strawberry.field(description="The milestone billed, if any.")
    def milestone_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row["milestone"])) if self.row["milestone"] is not None else None

    @strawberry.field(description="The quote billed, if any.")
    async def quote(self, info: Info) -> Quote | None:
        if self.row["quote"] is None:
            return None
        row = await info.context.loaders.billing.quote.load(self.row["quote"])
        return Quote(row=row) if row else None

    @strawberry.field(description="The invoice this one adjusts or replaces.")
    async def original(self, info: Info) -> Invoice | None:
        if self.row["original"] is None:
            return None
        row = await info.context.loaders.billing.invoice.load(self.row["original"])
        return Invoice(row=row) if row else None

    @strawberry.field(description="Adjustments and replacements of this invoice.")
    async def corrections(self, info: Info) -> list[Invoice]:
        rows = await info.context.loaders.billing.corrections.load(self.row["id"])
        return [Invoice(row=r) for r in rows if visible(info, r)]

    @strawberry.field
    async def history(self, info: Info) -> list[HistoryEvent]:
        return history(await info.context.loaders.billing.invoice_history.load(self.row["id"]))

    @strawberry.field(description="Increases with every change; give it back to change a draft or issue it.")
    def version(self) -> int:
        return int(self.row["version"])


@strawberry.type(description="Issued invoices of a period, per VAT rate (replaced invoices excluded).")
class InvoiceTotals:
    invoices: int
    by_rate: list[VatTotal]
    amount: Vnd
    vat_amount: Vnd
    total_amount: Vnd
    amount_in_words: str


@strawberry.type(description="What a guest sees through the request's secret link.")
class GuestBilling:
    quotes: list[Quote]
    invoices: list[Invoice]


@strawberry.type(description="A card payment started: give the client secret to Stripe.js to confirm it.")
class CardPayment:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field
    def status(self) -> AttemptStatus:
        return AttemptStatus(self.row["status"])

    @strawberry.field(description="The PaymentIntent's client secret (for Stripe.js only; never log it).")
    def client_secret(self) -> str:
        return str(self.row["client_secret"])

    @strawberry.field
    def publishable_key(self) -> str:
        return get_settings().stripe_publishable_key


@strawberry.type(description="A credit line of an imported bank statement.")
class StatementLine:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def line_number(self) -> int:
        return int(self.row["line_number"])

    @strawberry.field
    def booked_on(self) -> date:
        return self.row["booked_on"]

    @strawberry.field
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field
    def description(self) -> str:
        return str(self.row["description"])

    @strawberry.field
    def bank_reference(self) -> str:
        return str(self.row["bank_reference"])

    @strawberry.field
    def status(self) -> LineStatus:
        return LineStatus(self.row["status"])

    @strawberry.field
    def invoice_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row["invoice"])) if self.row["invoice"] is not None else None

    @strawberry.field
    def payment_id(self) -> strawberry.ID | None:
        return strawberry.ID(str(self.row["payment"])) if self.row["payment"] is not None else None

    @strawberry.field
    def note(self) -> str:
        return str(self.row["note"])


@strawberry.type(description="What an import did: every credit line, whether new or seen before.")
class StatementImport:
    id: strawberry.ID
    filename: str
    lines_read: int
    new_lines: int
    already_imported: int
    skipped_debits: int
    lines: list[StatementLine]


@strawberry.type(description="Payments of a period by method.")
class PaymentTotal:
    method: PaymentMethod
    payments: int
    amount: Vnd
    refunded: Vnd


@strawberry.type(description="Where to download a finance export (GET with the same bearer token).")
class FinanceExport:
    url: str
    format: ExportFormat
    rows: ExportRows
    from_: date = strawberry.field(name="from")
    to: date
    filename: str
