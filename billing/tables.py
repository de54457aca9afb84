from typing import Any

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

# Other domains' tables are referenced by name (a database foreign key), never imported.
ServiceRequest = LazyTableReference("ServiceRequest", app_name="requests")
Milestone = LazyTableReference("Milestone", app_name="projects")
Account = LazyTableReference("Account", app_name="auth")


class Quote(Table, tablename="quote"):
    """A priced offer for a service request; revisions supersede earlier ones, at most one is accepted."""

    id: Serial  # created by Piccolo; declared for type checkers
    request: ForeignKey[Any] = ForeignKey(ServiceRequest, on_delete=OnDelete.restrict, index=True)
    revision = Integer()  # 1, 2, … per request
    department = BigInt()  # the request's department: its operators quote
    customer: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    status = Varchar(length=20, index=True)  # QuoteStatus
    valid_until = Date()  # local date; the last day it can be accepted
    note = Text(default="")
    amount = BigInt()  # totals of the lines: before VAT (after discounts), VAT, payable, discounts
    vat_amount = BigInt()
    total_amount = BigInt()
    discount_amount = BigInt(default=0)
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    decided_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=254, default="")  # who accepted or declined (e-mail or guest:<e-mail>)
    version = Integer(default=1)
    # unique (request, revision), and at most one accepted quote per request: unique indexes in the
    # second migration (a partial index where status = 'accepted')


class QuoteLine(Table, tablename="quote_line"):
    id: Serial  # created by Piccolo; declared for type checkers
    quote: ForeignKey[Any] = ForeignKey(Quote, on_delete=OnDelete.cascade, index=True)
    position = Integer()
    source = Varchar(length=20)  # LineSource
    plan_id = BigInt(null=True, default=None)  # the catalog plan, when the line is one
    name_vi = Varchar(length=500)
    name_en = Varchar(length=500, default="")
    unit = Varchar(length=40, default="")
    quantity = Integer()
    unit_amount = BigInt()
    discount_amount = BigInt(default=0)
    vat_rate = Varchar(length=8)  # VatRate
    amount = BigInt()  # quantity × unit price − discount
    vat_amount = BigInt()
    total_amount = BigInt()


class Invoice(Table, tablename="invoice"):
    """A VAT invoice (hóa đơn GTGT). Numbered from 1 per template+symbol when issued, without gaps; once
    issued its lines and totals never change (corrections are adjustment or replacement invoices)."""

    id: Serial  # created by Piccolo; declared for type checkers
    kind = Varchar(length=20)  # InvoiceKind
    source = Varchar(length=20)  # InvoiceSource
    status = Varchar(length=20, index=True)  # InvoiceStatus
    template = Varchar(length=1)  # KHMSHDon: 1 = VAT invoice
    symbol = Varchar(length=6)  # KHHDon, e.g. C26TAA
    number = Integer(null=True, default=None)  # SHDon: set on issue
    issue_date = Date(null=True, default=None, index=True)  # NLap, local date
    issued_at = Timestamptz(null=True, default=None)
    due_date = Date(null=True, default=None, index=True)
    payment_terms = Text(default="")
    payment_reference = Varchar(length=40, unique=True)  # the transfer memo that identifies the invoice
    quote: ForeignKey[Any] = ForeignKey(Quote, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    request: ForeignKey[Any] = ForeignKey(
        ServiceRequest, on_delete=OnDelete.restrict, null=True, default=None, index=True
    )
    milestone: ForeignKey[Any] = ForeignKey(Milestone, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    original: ForeignKey[Any] = ForeignKey("self", on_delete=OnDelete.restrict, null=True, default=None, index=True)
    reason = Text(default="")  # why an adjustment or replacement was made
    department = BigInt(null=True, default=None)
    customer: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    buyer_kind = Varchar(length=20)  # BuyerKind
    buyer_name = Varchar(length=300)
    buyer_tax_code = Varchar(length=14, default="")  # MST (10, or 13 written with -), or a 12-digit personal code
    buyer_citizen_id = Varchar(length=12, default="")
    buyer_address = Varchar(length=500, default="")
    buyer_email = Varchar(length=254, default="")
    amount = BigInt()  # signed: a decrease adjustment is negative
    vat_amount = BigInt()
    total_amount = BigInt()
    discount_amount = BigInt(default=0)
    amount_paid = BigInt(default=0)
    overdue = Boolean(default=False, index=True)
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    version = Integer(default=1)
    # unique (template, symbol, number) and one live invoice per quote / per milestone: indexes in the
    # second migration; lines and totals of an issued invoice are guarded by triggers there too


class InvoiceLine(Table, tablename="invoice_line"):
    """Append-only: never updated or deleted (a trigger refuses it), so an issued invoice cannot change."""

    id: Serial  # created by Piccolo; declared for type checkers
    invoice: ForeignKey[Any] = ForeignKey(Invoice, on_delete=OnDelete.restrict, index=True)
    position = Integer()
    source = Varchar(length=20)  # LineSource
    plan_id = BigInt(null=True, default=None)
    name_vi = Varchar(length=500)
    name_en = Varchar(length=500, default="")
    unit = Varchar(length=40, default="")
    quantity = Integer()
    unit_amount = BigInt()
    discount_amount = BigInt(default=0)
    vat_rate = Varchar(length=8)
    amount = BigInt()  # signed like the invoice's
    vat_amount = BigInt()
    total_amount = BigInt()


class PaymentAttempt(Table, tablename="payment_attempt"):
    """One try at paying an invoice by card: a Stripe PaymentIntent created with our id as idempotency key."""

    id: Serial  # created by Piccolo; declared for type checkers
    invoice: ForeignKey[Any] = ForeignKey(Invoice, on_delete=OnDelete.restrict, index=True)
    amount = BigInt()
    status = Varchar(length=20, index=True)  # AttemptStatus
    stripe_intent = Varchar(length=100, default="", index=True)
    client_secret = Varchar(length=300, default="", secret=True)
    failure = Text(default="")
    started_by = Varchar(length=254)  # e-mail or guest:<e-mail>
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Payment(Table, tablename="payment"):
    """Money received for an invoice. A card payment is unique by its PaymentIntent, a transfer from a
    statement by its line: indexes in the migration."""

    id: Serial  # created by Piccolo; declared for type checkers
    invoice: ForeignKey[Any] = ForeignKey(Invoice, on_delete=OnDelete.restrict, index=True)
    method = Varchar(length=20)  # PaymentMethod
    amount = BigInt()
    overpaid_amount = BigInt(default=0)  # the part above the balance when it arrived, listed for finance
    received_at = Timestamptz()
    reference = Varchar(length=120, default="")  # the PaymentIntent, or the bank's reference
    attempt = BigInt(null=True, default=None)
    statement_line = BigInt(null=True, default=None)
    note = Text(default="")
    recorded_by = Varchar(length=254)
    created_at = Timestamptz(default=TimestamptzNow())


class Refund(Table, tablename="refund"):
    id: Serial  # created by Piccolo; declared for type checkers
    payment: ForeignKey[Any] = ForeignKey(Payment, on_delete=OnDelete.restrict, index=True)
    amount = BigInt()
    reason = Text()
    status = Varchar(length=20)  # RefundStatus
    stripe_refund = Varchar(length=100, default="")
    created_by = Varchar(length=254)
    created_at = Timestamptz(default=TimestamptzNow())


class StripeEvent(Table, tablename="stripe_event"):
    """Each webhook event once, by its id (a unique key): a replay or a concurrent duplicate applies nothing."""

    id: Serial  # created by Piccolo; declared for type checkers
    event_id = Varchar(length=100, unique=True)
    type = Varchar(length=100)
    received_at = Timestamptz(default=TimestamptzNow())
    outcome = Text(default="")


class BankStatement(Table, tablename="bank_statement"):
    id: Serial  # created by Piccolo; declared for type checkers
    filename = Varchar(length=255)
    sha256 = Varchar(length=64)
    imported_by = Varchar(length=254)
    imported_at = Timestamptz(default=TimestamptzNow())
    lines = Integer(default=0)  # lines read
    new_lines = Integer(default=0)  # lines not seen in an earlier import


class StatementLine(Table, tablename="statement_line"):
    """A credit line of a bank statement, kept whatever happens to it (never dropped)."""

    id: Serial  # created by Piccolo; declared for type checkers
    statement: ForeignKey[Any] = ForeignKey(BankStatement, on_delete=OnDelete.restrict, index=True)
    line_number = Integer()
    fingerprint = Varchar(length=64, unique=True)  # the same line imported twice is recognised
    booked_on = Date()
    amount = BigInt()
    description = Text(default="")
    bank_reference = Varchar(length=120, default="")
    status = Varchar(length=20, index=True)  # LineStatus
    invoice = BigInt(null=True, default=None)
    payment = BigInt(null=True, default=None)
    note = Text(default="")
