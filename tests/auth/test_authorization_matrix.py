"""The authorization matrix: every mutation of the schema × every kind of caller, with the outcome.

Each case builds the same small world (people of every kind, a partner key, a published and a draft
service with plans and prices, a project with a milestone), makes one call, then checks:
- allowed: no errors, the change is there, and the audit log gained exactly the expected events,
  recorded under the caller's name;
- refused: the one expected code in the payload's errors, no result, and not one row of any table
  inserted, updated or deleted (audit_event included).
A test fails when the schema has a mutation the matrix does not list, or the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app import clock
from app.auth.enums import Role
from catalog.requests.tables import ServiceRequest
from catalog.tables import Category, Department, Service
from projects.tables import Milestone, Project
from tests.auth.helpers import AUDIT_EVENTS, account_id, create_key, snapshot, top_level_refusal
from tests.requests.helpers import guest_link
from tests.support import PASSWORD, Api, shared_world

A = None  # allowed
U = "UNAUTHENTICATED"
F = "FORBIDDEN"
NF = "NOT_FOUND"  # another customer's request: as if it did not exist

CALLERS = (
    "anonymous",
    "citizen",
    "business",
    "operator",
    "finance",
    "project_manager",
    "catalog_manager",
    "admin",
    "partner_key",
)

# fmt: off
MATRIX: dict[str, tuple[str | None, ...]] = {
    #                       anonymous citizen business operator finance project_mgr catalog_mgr admin partner_key
    "signUp":               (A,       A,      A,       A,       A,      A,          A,          A,    A),
    "signIn":               (A,       A,      A,       A,       A,      A,          A,          A,    A),
    "signOut":              (U,       A,      A,       A,       A,      A,          A,          A,    F),
    "createStaffAccount":   (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "grantRole":            (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "revokeRole":           (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "createApiKey":         (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "revokeApiKey":         (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "createService":        (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "updateService":        (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "publishService":       (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "retireService":        (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "addPlan":              (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "updatePlan":           (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "retirePlan":           (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "reactivatePlan":       (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "schedulePriceChange":  (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "cancelPriceChange":    (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "createCategory":       (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "updateCategory":       (U,       F,      F,       F,       F,      F,          A,          A,    F),
    "deleteCategory":       (U,       F,      F,       F,       F,      F,          A,          A,    F),
    # departments are the center's organisation: admins only
    "createDepartment":     (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "updateDepartment":     (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "createProject":        (U,       F,      F,       F,       F,      F,          F,          A,    F),
    "setProjectManagers":   (U,       F,      F,       F,       F,      F,          F,          A,    F),
    # the project manager here manages the project (one who does not gets NOT_MANAGER_OF_PROJECT: tests/projects);
    # the project is internal, so whoever may not read it gets NOT_FOUND, as for an unknown code
    "updateProject":        (NF,      NF,     NF,      F,       F,      A,          F,          A,    NF),
    "moveProject":          (NF,      NF,     NF,      F,       F,      A,          F,          A,    NF),
    "addMilestone":         (NF,      NF,     NF,      F,       F,      A,          F,          A,    NF),
    "updateMilestone":      (NF,      NF,     NF,      F,       F,      A,          F,          A,    NF),
    "moveMilestone":        (NF,      NF,     NF,      F,       F,      A,          F,          A,    NF),
    # service requests: the operator here works in the service's department (one from another department
    # gets NOT_FOUND, as for an unknown code: tests/requests). Partner keys never write (FORBIDDEN, as everywhere).
    "submitServiceRequest":     (A,   A,      A,       F,       F,      F,          F,          F,    F),
    "transitionServiceRequest": (U,   F,      F,       A,       F,      F,          F,          A,    F),
    "resubmitServiceRequest":   (U,   A,      NF,      F,       F,      F,          F,          F,    F),
    # a guest's request, through the secret link e-mailed to the guest: anyone holding it but staff and keys
    "cancelServiceRequestAsGuest":   (A,   A,      A,       F,       F,      F,          F,          F,    F),
    "resubmitServiceRequestAsGuest": (A,   A,      A,       F,       F,      F,          F,          F,    F),
    "recordCounterSupplement":  (U,   F,      F,       A,       F,      F,          F,          A,    F),
    "assignServiceRequest":     (U,   F,      F,       A,       F,      F,          F,          A,    F),
    "markOverdueRequests":      (U,   F,      F,       A,       F,      F,          F,          A,    F),
    "addStaffToDepartment":     (U,   F,      F,       F,       F,      F,          F,          A,    F),
    "setWorkingDayOverride":    (U,   F,      F,       F,       F,      F,          F,          A,    F),
    "removeWorkingDayOverride": (U,   F,      F,       F,       F,      F,          F,          A,    F),
}
# fmt: on
REQUESTS = {name for name in MATRIX if "Request" in name or name.endswith(("Department", "Override", "Supplement"))}
REQUESTS -= {"createDepartment", "updateDepartment"}  # catalog edits, not the desk's
GUEST_STEPS = {"cancelServiceRequestAsGuest", "resubmitServiceRequestAsGuest"}  # recorded as the guest
INTERNAL_PROJECT = {"updateProject", "moveProject", "addMilestone", "updateMilestone", "moveMilestone"}

# What an allowed call adds to the audit log.
AUDITED: dict[str, list[str]] = {
    "signUp": [],
    "signIn": [],
    "signOut": [],
    "createStaffAccount": ["account.create_staff"],
    "grantRole": ["account.grant_role"],
    "revokeRole": ["account.revoke_role"],
    "createApiKey": ["api_key.create"],
    "revokeApiKey": ["api_key.revoke"],
    "createService": ["service.create"],
    "updateService": ["service.update"],
    "publishService": ["service.publish"],
    "retireService": ["service.retire"],
    "addPlan": ["plan.create"],
    "updatePlan": ["plan.update"],
    "retirePlan": ["plan.retire"],
    "reactivatePlan": ["plan.reactivate"],
    "schedulePriceChange": ["plan.schedule_price"],
    "cancelPriceChange": ["plan.cancel_price"],
    "createCategory": ["category.create"],
    "updateCategory": ["category.update"],
    "deleteCategory": ["category.delete"],
    "createDepartment": ["department.create"],
    "updateDepartment": ["department.update"],
    "createProject": ["project.create"],
    "setProjectManagers": ["project.set_managers"],
    "updateProject": ["project.update"],
    "moveProject": ["project.prepare"],
    "addMilestone": ["milestone.create"],
    "updateMilestone": ["milestone.update"],
    "moveMilestone": ["milestone.start"],
    "submitServiceRequest": ["request.submit"],
    "transitionServiceRequest": ["request.receive"],
    "resubmitServiceRequest": ["request.resubmit"],
    "cancelServiceRequestAsGuest": ["request.cancel"],
    "resubmitServiceRequestAsGuest": ["request.resubmit"],
    "recordCounterSupplement": ["request.resubmit"],
    "assignServiceRequest": ["request.assign"],
    "markOverdueRequests": ["request.overdue"],
    "addStaffToDepartment": ["staff.department"],
    "setWorkingDayOverride": ["working_day.set"],
    "removeWorkingDayOverride": ["working_day.remove"],
}

# The tables an allowed call writes (audit_event aside); a refused call leaves every table as it was.
WRITES: dict[str, set[str]] = {
    "signUp": {"account", "auth_session"},
    "signIn": {"auth_session"},  # the failure counter was 0 already
    "signOut": {"auth_session"},
    "createStaffAccount": {"account", "account_role"},
    "grantRole": {"account_role"},
    "revokeRole": {"account_role"},
    "createApiKey": {"api_key"},
    "revokeApiKey": {"api_key"},
    "createService": {"service", "service_channel"},
    "updateService": {"service"},
    "publishService": {"service"},
    "retireService": {"service"},
    "addPlan": {"plan", "plan_price"},
    "updatePlan": {"plan"},
    "retirePlan": {"plan"},
    "reactivatePlan": {"plan"},
    "schedulePriceChange": {"plan_price"},
    "cancelPriceChange": {"plan_price"},
    "createCategory": {"category"},
    "updateCategory": {"category"},
    "deleteCategory": {"category"},
    "createDepartment": {"department"},
    "updateDepartment": {"department"},
    "createProject": {"project", "history_event"},
    "setProjectManagers": {"project", "project_manager", "history_event"},
    "updateProject": {"project", "history_event"},
    "moveProject": {"project", "history_event"},
    "addMilestone": {"milestone", "history_event"},
    "updateMilestone": {"milestone", "history_event"},
    "moveMilestone": {"milestone", "history_event"},
    "submitServiceRequest": {"service_request", "history_event", "number_sequence", "outbox_message"},
    "transitionServiceRequest": {"service_request", "history_event", "outbox_message"},
    "resubmitServiceRequest": {"service_request", "history_event"},
    "cancelServiceRequestAsGuest": {"service_request", "history_event", "outbox_message", "guest_link"},
    "resubmitServiceRequestAsGuest": {"service_request", "history_event", "guest_link"},
    "recordCounterSupplement": {"service_request", "history_event", "outbox_message"},
    "assignServiceRequest": {"service_request", "history_event"},
    "markOverdueRequests": {"service_request", "history_event", "outbox_message"},
    "addStaffToDepartment": {"staff_department"},
    "setWorkingDayOverride": {"working_day_override"},
    "removeWorkingDayOverride": {"working_day_override"},
}
# A change to what public reads show also bumps that domain's version in its transaction (app/cache_versions.py).
PUBLIC_READ_TABLES = {
    *("service", "service_channel", "plan", "plan_price", "category", "department"),
    *("project", "project_manager", "project_partner", "milestone", "milestone_dependency", "milestone_evidence"),
}
WRITES = {
    name: tables | ({"app_cache_version"} if tables & PUBLIC_READ_TABLES else set()) for name, tables in WRITES.items()
}
# What differs when the caller is a guest: a guest's receipt carries a secret link, and a guest's
# submission is counted against the guest limits (app.limits).
WRITES_AS_GUEST: dict[str, set[str]] = {
    "submitServiceRequest": WRITES["submitServiceRequest"] | {"guest_link", "rate_counter"}
}

STAFF = {
    "operator": ("van.hanh@ttcntt.vn", Role.OPERATOR),
    "finance": ("ke.toan@ttcntt.vn", Role.FINANCE),
    "project_manager": ("quan.ly.du.an@ttcntt.vn", Role.PROJECT_MANAGER),
    "catalog_manager": ("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER),
    "admin": ("quan.tri@ttcntt.vn", Role.ADMIN),
}
CITIZEN_EMAIL = "cong.dan@example.vn"
BUSINESS_EMAIL = "doanh.nghiep@example.vn"

ERR = "errors { code field }"
# name -> (document, the payload's result fields)
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "signUp": (f"mutation ($input: SignUpInput!) {{ signUp(input: $input) {{ token account {{ id }} {ERR} }} }}", ("token", "account")),
    "signIn": (f"mutation ($email: String!, $password: String!) {{ signIn(email: $email, password: $password) {{ token account {{ id }} {ERR} }} }}", ("token", "account")),
    "signOut": (f"mutation {{ signOut {{ ok {ERR} }} }}", ("ok",)),
    "createStaffAccount": (f"mutation ($input: StaffAccountInput!) {{ createStaffAccount(input: $input) {{ account {{ id }} {ERR} }} }}", ("account",)),
    "grantRole": (f"mutation ($id: ID!, $role: Role!) {{ grantRole(accountId: $id, role: $role) {{ account {{ id roles }} {ERR} }} }}", ("account",)),
    "revokeRole": (f"mutation ($id: ID!, $role: Role!) {{ revokeRole(accountId: $id, role: $role) {{ account {{ id roles }} {ERR} }} }}", ("account",)),
    "createApiKey": (f"mutation ($name: String!, $scopes: [Scope!]!) {{ createApiKey(name: $name, scopes: $scopes) {{ key apiKey {{ id }} {ERR} }} }}", ("key", "apiKey")),
    "revokeApiKey": (f"mutation ($id: ID!) {{ revokeApiKey(id: $id) {{ apiKey {{ id revokedAt }} {ERR} }} }}", ("apiKey",)),
    "createService": (f"mutation ($input: ServiceInput!) {{ createService(input: $input) {{ service {{ code }} {ERR} }} }}", ("service",)),
    "updateService": (f"mutation ($code: String!, $version: Int!, $input: ServiceInput!) {{ updateService(code: $code, version: $version, input: $input) {{ service {{ code version }} {ERR} }} }}", ("service",)),
    "publishService": (f"mutation ($code: String!, $version: Int!) {{ publishService(code: $code, version: $version) {{ service {{ code status }} {ERR} }} }}", ("service",)),
    "retireService": (f"mutation ($code: String!, $version: Int!) {{ retireService(code: $code, version: $version) {{ service {{ code status }} {ERR} }} }}", ("service",)),
    "addPlan": (f"mutation ($code: String!, $input: PlanInput!, $price: PriceInput!) {{ addPlan(serviceCode: $code, input: $input, price: $price) {{ plan {{ id }} {ERR} }} }}", ("plan",)),
    "updatePlan": (f"mutation ($id: ID!, $input: PlanInput!) {{ updatePlan(planId: $id, input: $input) {{ plan {{ id }} {ERR} }} }}", ("plan",)),
    "retirePlan": (f"mutation ($id: ID!) {{ retirePlan(planId: $id) {{ plan {{ id status }} {ERR} }} }}", ("plan",)),
    "reactivatePlan": (f"mutation ($id: ID!) {{ reactivatePlan(planId: $id) {{ plan {{ id status }} {ERR} }} }}", ("plan",)),
    "schedulePriceChange": (f"mutation ($id: ID!, $price: PriceInput!) {{ schedulePriceChange(planId: $id, price: $price) {{ plan {{ id }} {ERR} }} }}", ("plan",)),
    "cancelPriceChange": (f"mutation ($id: ID!, $from: Date!) {{ cancelPriceChange(planId: $id, effectiveFrom: $from) {{ plan {{ id }} {ERR} }} }}", ("plan",)),
    "createCategory": (f"mutation ($input: CategoryInput!) {{ createCategory(input: $input) {{ category {{ code }} {ERR} }} }}", ("category",)),
    "updateCategory": (f"mutation ($code: String!, $input: CategoryChangesInput!) {{ updateCategory(code: $code, input: $input) {{ category {{ code }} {ERR} }} }}", ("category",)),
    "deleteCategory": (f"mutation ($code: String!) {{ deleteCategory(code: $code) {{ deletedCode {ERR} }} }}", ("deletedCode",)),
    "createDepartment": (f"mutation ($code: String!, $name: String!) {{ createDepartment(code: $code, nameVi: $name) {{ department {{ code }} {ERR} }} }}", ("department",)),
    "updateDepartment": (f"mutation ($code: String!, $name: String) {{ updateDepartment(code: $code, nameEn: $name) {{ department {{ code }} {ERR} }} }}", ("department",)),
    "createProject": (f"mutation ($input: ProjectInput!) {{ createProject(input: $input) {{ project {{ code }} {ERR} }} }}", ("project",)),
    "setProjectManagers": (f"mutation ($code: String!, $version: Int!, $ids: [ID!]!) {{ setProjectManagers(code: $code, version: $version, managerIds: $ids) {{ project {{ code }} {ERR} }} }}", ("project",)),
    "updateProject": (f"mutation ($code: String!, $version: Int!, $input: ProjectInput!) {{ updateProject(code: $code, version: $version, input: $input) {{ project {{ code }} {ERR} }} }}", ("project",)),
    "moveProject": (f"mutation ($code: String!, $version: Int!) {{ moveProject(code: $code, version: $version, to: PREPARATION) {{ project {{ code status }} {ERR} }} }}", ("project",)),
    "addMilestone": (f"mutation ($code: String!, $input: MilestoneInput!) {{ addMilestone(projectCode: $code, input: $input) {{ milestone {{ id }} {ERR} }} }}", ("milestone",)),
    "updateMilestone": (f"mutation ($id: ID!, $version: Int!, $input: MilestoneInput!) {{ updateMilestone(id: $id, version: $version, input: $input) {{ milestone {{ id }} {ERR} }} }}", ("milestone",)),
    "moveMilestone": (f"mutation ($id: ID!, $version: Int!) {{ moveMilestone(id: $id, version: $version, to: IN_PROGRESS) {{ milestone {{ id status }} {ERR} }} }}", ("milestone",)),
    "submitServiceRequest": (f"mutation ($input: SubmitRequestInput!) {{ submitServiceRequest(input: $input) {{ request {{ code }} {ERR} }} }}", ("request",)),
    "transitionServiceRequest": (f"mutation ($code: String!, $action: RequestAction!, $comment: String) {{ transitionServiceRequest(code: $code, action: $action, comment: $comment) {{ request {{ code status }} {ERR} }} }}", ("request",)),
    "resubmitServiceRequest": (f"mutation ($code: String!) {{ resubmitServiceRequest(code: $code, comment: \"Đã bổ sung\") {{ request {{ code status }} {ERR} }} }}", ("request",)),
    "cancelServiceRequestAsGuest": (f"mutation ($token: String!) {{ cancelServiceRequestAsGuest(token: $token, comment: \"Hủy\") {{ request {{ code status }} {ERR} }} }}", ("request",)),
    "resubmitServiceRequestAsGuest": (f"mutation ($token: String!) {{ resubmitServiceRequestAsGuest(token: $token, comment: \"Đã bổ sung\") {{ request {{ code status }} {ERR} }} }}", ("request",)),
    "recordCounterSupplement": (f"mutation ($code: String!) {{ recordCounterSupplement(code: $code, comment: \"Khách mang tới\") {{ request {{ code status }} {ERR} }} }}", ("request",)),
    "assignServiceRequest": (f"mutation ($code: String!, $id: ID) {{ assignServiceRequest(code: $code, assigneeId: $id) {{ request {{ code }} {ERR} }} }}", ("request",)),
    "markOverdueRequests": (f"mutation {{ markOverdueRequests {{ codes {ERR} }} }}", ("codes",)),
    "addStaffToDepartment": (f"mutation ($id: ID!, $department: String!) {{ addStaffToDepartment(accountId: $id, departmentCode: $department) {{ departmentIds {ERR} }} }}", ("departmentIds",)),
    "setWorkingDayOverride": (f"mutation ($day: Date!, $kind: WorkingDayOverrideKind!) {{ setWorkingDayOverride(day: $day, kind: $kind, note: \"Nghỉ bù\") {{ override {{ day }} {ERR} }} }}", ("override",)),
    # the payload has no result: `override` is always null
    "removeWorkingDayOverride": (f"mutation ($day: Date!) {{ removeWorkingDayOverride(day: $day) {{ override {{ day }} {ERR} }} }}", ()),
}  # fmt: skip


_INSTANT: list[datetime] = []


@pytest.fixture
def frozen(frozen_now: Any) -> None:
    """The clock stands still: a partner key's use is recorded once (at most once a minute), so the
    snapshots around a call compare every column of every table. It stands at the same instant in every
    test of the run, so that the world built once (`world`) is the same as one built anew."""
    if not _INSTANT:
        _INSTANT.append(datetime.now(UTC))
    frozen_now(_INSTANT[0])


async def shared(client: Api) -> World:
    """`build_world`, run once per process and restored from its snapshot after (call with the clock frozen)."""
    return await shared_world("authorization_matrix", lambda: build_world(client))


@dataclass
class World:
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # caller -> request headers
    actors: dict[str, str] = field(default_factory=dict)  # caller -> actor label in the audit log
    ids: dict[str, str] = field(default_factory=dict)
    today: date = field(default_factory=clock.local_today)


def service_input(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "nameVi": f"Dịch vụ {code}",
        "categoryCode": "DIEN-TOAN-DAM-MAY",
        "departmentCode": "HTS",
        "audiences": ["AGENCY"],
        "onlineLevel": "FULL",
        "channels": [{"channel": "ONLINE", "processingDays": 1}],
    }


def plan_input(code: str) -> dict[str, Any]:
    return {"code": code, "nameVi": f"Gói {code}", "unit": "MONTH"}


def project_input(code: str, today: date) -> dict[str, Any]:
    return {
        "code": code,
        "nameVi": "Chuyển đổi số Sở Y tế",
        "kind": "DIGITAL_TRANSFORMATION",
        "sponsorAgency": "UBND tỉnh Thanh Hóa",
        "departmentCode": "HTS",
        "plannedStart": str(today),
        "plannedEnd": str(today + timedelta(days=365)),
        "visibility": "INTERNAL",
    }


def milestone_input(title: str, today: date) -> dict[str, Any]:
    return {
        "titleVi": title,
        "type": "DELIVERY",
        "plannedStart": str(today),
        "dueDate": str(today + timedelta(days=30)),
    }


GUEST = "guest:hoa@example.vn"  # an anonymous submission (and a guest's step) is audited under its contact e-mail


def request_input(world: World) -> dict[str, Any]:
    return {
        "serviceCode": "TT-PUB",
        "planId": world.ids["TT-PUB.BASIC"],
        "channel": "ONLINE",
        "quantity": 1,
        "contactName": "Nguyễn Thị Hoa",
        "contactPhone": "0912345678",
        "contactEmail": "hoa@example.vn",
    }


async def ok(client: Api, world: World, name: str, variables: dict[str, Any], caller: str = "admin") -> dict[str, Any]:
    document = DOCUMENTS[name][0]
    payload = (await client.gql(document, variables, headers=world.headers[caller])).data[name]
    assert payload["errors"] == [], (name, payload["errors"])
    return payload


async def build_world(client: Api) -> World:
    """Call with the clock frozen (see `frozen`)."""
    world = World()
    today = world.today
    await Department.insert(Department(code="HTS", name_vi="Phòng Hạ tầng số", name_en="Digital Infrastructure"))
    await Category.insert(Category(code="DIEN-TOAN-DAM-MAY", slug="dien-toan-dam-may", name_vi="Điện toán đám mây"))
    await Category.insert(Category(code="TRONG", slug="trong", name_vi="Nhóm trống"))  # empty: for deleteCategory
    # people of every kind
    world.headers["anonymous"], world.actors["anonymous"] = {}, "anonymous"
    for caller, (email, role) in STAFF.items():
        token = await client.staff(email, role)
        world.headers[caller], world.actors[caller] = {"Authorization": f"Bearer {token}"}, email
    for caller, email, kind in (("citizen", CITIZEN_EMAIL, "CITIZEN"), ("business", BUSINESS_EMAIL, "BUSINESS")):
        token = await client.customer(email, kind)
        world.headers[caller], world.actors[caller] = {"Authorization": f"Bearer {token}"}, email
    admin = world.headers["admin"]["Authorization"].removeprefix("Bearer ")
    partner = await create_key(client, admin, ["CATALOG_READ", "PROJECTS_READ"], name="Cổng dịch vụ công")
    world.headers["partner_key"] = {"X-API-Key": partner["key"]}
    world.actors["partner_key"] = f"api-key:{partner['apiKey']['id']}"
    # its first use records the time; with the clock frozen, later uses write nothing more
    assert (await client.gql("{ me { id } }", headers=world.headers["partner_key"])).data == {"me": None}
    # targets of the account mutations
    world.ids["staff"] = await account_id(client, await client.staff("muc.tieu@ttcntt.vn", Role.OPERATOR))
    world.ids["key"] = (await create_key(client, admin, ["CATALOG_READ"], name="Khóa cũ"))["apiKey"]["id"]
    world.ids["project_manager"] = await account_id(client, world.headers["project_manager"]["Authorization"][7:])
    # the catalog: TT-PUB published (plan BASIC priced, a price change in 30 days; plan SPARE retired), TT-DRAFT a draft
    price = {"amount": 1_000_000, "vatRate": "RATE_10"}
    for code in ("TT-PUB", "TT-DRAFT"):
        await ok(client, world, "createService", {"input": service_input(code)})
        plan = await ok(client, world, "addPlan", {"code": code, "input": plan_input("BASIC"), "price": price})
        world.ids[f"{code}.BASIC"] = plan["plan"]["id"]
    spare = await ok(client, world, "addPlan", {"code": "TT-PUB", "input": plan_input("SPARE"), "price": price})
    world.ids["spare"] = spare["plan"]["id"]
    await ok(client, world, "retirePlan", {"id": world.ids["spare"]})
    later = {**price, "amount": 1_200_000, "effectiveFrom": str(today + timedelta(days=30))}
    await ok(client, world, "schedulePriceChange", {"id": world.ids["TT-PUB.BASIC"], "price": later})
    await ok(client, world, "publishService", {"code": "TT-PUB", "version": await service_version("TT-PUB")})
    # a project managed by the project manager, with one milestone
    await ok(client, world, "createProject", {"input": project_input("CDS-01", today)})
    await ok(
        client, world, "setProjectManagers", {"code": "CDS-01", "version": 1, "ids": [world.ids["project_manager"]]}
    )
    await ok(client, world, "addMilestone", {"code": "CDS-01", "input": milestone_input("Khảo sát", today)})
    # service requests: the operator works in HTS; R1 submitted, R2 waiting for a supplement, R3 received
    # and past its due date (the citizen's); G1 submitted, G2 waiting for a supplement (a guest's); an extra
    # day off to remove
    for caller in ("operator", "finance"):
        world.ids[caller] = await account_id(client, world.headers[caller]["Authorization"][7:])
    await ok(client, world, "addStaffToDepartment", {"id": world.ids["operator"], "department": "HTS"})
    await ok(client, world, "setWorkingDayOverride", {"day": str(today + timedelta(days=100)), "kind": "EXTRA_DAY_OFF"})
    for key in ("R1", "R2", "R3"):
        submitted = await ok(client, world, "submitServiceRequest", {"input": request_input(world)}, "citizen")
        world.ids[key] = submitted["request"]["code"]
    for key in ("G1", "G2"):
        submitted = await ok(client, world, "submitServiceRequest", {"input": request_input(world)}, "anonymous")
        world.ids[key] = submitted["request"]["code"]
    steps = (
        ("R2", "RECEIVE"),
        ("R2", "REQUEST_SUPPLEMENT"),
        ("R3", "RECEIVE"),
        ("G2", "RECEIVE"),
        ("G2", "REQUEST_SUPPLEMENT"),
    )
    for key, action in steps:
        variables = {"code": world.ids[key], "action": action, "comment": "Thiếu giấy tờ"}
        await ok(client, world, "transitionServiceRequest", variables, "operator")
    yesterday = today - timedelta(days=1)
    await ServiceRequest.update({ServiceRequest.due_date: yesterday}).where(ServiceRequest.code == world.ids["R3"])
    return world


async def service_version(code: str) -> int:
    return (await Service.select(Service.version).where(Service.code == code).first())["version"]


async def project_version(code: str) -> int:
    return (await Project.select(Project.version).where(Project.code == code).first())["version"]


async def only_milestone() -> dict[str, Any]:
    [row] = await Milestone.select(Milestone.id, Milestone.version)
    return row


async def variables_of(name: str, world: World, caller: str) -> dict[str, Any]:
    today = world.today
    price = {"amount": 900_000, "vatRate": "RATE_8"}
    match name:
        case "signUp":
            return {"input": {"email": f"moi.{caller}@example.vn", "password": PASSWORD, "fullName": "Hoàng Văn Em",
                              "customerKind": "CITIZEN", "citizenId": "038095000999"}}  # fmt: skip
        case "signIn":
            return {"email": CITIZEN_EMAIL, "password": PASSWORD}
        case "signOut":
            return {}
        case "createStaffAccount":
            return {"input": {"email": "moi@ttcntt.vn", "fullName": "Cán bộ mới", "password": PASSWORD,
                              "roles": ["FINANCE"]}}  # fmt: skip
        case "grantRole":
            return {"id": world.ids["staff"], "role": "FINANCE"}
        case "revokeRole":
            return {"id": world.ids["staff"], "role": "OPERATOR"}
        case "createApiKey":
            return {"name": "Đối tác mới", "scopes": ["CATALOG_READ"]}
        case "revokeApiKey":
            return {"id": world.ids["key"]}
        case "createService":
            return {"input": service_input("TT-MOI")}
        case "updateService":
            return {"code": "TT-PUB", "version": await service_version("TT-PUB"), "input": {"nameEn": "Renamed"}}
        case "publishService":
            return {"code": "TT-DRAFT", "version": await service_version("TT-DRAFT")}
        case "retireService":
            return {"code": "TT-PUB", "version": await service_version("TT-PUB")}
        case "addPlan":
            return {"code": "TT-PUB", "input": plan_input("ADVANCED"), "price": price}
        case "updatePlan":
            return {"id": world.ids["TT-PUB.BASIC"], "input": {"nameEn": "Basic"}}
        case "retirePlan":
            return {"id": world.ids["TT-PUB.BASIC"]}
        case "reactivatePlan":
            return {"id": world.ids["spare"]}
        case "schedulePriceChange":
            return {
                "id": world.ids["TT-PUB.BASIC"],
                "price": {**price, "effectiveFrom": str(today + timedelta(days=60))},
            }
        case "cancelPriceChange":
            return {"id": world.ids["TT-PUB.BASIC"], "from": str(today + timedelta(days=30))}
        case "createCategory":
            return {"input": {"code": "MOI", "nameVi": "Nhóm mới", "parentCode": "DIEN-TOAN-DAM-MAY"}}
        case "updateCategory":
            return {"code": "DIEN-TOAN-DAM-MAY", "input": {"nameEn": "Cloud computing", "parentCode": "TRONG"}}
        case "deleteCategory":
            return {"code": "TRONG"}
        case "createDepartment":
            return {"code": "CDS", "name": "Phòng Chuyển đổi số"}
        case "updateDepartment":
            return {"code": "HTS", "name": "Digital Infrastructure Department"}
        case "createProject":
            return {"input": project_input("CDS-02", today)}
        case "setProjectManagers":
            return {"code": "CDS-01", "version": await project_version("CDS-01"), "ids": []}
        case "updateProject":
            return {"code": "CDS-01", "version": await project_version("CDS-01"), "input": {"nameEn": "Health DX"}}
        case "moveProject":
            return {"code": "CDS-01", "version": await project_version("CDS-01")}
        case "addMilestone":
            return {"code": "CDS-01", "input": milestone_input("Triển khai", today)}
        case "updateMilestone":
            milestone = await only_milestone()
            return {"id": str(milestone["id"]), "version": milestone["version"], "input": {"progress": 10}}
        case "moveMilestone":
            milestone = await only_milestone()
            return {"id": str(milestone["id"]), "version": milestone["version"]}
        case "submitServiceRequest":
            return {"input": request_input(world)}
        case "transitionServiceRequest":
            return {"code": world.ids["R1"], "action": "RECEIVE"}
        case "resubmitServiceRequest":
            return {"code": world.ids["R2"]}
        case "cancelServiceRequestAsGuest":
            return {"token": await guest_link(world.ids["G1"])}
        case "resubmitServiceRequestAsGuest":
            return {"token": await guest_link(world.ids["G2"])}
        case "recordCounterSupplement":
            return {"code": world.ids["R2"]}
        case "assignServiceRequest":
            return {"code": world.ids["R1"], "id": world.ids["operator"]}
        case "markOverdueRequests":
            return {}
        case "addStaffToDepartment":
            return {"id": world.ids["finance"], "department": "HTS"}
        case "setWorkingDayOverride":
            return {"day": str(today + timedelta(days=200)), "kind": "EXTRA_WORKING_DAY"}
        case "removeWorkingDayOverride":
            return {"day": str(today + timedelta(days=100))}
    raise AssertionError(name)


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> set[str]:
    return {table for table in after if after[table] != before[table]}


async def check_call(client: Api, world: World, name: str, caller: str) -> list[str]:
    """Makes the call as the caller; returns what differs from the matrix (empty when all is as expected)."""
    variables = await variables_of(name, world, caller)
    before = await snapshot()
    expected = MATRIX[name][CALLERS.index(caller)]
    result = await client.gql(DOCUMENTS[name][0], variables, headers=world.headers[caller])
    payload = result.data[name]
    results = [payload[f] for f in DOCUMENTS[name][1]]
    after = await snapshot()
    problems = []
    if expected is None:
        new_events = after["audit_event"][len(before["audit_event"]) :]
        if payload["errors"] != [] or not all(results):
            problems.append(f"refused: {payload}")
        writes = WRITES_AS_GUEST.get(name, WRITES[name]) if caller == "anonymous" else WRITES[name]
        if changed_tables(before, after) - {"audit_event"} != writes:
            problems.append(f"wrote {sorted(changed_tables(before, after))}")
        if [e["action"] for e in new_events] != AUDITED[name]:
            problems.append(f"audited {[e['action'] for e in new_events]}")
        # a guest's submission, and any step through a guest's link, is the guest's
        guest = name in GUEST_STEPS or (caller == "anonymous" and name == "submitServiceRequest")
        actor = GUEST if guest else world.actors[caller]
        if any(e["actor_label"] != actor for e in new_events):
            problems.append(f"audited as {[e['actor_label'] for e in new_events]}")
        if after["audit_event"][: len(before["audit_event"])] != before["audit_event"]:
            problems.append("changed earlier audit events")
    else:
        if [e["code"] for e in payload["errors"]] != [expected]:
            problems.append(f"errors {payload['errors']}, expected {expected}")
        if any(results):
            problems.append(f"returned {results}")
        if after != before:
            problems.append(f"a refusal wrote {sorted(changed_tables(before, after))}")
    return [f"{name} as {caller}: {problem}" for problem in problems]


# Allowed calls of these do not get in each other's way (each caller signs up its own e-mail, signs out
# its own token, submits its own request): they share one world. Any other allowed call gets a fresh world.
INDEPENDENT = {"signUp", "signIn", "signOut", "submitServiceRequest"}


@pytest.mark.parametrize("name", list(MATRIX))
async def test_authorization_matrix(client: Api, frozen: None, name: str) -> None:
    # given the world
    world = await shared(client)
    outcomes = dict(zip(CALLERS, MATRIX[name], strict=True))
    problems: list[str] = []
    # when each refused caller tries: a refusal changes nothing, so they all share the world
    for caller in (c for c, outcome in outcomes.items() if outcome is not None):
        problems += await check_call(client, world, name, caller)
    # when each allowed caller tries
    for turn, caller in enumerate(c for c, outcome in outcomes.items() if outcome is None):
        if turn and name not in INDEPENDENT:
            world = await shared(client)  # the world as built, restored from its snapshot
        problems += await check_call(client, world, name, caller)
    # then every outcome is the matrix's
    assert problems == [], "\n".join(problems)


def domain_matrices() -> dict[str, Any]:
    """Every domain's matrix module (this one: accounts, catalog, projects, requests); each has MATRIX,
    AUDITED, WRITES and DOCUMENTS keyed by mutation, over the same callers."""
    import sys

    from tests.billing import test_authorization_matrix as billing
    from tests.documents import test_authorization_matrix as documents

    return {"auth": sys.modules[__name__], "billing": billing, "documents": documents}


def test_the_matrix_covers_every_mutation_of_the_schema() -> None:
    from collections import Counter

    from app.api.schema import schema
    from graphql import build_schema
    from tests import matrix

    served = set(schema._schema.mutation_type.fields)
    committed = set(
        build_schema((Path(__file__).parents[2] / "graphql" / "schema.graphql").read_text()).mutation_type.fields
    )
    assert served == committed
    domains = domain_matrices()
    listed = Counter(name for module in domains.values() for name in module.MATRIX)
    assert sorted(served - set(listed)) == [], "mutations in no domain's authorization matrix"
    assert sorted(name for name, times in listed.items() if times > 1) == [], "mutations in two domains' matrices"
    assert sorted(set(listed) - served) == [], "matrices list mutations the schema does not have"
    for module in domains.values():
        for table in (module.AUDITED, module.WRITES, module.DOCUMENTS):
            assert set(table) == set(module.MATRIX), module.__name__
        assert all(len(row) == len(CALLERS) for row in module.MATRIX.values()), module.__name__
    assert matrix.CALLERS == CALLERS


def test_the_matrix_follows_the_rules() -> None:
    """Cross-checks of every domain's matrix together: only the public mutations let anonymous callers in
    (a guest's secret link is public), partner keys never write, admin may do all that staff may,
    customers never get staff powers, and a customer's own thing is another customer's NOT_FOUND."""
    from tests.billing import test_authorization_matrix as billing

    links = GUEST_STEPS | billing.GUEST_STEPS  # acted on through the secret link e-mailed to a guest
    public = {"signUp", "signIn", "submitServiceRequest"} | links
    customers_only = {"resubmitServiceRequest"} | billing.CUSTOMERS_ONLY
    union = {name: row for module in domain_matrices().values() for name, row in module.MATRIX.items()}
    staff = ("operator", "finance", "project_manager", "catalog_manager", "admin")
    for name, row in union.items():
        outcome = dict(zip(CALLERS, row, strict=True))
        # an internal project does not exist for those who may not read it (projects.access)
        hidden = NF if name in INTERNAL_PROJECT else None
        assert (outcome["anonymous"] is None) == (name in public), name
        if name not in public:
            assert outcome["anonymous"] == (hidden or U), name
        if name not in {"signUp", "signIn"}:
            assert outcome["partner_key"] == (hidden or F), name  # one rule for partner keys: they never write
        if name not in customers_only | public - {"signUp", "signIn"}:
            assert outcome["admin"] is None, name
        if name not in public | customers_only | {"signOut"}:
            assert outcome["citizen"] == outcome["business"] == (hidden or F), name
        if name in customers_only:  # the citizen owns the thing; the business customer is another customer
            assert (outcome["citizen"], outcome["business"]) == (None, NF), name
        if name in links | customers_only:  # staff act through their own tools, never as the customer
            assert {outcome[caller] for caller in staff} == {F}, name
    assert len(REQUESTS) == 11
    assert len(union) == len(MATRIX) + 20  # billing's 17 and documents' 3


async def test_a_refusal_does_not_tell_whether_a_project_exists(client: Api, frozen: None) -> None:
    """The project mutations check the caller's role before looking the project up (codes of internal
    projects are staff's business): on a project or milestone of nothing, each refused caller gets the
    code the matrix gives it on a real one, never NOT_FOUND."""
    from tests.matrix import people

    # given only the people
    world = await people(client)
    before = await snapshot()
    nothing = {
        "updateProject": {"code": "KHONG-CO", "version": 1, "input": {"nameEn": "Nothing"}},
        "moveProject": {"code": "KHONG-CO", "version": 1},
        "addMilestone": {"code": "KHONG-CO", "input": milestone_input("Không có", clock.local_today())},
        "updateMilestone": {"id": "999999", "version": 1, "input": {"progress": 10}},
        "moveMilestone": {"id": "999999", "version": 1},
    }
    problems = []
    # when each caller the matrix refuses aims at them
    for name, variables in nothing.items():
        for caller, expected in zip(CALLERS, MATRIX[name], strict=True):
            if expected is None:
                continue
            payload = (await client.gql(DOCUMENTS[name][0], variables, headers=world.headers[caller])).data[name]
            if [e["code"] for e in payload["errors"]] != [expected]:
                problems.append(f"{name} as {caller}: {payload['errors']}, expected {expected}")
    # then each gets its refusal, and nothing was written
    assert problems == [], "\n".join(problems)
    assert await snapshot() == before


# --- queries that need a role ---

ACCOUNTS = "{ accounts(first: 100) { totalCount } }"
API_KEYS = "{ apiKeys(first: 100) { totalCount } }"

# entityType -> callers allowed besides admin
AUDIT_READERS: dict[str | None, set[str]] = {
    None: set(),
    "service": {"catalog_manager"},
    "plan": {"catalog_manager"},
    "category": {"catalog_manager"},
    "account": set(),
    "api_key": set(),
    "project": set(),
    "milestone": set(),
    "service_request": set(),
    "working_day_override": set(),
}


def refusal_code(caller: str) -> str:
    return U if caller == "anonymous" else F


async def test_role_queries(client: Api, frozen: None) -> None:
    # given the world, in which every kind of entity has audit events
    world = await shared(client)
    before = await snapshot()
    assert {e["entity_type"] for e in before["audit_event"]} == {t for t in AUDIT_READERS if t} - {"category"}
    for caller in CALLERS:
        headers = world.headers[caller]
        # accounts and apiKeys: admin only
        for query, name, total in ((ACCOUNTS, "accounts", len(before["account"])), (API_KEYS, "apiKeys", 2)):
            result = await client.gql(query, headers=headers)
            if caller == "admin":
                assert result.data == {name: {"totalCount": total}}
            else:
                extensions = top_level_refusal(result)
                assert (extensions["code"], result.errors[0]["path"]) == (refusal_code(caller), [name]), caller
        # auditEvents: admin everything, catalog managers the catalog's entities
        for entity_type, readers in AUDIT_READERS.items():
            result = await client.gql(AUDIT_EVENTS, {"entityType": entity_type, "first": 100}, headers=headers)
            if caller == "admin" or caller in readers:
                connection = result.data["auditEvents"]
                expected = [e for e in before["audit_event"] if entity_type in (None, e["entity_type"])]
                assert connection["totalCount"] == len(expected), (caller, entity_type)
                assert [int(e["node"]["id"]) for e in connection["edges"]] == [e["id"] for e in reversed(expected)]
            else:
                assert top_level_refusal(result)["code"] == refusal_code(caller), (caller, entity_type)
    # and reading wrote nothing
    assert await snapshot() == before
    catalog_events = [e for e in before["audit_event"] if e["entity_type"] == "service"]
    assert len(catalog_events) == 3  # two creations, one publication: the counts above are not trivial


async def test_me_is_the_caller(client: Api, frozen: None) -> None:
    world = await shared(client)
    for caller in CALLERS:
        me = (await client.gql("{ me { email kind roles } }", headers=world.headers[caller])).data["me"]
        if caller in ("anonymous", "partner_key"):
            assert me is None, caller
        elif caller in STAFF:
            assert me == {"email": STAFF[caller][0], "kind": "STAFF", "roles": [STAFF[caller][1].name]}
        else:
            assert me == {"email": world.actors[caller], "kind": "CUSTOMER", "roles": []}
