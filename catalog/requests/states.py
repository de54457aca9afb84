"""The service-request workflow as ONE transition table: (from, action, to, who takes it).

The clock pauses while a supplement is requested (supplement_requested) and restarts on resubmit.
"""

from __future__ import annotations

from app.errors import Noun
from app.states import Lifecycle, table
from catalog.requests.enums import RequestAction, RequestStatus, Side

REQUEST = Noun("hồ sơ", "request")

S, A = RequestStatus, RequestAction
STAFF, CUSTOMER = Side.STAFF.value, Side.CUSTOMER.value

REQUEST_LIFECYCLE: Lifecycle[RequestStatus, RequestAction] = Lifecycle(
    REQUEST,
    table(
        [
            (S.SUBMITTED, A.RECEIVE, S.RECEIVED, STAFF),
            (S.SUBMITTED, A.REJECT, S.REJECTED, STAFF),
            (S.SUBMITTED, A.CANCEL, S.CANCELLED, CUSTOMER),
            (S.RECEIVED, A.START, S.PROCESSING, STAFF),
            (S.RECEIVED, A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, STAFF),
            (S.RECEIVED, A.REJECT, S.REJECTED, STAFF),
            (S.RECEIVED, A.CANCEL, S.CANCELLED, CUSTOMER),
            (S.PROCESSING, A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, STAFF),
            (S.PROCESSING, A.MARK_RESULT_READY, S.RESULT_READY, STAFF),
            (S.PROCESSING, A.REJECT, S.REJECTED, STAFF),
            (S.SUPPLEMENT_REQUESTED, A.RESUBMIT, S.RESUBMITTED, CUSTOMER),
            (S.SUPPLEMENT_REQUESTED, A.REJECT, S.REJECTED, STAFF),
            (S.RESUBMITTED, A.START, S.PROCESSING, STAFF),
            (S.RESUBMITTED, A.REQUEST_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, STAFF),
            (S.RESUBMITTED, A.REJECT, S.REJECTED, STAFF),
            (S.RESULT_READY, A.COMPLETE, S.COMPLETED, STAFF),
        ]
    ),
)

# Transitions the customer is told about (an outbox message each).
CUSTOMER_VISIBLE = frozenset({A.RECEIVE, A.REQUEST_SUPPLEMENT, A.MARK_RESULT_READY, A.COMPLETE, A.REJECT, A.CANCEL})
# Steps that need a written reason.
REASON_REQUIRED = frozenset({A.REJECT, A.REQUEST_SUPPLEMENT})
