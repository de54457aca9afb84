"""Staff use cases on the catalog's structure: the category tree (catalog managers) and the
center's departments (admins).

Every change runs in one transaction and writes an audit event with the state before and after;
a refusal writes nothing. Codes never change: the seed, the `category` filter of the service list
and partner systems find categories and departments by code. Departments are never deleted:
services, requests, projects and staff assignments refer to them.
"""

from __future__ import annotations

from typing import Any

from app.audit import service as audit
from app.auth.principal import Principal
from app.db import transaction
from app.errors import Conflict, ErrorDetail, Noun, ValidationFailed, not_found
from app.guards import require_admin
from app.input import lookup_code
from catalog import repository
from catalog.departments import DEPARTMENT
from catalog.editing import require_manager
from catalog.inputs import CategoryChanges, CategoryFields, clean_category_fields, clean_department_fields

CATEGORY = Noun("nhóm dịch vụ", "category")
CATEGORY_COLUMNS = ("code", "slug", "name_vi", "name_en", "description_vi", "description_en", "position")


# --- categories ---------------------------------------------------------------------------------


def _unknown_parent() -> ErrorDetail:
    # The code service editing gives an unknown category, on the field that named it.
    return ErrorDetail("UNKNOWN_CATEGORY", "Không có nhóm dịch vụ này.", "There is no such category.", "parentCode")


def _taken(field: str) -> ErrorDetail:
    if field == "code":
        return ErrorDetail("CODE_TAKEN", "Mã nhóm dịch vụ đã tồn tại.", "The category code is already used.", "code")
    return ErrorDetail("SLUG_TAKEN", "Slug đã được dùng.", "The slug is already used.", "slug")


def _cycle() -> ErrorDetail:
    return ErrorDetail(
        "CATEGORY_CYCLE",
        "Không thể chuyển nhóm dịch vụ vào chính nó hoặc vào một nhóm con của nó.",
        "A category cannot move under itself or under one of its sub-categories.",
        "parentCode",
    )


def _snapshot(row: dict[str, Any], by_id: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """What the audit log keeps of a category: its columns, the parent by code."""
    parent = by_id.get(row["parent"]) if row["parent"] is not None else None
    return {**{k: row[k] for k in CATEGORY_COLUMNS}, "parent_code": parent["code"] if parent else None}


def _descendants(rows: list[dict[str, Any]], root_id: int) -> set[int]:
    """The category and every category under it."""
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row["parent"], []).append(row["id"])
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


async def _tree() -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]], dict[str, dict[str, Any]]]:
    rows = await repository.all_categories()
    return rows, {r["id"]: r for r in rows}, {r["code"]: r for r in rows}


async def _category(by_code: dict[str, dict[str, Any]], code: str) -> dict[str, Any]:
    row = by_code.get(lookup_code(code))
    if row is None:
        raise not_found(CATEGORY, "code")
    return row


async def create_category(principal: Principal, data: CategoryFields) -> dict[str, Any]:
    require_manager(principal)
    values = clean_category_fields(data, creating=True)
    parent_code = values.pop("parent_code")
    async with transaction():
        await repository.serialize_writers("category")
        _, by_id, by_code = await _tree()
        details: list[ErrorDetail] = []
        parent = by_code.get(parent_code) if parent_code is not None else None
        if parent_code is not None and parent is None:
            details.append(_unknown_parent())
        taken = await repository.category_taken(values["code"], values["slug"])
        details += [_taken(field) for field in ("code", "slug") if taken[field]]
        if details:
            raise ValidationFailed.many(details)
        parent_id = parent["id"] if parent else None
        if "position" not in values:
            values["position"] = await repository.next_category_position(parent_id)
        category_id = await repository.insert_category({**values, "parent": parent_id})
        _, by_id, _ = await _tree()
        row = by_id[category_id]
        await audit.record(
            principal.as_actor(), "category.create", "category", row["code"], None, _snapshot(row, by_id)
        )
    return row


async def update_category(principal: Principal, code: str, data: CategoryChanges) -> dict[str, Any]:
    """Rename, re-describe, move (under another category, or to the root with parent None) or reorder.
    A move without a position puts the category after its new siblings."""
    require_manager(principal)
    values = clean_category_fields(data, creating=False)
    async with transaction():
        await repository.serialize_writers("category")
        rows, by_id, by_code = await _tree()
        before = await _category(by_code, code)
        details: list[ErrorDetail] = []
        if "parent_code" in values:
            parent_code = values.pop("parent_code")
            parent = by_code.get(parent_code) if parent_code is not None else None
            if parent_code is not None and parent is None:
                details.append(_unknown_parent())
            elif parent is not None and parent["id"] in _descendants(rows, before["id"]):
                details.append(_cycle())
            else:
                values["parent"] = parent["id"] if parent else None
        if "slug" in values:
            taken = await repository.category_taken("", values["slug"], except_id=before["id"])
            if taken["slug"]:
                details.append(_taken("slug"))
        if details:
            raise ValidationFailed.many(details)
        moved = "parent" in values and values["parent"] != before["parent"]
        if moved and "position" not in values:
            values["position"] = await repository.next_category_position(values["parent"])
        changes = {k: v for k, v in values.items() if v != before[k]}
        if not changes:
            return before
        await repository.update_category(before["id"], changes)
        _, after_by_id, _ = await _tree()
        after = after_by_id[before["id"]]
        await audit.record(
            principal.as_actor(), "category.update", "category", after["code"],
            _snapshot(before, by_id), _snapshot(after, after_by_id),
        )  # fmt: skip
    return after


async def delete_category(principal: Principal, code: str) -> str:
    """Only an empty category goes: no sub-categories and no services, whatever their status."""
    require_manager(principal)
    async with transaction():
        await repository.serialize_writers("category")
        _, by_id, by_code = await _tree()
        row = await _category(by_code, code)
        await repository.lock_category(row["id"])
        contents = await repository.category_contents(row["id"])
        if contents["children"] or contents["services"]:
            children, services = contents["children"], contents["services"]
            raise Conflict(
                "CATEGORY_NOT_EMPTY",
                f"Nhóm dịch vụ còn {children} nhóm con và {services} dịch vụ; hãy chuyển chúng sang nhóm khác"
                " trước khi xóa.",
                f"The category still holds {children} sub-categories and {services} services; move them"
                " elsewhere first.",
                "code",
            )
        await repository.delete_category(row["id"])
        await audit.record(
            principal.as_actor(), "category.delete", "category", row["code"], _snapshot(row, by_id), None
        )
    return str(row["code"])


# --- departments --------------------------------------------------------------------------------

DEPARTMENT_COLUMNS = ("code", "name_vi", "name_en")


async def create_department(principal: Principal, code: str, name_vi: str, name_en: str | None) -> dict[str, Any]:
    require_admin(principal)
    values = clean_department_fields(code, name_vi, name_en, creating=True)
    async with transaction():
        await repository.serialize_writers("department")
        if await repository.department_by_code(values["code"]) is not None:
            raise Conflict("CODE_TAKEN", "Mã phòng đã tồn tại.", "The department code is already used.", "code")
        await repository.insert_department(values)
        row = await repository.department_by_code(values["code"])
        assert row is not None
        after = {k: row[k] for k in DEPARTMENT_COLUMNS}
        await audit.record(principal.as_actor(), "department.create", "department", row["code"], None, after)
    return row


async def update_department(
    principal: Principal, code: str, name_vi: str | None, name_en: str | None
) -> dict[str, Any]:
    require_admin(principal)
    values = clean_department_fields(None, name_vi, name_en, creating=False)
    async with transaction():
        before = await repository.department_by_code(lookup_code(code, max_length=20))
        if before is None:
            raise not_found(DEPARTMENT, "code")
        changes = {k: v for k, v in values.items() if v != before[k]}
        if not changes:
            return before
        await repository.update_department(before["id"], changes)
        after = await repository.department_by_code(before["code"])
        assert after is not None
        await audit.record(
            principal.as_actor(), "department.update", "department", after["code"],
            {k: before[k] for k in DEPARTMENT_COLUMNS}, {k: after[k] for k in DEPARTMENT_COLUMNS},
        )  # fmt: skip
    return after
