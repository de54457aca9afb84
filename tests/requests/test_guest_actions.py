"""A guest (a request submitted without an account) answers a supplement request or cancels, proving
ownership with the receipt code + the phone or e-mail given at submission: the check, the failure count
and the rate limit of public tracking. The answer is the public tracking view (no personal data)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from app.audit.tables import AuditEvent
from catalog.requests.tables import Notification, ServiceRequest
from tests.requests.helpers import (
    GUEST_CANCEL,
    ONE,
    PDF,
    RESUBMIT,
    TRACK,
    TRANSITION,
    People,
    attempts,
    guest_cancel,
    guest_input,
    guest_resubmit,
    local,
    move,
    plan_id,
    snapshot,
    submit,
)
from tests.support import Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
GUEST = "guest:hoa@example.vn"
NOT_FOUND = {
    "field": "code",
    "code": "NOT_FOUND",
    "message": "Không tìm thấy hồ sơ.",
    "messageVi": "Không tìm thấy hồ sơ.",
    "messageEn": "Request not found.",
}
RATE_LIMITED = {
    "field": "code",
    "code": "RATE_LIMITED",
    "message": "Bạn đã tra cứu sai quá nhiều lần; hãy thử lại sau.",
    "messageVi": "Bạn đã tra cứu sai quá nhiều lần; hãy thử lại sau.",
    "messageEn": "Too many failed lookups; try again later.",
}


async def guest_request(client: Api) -> str:
    """A guest's request (contact: 0912 345 678, hoa@example.vn), SUBMITTED."""
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    payload = (await submit(client, guest_input(plan))).data["submitServiceRequest"]
    assert payload["errors"] == []
    return payload["request"]["code"]


async def customer_request(client: Api, people: People) -> str:
    """A signed-in customer's request whose contact is also the guest's phone and e-mail."""
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    result = await submit(client, guest_input(plan), token=people.customer)
    return result.data["submitServiceRequest"]["request"]["code"]


async def status_of(code: str) -> str:
    row = await ServiceRequest.select(ServiceRequest.status).where(ServiceRequest.code == code).first()
    return str(row["status"])


async def staff_view(client: Api, people: People, code: str) -> dict[str, Any]:
    return (await client.gql(ONE, {"code": code}, token=people.operator)).data["serviceRequest"]


async def test_a_guest_answers_a_supplement_by_phone_with_a_document_and_the_due_date_moves(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    # the timeline of the signed-in customer's test (test_flow): the due date moves the same way
    frozen_now(local(2026, 2, 12, 16, 30))  # Thursday after the 15:00 cut-off, just before Tết 2026
    code = await guest_request(client)
    assert (await move(client, people.operator, code, "RECEIVE"))["dueDate"] == "2026-02-24"
    frozen_now(local(2026, 2, 13, 9, 0))
    await move(client, people.operator, code, "START")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung giấy phép")
    frozen_now(local(2026, 2, 24, 11, 0))  # answered after Tết: Mon 23 + Tue 24 paused

    payload = await guest_resubmit(client, code, "0912.345.678", [(0, "ky-lai.png", PNG, "image/png")], "Đã ký lại")

    assert payload["errors"] == []
    assert payload["request"] == {
        "code": code,
        "status": "RESUBMITTED",
        "dueDate": "2026-02-26",
        "promisedDate": None,
        "overdue": False,
        "service": {"code": "HTS-DC-03"},
        "steps": [
            {"action": "submit", "fromStatus": "", "toStatus": "submitted", "at": "2026-02-12T09:30:00+00:00"},
            {"action": "receive", "fromStatus": "submitted", "toStatus": "received", "at": "2026-02-12T09:30:00+00:00"},
            {"action": "start", "fromStatus": "received", "toStatus": "processing", "at": "2026-02-13T02:00:00+00:00"},
            {"action": "request_supplement", "fromStatus": "processing", "toStatus": "supplement_requested",
             "at": "2026-02-13T02:00:00+00:00"},
            {"action": "resubmit", "fromStatus": "supplement_requested", "toStatus": "resubmitted",
             "at": "2026-02-24T04:00:00+00:00"},
        ],
    }  # fmt: skip
    seen = await staff_view(client, people, code)
    assert (seen["status"], seen["dueDate"], seen["version"]) == ("RESUBMITTED", "2026-02-26", 5)
    assert seen["events"][-1] == {
        "action": "resubmit",
        "fromStatus": "supplement_requested",
        "toStatus": "resubmitted",
        "actor": GUEST,
        "comment": "Đã ký lại",
        "at": "2026-02-24T04:00:00+00:00",
    }
    assert [(d["requirement"], d["filename"], d["contentType"], d["size"]) for d in seen["documents"]] == [
        (0, "don-de-nghi.pdf", "application/pdf", len(PDF)),
        (0, "ky-lai.png", "image/png", len(PNG)),
    ]
    audit = await AuditEvent.select().where(AuditEvent.action == "request.resubmit")
    assert [(e["actor_id"], e["actor_label"], e["entity_id"]) for e in audit] == [(None, GUEST, code)]
    # as for a signed-in customer, a resubmission sends no message (the customer made it)
    subjects = [row["subject"].split(" / ")[1] for row in await Notification.select().order_by(Notification.id)]
    assert subjects == [
        f"Request {code} submitted",
        f"Request {code} received",
        f"Request {code} needs more information",
    ]
    assert await attempts() == 0


async def test_a_guest_answers_by_email_without_documents(client: Api, people: People) -> None:
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Ghi rõ dung lượng")
    payload = await guest_resubmit(client, code.lower(), " HOA@Example.vn ", comment="Cần 2 TB")
    assert payload["errors"] == []
    assert (payload["request"]["code"], payload["request"]["status"]) == (code, "RESUBMITTED")
    seen = await staff_view(client, people, code)
    assert [(e["action"], e["actor"], e["comment"]) for e in seen["events"]] == [
        ("submit", GUEST, ""),
        ("receive", "mot.cua@ttcntt.vn", ""),
        ("request_supplement", "mot.cua@ttcntt.vn", "Ghi rõ dung lượng"),
        ("resubmit", GUEST, "Cần 2 TB"),
    ]
    assert len(seen["documents"]) == 1
    # the operator takes it on again
    assert (await move(client, people.operator, code, "START"))["status"] == "PROCESSING"


@pytest.mark.parametrize(("received", "contact"), [(False, "hoa@example.vn"), (True, "0912345678")])
async def test_a_guest_cancels_before_processing_and_is_told_by_e_mail(
    client: Api, people: People, frozen_now: Callable[[Any], None], received: bool, contact: str
) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))
    code = await guest_request(client)
    if received:
        await move(client, people.operator, code, "RECEIVE")
    frozen_now(local(2026, 3, 13, 11, 0))
    payload = await guest_cancel(client, code, contact, "Không còn nhu cầu")
    assert payload["errors"] == []
    request = payload["request"]
    assert request["status"] == "CANCELLED"
    assert request["steps"][-1] == {
        "action": "cancel",
        "fromStatus": "received" if received else "submitted",
        "toStatus": "cancelled",
        "at": "2026-03-13T04:00:00+00:00",
    }
    event = (await staff_view(client, people, code))["events"][-1]
    assert (event["actor"], event["comment"]) == (GUEST, "Không còn nhu cầu")
    [message] = await Notification.select().where(Notification.subject.like("%cancelled"))
    assert (message["recipient"], message["subject"], message["status"]) == (
        "hoa@example.vn",
        f"Hồ sơ {code} đã hủy / Request {code} cancelled",
        "skipped",
    )
    assert "Không còn nhu cầu" in message["body"]
    # a second cancel is not in the table
    again = await guest_cancel(client, code, contact)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("action", "INVALID_TRANSITION")]


async def test_the_answer_is_the_tracking_view_without_personal_data(client: Api, people: People) -> None:
    code = await guest_request(client)
    leaking = GUEST_CANCEL.replace("code status", "code status contactEmail contactPhone events { actor }")
    result = await client.gql(leaking, {"code": code, "contact": "hoa@example.vn"})
    assert result.status == 200 and result.body.get("data") is None
    assert {e["message"] for e in result.errors} == {
        "Cannot query field 'contactEmail' on type 'RequestTracking'.",
        "Cannot query field 'contactPhone' on type 'RequestTracking'.",
        "Cannot query field 'events' on type 'RequestTracking'.",
    }
    assert await status_of(code) == "submitted"


async def test_a_wrong_contact_or_unknown_code_answers_not_found_and_changes_nothing(
    client: Api, people: People
) -> None:
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    before = await snapshot()
    wrong = await guest_resubmit(client, code, "ke.gian@example.vn", [(0, "a.pdf", PDF, "application/pdf")])
    other_phone = await guest_cancel(client, code, "0987654321")
    empty = await guest_cancel(client, code, "  ")
    unknown = await guest_cancel(client, "TTCNTT-260101-0001-AB", "hoa@example.vn")
    garbage = await guest_resubmit(client, "not a code", "hoa@example.vn")
    for payload in (wrong, other_phone, empty, unknown, garbage):
        assert payload == {"request": None, "errors": [NOT_FOUND]}
    assert await snapshot() == before
    assert await status_of(code) == "supplement_requested"
    assert await attempts() == 10  # one per key (code, client address) per failure


async def test_repeated_failures_are_rate_limited_even_with_the_right_contact_then_the_window_passes(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    moment = local(2026, 3, 13, 10, 0)
    frozen_now(moment)
    code = await guest_request(client)
    outcomes = [(await guest_cancel(client, code, "sai@example.vn"))["errors"][0]["code"] for _ in range(5)]
    assert outcomes == ["NOT_FOUND"] * 5
    before = await snapshot()
    for payload in (
        await guest_cancel(client, code, "hoa@example.vn"),
        await guest_resubmit(client, code, "0912345678"),
    ):
        assert payload == {"request": None, "errors": [RATE_LIMITED]}
    # the count is the one of public tracking: lookups are refused too, and the refusals add nothing
    assert (await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})).error_codes == ["RATE_LIMITED"]
    assert await snapshot() == before
    assert await attempts() == 10
    frozen_now(moment + timedelta(minutes=16))
    payload = await guest_cancel(client, code, "hoa@example.vn")
    assert (payload["errors"], payload["request"]["status"]) == ([], "CANCELLED")


async def test_failed_lookups_count_for_the_guest_actions(client: Api, people: People) -> None:
    code = await guest_request(client)
    for _ in range(5):
        assert (await client.gql(TRACK, {"code": code, "contact": "sai@example.vn"})).error_codes == ["NOT_FOUND"]
    assert (await guest_cancel(client, code, "hoa@example.vn"))["errors"] == [RATE_LIMITED]
    assert await status_of(code) == "submitted"


async def test_guessing_codes_from_one_client_address_is_rate_limited(client: Api, people: People) -> None:
    code = await guest_request(client)
    suffixes = [s for s in ("AA", "AB", "AC", "AD", "AE", "AF") if s != code[-2:]][:5]
    for suffix in suffixes:  # five different codes: each code's own count stays at one
        assert (await guest_cancel(client, code[:-2] + suffix, "hoa@example.vn"))["errors"] == [NOT_FOUND]
    assert (await guest_cancel(client, code, "hoa@example.vn"))["errors"] == [RATE_LIMITED]
    assert await status_of(code) == "submitted"


@pytest.mark.parametrize("signed_in", [False, True])
async def test_a_request_of_an_account_cannot_be_changed_by_code_and_contact(
    client: Api, people: People, signed_in: bool
) -> None:
    code = await customer_request(client, people)
    await move(client, people.operator, code, "RECEIVE")
    before = await snapshot()
    token = people.customer if signed_in else None  # even its own holder: signed in, use transitionServiceRequest
    assert await guest_cancel(client, code, "hoa@example.vn", token=token) == {"request": None, "errors": [NOT_FOUND]}
    assert await snapshot() == before
    assert await attempts() == 2  # counted like a wrong pair
    # public tracking still shows it with the same pair, and its holder cancels it signed in
    assert (await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})).data["trackRequest"]["status"] == (
        "RECEIVED"
    )
    assert (await move(client, people.customer, code, "CANCEL"))["status"] == "CANCELLED"


async def test_a_step_not_in_the_table_is_refused_and_changes_nothing(client: Api, people: People) -> None:
    code = await guest_request(client)
    early = await guest_resubmit(client, code, "hoa@example.vn")  # no supplement was asked for
    assert [(e["field"], e["code"]) for e in early["errors"]] == [("action", "INVALID_TRANSITION")]
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "START")
    before = await snapshot()
    late = await guest_cancel(client, code, "0912 345 678", "Hủy")
    assert late["request"] is None
    assert late["errors"] == [
        {
            "field": "action",
            "code": "INVALID_TRANSITION",
            "message": "Không thể 'cancel' hồ sơ đang ở trạng thái 'processing'.",
            "messageVi": "Không thể 'cancel' hồ sơ đang ở trạng thái 'processing'.",
            "messageEn": "Cannot 'cancel' a request that is 'processing'.",
        }
    ]
    assert await snapshot() == before
    assert await status_of(code) == "processing"
    assert await attempts() == 0  # the proof succeeded: not a failure


async def test_bad_files_of_a_guest_change_nothing(client: Api, people: People) -> None:
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    before = await snapshot()
    bad = await guest_resubmit(client, code, "hoa@example.vn", [(0, "x.gif", b"GIF89a", "image/gif")])
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("documents.0.file", "FILE_TYPE_NOT_ALLOWED")]
    unknown = await guest_resubmit(client, code, "hoa@example.vn", [(7, "a.pdf", PDF, "application/pdf")])
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("documents.0.requirement", "INVALID_REQUIREMENT")]
    assert await snapshot() == before
    assert await attempts() == 0


async def test_anonymous_callers_still_cannot_take_staff_or_signed_in_steps(client: Api, people: People) -> None:
    code = await guest_request(client)
    before = await snapshot()
    for action in ("RECEIVE", "REJECT", "CANCEL"):
        result = await client.gql(TRANSITION, {"code": code, "action": action, "comment": "x"})
        assert [e["code"] for e in result.data["transitionServiceRequest"]["errors"]] == ["UNAUTHENTICATED"]
    result = await client.gql(RESUBMIT, {"code": code, "comment": "x"})
    assert [e["code"] for e in result.data["resubmitServiceRequest"]["errors"]] == ["UNAUTHENTICATED"]
    assert await snapshot() == before


async def test_staff_may_not_act_as_the_guest(client: Api, people: People) -> None:
    code = await guest_request(client)
    before = await snapshot()
    for token in (people.operator, people.admin, people.manager):
        assert (await guest_cancel(client, code, "hoa@example.vn", token=token))["errors"][0]["code"] == "FORBIDDEN"
    assert await snapshot() == before
    assert await attempts() == 0
