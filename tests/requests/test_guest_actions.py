"""A guest (a request submitted without an account) answers for it with the secret link the center
e-mails: with the receipt (cancel before processing starts) and with every supplement request (send
documents, or cancel). An operator at the counter records a supplement brought in person."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from app.audit.tables import AuditEvent
from app.tables import OutboxMessage
from catalog.requests.tables import GuestLink, ServiceRequest
from tests.requests.helpers import (
    GUEST_CANCEL,
    GUEST_VIEW,
    ONE,
    PDF,
    RESUBMIT,
    TRANSITION,
    People,
    counter_supplement,
    guest_cancel,
    guest_input,
    guest_link,
    guest_links,
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
LINK_INVALID = {
    "field": "token",
    "code": "LINK_INVALID",
    "message": "Đường dẫn không hợp lệ; hãy dùng đường dẫn trong e-mail gần nhất của Trung tâm.",
    "messageVi": "Đường dẫn không hợp lệ; hãy dùng đường dẫn trong e-mail gần nhất của Trung tâm.",
    "messageEn": "The link is not valid; use the link in the center's latest e-mail.",
}


async def guest_request(client: Api) -> str:
    """A guest's request (contact: 0912 345 678, hoa@example.vn), SUBMITTED."""
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    payload = (await submit(client, guest_input(plan))).data["submitServiceRequest"]
    assert payload["errors"] == []
    return payload["request"]["code"]


async def status_of(code: str) -> str:
    row = await ServiceRequest.select(ServiceRequest.status).where(ServiceRequest.code == code).first()
    return str(row["status"])


async def staff_view(client: Api, people: People, code: str) -> dict[str, Any]:
    return (await client.gql(ONE, {"code": code}, token=people.operator)).data["serviceRequest"]


async def test_a_guest_request_goes_from_submission_to_completion_with_the_guest_answering_by_link(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    # received → supplement requested → resubmitted by the guest → processing → result ready → completed,
    # through GraphQL only; the guest's link comes from the e-mail asking for the supplement.
    frozen_now(local(2026, 2, 12, 16, 30))  # Thursday after the 15:00 cut-off, just before Tết 2026
    code = await guest_request(client)
    assert (await move(client, people.operator, code, "RECEIVE"))["dueDate"] == "2026-02-24"
    frozen_now(local(2026, 2, 13, 9, 0))
    await move(client, people.operator, code, "START")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung giấy phép")
    link = await guest_link(code)
    [message] = await OutboxMessage.select().where(OutboxMessage.subject.like("%needs more information"))
    assert message["recipient"] == "hoa@example.vn"
    assert f"http://127.0.0.1:8000/guest?token={link}" in message["body"]
    assert "hết hạn 2026-03-15" in message["body"] and "expires 2026-03-15" in message["body"]  # 30 days
    assert "Bổ sung giấy phép" in message["body"]
    frozen_now(local(2026, 2, 24, 11, 0))  # answered after Tết: Mon 23 + Tue 24 paused

    payload = await guest_resubmit(client, link, [(0, "ky-lai.png", PNG, "image/png")], "Đã ký lại")

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
    # the rest of the way, through GraphQL
    for action, status in (("START", "PROCESSING"), ("MARK_RESULT_READY", "RESULT_READY"), ("COMPLETE", "COMPLETED")):
        assert (await move(client, people.operator, code, action))["status"] == status
    subjects = [row["subject"].split(" / ")[1] for row in await OutboxMessage.select().order_by(OutboxMessage.id)]
    assert subjects == [
        f"Request {code} submitted",
        f"Request {code} received",
        f"Request {code} needs more information",
        f"Result of request {code} is ready",
        f"Request {code} completed",
    ]
    # the link now shows the finished request, and can no longer change it
    assert (await client.gql(GUEST_VIEW, {"token": link})).data["guestServiceRequest"]["status"] == "COMPLETED"
    late = await guest_cancel(client, link)
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("action", "INVALID_TRANSITION")]


async def test_only_the_hash_of_a_link_is_stored_and_each_link_says_why_it_was_sent(
    client: Api, people: People
) -> None:
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    receipt, supplement = await guest_links(code)
    rows = await GuestLink.select().order_by(GuestLink.id)
    assert [(r["purpose"], r["token_hash"]) for r in rows] == [
        ("submit", hashlib.sha256(receipt.encode()).hexdigest()),
        ("request_supplement", hashlib.sha256(supplement.encode()).hexdigest()),
    ]
    assert all(receipt not in str(r) and supplement not in str(r) for r in rows)
    assert len(receipt) == len("grl_") + 43 and receipt != supplement


async def test_a_guest_cancels_before_processing_with_the_link_of_the_receipt(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))
    code = await guest_request(client)
    link = await guest_link(code)  # sent with the receipt
    [receipt] = await OutboxMessage.select().where(OutboxMessage.subject.like("%submitted"))
    assert link in receipt["body"]
    await move(client, people.operator, code, "RECEIVE")
    frozen_now(local(2026, 3, 13, 11, 0))
    payload = await guest_cancel(client, link, "Không còn nhu cầu")
    assert payload["errors"] == []
    assert payload["request"]["status"] == "CANCELLED"
    assert payload["request"]["steps"][-1] == {
        "action": "cancel", "fromStatus": "received", "toStatus": "cancelled", "at": "2026-03-13T04:00:00+00:00",
    }  # fmt: skip
    event = (await staff_view(client, people, code))["events"][-1]
    assert (event["actor"], event["comment"]) == (GUEST, "Không còn nhu cầu")
    [message] = await OutboxMessage.select().where(OutboxMessage.subject.like("%cancelled"))
    assert (message["recipient"], message["subject"], message["status"]) == (
        "hoa@example.vn",
        f"Hồ sơ {code} đã hủy / Request {code} cancelled",
        "skipped",
    )
    again = await guest_cancel(client, link)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("action", "INVALID_TRANSITION")]


async def test_the_answer_is_the_tracking_view_without_personal_data(client: Api, people: People) -> None:
    code = await guest_request(client)
    link = await guest_link(code)
    leaking = GUEST_CANCEL.replace("code status", "code status contactEmail contactPhone events { actor }")
    result = await client.gql(leaking, {"token": link})
    assert result.status == 200 and result.body.get("data") is None
    assert {e["message"] for e in result.errors} == {
        "Cannot query field 'contactEmail' on type 'RequestTracking'.",
        "Cannot query field 'contactPhone' on type 'RequestTracking'.",
        "Cannot query field 'events' on type 'RequestTracking'.",
    }
    steps = "steps { actor comment changes }"
    view = await client.gql(GUEST_VIEW.replace("steps { action fromStatus toStatus at }", steps), {"token": link})
    assert view.data["guestServiceRequest"]["steps"] == [{"actor": None, "comment": None, "changes": None}]
    assert await status_of(code) == "submitted"


@pytest.mark.parametrize(
    "link", ["", "grl_", "grl_" + "A" * 43, "grl_" + "A" * 42 + "\x00", "x" * 10_000, "TTCNTT-260101-0001-AB"]
)
async def test_unknown_and_malformed_links_change_nothing(client: Api, people: People, link: str) -> None:
    code = await guest_request(client)
    before = await snapshot()
    assert await guest_cancel(client, link) == {"request": None, "errors": [LINK_INVALID]}
    assert await guest_resubmit(client, link, [(0, "a.pdf", PDF, "application/pdf")]) == {
        "request": None, "errors": [LINK_INVALID],
    }  # fmt: skip
    view = await client.gql(GUEST_VIEW, {"token": link})
    assert (view.body["data"], view.error_codes) == (None, ["LINK_INVALID"])
    assert await snapshot() == before
    assert await status_of(code) == "submitted"


async def test_a_link_expires(client: Api, people: People, frozen_now: Callable[[Any], None]) -> None:
    moment = local(2026, 3, 13, 10, 0)
    frozen_now(moment)
    code = await guest_request(client)
    link = await guest_link(code)
    frozen_now(moment + timedelta(days=30, seconds=1))
    before = await snapshot()
    payload = await guest_cancel(client, link)
    assert payload["request"] is None
    assert [(e["field"], e["code"], e["messageEn"]) for e in payload["errors"]] == [
        ("token", "LINK_EXPIRED", "The link has expired; contact the center or bring the documents to the counter.")
    ]
    assert await snapshot() == before
    frozen_now(moment + timedelta(days=29))
    assert (await guest_cancel(client, link))["request"]["status"] == "CANCELLED"


async def test_a_step_not_in_the_table_is_refused_and_changes_nothing(client: Api, people: People) -> None:
    code = await guest_request(client)
    link = await guest_link(code)
    early = await guest_resubmit(client, link)  # no supplement was asked for
    assert [(e["field"], e["code"]) for e in early["errors"]] == [("action", "INVALID_TRANSITION")]
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "START")
    before = await snapshot()
    late = await guest_cancel(client, link, "Hủy")
    assert late["request"] is None
    assert late["errors"] == [
        {
            "field": "action",
            "code": "INVALID_TRANSITION",
            "message": "Hồ sơ đang ở trạng thái 'processing' không thể thực hiện bước 'cancel'.",
            "messageVi": "Hồ sơ đang ở trạng thái 'processing' không thể thực hiện bước 'cancel'.",
            "messageEn": "A request that is 'processing' cannot take the step 'cancel'.",
        }
    ]
    assert await snapshot() == before


async def test_bad_files_of_a_guest_change_nothing(client: Api, people: People) -> None:
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    link = await guest_link(code)
    before = await snapshot()
    bad = await guest_resubmit(client, link, [(0, "x.gif", b"GIF89a", "image/gif")])
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("documents.0.file", "FILE_TYPE_NOT_ALLOWED")]
    unknown = await guest_resubmit(client, link, [(7, "a.pdf", PDF, "application/pdf")])
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("documents.0.requirement", "INVALID_REQUIREMENT")]
    assert await snapshot() == before


async def test_a_signed_in_customer_with_the_link_acts_as_the_guest(client: Api, people: People) -> None:
    code = await guest_request(client)
    link = await guest_link(code)
    payload = await guest_cancel(client, link, bearer=people.customer)
    assert (payload["errors"], payload["request"]["status"]) == ([], "CANCELLED")
    assert (await staff_view(client, people, code))["events"][-1]["actor"] == GUEST


async def test_staff_and_partner_keys_never_act_through_a_link(client: Api, people: People) -> None:
    code = await guest_request(client)
    link = await guest_link(code)
    before = await snapshot()
    for bearer in (people.operator, people.admin, people.manager):
        assert (await guest_cancel(client, link, bearer=bearer))["errors"][0]["code"] == "FORBIDDEN"
    assert await snapshot() == before


async def test_anonymous_callers_still_cannot_take_staff_or_signed_in_steps(client: Api, people: People) -> None:
    code = await guest_request(client)
    before = await snapshot()
    for action in ("RECEIVE", "REJECT", "CANCEL"):
        result = await client.gql(TRANSITION, {"code": code, "action": action, "comment": "x"})
        assert [e["code"] for e in result.data["transitionServiceRequest"]["errors"]] == ["UNAUTHENTICATED"]
    result = await client.gql(RESUBMIT, {"code": code, "comment": "x"})
    assert [e["code"] for e in result.data["resubmitServiceRequest"]["errors"]] == ["UNAUTHENTICATED"]
    assert await snapshot() == before


async def test_an_operator_records_a_supplement_brought_to_the_counter(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    # the same way as the guest's own answer, through GraphQL only
    frozen_now(local(2026, 3, 9, 9, 0))
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Mang bản gốc giấy phép")
    frozen_now(local(2026, 3, 11, 10, 0))
    payload = await counter_supplement(client, people.operator, code, [(0, "ban-goc.pdf", PDF, "application/pdf")],
                                       "Khách mang bản gốc")  # fmt: skip
    assert payload["errors"] == []
    request = payload["request"]
    assert (request["status"], request["version"]) == ("RESUBMITTED", 4)
    event = request["events"][-1]
    assert (event["action"], event["actor"], event["fromStatus"], event["toStatus"]) == (
        "resubmit", "mot.cua@ttcntt.vn", "supplement_requested", "resubmitted",
    )  # fmt: skip
    assert event["comment"] == (
        f"Tại quầy, thay mặt khách hàng / At the counter, for the customer ({GUEST})\nKhách mang bản gốc"
    )
    assert [d["filename"] for d in request["documents"]] == ["don-de-nghi.pdf", "ban-goc.pdf"]
    [told] = await OutboxMessage.select().where(OutboxMessage.subject.like("%Supplement to request%"))
    assert told["recipient"] == "hoa@example.vn"
    for action, status in (("START", "PROCESSING"), ("MARK_RESULT_READY", "RESULT_READY"), ("COMPLETE", "COMPLETED")):
        assert (await move(client, people.operator, code, action))["status"] == status


async def test_only_operators_of_the_department_record_at_the_counter(client: Api, people: People) -> None:
    code = await guest_request(client)
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung")
    before = await snapshot()
    for bearer, expected in (
        (people.other_operator, "NOT_FOUND"),
        (people.manager, "FORBIDDEN"),
        (people.customer, "FORBIDDEN"),
    ):
        assert (await counter_supplement(client, bearer, code))["errors"][0]["code"] == expected
    assert await snapshot() == before
    # and only when a supplement was asked for
    await counter_supplement(client, people.operator, code)
    again = await counter_supplement(client, people.operator, code)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("action", "INVALID_TRANSITION")]
