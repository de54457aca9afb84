"""Authorization matrix over every projects mutation: who may call it, and what a refusal writes (nothing)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.projects.helpers import (
    ADD_MILESTONE,
    CREATE_PROJECT,
    MOVE_MILESTONE,
    MOVE_PROJECT,
    SET_MANAGERS,
    UPDATE_MILESTONE,
    UPDATE_PROJECT,
    People,
    create_project,
    milestone_input,
    project_input,
    written,
)
from tests.support import Api

CALLERS = ["anonymous", "customer", "partner_key", "operator", "other_manager", "manager", "admin"]

NOT_MINE = "NOT_MANAGER_OF_PROJECT"
EXPECTED: dict[str, dict[str, str | None]] = {
    # None: allowed
    "createProject": {"anonymous": "UNAUTHENTICATED", "customer": "FORBIDDEN", "partner_key": "FORBIDDEN",
                      "operator": "FORBIDDEN", "other_manager": "FORBIDDEN", "manager": "FORBIDDEN", "admin": None},
    "setProjectManagers": {"anonymous": "UNAUTHENTICATED", "customer": "FORBIDDEN", "partner_key": "FORBIDDEN",
                           "operator": "FORBIDDEN", "other_manager": "FORBIDDEN", "manager": "FORBIDDEN", "admin": None},
}  # fmt: skip
for _name in ("updateProject", "moveProject", "addMilestone", "updateMilestone", "moveMilestone"):
    EXPECTED[_name] = {"anonymous": "UNAUTHENTICATED", "customer": "FORBIDDEN", "partner_key": "FORBIDDEN",
                       "operator": "FORBIDDEN", "other_manager": NOT_MINE, "manager": None, "admin": None}  # fmt: skip


def token_of(people: People, caller: str) -> str | None:
    return None if caller == "anonymous" else getattr(people, caller)


def call(name: str, people: People, milestone_id: str) -> tuple[str, dict[str, Any]]:
    return {
        "createProject": (CREATE_PROJECT, {"input": project_input("MOI-01")}),
        "setProjectManagers": (SET_MANAGERS, {"code": "PPP-DC-01", "version": 1, "managerIds": [people.other_manager_id]}),
        "updateProject": (UPDATE_PROJECT, {"code": "PPP-DC-01", "version": 1, "input": {"nameEn": "Renamed"}}),
        "moveProject": (MOVE_PROJECT, {"code": "PPP-DC-01", "version": 1, "to": "PREPARATION"}),
        "addMilestone": (ADD_MILESTONE, {"projectCode": "PPP-DC-01", "input": milestone_input("Mới", "2027-01-01", "2027-01-31")}),
        "updateMilestone": (UPDATE_MILESTONE, {"id": milestone_id, "version": 1, "input": {"progress": 35}}),
        "moveMilestone": (MOVE_MILESTONE, {"id": milestone_id, "version": 1, "to": "IN_PROGRESS"}),
    }[name]  # fmt: skip


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("name", list(EXPECTED))
async def test_authorization_matrix(client: Api, people: People, name: str, caller: str) -> None:
    project = await create_project(client, people)
    query, variables = call(name, people, project["milestones"][2]["id"])
    before = await written()

    result = await client.gql(query, variables, token=token_of(people, caller))

    payload = result.data[name]
    expected = EXPECTED[name][caller]
    if expected is None:
        assert payload["errors"] == []
        assert await written() != before
    else:
        assert [e["code"] for e in payload["errors"]] == [expected]
        assert next(v for k, v in payload.items() if k != "errors") is None
        assert await written() == before


async def test_four_eyes_applies_to_admin_too(client: Api, people: People) -> None:
    """An admin who submitted a milestone cannot accept it either; the project's manager can."""
    project = await create_project(client, people)
    m = project["milestones"][2]
    for to in ("IN_PROGRESS", "SUBMITTED"):
        m = (await client.gql(MOVE_MILESTONE, {"id": m["id"], "version": m["version"], "to": to},
                              token=people.admin)).data["moveMilestone"]["milestone"]  # fmt: skip
    before = await written()
    own = await client.gql(
        MOVE_MILESTONE, {"id": m["id"], "version": m["version"], "to": "ACCEPTED"}, token=people.admin
    )
    assert [e["code"] for e in own.data["moveMilestone"]["errors"]] == ["FOUR_EYES"]
    own = await client.gql(MOVE_MILESTONE, {"id": m["id"], "version": m["version"], "to": "RETURNED", "comment": "x"},
                           token=people.admin)  # fmt: skip
    assert [e["code"] for e in own.data["moveMilestone"]["errors"]] == ["FOUR_EYES"]
    assert await written() == before
    other = await client.gql(
        MOVE_MILESTONE, {"id": m["id"], "version": m["version"], "to": "ACCEPTED"}, token=people.manager
    )
    assert other.data["moveMilestone"]["milestone"]["status"] == "ACCEPTED"


async def test_admin_names_managers_who_then_may_edit(client: Api, people: People) -> None:
    await create_project(client, people)
    named = await client.gql(SET_MANAGERS, {"code": "PPP-DC-01", "version": 1, "managerIds": [people.other_manager_id]},
                             token=people.admin)  # fmt: skip
    assert named.data["setProjectManagers"]["project"] == {
        "code": "PPP-DC-01", "version": 2, "managers": [{"email": "quanly.khac@ttcntt.vn"}],
    }  # fmt: skip
    moved = await client.gql(
        MOVE_PROJECT, {"code": "PPP-DC-01", "version": 2, "to": "PREPARATION"}, token=people.other_manager
    )
    assert moved.data["moveProject"]["errors"] == []
    refused = await client.gql(
        MOVE_PROJECT, {"code": "PPP-DC-01", "version": 3, "to": "IMPLEMENTATION"}, token=people.manager
    )
    assert [e["code"] for e in refused.data["moveProject"]["errors"]] == ["NOT_MANAGER_OF_PROJECT"]
