"""Project use cases: create (admin), edit, name managers (admin), move through the lifecycle.

Every change runs in one transaction, checks the version the editor read, writes a project event
(actor, time, comment) and an audit event with the state before and after.
"""

from __future__ import annotations

from typing import Any

from app import clock, events
from app.audit import service as audit
from app.auth import directory
from app.auth.enums import AccountKind, CustomerKind, Role
from app.auth.principal import Principal
from app.db import transaction
from app.errors import (
    Conflict,
    DomainError,
    ValidationFailed,
    code_taken,
    not_found,
    prefixed,
    reason_required,
    stale_version,
)
from app.guards import require_admin
from app.input import Checker, clean_optional, lookup_code, parse_ids
from app.states import apply_transition
from catalog import departments
from projects import repository
from projects.access import require_editor, require_editor_role
from projects.enums import MilestoneStatus, ProjectStatus
from projects.inputs import (
    FULL_SHARE_BP,
    MAX_MILESTONES,
    MAX_PEOPLE,
    MilestoneFields,
    ProjectFields,
    clean_milestone_fields,
    clean_project_fields,
)
from projects.states import FINAL_PROJECT, PROJECT, PROJECT_LIFECYCLE, REASON_REQUIRED

_HIDDEN = {"created_at", "updated_at"}


def snapshot(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _HIDDEN}


def shares_over() -> ValidationFailed:
    return ValidationFailed(
        "SHARES_OVER_100",
        "Tổng tỷ lệ giá trị hợp đồng của các mốc vượt quá 100% (10000 phần vạn).",
        "The milestones' shares of the contract value add up to more than 100% (10000 basis points).",
        "shareBasisPoints",
    )


def too_many_milestones() -> ValidationFailed:
    return ValidationFailed(
        "TOO_MANY",
        f"Một dự án có tối đa {MAX_MILESTONES} mốc.",
        f"A project has at most {MAX_MILESTONES} milestones.",
        "milestones",
    )


async def record_event(
    principal: Principal,
    project_id: int,
    action: str,
    *,
    milestone_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    changes: dict[str, Any] | None = None,
) -> None:
    """A project's event, or one of its milestones' (the history of that milestone)."""
    entity = ("milestone", milestone_id) if milestone_id is not None else ("project", project_id)
    await events.record(
        principal.as_actor(), *entity, action,
        from_status=from_status, to_status=to_status, comment=comment, changes=changes,
    )  # fmt: skip


async def _department_id(code: str) -> int:
    department_id = await departments.department_id(code)
    if department_id is None:
        raise ValidationFailed(
            "UNKNOWN_DEPARTMENT", "Không có phòng này.", "There is no such department.", "departmentCode"
        )
    return department_id


async def check_managers(account_ids: list[int]) -> list[int]:
    """Active staff accounts holding the project_manager role."""
    ids = sorted(set(account_ids))
    if len(ids) > MAX_PEOPLE:
        raise ValidationFailed(
            "TOO_MANY", f"Tối đa {MAX_PEOPLE} người quản lý.", f"At most {MAX_PEOPLE} managers.", "managerIds"
        )
    people = await directory.people(ids, with_roles=True)
    for account_id in ids:
        person = people.get(account_id)
        if person is None or not person.is_active or not person.is_staff or Role.PROJECT_MANAGER not in person.roles:
            raise ValidationFailed(
                "NOT_A_PROJECT_MANAGER",
                "Người quản lý dự án phải là cán bộ có vai trò quản lý dự án.",
                "A project's managers must be staff accounts with the project_manager role.",
                "managerIds",
            )
    return ids


async def check_partners(account_ids: list[int]) -> list[int]:
    """Private partners are business customer accounts."""
    people = await directory.people(account_ids)
    for account_id in account_ids:
        person = people.get(account_id)
        if (
            person is None
            or person.kind is not AccountKind.CUSTOMER
            or person.customer_kind is not CustomerKind.BUSINESS
        ):
            raise ValidationFailed(
                "NOT_A_BUSINESS_PARTNER",
                "Đối tác tư nhân phải là tài khoản doanh nghiệp.",
                "A private partner must be a business customer account.",
                "partnerIds",
            )
    return account_ids


async def create_project(
    principal: Principal, data: ProjectFields, manager_ids: list[Any], milestones: list[MilestoneFields]
) -> dict[str, Any]:
    require_admin(principal)
    c = Checker()
    values: dict[str, Any] = c.check(clean_project_fields, data, creating=True) or {}
    managers_given = c.check(parse_ids, manager_ids, "managerIds") or []
    planned: list[dict[str, Any]] = []
    if len(milestones) > MAX_MILESTONES:
        c.add(too_many_milestones())
    for index, fields in enumerate(milestones[: MAX_MILESTONES + 1]):
        fields.depends_on = None  # dependencies are set on existing milestones (updateMilestone)
        try:
            planned.append(clean_milestone_fields(fields, creating=True))
        except DomainError as error:
            c.details.extend(prefixed(error, f"milestones.{index}"))
    c.done()
    if sum(m.get("share_bp", 0) for m in planned) > FULL_SHARE_BP:
        raise shares_over()
    partner_ids = values.pop("partner_ids", [])
    now = clock.now()
    async with transaction():
        values["department"] = await _department_id(values.pop("department_code"))
        if await repository.project_code_taken(values["code"]):
            raise code_taken(PROJECT)
        managers = await check_managers(managers_given)
        partners = await check_partners(partner_ids)
        values.update(status=ProjectStatus.IDENTIFICATION.value, created_at=now, updated_at=now)
        project_id = await repository.insert_project(values)
        await repository.replace_people("manager", project_id, managers)
        await repository.replace_people("partner", project_id, partners)
        for position, milestone in enumerate(planned, start=1):
            milestone_id = await repository.insert_milestone(
                {
                    **milestone,
                    "project": project_id,
                    "position": position,
                    "baseline_due": milestone["due_date"],
                    "status": MilestoneStatus.PLANNED.value,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            await record_event(
                principal, project_id, "milestone.create", milestone_id=milestone_id,
                to_status=MilestoneStatus.PLANNED.value, changes=milestone,
            )  # fmt: skip
        row = await repository.project_by_id(project_id)
        assert row is not None
        after = {**snapshot(row), "managers": managers, "partners": partners, "milestones": planned}
        await record_event(principal, project_id, "project.create", to_status=row["status"], changes=after)
        await audit.record(principal.as_actor(), "project.create", "project", row["code"], None, after)
    return row


async def project_at_version(code: str, version: int | None) -> dict[str, Any]:
    """The project by code; STALE_VERSION when `version` is given and it changed since the caller read it
    (the update checks the version again, so a concurrent edit in between is refused too)."""
    row = await repository.project_by_code(lookup_code(code))
    if row is None:
        raise not_found(PROJECT, "code")
    if version is not None and row["version"] != version:
        raise stale_version(PROJECT)
    return row


def _require_open(project: dict[str, Any]) -> None:
    if ProjectStatus(project["status"]) in FINAL_PROJECT:
        raise Conflict(
            "PROJECT_CLOSED",
            "Dự án đã kết thúc hoặc bị hủy, không thể thay đổi.",
            "The project is completed or cancelled and cannot change.",
            "code",
        )


async def update_project(
    principal: Principal, code: str, version: int, data: ProjectFields, comment: str | None = None
) -> dict[str, Any]:
    require_editor_role(principal)
    project = await project_at_version(code, None)
    await require_editor(principal, project)
    note = clean_optional(comment, "comment", max_length=2000, multiline=True)
    values = clean_project_fields(data, creating=False, current=project)
    partner_ids = values.pop("partner_ids", None)
    async with transaction():
        before = await project_at_version(code, version)
        _require_open(before)
        if "department_code" in values:
            values["department"] = await _department_id(values.pop("department_code"))
        if (
            "code" in values
            and values["code"] != before["code"]
            and await repository.project_code_taken(values["code"])
        ):
            raise code_taken(PROJECT)
        if partner_ids is not None:
            await check_partners(partner_ids)
        if not await repository.update_project(before["id"], version, {**values, "updated_at": clock.now()}):
            raise stale_version(PROJECT)
        old_partners = (await repository.people_ids("partner", [before["id"]]))[before["id"]]
        if partner_ids is not None:
            await repository.replace_people("partner", before["id"], partner_ids)
        after = await repository.project_by_id(before["id"])
        assert after is not None
        changes = {k: after[k] for k in values}
        if partner_ids is not None:
            changes["partners"] = partner_ids
        await record_event(principal, before["id"], "project.update", comment=note, changes=changes)
        await audit.record(
            principal.as_actor(), "project.update", "project", after["code"],
            {**snapshot(before), "partners": old_partners},
            {**snapshot(after), "partners": old_partners if partner_ids is None else partner_ids},
        )  # fmt: skip
    return after


async def set_managers(principal: Principal, code: str, version: int, manager_ids: list[Any]) -> dict[str, Any]:
    require_admin(principal)
    ids = parse_ids(manager_ids, "managerIds")
    async with transaction():
        before = await project_at_version(code, version)
        managers = await check_managers(ids)
        old = (await repository.people_ids("manager", [before["id"]]))[before["id"]]
        if not await repository.update_project(before["id"], version, {"updated_at": clock.now()}):
            raise stale_version(PROJECT)
        await repository.replace_people("manager", before["id"], managers)
        after = await repository.project_by_id(before["id"])
        assert after is not None
        await record_event(principal, before["id"], "project.set_managers", changes={"managers": managers})
        await audit.record(
            principal.as_actor(), "project.set_managers", "project", after["code"],
            {"managers": old, "version": version}, {"managers": managers, "version": after["version"]},
        )  # fmt: skip
    return after


async def move_project(
    principal: Principal, code: str, version: int, target: ProjectStatus, comment: str | None
) -> dict[str, Any]:
    require_editor_role(principal)
    project = await project_at_version(code, None)
    await require_editor(principal, project)
    note = clean_optional(comment, "comment", max_length=2000, multiline=True)
    async with transaction():
        before = await project_at_version(code, version)
        current = ProjectStatus(before["status"])
        action = apply_transition(PROJECT_LIFECYCLE, current, target=target, field="to").action
        if action in REASON_REQUIRED and not note:
            raise reason_required()
        if not await repository.update_project(
            before["id"], version, {"status": target.value, "updated_at": clock.now()}
        ):
            raise stale_version(PROJECT)
        after = await repository.project_by_id(before["id"])
        assert after is not None
        await record_event(
            principal,
            before["id"],
            f"project.{action.value}",
            from_status=current.value,
            to_status=target.value,
            comment=note,
        )
        await audit.record(
            principal.as_actor(), f"project.{action.value}", "project", after["code"],
            {"status": current.value, "version": version},
            {"status": target.value, "version": after["version"], "comment": note},
        )  # fmt: skip
    return after
