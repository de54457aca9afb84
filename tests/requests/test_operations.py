"""The request operations in graphql/operations/requests_*.graphql run as published."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tests.requests.helpers import PDF, People, move, plan_id
from tests.support import Api

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def operation(name: str) -> str:
    return (OPERATIONS / name).read_text(encoding="utf-8")


def test_every_requests_operation_is_tested() -> None:
    assert sorted(p.name for p in OPERATIONS.glob("requests_*.graphql")) == [
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
