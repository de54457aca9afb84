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
    """A day against the standard week (Monday-Friday work, Saturday-Sunday rest)."""

    EXTRA_DAY_OFF = "extra_day_off"
    EXTRA_WORKING_DAY = "extra_working_day"


class DayOrigin(StrEnum):
    """Where a non-standard day comes from. PACKAGE is never stored: it is the `holidays` package's answer."""

    SCHEDULE = "schedule"  # the announced schedule shipped as data (catalog/requests/data/working_calendar.json)
    ADMIN = "admin"  # setWorkingDayOverride
    PACKAGE = "package"


# Statuses in which the clock runs (a request there can become overdue).
CLOCK_RUNNING = frozenset({RequestStatus.RECEIVED, RequestStatus.PROCESSING, RequestStatus.RESUBMITTED})
FINAL = frozenset({RequestStatus.COMPLETED, RequestStatus.REJECTED, RequestStatus.CANCELLED})
