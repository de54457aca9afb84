"""Through GraphQL only: a guest submits, tracks, an operator moves the request through every state."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.tables import OutboxMessage as Notification
from tests.requests.helpers import PDF, TRACK, People, guest_input, local, move, plan_id, submit
from tests.support import Api


async def test_guest_submits_tracks_and_an_operator_moves_it_through_every_state(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))  # Friday morning
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    result = await submit(client, guest_input(plan, desiredStart="2026-03-20", notes="Cần 2 TB"))
    payload = result.data["submitServiceRequest"]
    assert payload["errors"] == []
    request = payload["request"]
    code = request["code"]
    assert code.startswith("TTCNTT-260313-0001-") and len(code) == len("TTCNTT-260313-0001-X7")
    assert request["status"] == "SUBMITTED"
    assert (request["unitAmount"], request["quantity"], request["amount"]) == (1_200_000, 2, 2_400_000)
    assert (request["vatRate"], request["vatAmount"], request["totalAmount"]) == ("10%", 240_000, 2_640_000)
    assert request["processingDays"] == 2
    assert request["contactPhone"] == "0912345678"
    assert request["documents"][0]["size"] == len(PDF)
    assert request["documents"][0]["contentType"] == "application/pdf"
    assert request["dueDate"] is None

    tracked = await client.gql(TRACK, {"code": code.lower(), "contact": "HOA@example.vn"})
    assert tracked.data["trackRequest"]["status"] == "SUBMITTED"
    assert tracked.data["trackRequest"]["steps"] == [
        {"action": "submit", "fromStatus": "", "toStatus": "submitted", "at": "2026-03-13T03:00:00+00:00"}
    ]

    received = await move(client, people.operator, code, "RECEIVE")
    # Friday 10:00 counts from Friday: 2 working days -> Tuesday 17 March.
    assert (received["status"], received["dueDate"]) == ("RECEIVED", "2026-03-17")
    frozen_now(local(2026, 3, 16, 9, 0))
    assert (await move(client, people.operator, code, "START"))["status"] == "PROCESSING"
    supplement = await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Thiếu chữ ký")
    assert supplement["status"] == "SUPPLEMENT_REQUESTED"
    assert [e["action"] for e in supplement["events"]] == ["submit", "receive", "start", "request_supplement"]
    assert supplement["events"][-1]["comment"] == "Thiếu chữ ký"
    assert supplement["events"][-1]["actor"] == "mot.cua@ttcntt.vn"

    tracked = await client.gql(TRACK, {"code": code, "contact": "0912.345.678"})
    assert tracked.data["trackRequest"]["status"] == "SUPPLEMENT_REQUESTED"
    assert tracked.data["trackRequest"]["dueDate"] == "2026-03-17"


async def test_a_customer_follows_a_request_to_completion_and_sees_history_and_due_date(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 2, 12, 16, 30))  # Thursday after the 15:00 cut-off, just before Tết 2026
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    created = await submit(client, {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1},
                           token=people.customer)  # fmt: skip
    request = created.data["submitServiceRequest"]["request"]
    code = request["code"]
    assert request["contactEmail"] == "khach@example.vn"
    received = await move(client, people.operator, code, "RECEIVE")
    # After the cut-off: counts from Friday 13; Tết 16-20 Feb: 2 working days -> Tuesday 24 Feb.
    assert received["dueDate"] == "2026-02-24"
    frozen_now(local(2026, 2, 13, 9, 0))
    await move(client, people.operator, code, "START")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bổ sung giấy phép")
    frozen_now(local(2026, 2, 24, 11, 0))  # the customer answers after Tết: Mon 23 + Tue 24 paused
    resubmitted = await move(client, people.customer, code, "RESUBMIT", "Đã bổ sung")
    assert (resubmitted["status"], resubmitted["dueDate"]) == ("RESUBMITTED", "2026-02-26")
    await move(client, people.operator, code, "START")
    await move(client, people.operator, code, "MARK_RESULT_READY")
    frozen_now(local(2026, 2, 25, 14, 0))
    done = await move(client, people.operator, code, "COMPLETE")
    assert done["status"] == "COMPLETED"
    assert done["completedAt"] == "2026-02-25T07:00:00+00:00"

    seen = (await client.gql("query ($c: String!) { serviceRequest(code: $c) { status dueDate events { action toStatus } } }",
                             {"c": code}, token=people.customer)).data["serviceRequest"]  # fmt: skip
    assert seen["dueDate"] == "2026-02-26"
    assert [(e["action"], e["toStatus"]) for e in seen["events"]] == [
        ("submit", "submitted"),
        ("receive", "received"),
        ("start", "processing"),
        ("request_supplement", "supplement_requested"),
        ("resubmit", "resubmitted"),
        ("start", "processing"),
        ("mark_result_ready", "result_ready"),
        ("complete", "completed"),
    ]
    mine = (
        await client.gql("{ myRequests { totalCount edges { node { code status } } } }", token=people.customer)
    ).data
    assert mine["myRequests"] == {"totalCount": 1, "edges": [{"node": {"code": code, "status": "COMPLETED"}}]}
    # One message per customer-visible step: submit, receive, supplement, result ready, complete.
    subjects = [row["subject"].split(" / ")[1] for row in await Notification.select().order_by(Notification.id)]
    assert subjects == [
        f"Request {code} submitted",
        f"Request {code} received",
        f"Request {code} needs more information",
        f"Result of request {code} is ready",
        f"Request {code} completed",
    ]
    assert {row["status"] for row in await Notification.select()} == {"skipped"}  # no SMTP configured


async def test_reject_with_reason_and_cancel_by_the_customer(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}
    first = (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]["code"]
    second = (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]["code"]
    rejected = await move(client, people.operator, first, "REJECT", "Không thuộc phạm vi")
    assert (rejected["status"], rejected["rejectionReason"]) == ("REJECTED", "Không thuộc phạm vi")
    cancelled = await move(client, people.customer, second, "CANCEL")
    assert cancelled["status"] == "CANCELLED"


async def test_the_owner_and_staff_download_a_document_and_nobody_else(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}
    request = (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]
    path = request["documents"][0]["downloadPath"]
    statuses = {}
    for who, token in (("owner", people.customer), ("operator", people.operator), ("other", people.other_customer),
                       ("other-department", people.other_operator), ("anonymous", None)):  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.http.get(path, headers=headers)
        statuses[who] = (response.status_code, response.content if response.status_code == 200 else None)
    assert statuses == {
        "owner": (200, PDF),
        "operator": (200, PDF),
        "other": (404, None),
        "other-department": (404, None),  # another department's request looks like an unknown one
        "anonymous": (401, None),
    }


async def test_a_resubmission_brings_more_documents_and_bad_files_change_nothing(client: Api, people: People) -> None:
    from tests.requests.helpers import resubmit, snapshot

    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}
    code = (await submit(client, base, token=people.customer)).data["submitServiceRequest"]["request"]["code"]
    await move(client, people.operator, code, "RECEIVE")
    await move(client, people.operator, code, "REQUEST_SUPPLEMENT", "Bản ký lại")
    before = await snapshot()
    bad = await resubmit(client, people.customer, code, [(0, "x.gif", b"GIF89a", "image/gif")])
    assert [(e["field"], e["code"]) for e in bad.data["resubmitServiceRequest"]["errors"]] == [
        ("documents.0.file", "FILE_TYPE_NOT_ALLOWED")
    ]
    other = await resubmit(client, people.other_customer, code, [(0, "a.pdf", PDF, "application/pdf")])
    assert [e["code"] for e in other.data["resubmitServiceRequest"]["errors"]] == ["NOT_FOUND"]
    assert await snapshot() == before
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    good = await resubmit(client, people.customer, code, [(0, "ky-lai.png", png, "image/png")])
    request = good.data["resubmitServiceRequest"]["request"]
    assert request["status"] == "RESUBMITTED"
    assert [(d["filename"], d["contentType"], d["size"]) for d in request["documents"]] == [
        ("don-de-nghi.pdf", "application/pdf", len(PDF)),
        ("ky-lai.png", "image/png", len(png)),
    ]
