"""Service-request vocabularies. Values are stored in the database and published in the SDL."""

from enum import StrEnum


class RequestStatus(StrEnum):
    SUBMITTED = "submitted"
    RECEIVED = "received"
    PROCESSING = "processing"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    RESUBMITTED = "resubmitted"
    RESULT_READY = "result_ready"
    COMPLETED = "completed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class RequestAction(StrEnum):
    RECEIVE = "receive"
    START = "start"
    REQUEST_SUPPLEMENT = "request_supplement"
    RESUBMIT = "resubmit"
    MARK_RESULT_READY = "mark_result_ready"
    COMPLETE = "complete"
    REJECT = "reject"
    CANCEL = "cancel"


class Side(StrEnum):
    """Who takes a step: the center's staff, or the customer (signed in, or a guest through a link)."""

    STAFF = "staff"
    CUSTOMER = "customer"


class OverrideKind(StrEnum):
    EXTRA_DAY_OFF = "extra_day_off"
    EXTRA_WORKING_DAY = "extra_working_day"


# Statuses in which the clock runs (a request there can become overdue).
CLOCK_RUNNING = frozenset({RequestStatus.RECEIVED, RequestStatus.PROCESSING, RequestStatus.RESUBMITTED})
FINAL = frozenset({RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED})
