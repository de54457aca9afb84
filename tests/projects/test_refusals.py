"""Every refusal of the issue: a typed error with a stable code, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.projects.helpers import (
    ADD_MILESTONE,
    CREATE_PROJECT,
    MOVE_MILESTONE,
    MOVE_PROJECT,
    UPDATE_MILESTONE,
    UPDATE_PROJECT,
    People,
    create_project,
    milestone_input,
    project_input,
    written,
)
from tests.support import Api


def codes(payload: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def refused(
    client: Api, query: str, variables: dict[str, Any], token: str, name: str
) -> list[tuple[str, str | None]]:
    """Runs a mutation that must be refused; asserts that no row changed and returns its (code, field)s."""
    before = await written()
    result = await client.gql(query, variables, token=token)
    payload = result.data[name]
    assert payload[next(k for k in payload if k != "errors")] is None
    assert await written() == before
    for error in payload["errors"]:
        assert error["messageVi"] and error["messageEn"] and error["messageVi"] != error["messageEn"]
    return codes(payload)


async def test_dates_out_of_order_are_refused(client: Api, people: People) -> None:
    variables = {"input": project_input(plannedStart="2027-01-01", plannedEnd="2026-12-31")}
    assert await refused(client, CREATE_PROJECT, variables, people.admin, "createProject") == [
        ("DATES_OUT_OF_ORDER", "plannedEnd")
    ]
    variables = {"input": project_input(), "milestones": [milestone_input("Sai ngày", "2027-02-01", "2027-01-01")]}
    assert await refused(client, CREATE_PROJECT, variables, people.admin, "createProject") == [
        ("DATES_OUT_OF_ORDER", "milestones.0.dueDate")
    ]
    project = await create_project(client, people)
    m = project["milestones"][2]
    variables = {"id": m["id"], "version": m["version"], "input": {"plannedStart": "2027-04-01"}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("DATES_OUT_OF_ORDER", "dueDate")
    ]


async def test_a_due_date_moves_only_with_a_reason(client: Api, people: People) -> None:
    m = (await create_project(client, people))["milestones"][2]
    variables = {"id": m["id"], "version": m["version"], "input": {"dueDate": "2027-04-30"}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("REASON_REQUIRED", "dueDateReason")
    ]


@pytest.mark.parametrize("progress", [-1, 101, 1000])
async def test_progress_outside_0_to_100_is_refused(client: Api, people: People, progress: int) -> None:
    m = (await create_project(client, people))["milestones"][2]
    variables = {"id": m["id"], "version": m["version"], "input": {"progress": progress}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("PROGRESS_OUT_OF_RANGE", "progress")
    ]
    variables = {
        "input": project_input(),
        "milestones": [milestone_input("X", "2027-01-01", "2027-02-01", progress=progress)],
    }
    assert await refused(client, CREATE_PROJECT, variables, people.admin, "createProject") == [
        ("PROGRESS_OUT_OF_RANGE", "milestones.0.progress")
    ]


async def test_shares_over_100_percent_are_refused(client: Api, people: People) -> None:
    plan = [milestone_input("A", "2027-01-01", "2027-02-01", shareBasisPoints=6000),
            milestone_input("B", "2027-01-01", "2027-02-01", shareBasisPoints=4001)]  # fmt: skip
    variables = {"input": project_input(), "milestones": plan}
    assert await refused(client, CREATE_PROJECT, variables, people.admin, "createProject") == [
        ("SHARES_OVER_100", "shareBasisPoints")
    ]
    project = await create_project(client, people)  # shares already sum to 10000
    variables = {
        "projectCode": "PPP-DC-01",
        "input": milestone_input("Thêm", "2027-07-01", "2027-07-31", shareBasisPoints=1),
    }
    assert await refused(client, ADD_MILESTONE, variables, people.manager, "addMilestone") == [
        ("SHARES_OVER_100", "shareBasisPoints")
    ]
    m = project["milestones"][1]
    variables = {"id": m["id"], "version": m["version"], "input": {"shareBasisPoints": 1001}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("SHARES_OVER_100", "shareBasisPoints")
    ]
    variables = {"id": m["id"], "version": m["version"], "input": {"shareBasisPoints": 10001}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("SHARE_OUT_OF_RANGE", "shareBasisPoints")
    ]


async def test_a_dependency_cycle_is_refused(client: Api, people: People) -> None:
    project = await create_project(client, people)
    a, b, c = project["milestones"][1:4]
    b = (await client.gql(UPDATE_MILESTONE, {"id": b["id"], "version": b["version"], "input": {"dependsOn": [a["id"]]}},
                          token=people.manager)).data["updateMilestone"]["milestone"]  # fmt: skip
    c = (await client.gql(UPDATE_MILESTONE, {"id": c["id"], "version": c["version"], "input": {"dependsOn": [b["id"]]}},
                          token=people.manager)).data["updateMilestone"]["milestone"]  # fmt: skip
    assert (b["dependsOn"], c["dependsOn"]) == ([a["id"]], [b["id"]])
    variables = {"id": a["id"], "version": a["version"], "input": {"dependsOn": [c["id"]]}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("DEPENDENCY_CYCLE", "dependsOn")
    ]
    variables = {"id": a["id"], "version": a["version"], "input": {"dependsOn": [a["id"]]}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("DEPENDENCY_CYCLE", "dependsOn")
    ]
    # A milestone cannot start before its predecessors are accepted.
    variables = {"id": b["id"], "version": b["version"], "to": "IN_PROGRESS"}
    assert await refused(client, MOVE_MILESTONE, variables, people.manager, "moveMilestone") == [
        ("PREDECESSORS_NOT_ACCEPTED", "to")
    ]
    other = await create_project(client, people, code="KHAC-01")
    variables = {"id": a["id"], "version": a["version"], "input": {"dependsOn": [other["milestones"][0]["id"]]}}
    assert await refused(client, UPDATE_MILESTONE, variables, people.manager, "updateMilestone") == [
        ("UNKNOWN_MILESTONE", "dependsOn")
    ]


@pytest.mark.parametrize(
    ("path", "to", "code"),
    [
        ([], "ACCEPTED", "INVALID_TRANSITION"),  # planned -> accepted skips the workflow
        ([], "SUBMITTED", "INVALID_TRANSITION"),
        ([], "RETURNED", "INVALID_TRANSITION"),
        (["IN_PROGRESS"], "PLANNED", "INVALID_TRANSITION"),
        (["IN_PROGRESS", "SUBMITTED"], "BLOCKED", "INVALID_TRANSITION"),
        (["IN_PROGRESS", "SUBMITTED"], "CANCELLED", "INVALID_TRANSITION"),
    ],
)
async def test_a_transition_not_in_the_table_is_refused(
    client: Api, people: People, path: list[str], to: str, code: str
) -> None:
    m = (await create_project(client, people))["milestones"][2]
    for status in path:
        m = (await client.gql(MOVE_MILESTONE, {"id": m["id"], "version": m["version"], "to": status},
                              token=people.manager)).data["moveMilestone"]["milestone"]  # fmt: skip
    variables = {"id": m["id"], "version": m["version"], "to": to, "comment": "lý do"}
    assert await refused(client, MOVE_MILESTONE, variables, people.manager, "moveMilestone") == [(code, "to")]


async def test_project_lifecycle_refuses_a_transition_not_in_the_table(client: Api, people: People) -> None:
    await create_project(client, people)
    variables = {"code": "PPP-DC-01", "version": 1, "to": "COMPLETED"}
    assert await refused(client, MOVE_PROJECT, variables, people.manager, "moveProject") == [
        ("INVALID_TRANSITION", "to")
    ]
    variables = {"code": "PPP-DC-01", "version": 1, "to": "CANCELLED"}
    assert await refused(client, MOVE_PROJECT, variables, people.manager, "moveProject") == [
        ("REASON_REQUIRED", "comment")
    ]
    moved = await client.gql(
        MOVE_PROJECT, {"code": "PPP-DC-01", "version": 1, "to": "PREPARATION"}, token=people.manager
    )
    assert moved.data["moveProject"]["project"] == {"code": "PPP-DC-01", "status": "PREPARATION", "version": 2}


async def test_reasons_are_required_to_return_block_or_cancel(client: Api, people: People) -> None:
    m = (await create_project(client, people))["milestones"][2]
    for to in ("BLOCKED", "CANCELLED"):
        variables = {"id": m["id"], "version": m["version"], "to": to, "comment": "  "}
        assert await refused(client, MOVE_MILESTONE, variables, people.manager, "moveMilestone") == [
            ("REASON_REQUIRED", "comment")
        ]
    variables = {"id": m["id"], "version": m["version"], "to": "IN_PROGRESS",
                 "evidence": [{"name": "a.pdf", "url": "https://x.vn/a.pdf"}]}  # fmt: skip
    assert await refused(client, MOVE_MILESTONE, variables, people.manager, "moveMilestone") == [
        ("EVIDENCE_ONLY_ON_SUBMISSION", "evidence")
    ]


async def test_a_stale_version_is_refused(client: Api, people: People) -> None:
    project = await create_project(client, people)
    m = project["milestones"][2]
    first = await client.gql(
        UPDATE_MILESTONE, {"id": m["id"], "version": 1, "input": {"progress": 20}}, token=people.manager
    )
    assert first.data["updateMilestone"]["milestone"]["version"] == 2
    for query, variables, name in [
        (UPDATE_MILESTONE, {"id": m["id"], "version": 1, "input": {"progress": 30}}, "updateMilestone"),
        (MOVE_MILESTONE, {"id": m["id"], "version": 1, "to": "IN_PROGRESS"}, "moveMilestone"),
    ]:
        assert await refused(client, query, variables, people.co_manager, name) == [("STALE_VERSION", "version")]
    updated = await client.gql(UPDATE_PROJECT, {"code": "PPP-DC-01", "version": 1, "input": {"nameEn": "Data center"}},
                               token=people.manager)  # fmt: skip
    assert updated.data["updateProject"]["project"]["version"] == 2
    variables = {"code": "PPP-DC-01", "version": 1, "input": {"nameEn": "Other"}}
    assert await refused(client, UPDATE_PROJECT, variables, people.co_manager, "updateProject") == [
        ("STALE_VERSION", "version")
    ]
    variables = {"code": "PPP-DC-01", "version": 1, "to": "PREPARATION"}
    assert await refused(client, MOVE_PROJECT, variables, people.manager, "moveProject") == [
        ("STALE_VERSION", "version")
    ]
    final = await client.gql("query { project(code: \"PPP-DC-01\") { version name milestones { progress version } } }",
                             token=people.admin)  # fmt: skip
    assert final.data["project"]["version"] == 2
    assert final.data["project"]["milestones"][2] == {"progress": 20, "version": 2}


async def test_a_manager_of_another_project_is_refused(client: Api, people: People) -> None:
    project = await create_project(client, people)
    m = project["milestones"][2]
    calls = [
        (UPDATE_PROJECT, {"code": "PPP-DC-01", "version": 1, "input": {"nameEn": "Mine"}}, "updateProject"),
        (MOVE_PROJECT, {"code": "PPP-DC-01", "version": 1, "to": "PREPARATION"}, "moveProject"),
        (
            ADD_MILESTONE,
            {"projectCode": "PPP-DC-01", "input": milestone_input("X", "2027-01-01", "2027-01-02")},
            "addMilestone",
        ),
        (UPDATE_MILESTONE, {"id": m["id"], "version": 1, "input": {"progress": 50}}, "updateMilestone"),
        (MOVE_MILESTONE, {"id": m["id"], "version": 1, "to": "IN_PROGRESS"}, "moveMilestone"),
    ]
    for query, variables, name in calls:
        assert await refused(client, query, variables, people.other_manager, name) == [("NOT_MANAGER_OF_PROJECT", None)]


async def test_partner_key_without_the_scope_and_internal_projects_asked_publicly(client: Api, people: People) -> None:
    await create_project(client, people, visibility="INTERNAL")
    before = await written()
    query = "query ($code: String!) { publicProject(code: $code) { code } }"
    no_scope = await client.gql(query, {"code": "PPP-DC-01"}, token=people.catalog_key)
    assert no_scope.error_codes == ["FORBIDDEN"]
    listed = await client.gql("{ publicProjects { edges { node { code } } } }", token=people.catalog_key)
    assert listed.error_codes == ["FORBIDDEN"]
    for token in (people.partner_key, people.customer, None):
        internal = await client.gql(query, {"code": "PPP-DC-01"}, token=token)
        assert internal.error_codes == ["NOT_FOUND"]
        assert internal.errors[0]["extensions"]["field"] == "code"
        listed = await client.gql("{ publicProjects { totalCount } }", token=token)
        assert listed.data["publicProjects"]["totalCount"] == 0
    for path in ("/projects/PPP-DC-01/ocds.json", "/projects/PPP-DC-01/gantt.svg"):
        assert (await client.http.get(path, headers={"X-API-Key": people.partner_key})).status_code == 404
        response = await client.http.get(path, headers={"X-API-Key": people.catalog_key})
        assert (response.status_code, response.json()["error"]["code"]) == (403, "FORBIDDEN")
        response = await client.http.get(path)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "NOT_FOUND")
        staff = await client.http.get(path, headers={"Authorization": f"Bearer {people.operator}"})
        assert staff.status_code == 200
    response = await client.http.get("/projects/PPP-DC-01/ocds.json", headers={"Authorization": "Bearer wrong"})
    assert (response.status_code, response.json()["error"]["code"]) == (401, "TOKEN_INVALID")
    assert await written() == before


async def test_staff_queries_refuse_everyone_else(client: Api, people: People) -> None:
    for query in ("{ projects { totalCount } }", "{ overdueMilestones { totalCount } }",
                  "{ milestonesDue(days: 7) { totalCount } }", '{ project(code: "X") { code } }'):  # fmt: skip
        assert (await client.gql(query)).error_codes == ["UNAUTHENTICATED"]
        assert (await client.gql(query, token=people.partner_key)).error_codes == ["FORBIDDEN"]
        assert (await client.gql(query, token=people.customer)).error_codes == ["FORBIDDEN"]
    assert (await client.gql("{ milestonesDue(days: 400) { totalCount } }", token=people.operator)).error_codes == [
        "INVALID_DAYS"
    ]
    assert (await client.gql("{ projects(first: 101) { totalCount } }", token=people.operator)).error_codes == [
        "PAGE_SIZE_TOO_LARGE"
    ]


async def test_project_input_refusals(client: Api, people: People) -> None:
    cases = [
        (project_input(pppStage=None), [("PPP_FIELD_REQUIRED", "pppStage")]),
        (
            project_input(kind="RESEARCH"),
            [("PPP_FIELD_NOT_ALLOWED", "pppContractType"), ("PPP_FIELD_NOT_ALLOWED", "pppStage")],
        ),
        (project_input(stateCapitalAmount=-1), [("NEGATIVE_AMOUNT", "stateCapitalAmount")]),
        (project_input(departmentCode="NOPE"), [("UNKNOWN_DEPARTMENT", "departmentCode")]),
        (project_input(code="bad code!"), [("INVALID_CODE", "code")]),
        (project_input(partnerIds=["999"]), [("NOT_A_BUSINESS_PARTNER", "partnerIds")]),
    ]
    for variables, expected in cases:
        assert await refused(client, CREATE_PROJECT, {"input": variables}, people.admin, "createProject") == expected
    variables = {"input": project_input(), "managerIds": [people.operator and "1"]}
    assert await refused(client, CREATE_PROJECT, variables, people.admin, "createProject") == [
        ("NOT_A_PROJECT_MANAGER", "managerIds")
    ]
    await create_project(client, people)
    assert await refused(client, CREATE_PROJECT, {"input": project_input()}, people.admin, "createProject") == [
        ("CODE_TAKEN", "code")
    ]


async def test_lists_are_capped(client: Api, people: People) -> None:
    plan = [milestone_input(f"M{n}", "2027-01-01", "2027-02-01") for n in range(101)]
    result = await refused(
        client, CREATE_PROJECT, {"input": project_input(), "milestones": plan}, people.admin, "createProject"
    )
    assert result == [("TOO_MANY", "milestones")]
    variables = {"input": project_input(), "managerIds": [str(n) for n in range(1, 22)]}
    assert await refused(client, CREATE_PROJECT, variables, people.admin, "createProject") == [
        ("TOO_MANY", "managerIds")
    ]
    project = await create_project(client, people)
    m = project["milestones"][2]
    for progress in (20, 30, 40):
        m = (await client.gql(UPDATE_MILESTONE, {"id": m["id"], "version": m["version"], "input": {"progress": progress}},
                              token=people.manager)).data["updateMilestone"]["milestone"]  # fmt: skip
    query = 'query ($last: Int!) { project(code: "PPP-DC-01") { milestones { history(last: $last) { action } } } }'
    last_two = await client.gql(query, {"last": 2}, token=people.operator)
    assert last_two.data["project"]["milestones"][2]["history"] == [{"action": "milestone.update"}] * 2
    assert (await client.gql(query, {"last": 201}, token=people.operator)).error_codes == ["INVALID_PAGE_SIZE"]
