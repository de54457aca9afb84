"""An internal project does not exist for anyone who may not read it: every project mutation answers them
exactly as it answers an unknown code or id (same field, code and messages), and writes nothing. Before,
the same calls answered UNAUTHENTICATED or FORBIDDEN, which told the public the code was taken."""

from __future__ import annotations

from typing import Any

import pytest

from tests.projects.helpers import (
    ADD_MILESTONE,
    MOVE_MILESTONE,
    MOVE_PROJECT,
    UPDATE_MILESTONE,
    UPDATE_PROJECT,
    People,
    create_project,
    milestone_input,
    written,
)
from tests.support import Api

APPENDIX = "mutation ($code: String!) { generateProjectAppendix(projectCode: $code) { document { id } errors { field code message messageVi messageEn } } }"
MINUTES = "mutation ($id: ID!) { generateAcceptanceMinutes(milestoneId: $id) { document { id } errors { field code message messageVi messageEn } } }"

OUTSIDERS = ["anonymous", "customer", "partner_account", "partner_key"]
UNKNOWN_CODE, UNKNOWN_ID = "KHONG-CO-01", "987654"


def calls(code: str, milestone_id: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "updateProject": (UPDATE_PROJECT, {"code": code, "version": 1, "input": {"nameEn": "Renamed"}}),
        "moveProject": (MOVE_PROJECT, {"code": code, "version": 1, "to": "PREPARATION"}),
        "addMilestone": (ADD_MILESTONE, {"projectCode": code, "input": milestone_input("Mới", "2027-01-01", "2027-01-31")}),
        "updateMilestone": (UPDATE_MILESTONE, {"id": milestone_id, "version": 1, "input": {"progress": 35}}),
        "moveMilestone": (MOVE_MILESTONE, {"id": milestone_id, "version": 1, "to": "IN_PROGRESS"}),
        "generateProjectAppendix": (APPENDIX, {"code": code}),
        "generateAcceptanceMinutes": (MINUTES, {"id": milestone_id}),
    }  # fmt: skip


EXPECTED_FIELD = {
    "updateProject": "code",
    "moveProject": "code",
    "addMilestone": "code",
    "updateMilestone": "id",
    "moveMilestone": "id",
    "generateProjectAppendix": "projectCode",
    "generateAcceptanceMinutes": "milestoneId",
}


def token_of(people: People, caller: str) -> dict[str, str]:
    if caller == "anonymous":
        return {}
    if caller == "partner_key":
        return {"X-API-Key": people.partner_key}
    return {"Authorization": f"Bearer {getattr(people, caller)}"}


@pytest.mark.parametrize("caller", OUTSIDERS)
async def test_an_internal_project_answers_outsiders_as_an_unknown_code(
    client: Api, people: People, caller: str
) -> None:
    # given an internal project (the private partner is one of its parties, and still may not see it)
    project = await create_project(client, people, visibility="INTERNAL")
    milestone_id = project["milestones"][2]["id"]
    before = await written()
    for name, (query, variables) in calls(project["code"], milestone_id).items():
        # when an outsider calls the mutation on it, and on a code and an id that do not exist
        hidden = await client.gql(query, variables, headers=token_of(people, caller))
        _, unknown_variables = calls(UNKNOWN_CODE, UNKNOWN_ID)[name]
        unknown = await client.gql(query, unknown_variables, headers=token_of(people, caller))
        # then both answers are the same NOT_FOUND, word for word
        assert hidden.status == unknown.status == 200
        errors = hidden.data[name]["errors"]
        assert errors == unknown.data[name]["errors"], (name, caller)
        assert [(e["field"], e["code"]) for e in errors] == [(EXPECTED_FIELD[name], "NOT_FOUND")], (name, caller)
    assert await written() == before


async def test_a_public_project_still_asks_anonymous_callers_to_sign_in(client: Api, people: People) -> None:
    # a public project is known to everyone: hiding it would be pointless, and the refusal is the usual one
    project = await create_project(client, people, visibility="PUBLIC")
    result = await client.gql(UPDATE_PROJECT, {"code": project["code"], "version": 1, "input": {"nameEn": "X"}})
    assert [e["code"] for e in result.data["updateProject"]["errors"]] == ["UNAUTHENTICATED"]
    result = await client.gql(
        UPDATE_PROJECT, {"code": project["code"], "version": 1, "input": {"nameEn": "X"}}, token=people.customer
    )
    assert [e["code"] for e in result.data["updateProject"]["errors"]] == ["FORBIDDEN"]


async def test_staff_still_see_an_internal_project_and_get_their_usual_refusal(client: Api, people: People) -> None:
    project = await create_project(client, people, visibility="INTERNAL")
    variables = {"code": project["code"], "version": 1, "input": {"nameEn": "X"}}
    assert [e["code"] for e in (await client.gql(UPDATE_PROJECT, variables, token=people.operator)).data["updateProject"]["errors"]] == ["FORBIDDEN"]  # fmt: skip
    other = await client.gql(UPDATE_PROJECT, variables, token=people.other_manager)
    assert [e["code"] for e in other.data["updateProject"]["errors"]] == ["NOT_MANAGER_OF_PROJECT"]


async def test_http_routes_hide_an_internal_project_too(client: Api, people: People) -> None:
    project = await create_project(client, people, visibility="INTERNAL")
    for route in ("gantt.svg", "ocds.json"):
        hidden = await client.http.get(f"/projects/{project['code']}/{route}")
        unknown = await client.http.get(f"/projects/{UNKNOWN_CODE}/{route}")
        assert hidden.status_code == unknown.status_code == 404
        assert hidden.json()["error"] == unknown.json()["error"]
        assert hidden.json()["error"]["code"] == "NOT_FOUND"
