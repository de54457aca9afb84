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
