"""The request operations in graphql/operations/requests_*.graphql run as published."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.requests.helpers import PDF, People, guest_link, move, plan_id, submit
from tests.support import Api

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def operation(name: str) -> str:
    return (OPERATIONS / name).read_text(encoding="utf-8")


def test_every_requests_operation_is_tested() -> None:
    assert sorted(p.name for p in OPERATIONS.glob("requests_*.graphql")) == [
        "requests_guest_cancel.graphql",
        "requests_guest_resubmit.graphql",
        "requests_submit.graphql",
        "requests_track.graphql",
    ]


async def test_a_guest_submits_with_a_file_and_tracks_the_request(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    variables = {
        "input": {
            "serviceCode": "HTS-DC-03", "planId": plan, "channel": "IN_PERSON", "quantity": 1,
            "contactName": "Phạm Minh C", "contactPhone": "0901234567", "contactEmail": "c@example.vn",
            "documents": [{"requirement": 0, "file": None}],
        }
    }  # fmt: skip
    response = await client.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": operation("requests_submit.graphql"), "variables": variables}),
            "map": json.dumps({"0": ["variables.input.documents.0.file"]}),
        },
        files={"0": ("don.pdf", PDF, "application/pdf")},
    )
    payload = response.json()["data"]["submitServiceRequest"]
    assert payload["errors"] == []
    request = payload["request"]
    assert (request["status"], request["totalAmount"], request["processingDays"]) == ("SUBMITTED", 1_320_000, 2)
    assert request["documents"] == [
        {"requirement": 0, "filename": "don.pdf", "size": len(PDF), "sha256": hashlib.sha256(PDF).hexdigest()}
    ]
    await move(client, people.operator, request["code"], "RECEIVE")
    tracked = await client.gql(operation("requests_track.graphql"), {"code": request["code"], "contact": "0901234567"})
    data = tracked.data["trackRequest"]
    assert (data["status"], data["service"]["code"], data["overdue"]) == ("RECEIVED", "HTS-DC-03", False)
    assert data["dueDate"] is not None
    assert [s["action"] for s in data["steps"]] == ["submit", "receive"]


async def test_a_guest_answers_a_supplement_with_a_file_then_another_request_is_cancelled(
    client: Api, people: People
) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    base = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1, "contactName": "Phạm Minh C",
            "contactPhone": "0901234567", "contactEmail": "c@example.vn"}  # fmt: skip
    first, second = [(await submit(client, base)).data["submitServiceRequest"]["request"]["code"] for _ in range(2)]
    await move(client, people.operator, first, "RECEIVE")
    await move(client, people.operator, first, "REQUEST_SUPPLEMENT", "Bản ký lại")
    variables = {
        "token": await guest_link(first),  # from the e-mail asking for the supplement
        "comment": "Đã ký",
        "documents": [{"requirement": 0, "file": None}],
    }
    response = await client.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": operation("requests_guest_resubmit.graphql"), "variables": variables}),
            "map": json.dumps({"0": ["variables.documents.0.file"]}),
        },
        files={"0": ("ky.pdf", PDF, "application/pdf")},
    )
    payload = response.json()["data"]["resubmitServiceRequestAsGuest"]
    assert payload["errors"] == []
    assert (payload["request"]["code"], payload["request"]["status"]) == (first, "RESUBMITTED")
    assert payload["request"]["dueDate"] is not None
    assert [s["action"] for s in payload["request"]["steps"]] == ["submit", "receive", "request_supplement", "resubmit"]
    cancelled = await client.gql(
        operation("requests_guest_cancel.graphql"), {"token": await guest_link(second), "comment": "Nhầm"}
    )
    payload = cancelled.data["cancelServiceRequestAsGuest"]
    assert (payload["errors"], payload["request"]["status"]) == ([], "CANCELLED")
    assert [s["toStatus"] for s in payload["request"]["steps"]] == ["submitted", "cancelled"]
