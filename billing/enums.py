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
