"""Billing vocabularies. Values are stored in the database and published in the SDL."""

from enum import StrEnum


class QuoteStatus(StrEnum):
    SENT = "sent"  # sent to the customer, waiting for an answer
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"  # not answered before its validity date
    SUPERSEDED = "superseded"  # a later revision replaced it


class QuoteAction(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    EXPIRE = "expire"
    SUPERSEDE = "supersede"


class InvoiceStatus(StrEnum):
    DRAFT = "draft"  # not numbered yet; editable (buyer, terms), or cancelled
    ISSUED = "issued"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    REPLACED = "replaced"  # a replacement invoice took its place
    CANCELLED = "cancelled"  # only a draft can be cancelled


class InvoiceAction(StrEnum):
    ISSUE = "issue"
    CANCEL = "cancel"
    PAY_PART = "pay_part"
    PAY_IN_FULL = "pay_in_full"
    REFUND_PART = "refund_part"  # some of what was paid is refunded
    REFUND_ALL = "refund_all"  # everything paid is refunded
    REPLACE = "replace"


class InvoiceKind(StrEnum):
    """TCHDon in the e-invoice XML: a replacement (1) or an adjustment (2) references the original."""

    ORIGINAL = "original"
    REPLACEMENT = "replacement"
    ADJUSTMENT = "adjustment"


class InvoiceSource(StrEnum):
    """What an invoice bills."""

    QUOTE = "quote"  # an accepted quote of a service request
    MILESTONE = "milestone"  # an accepted project milestone's payment share
    CORRECTION = "correction"  # an adjustment or replacement of another invoice


class BuyerKind(StrEnum):
    ORGANIZATION = "organization"  # a business or agency: name, tax code (MST), address
    INDIVIDUAL = "individual"  # a person: name; CCCD / personal tax code optional


class LineSource(StrEnum):
    REQUEST = "request"  # the request's own plan, at the price captured at submission
    FEE = "fee"  # the channel's fee captured at submission
    PLAN = "plan"  # another plan added by the operator, at the price in force
    MILESTONE = "milestone"
    MANUAL = "manual"  # written by finance (corrections)


class AdjustmentDirection(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class PaymentMethod(StrEnum):
    CARD = "card"  # through Stripe
    TRANSFER = "transfer"  # a bank transfer (VietQR or by hand), from a statement line or recorded by finance


class AttemptStatus(StrEnum):
    """A card payment attempt: our own id is the guarantee against double charges."""

    CREATED = "created"  # a PaymentIntent exists, waiting for the customer's card
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class RefundStatus(StrEnum):
    PENDING = "pending"  # asked of Stripe, not confirmed yet
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class LineStatus(StrEnum):
    """A bank statement line, once matched (never dropped)."""

    MATCHED = "matched"  # the invoice's balance exactly
    PARTIAL = "partial"  # less than the balance: applied, the rest still owed
    OVERPAID = "overpaid"  # more than the balance: applied, the excess listed for finance
    UNMATCHED = "unmatched"  # no payment reference found, or no invoice owing: listed for finance
