"""Shared pieces of the project tests: GraphQL documents, people of every role, a project factory
(through GraphQL) and a whole-domain row count for "nothing was written"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.audit.tables import AuditEvent
from app.auth.enums import Role
from projects import repository
from tests.support import Api

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Thanh Hóa, Tuesday 1 December 2026
ERRORS = "errors { field code message messageVi messageEn }"

MILESTONE_FIELDS = """
  id position title type code plannedStart baselineDueDate dueDate slippageDays actualStart actualEnd
  progress expectedProgress health deliverables shareBasisPoints shareAmount status statusReason ocdsStatus
  dependsOn version evidence { name url mediaType sha256 } history { actor action fromStatus toStatus comment }
"""

PROJECT_FIELDS = f"""
  code name kind pppContractType pppStage sponsorAgency department {{ code }}
  stateCapitalAmount privateCapitalAmount totalInvestmentAmount plannedStart plannedEnd visibility status version
  health slippageDays shareTotalBasisPoints ganttUrl ocdsUrl
  managers {{ email fullName }} partners {{ name taxCode }}
  milestones {{ {MILESTONE_FIELDS} }}
"""

CREATE_PROJECT = f"""
mutation ($input: ProjectInput!, $managerIds: [ID!], $milestones: [MilestoneInput!]) {{
  createProject(input: $input, managerIds: $managerIds, milestones: $milestones) {{
    project {{ {PROJECT_FIELDS} }} {ERRORS}
  }}
}}
"""

UPDATE_PROJECT = f"""
mutation ($code: String!, $version: Int!, $input: ProjectInput!) {{
  updateProject(code: $code, version: $version, input: $input) {{ project {{ code version name }} {ERRORS} }}
}}
"""

SET_MANAGERS = f"""
mutation ($code: String!, $version: Int!, $managerIds: [ID!]!) {{
  setProjectManagers(code: $code, version: $version, managerIds: $managerIds) {{
    project {{ code version managers {{ email }} }} {ERRORS}
  }}
}}
"""

MOVE_PROJECT = f"""
mutation ($code: String!, $version: Int!, $to: ProjectStatus!, $comment: String) {{
  moveProject(code: $code, version: $version, to: $to, comment: $comment) {{ project {{ code status version }} {ERRORS} }}
}}
"""

ADD_MILESTONE = f"""
mutation ($projectCode: String!, $input: MilestoneInput!) {{
  addMilestone(projectCode: $projectCode, input: $input) {{ milestone {{ {MILESTONE_FIELDS} }} {ERRORS} }}
}}
"""

UPDATE_MILESTONE = f"""
mutation ($id: ID!, $version: Int!, $input: MilestoneInput!, $comment: String) {{
  updateMilestone(id: $id, version: $version, input: $input, comment: $comment) {{
    milestone {{ {MILESTONE_FIELDS} }} {ERRORS}
  }}
}}
"""

MOVE_MILESTONE = f"""
mutation ($id: ID!, $version: Int!, $to: MilestoneStatus!, $comment: String, $evidence: [EvidenceInput!]) {{
  moveMilestone(id: $id, version: $version, to: $to, comment: $comment, evidence: $evidence) {{
    milestone {{ {MILESTONE_FIELDS} }} {ERRORS}
  }}
}}
"""

PROJECT = f"""
query ($code: String!) {{ project(code: $code) {{ {PROJECT_FIELDS} }} }}
"""

PORTFOLIO = """
query ($filter: ProjectFilter, $first: Int, $after: String) {
  projects(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { code health slippageDays milestones { title dueDate baselineDueDate slippageDays status }
                     managers { email fullName } } }
  }
}
"""


@dataclass
class People:
    """Tokens of every kind of caller, and the account ids the mutations need."""

    admin: str
    manager: str  # manages the project made by `ppp_project`
    manager_id: str
    co_manager: str  # also manages it
    co_manager_id: str
    other_manager: str  # project_manager role, manages another project
    other_manager_id: str
    operator: str
    customer: str  # a citizen
    partner_account: str  # a business customer, private partner
    partner_id: str
    partner_key: str  # API key with projects:read
    catalog_key: str  # API key with catalog:read only


async def account_id(client: Api, token: str) -> str:
    return (await client.gql("{ me { id } }", token=token)).data["me"]["id"]


async def api_key(client: Api, admin: str, scopes: str) -> str:
    created = await client.gql(
        f'mutation {{ createApiKey(name: "Đối tác {scopes}", scopes: [{scopes}]) {{ key errors {{ code }} }} }}',
        token=admin,
    )
    return created.data["createApiKey"]["key"]


async def make_people(client: Api) -> People:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    manager = await client.staff("quanly.a@ttcntt.vn", Role.PROJECT_MANAGER)
    co_manager = await client.staff("quanly.b@ttcntt.vn", Role.PROJECT_MANAGER)
    other_manager = await client.staff("quanly.khac@ttcntt.vn", Role.PROJECT_MANAGER)
    operator = await client.staff("vanhanh@ttcntt.vn", Role.OPERATOR)
    customer = await client.customer("cong.dan@example.vn", "CITIZEN")
    partner_account = await client.customer("doitac@viettel.example.vn", "BUSINESS")
    return People(
        admin=admin,
        manager=manager,
        manager_id=await account_id(client, manager),
        co_manager=co_manager,
        co_manager_id=await account_id(client, co_manager),
        other_manager=other_manager,
        other_manager_id=await account_id(client, other_manager),
        operator=operator,
        customer=customer,
        partner_account=partner_account,
        partner_id=await account_id(client, partner_account),
        partner_key=await api_key(client, admin, "PROJECTS_READ"),
        catalog_key=await api_key(client, admin, "CATALOG_READ"),
    )


def project_input(code: str = "PPP-DC-01", **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": code,
        "nameVi": "Trung tâm dữ liệu tỉnh theo hình thức PPP",
        "nameEn": "Provincial data center as a PPP",
        "descriptionVi": "Xây dựng và vận hành trung tâm dữ liệu dùng chung của tỉnh.",
        "kind": "PPP",
        "pppContractType": "BOT",
        "pppStage": "CONSTRUCTION",
        "sponsorAgency": "UBND tỉnh Thanh Hóa",
        "departmentCode": "HTS",
        "stateCapitalAmount": 120_000_000_000,
        "privateCapitalAmount": 2_880_000_000_000,  # total 3 000 billion: above 2^31
        "plannedStart": "2026-10-01",
        "plannedEnd": "2027-12-31",
        "visibility": "PUBLIC",
    }
    return {**values, **overrides}


def milestone_input(title: str, start: str, due: str, **overrides: Any) -> dict[str, Any]:
    return {"titleVi": title, "type": "DELIVERY", "plannedStart": start, "dueDate": due, **overrides}


PLAN = [
    milestone_input("Phê duyệt chủ trương", "2026-10-01", "2026-10-31", type="APPROVAL", code="PROJECT_APPROVAL",
                    shareBasisPoints=0, progress=100),
    milestone_input("Ký hợp đồng", "2026-11-01", "2026-11-30", type="ENGAGEMENT", code="COMMERCIAL_CLOSE",
                    shareBasisPoints=1000),
    milestone_input("Lắp đặt hạ tầng", "2026-11-15", "2027-03-31", shareBasisPoints=5000, progress=10),
    milestone_input("Vận hành thử", "2027-04-01", "2027-06-30", type="DELIVERY", code="COMMISSIONING",
                    shareBasisPoints=4000),
]  # fmt: skip


async def create_project(
    client: Api,
    people: People,
    code: str = "PPP-DC-01",
    milestones: list[dict[str, Any]] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    result = await client.gql(
        CREATE_PROJECT,
        {
            "input": project_input(code, partnerIds=[people.partner_id], **overrides),
            "managerIds": [people.manager_id, people.co_manager_id],
            "milestones": PLAN if milestones is None else milestones,
        },
        token=people.admin,
    )
    payload = result.data["createProject"]
    assert payload["errors"] == [], payload["errors"]
    return payload["project"]


async def written() -> dict[str, int]:
    """Rows of every projects table plus audit events: equal before and after a refused call."""
    return {**await repository.count_rows(), "audit_event": await AuditEvent.count()}
