"""The service-request workflow as ONE transition table: (from, action) -> (to, who may do it).

The clock pauses while a supplement is requested (supplement_requested) and restarts on resubmit.
"""

from __future__ import annotations

from catalog.requests.enums import Actor, RequestAction, RequestStatus

S, A = RequestStatus, RequestAction

TRANSITIONS: dict[tuple[RequestStatus, RequestAction], tuple[RequestStatus, Actor]] = {
    (S.SUBMITTED, A.RECEIVE): (S.RECEIVED, Actor.STAFF),
    (S.SUBMITTED, A.REJECT): (S.REJECTED, Actor.STAFF),
    (S.SUBMITTED, A.CANCEL): (S.CANCELLED, Actor.CUSTOMER),
    (S.RECEIVED, A.START): (S.PROCESSING, Actor.STAFF),
    (S.RECEIVED, A.REQUEST_SUPPLEMENT): (S.SUPPLEMENT_REQUESTED, Actor.STAFF),
    (S.RECEIVED, A.REJECT): (S.REJECTED, Actor.STAFF),
    (S.RECEIVED, A.CANCEL): (S.CANCELLED, Actor.CUSTOMER),
    (S.PROCESSING, A.REQUEST_SUPPLEMENT): (S.SUPPLEMENT_REQUESTED, Actor.STAFF),
    (S.PROCESSING, A.MARK_RESULT_READY): (S.RESULT_READY, Actor.STAFF),
    (S.PROCESSING, A.REJECT): (S.REJECTED, Actor.STAFF),
    (S.SUPPLEMENT_REQUESTED, A.RESUBMIT): (S.RESUBMITTED, Actor.CUSTOMER),
    (S.SUPPLEMENT_REQUESTED, A.REJECT): (S.REJECTED, Actor.STAFF),
    (S.RESUBMITTED, A.START): (S.PROCESSING, Actor.STAFF),
    (S.RESUBMITTED, A.REQUEST_SUPPLEMENT): (S.SUPPLEMENT_REQUESTED, Actor.STAFF),
    (S.RESUBMITTED, A.REJECT): (S.REJECTED, Actor.STAFF),
    (S.RESULT_READY, A.COMPLETE): (S.COMPLETED, Actor.STAFF),
}

# Transitions the customer is told about (an outbox message each).
CUSTOMER_VISIBLE = frozenset({A.RECEIVE, A.REQUEST_SUPPLEMENT, A.MARK_RESULT_READY, A.COMPLETE, A.REJECT, A.CANCEL})


def target(current: RequestStatus, action: RequestAction) -> tuple[RequestStatus, Actor] | None:
    return TRANSITIONS.get((current, action))
