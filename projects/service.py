"""Project use cases: create (admin), edit, name managers (admin), move through the lifecycle.

Every change runs in one transaction, checks the version the editor read, writes a project event
(actor, time, comment) and an audit event with the state before and after.
"""

from __future__ import annotations

import json
from typing import Any

from app import clock
from app.audit import service as audit
from app.auth import repository as accounts
from app.auth.enums import AccountKind, CustomerKind, Role
from app.auth.principal import Principal
from app.db import transaction
from app.errors import Conflict, DomainError, ErrorDetail, ValidationFailed, not_found
from app.text import clean_optional
from catalog import repository as catalog
from projects import repository
from projects.access import require_admin, require_editor
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
from projects.states import FINAL_PROJECT, PROJECT_TRANSITIONS

_HIDDEN = {"created_at", "updated_at"}


def snapshot(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _HIDDEN}


def stale(entity_vi: str = "Dự án", entity_en: str = "The project") -> Conflict:
    return Conflict(
        "STALE_VERSION",
        f"{entity_vi} đã được người khác sửa. Hãy tải lại rồi thử lại.",
        f"{entity_en} was changed by someone else. Reload and try again.",
        "version",
    )


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


def prefixed(error: DomainError, prefix: str) -> list[ErrorDetail]:
    return [
        ErrorDetail(d.code, d.message_vi, d.message_en, f"{prefix}.{d.field}" if d.field else prefix)
        for d in error.details
    ]


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
    actor = principal.as_actor()
    await repository.insert_event(
        {
            "project": project_id,
            "milestone": milestone_id,
            "at": clock.now(),
            "actor_id": actor.id,
            "actor_label": actor.label,
            "action": action,
            "from_status": from_status,
            "to_status": to_status,
            "comment": comment,
            "changes": json.loads(json.dumps(changes or {}, default=str)),
        }
    )


async def _department_id(code: str) -> int:
    department = await catalog.department_by_code(code)
    if department is None:
        raise ValidationFailed(
            "UNKNOWN_DEPARTMENT", "Không có phòng này.", "There is no such department.", "departmentCode"
        )
    return int(department["id"])


async def check_managers(account_ids: list[int]) -> list[int]:
    """Active staff accounts holding the project_manager role."""
    ids = sorted(set(account_ids))
    if len(ids) > MAX_PEOPLE:
        raise ValidationFailed(
            "TOO_MANY", f"Tối đa {MAX_PEOPLE} người quản lý.", f"At most {MAX_PEOPLE} managers.", "managerIds"
        )
    rows = {row["id"]: row for row in await repository.accounts_by_ids(ids)}
    roles = await accounts.roles_by_accounts(ids)
    for account_id in ids:
        row = rows.get(account_id)
        ok = row is not None and row["is_active"] and row["kind"] == AccountKind.STAFF.value
        if not ok or Role.PROJECT_MANAGER.value not in roles.get(account_id, []):
            raise ValidationFailed(
                "NOT_A_PROJECT_MANAGER",
                "Người quản lý dự án phải là cán bộ có vai trò quản lý dự án.",
                "A project's managers must be staff accounts with the project_manager role.",
                "managerIds",
            )
    return ids


async def check_partners(account_ids: list[int]) -> list[int]:
    """Private partners are business customer accounts."""
    rows = {row["id"]: row for row in await repository.accounts_by_ids(account_ids)}
    for account_id in account_ids:
        row = rows.get(account_id)
        if row is None or row["kind"] != AccountKind.CUSTOMER.value or row["customer_kind"] != CustomerKind.BUSINESS:
            raise ValidationFailed(
                "NOT_A_BUSINESS_PARTNER",
                "Đối tác tư nhân phải là tài khoản doanh nghiệp.",
                "A private partner must be a business customer account.",
                "partnerIds",
            )
    return account_ids


async def create_project(
    principal: Principal, data: ProjectFields, manager_ids: list[int], milestones: list[MilestoneFields]
) -> dict[str, Any]:
    require_admin(principal)
    details: list[ErrorDetail] = []
    values: dict[str, Any] = {}
    try:
        values = clean_project_fields(data, creating=True)
    except DomainError as error:
        details.extend(error.details)
    planned: list[dict[str, Any]] = []
    if len(milestones) > MAX_MILESTONES:
        details.append(too_many_milestones().details[0])
    for index, fields in enumerate(milestones):
        fields.depends_on = None  # dependencies are set on existing milestones (updateMilestone)
        try:
            planned.append(clean_milestone_fields(fields, creating=True))
        except DomainError as error:
            details.extend(prefixed(error, f"milestones.{index}"))
    if details:
        raise ValidationFailed.many(details)
    if sum(m.get("share_bp", 0) for m in planned) > FULL_SHARE_BP:
        raise shares_over()
    partner_ids = values.pop("partner_ids", [])
    now = clock.now()
    async with transaction():
        values["department"] = await _department_id(values.pop("department_code"))
        if await repository.project_code_taken(values["code"]):
            raise Conflict("CODE_TAKEN", "Mã dự án đã tồn tại.", "The project code is already used.", "code")
        managers = await check_managers(manager_ids)
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


async def locked_project(code: str, version: int | None) -> dict[str, Any]:
    row = await repository.project_by_code(code.strip().upper())
    if row is None:
        raise not_found("dự án", "Project", "code")
    if version is not None and row["version"] != version:
        raise stale()
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
    project = await locked_project(code, None)
    await require_editor(principal, project)
    note = clean_optional(comment, "comment", max_length=2000, multiline=True)
    values = clean_project_fields(data, creating=False, current=project)
    partner_ids = values.pop("partner_ids", None)
    async with transaction():
        before = await locked_project(code, version)
        _require_open(before)
        if "department_code" in values:
            values["department"] = await _department_id(values.pop("department_code"))
        if (
            "code" in values
            and values["code"] != before["code"]
            and await repository.project_code_taken(values["code"])
        ):
            raise Conflict("CODE_TAKEN", "Mã dự án đã tồn tại.", "The project code is already used.", "code")
        if partner_ids is not None:
            await check_partners(partner_ids)
        if not await repository.update_project(before["id"], version, {**values, "updated_at": clock.now()}):
            raise stale()
        old_partners = [p["id"] for p in (await repository.people_by_projects("partner", [before["id"]]))[before["id"]]]
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


async def set_managers(principal: Principal, code: str, version: int, manager_ids: list[int]) -> dict[str, Any]:
    require_admin(principal)
    async with transaction():
        before = await locked_project(code, version)
        managers = await check_managers(manager_ids)
        old = [p["id"] for p in (await repository.people_by_projects("manager", [before["id"]]))[before["id"]]]
        if not await repository.update_project(before["id"], version, {"updated_at": clock.now()}):
            raise stale()
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
    project = await locked_project(code, None)
    await require_editor(principal, project)
    note = clean_optional(comment, "comment", max_length=2000, multiline=True)
    async with transaction():
        before = await locked_project(code, version)
        current = ProjectStatus(before["status"])
        action = PROJECT_TRANSITIONS.get((current, target))
        if action is None:
            raise Conflict(
                "INVALID_TRANSITION",
                f"Không thể chuyển dự án từ trạng thái {current.value} sang {target.value}.",
                f"A project cannot go from {current.value} to {target.value}.",
                "to",
            )
        if action == "cancel" and not note:
            raise ValidationFailed(
                "REASON_REQUIRED", "Cần nêu lý do hủy dự án.", "Give the reason for cancelling.", "comment"
            )
        if not await repository.update_project(
            before["id"], version, {"status": target.value, "updated_at": clock.now()}
        ):
            raise stale()
        after = await repository.project_by_id(before["id"])
        assert after is not None
        await record_event(
            principal,
            before["id"],
            f"project.{action}",
            from_status=current.value,
            to_status=target.value,
            comment=note,
        )
        await audit.record(
            principal.as_actor(), f"project.{action}", "project", after["code"],
            {"status": current.value, "version": version},
            {"status": target.value, "version": after["version"], "comment": note},
        )  # fmt: skip
    return after
