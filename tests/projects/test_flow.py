"""The issue's "done when", through GraphQL (and the two HTTP routes) only."""

from __future__ import annotations

from typing import Any

from tests.projects.helpers import (
    ADD_MILESTONE,
    MOVE_MILESTONE,
    PORTFOLIO,
    PROJECT,
    UPDATE_MILESTONE,
    People,
    create_project,
)
from tests.projects.ocds_schema import errors as ocds_errors
from tests.support import Api

PUBLIC_PROJECT = """
query ($code: String!) {
  publicProject(code: $code) {
    code name kind pppContractType pppStage sponsorAgency status health totalInvestmentAmount
    partners { name taxCode } ganttUrl ocdsUrl
    milestones { title type code plannedStart dueDate dateMet progress status }
  }
}
"""


async def move(client: Api, token: str, milestone: dict[str, Any], to: str, **extra: Any) -> dict[str, Any]:
    result = await client.gql(
        MOVE_MILESTONE, {"id": milestone["id"], "version": milestone["version"], "to": to, **extra}, token=token
    )
    payload = result.data["moveMilestone"]
    assert payload["errors"] == [], (to, payload["errors"])
    return payload["milestone"]


async def update(
    client: Api, token: str, milestone: dict[str, Any], comment: str | None = None, **fields: Any
) -> dict[str, Any]:
    result = await client.gql(
        UPDATE_MILESTONE,
        {"id": milestone["id"], "version": milestone["version"], "input": fields, "comment": comment},
        token=token,
    )
    payload = result.data["updateMilestone"]
    assert payload["errors"] == [], payload["errors"]
    return payload["milestone"]


async def portfolio(client: Api, token: str, **filter: Any) -> list[dict[str, Any]]:
    result = await client.gql(PORTFOLIO, {"filter": filter or None}, token=token)
    return [edge["node"] for edge in result.data["projects"]["edges"]]


async def test_admin_creates_a_ppp_project_with_milestones(client: Api, people: People) -> None:
    project = await create_project(client, people)

    assert {k: project[k] for k in ("code", "kind", "pppContractType", "pppStage", "status", "visibility", "version")} == {
        "code": "PPP-DC-01", "kind": "PPP", "pppContractType": "BOT", "pppStage": "CONSTRUCTION",
        "status": "IDENTIFICATION", "visibility": "PUBLIC", "version": 1,
    }  # fmt: skip
    assert project["stateCapitalAmount"] == 120_000_000_000
    assert project["privateCapitalAmount"] == 2_880_000_000_000
    assert project["totalInvestmentAmount"] == 3_000_000_000_000
    assert project["department"] == {"code": "HTS"}
    assert project["managers"] == [
        {"email": "quanly.a@ttcntt.vn", "fullName": "Cán bộ thử nghiệm"},
        {"email": "quanly.b@ttcntt.vn", "fullName": "Cán bộ thử nghiệm"},
    ]
    assert project["partners"] == [{"name": "Công ty ABC", "taxCode": "0100109106"}]
    assert project["shareTotalBasisPoints"] == 10_000
    assert project["ganttUrl"] == "http://127.0.0.1:8000/projects/PPP-DC-01/gantt.svg"
    assert project["ocdsUrl"] == "http://127.0.0.1:8000/projects/PPP-DC-01/ocds.json"
    milestones = project["milestones"]
    assert [m["position"] for m in milestones] == [1, 2, 3, 4]
    assert [m["status"] for m in milestones] == ["PLANNED"] * 4
    assert [m["dueDate"] for m in milestones] == ["2026-10-31", "2026-11-30", "2027-03-31", "2027-06-30"]
    assert [m["baselineDueDate"] for m in milestones] == [m["dueDate"] for m in milestones]
    assert [m["shareAmount"] for m in milestones] == [0, 300_000_000_000, 1_500_000_000_000, 1_200_000_000_000]
    assert [m["code"] for m in milestones] == ["PROJECT_APPROVAL", "COMMERCIAL_CLOSE", None, "COMMISSIONING"]
    # 1 December 2026: the first two milestones are past due and not accepted.
    assert [m["health"] for m in milestones] == ["LATE", "LATE", "ON_TRACK", "ON_TRACK"]
    assert project["health"] == "LATE"
    assert project["slippageDays"] == 0


async def test_manager_moves_a_milestone_through_every_state_and_another_accepts(client: Api, people: People) -> None:
    project = await create_project(client, people)
    first = project["milestones"][0]

    step = await move(client, people.manager, first, "BLOCKED", comment="Chờ ý kiến Sở Tài chính")
    assert (step["status"], step["statusReason"], step["version"]) == ("BLOCKED", "Chờ ý kiến Sở Tài chính", 2)
    step = await move(client, people.manager, step, "PLANNED")
    step = await move(client, people.manager, step, "IN_PROGRESS", comment="Bắt đầu")
    assert step["actualStart"] == "2026-12-01"
    evidence = [{"name": "Quyết định phê duyệt.pdf", "url": "https://tailieu.thanhhoa.gov.vn/qd-123.pdf",
                 "mediaType": "application/pdf", "sha256": "ab" * 32}]  # fmt: skip
    step = await move(client, people.manager, step, "SUBMITTED", evidence=evidence)
    step = await move(client, people.co_manager, step, "RETURNED", comment="Thiếu chữ ký")
    assert (step["status"], step["statusReason"]) == ("RETURNED", "Thiếu chữ ký")
    step = await move(client, people.manager, step, "IN_PROGRESS")
    step = await move(client, people.manager, step, "SUBMITTED", comment="Đã bổ sung")

    own = await client.gql(
        MOVE_MILESTONE, {"id": step["id"], "version": step["version"], "to": "ACCEPTED"}, token=people.manager
    )
    assert [(e["code"], e["field"]) for e in own.data["moveMilestone"]["errors"]] == [("FOUR_EYES", "to")]

    accepted = await move(client, people.co_manager, step, "ACCEPTED", comment="Đạt")
    assert {k: accepted[k] for k in ("status", "progress", "actualEnd", "ocdsStatus", "version", "statusReason")} == {
        "status": "ACCEPTED", "progress": 100, "actualEnd": "2026-12-01", "ocdsStatus": "MET", "version": 9,
        "statusReason": "",
    }  # fmt: skip
    assert accepted["evidence"] == [
        {"name": "Quyết định phê duyệt.pdf", "url": "https://tailieu.thanhhoa.gov.vn/qd-123.pdf",
         "mediaType": "application/pdf", "sha256": "ab" * 32}
    ]  # fmt: skip
    history = [(h["actor"], h["action"], h["fromStatus"], h["toStatus"], h["comment"]) for h in accepted["history"]]
    a, b = "quanly.a@ttcntt.vn", "quanly.b@ttcntt.vn"
    assert history == [
        ("admin@ttcntt.vn", "milestone.create", "", "planned", ""),
        (a, "milestone.block", "planned", "blocked", "Chờ ý kiến Sở Tài chính"),
        (a, "milestone.unblock", "blocked", "planned", ""),
        (a, "milestone.start", "planned", "in_progress", "Bắt đầu"),
        (a, "milestone.submit", "in_progress", "submitted", ""),
        (b, "milestone.return", "submitted", "returned", "Thiếu chữ ký"),
        (a, "milestone.resume", "returned", "in_progress", ""),
        (a, "milestone.submit", "in_progress", "submitted", "Đã bổ sung"),
        (b, "milestone.accept", "submitted", "accepted", "Đạt"),
    ]

    # The seventh state: a milestone added later, then cancelled with a reason.
    added = await client.gql(
        ADD_MILESTONE,
        {"projectCode": "PPP-DC-01", "input": {"titleVi": "Báo cáo giữa kỳ", "type": "REPORTING",
                                               "plannedStart": "2027-01-01", "dueDate": "2027-01-31"}},
        token=people.manager,
    )  # fmt: skip
    extra = added.data["addMilestone"]["milestone"]
    assert (extra["position"], extra["status"], extra["shareBasisPoints"]) == (5, "PLANNED", 0)
    cancelled = await move(client, people.manager, extra, "CANCELLED", comment="Gộp vào báo cáo năm")
    assert (cancelled["status"], cancelled["ocdsStatus"]) == ("CANCELLED", "NOT_MET")


async def test_portfolio_shows_health_and_slippage(client: Api, people: People) -> None:
    project = await create_project(client, people)
    first, second = project["milestones"][0], project["milestones"][1]
    await create_project(client, people, code="CDS-01", kind="DIGITAL_TRANSFORMATION", pppContractType=None,
                         pppStage=None, visibility="INTERNAL",
                         milestones=[{"titleVi": "Khảo sát", "type": "ASSESSMENT", "plannedStart": "2026-11-01",
                                      "dueDate": "2027-02-28", "progress": 30}])  # fmt: skip

    nodes = await portfolio(client, people.operator)
    assert [(n["code"], n["health"], n["slippageDays"]) for n in nodes] == [
        ("PPP-DC-01", "LATE", 0),
        ("CDS-01", "ON_TRACK", 0),
    ]
    overdue = await client.gql("{ overdueMilestones { totalCount edges { node { title dueDate project { code } } } } }",
                               token=people.operator)  # fmt: skip
    assert overdue.data["overdueMilestones"]["totalCount"] == 2
    assert [e["node"]["title"] for e in overdue.data["overdueMilestones"]["edges"]] == [
        "Phê duyệt chủ trương",
        "Ký hợp đồng",
    ]

    # Accept the first; move the second's due date by 20 days with a reason, progress behind plan.
    step = await move(client, people.manager, first, "IN_PROGRESS")
    step = await move(client, people.manager, step, "SUBMITTED")
    await move(client, people.co_manager, step, "ACCEPTED")
    second = await update(
        client, people.manager, second, dueDate="2026-12-20", dueDateReason="Nhà đầu tư xin lùi", progress=40
    )
    assert (second["dueDate"], second["baselineDueDate"], second["slippageDays"], second["expectedProgress"]) == (
        "2026-12-20",
        "2026-11-30",
        20,
        61,
    )
    assert second["history"][-1]["comment"] == "Nhà đầu tư xin lùi"
    nodes = await portfolio(client, people.operator, kinds=["PPP"])
    assert [(n["code"], n["health"], n["slippageDays"]) for n in nodes] == [("PPP-DC-01", "AT_RISK", 20)]
    assert [(m["title"], m["baselineDueDate"], m["dueDate"], m["slippageDays"]) for m in nodes[0]["milestones"]][
        :2
    ] == [
        ("Phê duyệt chủ trương", "2026-10-31", "2026-10-31", 0),
        ("Ký hợp đồng", "2026-11-30", "2026-12-20", 20),
    ]

    await update(client, people.manager, second, progress=60)
    assert [n["code"] for n in await portfolio(client, people.operator, health="ON_TRACK")] == ["PPP-DC-01", "CDS-01"]
    assert await portfolio(client, people.operator, health="AT_RISK") == []
    assert [n["code"] for n in await portfolio(client, people.operator, health="ON_TRACK", visibility="INTERNAL")] == [
        "CDS-01"
    ]
    assert [n["code"] for n in await portfolio(client, people.operator, department="hts", stages=["CONSTRUCTION"])] == [
        "PPP-DC-01"
    ]
    due = await client.gql("{ milestonesDue(days: 30) { edges { node { title dueDate } } } }", token=people.operator)
    assert [e["node"] for e in due.data["milestonesDue"]["edges"]] == [
        {"title": "Ký hợp đồng", "dueDate": "2026-12-20"}
    ]


async def test_partner_reads_the_public_view_and_the_ocds_package_validates(client: Api, people: People) -> None:
    project = await create_project(client, people)
    first = project["milestones"][0]
    step = await move(client, people.manager, first, "IN_PROGRESS")
    step = await move(client, people.manager, step, "SUBMITTED")
    await move(client, people.co_manager, step, "ACCEPTED")

    public = await client.gql(PUBLIC_PROJECT, {"code": "ppp-dc-01"}, headers={"X-API-Key": people.partner_key})
    view = public.data["publicProject"]
    assert {k: view[k] for k in ("code", "kind", "status", "health", "totalInvestmentAmount", "sponsorAgency")} == {
        "code": "PPP-DC-01", "kind": "PPP", "status": "IDENTIFICATION", "health": "LATE",
        "totalInvestmentAmount": 3_000_000_000_000, "sponsorAgency": "UBND tỉnh Thanh Hóa",
    }  # fmt: skip
    assert [(m["title"], m["status"], m["dateMet"]) for m in view["milestones"]] == [
        ("Phê duyệt chủ trương", "MET", "2026-12-01"),
        ("Ký hợp đồng", "NOT_MET", None),
        ("Lắp đặt hạ tầng", "SCHEDULED", None),
        ("Vận hành thử", "SCHEDULED", None),
    ]
    internal = await client.gql('query { publicProject(code: "PPP-DC-01") { version } }', token=people.partner_key)
    assert "Cannot query field 'version'" in internal.errors[0]["message"]
    listed = await client.gql("{ publicProjects { totalCount edges { node { code } } } }", token=people.partner_key)
    assert listed.data["publicProjects"]["totalCount"] == 1

    response = await client.http.get("/projects/PPP-DC-01/ocds.json", headers={"X-API-Key": people.partner_key})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    package = response.json()
    assert ocds_errors(package) == []
    release = package["releases"][0]
    assert release["ocid"] == "ocds-ttcntt-th-PPP-DC-01"
    assert release["tag"] == ["planning", "contract", "implementation"]
    assert [(m["title"], m["status"]) for m in release["planning"]["milestones"]] == [("Phê duyệt chủ trương", "met")]
    assert [(m["title"], m["status"]) for m in release["contracts"][0]["milestones"]] == [("Ký hợp đồng", "notMet")]
    assert release["planning"]["budget"]["amount"] == {"amount": 3_000_000_000_000, "currency": "VND"}

    svg = await client.http.get("/projects/PPP-DC-01/gantt.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.count('<g class="milestone') == 4
    assert svg.text.count('class="milestone accepted"') == 1
    assert svg.text.count('class="milestone late"') == 1
    assert 'class="today"' in svg.text


async def test_project_query_for_staff_returns_everything(client: Api, people: People) -> None:
    await create_project(client, people, visibility="INTERNAL")
    result = await client.gql(PROJECT, {"code": "PPP-DC-01"}, token=people.operator)
    assert result.data["project"]["visibility"] == "INTERNAL"
    assert (await client.gql(PROJECT, {"code": "NOPE"}, token=people.operator)).data["project"] is None


async def test_project_lifecycle_and_edits_are_recorded_with_actor_and_comment(client: Api, people: People) -> None:
    await create_project(client, people)
    query = """mutation ($v: Int!, $to: ProjectStatus!, $c: String) {
      moveProject(code: "PPP-DC-01", version: $v, to: $to, comment: $c) { project { status version } errors { code } }
    }"""
    for version, to in enumerate(["PREPARATION", "IMPLEMENTATION", "COMPLETION", "COMPLETED"], start=1):
        moved = await client.gql(query, {"v": version, "to": to, "c": f"Chuyển sang {to}"}, token=people.manager)
        assert moved.data["moveProject"] == {"project": {"status": to, "version": version + 1}, "errors": []}
    closed = await client.gql(
        'mutation { updateProject(code: "PPP-DC-01", version: 5, input: {nameEn: "x"}) { errors { code } } }',
        token=people.admin,
    )
    assert closed.data["updateProject"]["errors"] == [{"code": "PROJECT_CLOSED"}]
    history = await client.gql(
        '{ project(code: "PPP-DC-01") { history { actor action fromStatus toStatus comment } } }', token=people.operator
    )
    assert [
        (h["actor"], h["action"], h["fromStatus"], h["toStatus"], h["comment"])
        for h in history.data["project"]["history"]
    ] == [
        ("admin@ttcntt.vn", "project.create", "", "identification", ""),
        ("quanly.a@ttcntt.vn", "project.prepare", "identification", "preparation", "Chuyển sang PREPARATION"),
        ("quanly.a@ttcntt.vn", "project.implement", "preparation", "implementation", "Chuyển sang IMPLEMENTATION"),
        ("quanly.a@ttcntt.vn", "project.complete", "implementation", "completion", "Chuyển sang COMPLETION"),
        ("quanly.a@ttcntt.vn", "project.close", "completion", "completed", "Chuyển sang COMPLETED"),
    ]


async def test_a_project_that_stops_being_ppp_loses_its_ppp_fields(client: Api, people: People) -> None:
    await create_project(client, people)
    changed = await client.gql(
        'mutation { updateProject(code: "PPP-DC-01", version: 1, input: {kind: DIGITAL_TRANSFORMATION,'
        ' partnerIds: []}, comment: "Không còn là PPP") { project { version history { action comment changes } }'
        " errors { code field } } }",
        token=people.manager,
    )
    payload = changed.data["updateProject"]
    assert (payload["errors"], payload["project"]["version"]) == ([], 2)
    assert payload["project"]["history"][-1] == {
        "action": "project.update",
        "comment": "Không còn là PPP",
        "changes": {"kind": "digital_transformation", "ppp_contract_type": "", "ppp_stage": "", "partners": []},
    }
    project = (await client.gql(PROJECT, {"code": "PPP-DC-01"}, token=people.operator)).data["project"]
    assert (project["kind"], project["pppContractType"], project["pppStage"], project["partners"]) == (
        "DIGITAL_TRANSFORMATION", None, None, [],
    )  # fmt: skip
