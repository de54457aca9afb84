"""Billing mutations. Each returns a payload with `errors` (typed, nothing written on failure)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from app import files
from app.api.documents import ContractPartyInput, DocumentPayload, payload
from app.api.errors import UserError, attempt
from app.api.scalars import Vnd
from app.money import VatRate
from billing import buyers, documents, invoices, payments, quotes, statements
from billing.api.types import CardPayment, Invoice, Payment, Quote, Refund, StatementImport, StatementLine
from billing.enums import AdjustmentDirection, QuoteAction

# Each input IS the domain's dataclass (a subclass): fields are written once; only what GraphQL spells
# differently (ids, money as Vnd, nested inputs, descriptions) is declared again.


@strawberry.input(description="Another active plan added to a quote, at its price in force.")
class ExtraLineInput(quotes.ExtraLine):
    plan_id: strawberry.ID
    discount_amount: Vnd = Vnd(0)


@strawberry.input(description="A quote of a request: its own line (captured price), the channel fee, extra plans.")
class QuoteInput(quotes.QuoteFields):
    request_discount_amount: Vnd = strawberry.field(default=Vnd(0), description="Discount on the request's own line.")
    extra_lines: list[ExtraLineInput] = strawberry.field(default_factory=list)


@strawberry.input(description="The buyer as the invoice shows it; omitted fields stay as they are.")
class BuyerInput(buyers.BuyerFields):
    pass


@strawberry.input(description="What finance may change on a draft invoice.")
class InvoiceDraftInput(invoices.DraftChanges):
    buyer: BuyerInput | None = None


@strawberry.input(description="A line of an adjustment or replacement invoice.")
class InvoiceLineInput(invoices.ManualLine):
    unit_amount: Vnd


@strawberry.input(description="A correction: why, and the lines (for a replacement, none keeps the original's).")
class CorrectionInput(invoices.CorrectionFields):
    lines: list[InvoiceLineInput] = strawberry.field(default_factory=list)
    buyer: BuyerInput | None = None


@strawberry.input(description="A transfer finance saw on the account (a statement import records many).")
class TransferInput(payments.TransferFields):
    amount: Vnd


@strawberry.type
class CardPaymentPayload:
    payment: CardPayment | None
    errors: list[UserError]


@strawberry.type
class PaymentPayload:
    payment: Payment | None
    errors: list[UserError]


@strawberry.type
class RefundPayload:
    refund: Refund | None
    errors: list[UserError]


@strawberry.type
class StatementPayload:
    statement: StatementImport | None
    errors: list[UserError]


@strawberry.type
class QuotePayload:
    quote: Quote | None
    errors: list[UserError]


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None
    errors: list[UserError]


def _quote(row: dict[str, Any] | None, errors: list[UserError]) -> QuotePayload:
    return QuotePayload(quote=Quote(row=row) if row else None, errors=errors)


def _invoice(row: dict[str, Any] | None, errors: list[UserError]) -> InvoicePayload:
    return InvoicePayload(invoice=Invoice(row=row) if row else None, errors=errors)


@strawberry.type
class BillingMutation:
    @strawberry.mutation(
        description="An operator of the request's department quotes it (earlier open quotes are superseded)."
    )
    async def create_quote(self, info: Info, request_code: str, input: QuoteInput) -> QuotePayload:
        principal = info.context.principal
        return _quote(*await attempt(info, lambda: quotes.create_quote(principal, request_code, input)))

    @strawberry.mutation(description="The request's customer accepts a quote: the work on the request starts.")
    async def accept_quote(self, info: Info, id: strawberry.ID, comment: str | None = None) -> QuotePayload:
        principal = info.context.principal
        return _quote(
            *await attempt(info, lambda: quotes.answer_as_customer(principal, id, QuoteAction.ACCEPT, comment))
        )

    @strawberry.mutation(description="The request's customer declines a quote.")
    async def decline_quote(self, info: Info, id: strawberry.ID, comment: str | None = None) -> QuotePayload:
        principal = info.context.principal
        return _quote(
            *await attempt(info, lambda: quotes.answer_as_customer(principal, id, QuoteAction.DECLINE, comment))
        )

    @strawberry.mutation(description="A guest accepts a quote with the request's secret link token.")
    async def accept_quote_as_guest(
        self, info: Info, token: str, id: strawberry.ID, comment: str | None = None
    ) -> QuotePayload:
        principal = info.context.principal
        return _quote(
            *await attempt(info, lambda: quotes.answer_as_guest(principal, token, id, QuoteAction.ACCEPT, comment))
        )

    @strawberry.mutation(description="A guest declines a quote with the request's secret link token.")
    async def decline_quote_as_guest(
        self, info: Info, token: str, id: strawberry.ID, comment: str | None = None
    ) -> QuotePayload:
        principal = info.context.principal
        return _quote(
            *await attempt(info, lambda: quotes.answer_as_guest(principal, token, id, QuoteAction.DECLINE, comment))
        )

    @strawberry.mutation(
        description="Finance or an operator of the request's department: the service contract of an accepted "
        "quote as a Word file (a new version when its data changed; the same version when not)."
    )
    async def generate_service_contract(
        self, info: Info, quote_id: strawberry.ID, party: ContractPartyInput | None = None
    ) -> DocumentPayload:
        principal = info.context.principal
        return payload(*await attempt(info, lambda: documents.generate_service_contract(principal, quote_id, party)))

    @strawberry.mutation(description="Finance: a draft invoice billing an accepted quote.")
    async def draft_invoice_from_quote(self, info: Info, quote_id: strawberry.ID) -> InvoicePayload:
        principal = info.context.principal
        return _invoice(*await attempt(info, lambda: invoices.draft_from_quote(principal, quote_id)))

    @strawberry.mutation(
        description="Finance: a draft invoice for an accepted milestone's share of the contract value (one is drafted "
        "automatically on acceptance; cancel it first to draft another, e.g. at another VAT rate)."
    )
    async def draft_invoice_for_milestone(
        self, info: Info, milestone_id: strawberry.ID, vat_rate: VatRate | None = None
    ) -> InvoicePayload:
        principal = info.context.principal
        return _invoice(*await attempt(info, lambda: invoices.draft_for_milestone(principal, milestone_id, vat_rate)))

    @strawberry.mutation(description="Finance: change a draft's buyer or terms; `version` must be the one you read.")
    async def update_invoice_draft(
        self, info: Info, id: strawberry.ID, version: int, input: InvoiceDraftInput
    ) -> InvoicePayload:
        principal = info.context.principal
        return _invoice(*await attempt(info, lambda: invoices.update_draft(principal, id, version, input)))

    @strawberry.mutation(description="Finance: issue a draft; it gets the next number and never changes again.")
    async def issue_invoice(self, info: Info, id: strawberry.ID, version: int) -> InvoicePayload:
        principal = info.context.principal
        return _invoice(*await attempt(info, lambda: invoices.issue(principal, id, version)))

    @strawberry.mutation(description="Finance: cancel a draft (an issued invoice is adjusted or replaced instead).")
    async def cancel_invoice_draft(self, info: Info, id: strawberry.ID, version: int, reason: str) -> InvoicePayload:
        principal = info.context.principal
        return _invoice(*await attempt(info, lambda: invoices.cancel_draft(principal, id, version, reason)))

    @strawberry.mutation(description="Finance: an adjustment invoice increasing or decreasing an issued invoice.")
    async def adjust_invoice(
        self, info: Info, id: strawberry.ID, direction: AdjustmentDirection, input: CorrectionInput
    ) -> InvoicePayload:
        principal, increase = info.context.principal, direction is AdjustmentDirection.INCREASE
        return _invoice(*await attempt(info, lambda: invoices.adjust(principal, id, increase, input)))

    @strawberry.mutation(description="Finance: a replacement invoice taking an issued invoice's place.")
    async def replace_invoice(self, info: Info, id: strawberry.ID, input: CorrectionInput) -> InvoicePayload:
        principal = info.context.principal
        return _invoice(*await attempt(info, lambda: invoices.replace(principal, id, input)))

    @strawberry.mutation(
        description="The customer billed starts paying an invoice's balance by card (Stripe): the answer's client "
        "secret goes to Stripe.js. Asking again returns the same attempt, never a second charge. Above 99,999,999 "
        "VND (Stripe's limit for one VND charge) the answer is CARD_LIMIT: pay by transfer (VietQR)."
    )
    async def start_card_payment(self, info: Info, invoice_id: strawberry.ID) -> CardPaymentPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: payments.start_card_payment(principal, invoice_id))
        return CardPaymentPayload(payment=CardPayment(row=row) if row else None, errors=errors)

    @strawberry.mutation(description="A guest starts paying an invoice by card, with the request's secret link token.")
    async def start_card_payment_as_guest(
        self, info: Info, token: str, invoice_id: strawberry.ID
    ) -> CardPaymentPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: payments.start_card_payment_as_guest(principal, token, invoice_id))
        return CardPaymentPayload(payment=CardPayment(row=row) if row else None, errors=errors)

    @strawberry.mutation(description="Finance: record a bank transfer received for an invoice.")
    async def record_transfer(self, info: Info, invoice_id: strawberry.ID, input: TransferInput) -> PaymentPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: payments.record_transfer(principal, invoice_id, input))
        return PaymentPayload(payment=Payment(row=row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Finance: refund all or part of a payment (never above what is left of it): through Stripe for "
        "a card payment, recorded for a transfer sent back."
    )
    async def refund_payment(self, info: Info, payment_id: strawberry.ID, amount: Vnd, reason: str) -> RefundPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: payments.refund_payment(principal, payment_id, amount, reason))
        return RefundPayload(refund=Refund(row=row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Finance: import the bank's CSV statement (multipart upload; the layout is the STATEMENT_LAYOUT "
        "setting). Lines are matched on the payment reference; nothing is applied twice."
    )
    async def import_bank_statement(self, info: Info, file: Upload) -> StatementPayload:
        principal = info.context.principal

        async def run() -> StatementImport:
            upload = await files.read_upload(file)
            done = await statements.import_statement(principal, upload.filename, upload.data)
            return StatementImport(
                id=strawberry.ID(str(done.statement["id"])),
                filename=done.statement["filename"],
                lines_read=int(done.statement["lines"]),
                new_lines=int(done.statement["new_lines"]),
                already_imported=done.already_imported,
                skipped_debits=done.skipped_debits,
                lines=[StatementLine(row=r) for r in done.lines],
            )

        imported, errors = await attempt(info, run)
        return StatementPayload(statement=imported, errors=errors)
