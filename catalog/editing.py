"""Staff use cases on the catalog: create, edit, publish, retire services and plans; schedule prices.

Every change runs in one transaction and writes an audit event with the state before and after.
"""

from __future__ import annotations

from typing import Any

from app import clock
from app.audit import service as audit
from app.auth.enums import Role
from app.auth.principal import Principal
from app.db import transaction
from app.errors import Conflict, Noun, ValidationFailed, code_taken, not_found, stale_version
from app.guards import require_staff
from app.input import check_date, lookup_code, parse_id
from app.states import apply_transition
from app.text import fold
from catalog import repository
from catalog.enums import PlanAction, PlanStatus, ServiceAction, ServiceStatus
from catalog.inputs import (
    PlanFields,
    PriceChange,
    ServiceFields,
    clean_plan_fields,
    clean_price_change,
    clean_service_fields,
)
from catalog.states import PLAN, PLAN_LIFECYCLE, SERVICE, SERVICE_LIFECYCLE

PRICE_CHANGE = Noun("thay đổi giá", "price change")


def require_manager(principal: Principal) -> None:
    require_staff(principal, Role.CATALOG_MANAGER)


def search_text(row: dict[str, Any]) -> str:
    parts = [row.get(k) or "" for k in ("code", "name_vi", "name_en", "summary_vi", "summary_en")]
    return fold(" ".join([*parts, *(row.get("tags") or [])]))


def _snapshot(row: dict[str, Any]) -> dict[str, Any]:
    hidden = {"search_text", "sort_name", "created_at", "updated_at"}
    return {k: v for k, v in row.items() if k not in hidden}


async def _resolve_refs(values: dict[str, Any]) -> None:
    """Replace category/department codes with ids, refusing unknown ones."""
    errors = []
    if "category_code" in values:
        category = await repository.category_by_code(values.pop("category_code"))
        if category is None:
            errors.append(
                ValidationFailed(
                    "UNKNOWN_CATEGORY",
                    "Không có nhóm dịch vụ này.",
                    "There is no such category.",
                    "categoryCode",
                )
            )
        else:
            values["category"] = category["id"]
    if "department_code" in values:
        department = await repository.department_by_code(values.pop("department_code"))
        if department is None:
            errors.append(
                ValidationFailed(
                    "UNKNOWN_DEPARTMENT",
                    "Không có phòng này.",
                    "There is no such department.",
                    "departmentCode",
                )
            )
        else:
            values["department"] = department["id"]
    if errors:
        raise ValidationFailed.many([d for e in errors for d in e.details])


async def _check_unique(values: dict[str, Any], except_id: int | None) -> None:
    if "code" not in values and "slug" not in values:
        return
    taken = await repository.service_exists(values.get("code", ""), values.get("slug", ""), except_id)
    if taken["code"]:
        raise code_taken(SERVICE)
    if taken["slug"]:
        raise Conflict("SLUG_TAKEN", "Slug đã được dùng.", "The slug is already used.", "slug")


async def create_service(principal: Principal, data: ServiceFields) -> dict[str, Any]:
    require_manager(principal)
    values = clean_service_fields(data, creating=True)
    channels = values.pop("channels")
    async with transaction():
        await _resolve_refs(values)
        await _check_unique(values, None)
        values.update(status=ServiceStatus.DRAFT.value, sort_name=fold(values["name_vi"]))
        values["search_text"] = search_text(values)
        service_id = await repository.insert_service(values)
        await repository.replace_channels(service_id, channels)
        row = await repository.service_by("id", service_id)
        assert row is not None
        await audit.record(
            principal.as_actor(),
            "service.create",
            "service",
            row["code"],
            None,
            {**_snapshot(row), "channels": channels},
        )
    return row


async def _service_at_version(code: str, version: int) -> dict[str, Any]:
    """The service as the editor read it; STALE_VERSION when it changed since (the update itself checks
    the version again, so a concurrent edit between this read and the write is refused too)."""
    row = await repository.service_by("code", lookup_code(code))
    if row is None:
        raise not_found(SERVICE, "code")
    if row["version"] != version:
        raise stale_version(SERVICE)
    return row


async def update_service(principal: Principal, code: str, version: int, data: ServiceFields) -> dict[str, Any]:
    require_manager(principal)
    values = clean_service_fields(data, creating=False)
    channels = values.pop("channels", None)
    async with transaction():
        before = await _service_at_version(code, version)
        await _resolve_refs(values)
        await _check_unique(values, before["id"])
        merged = {**before, **values}
        values.update(sort_name=fold(merged["name_vi"]), search_text=search_text(merged), updated_at=clock.now())
        if not await repository.update_service(before["id"], version, values):
            raise stale_version(SERVICE)
        old_channels = (await repository.channels_by_services([before["id"]]))[before["id"]]
        if channels is not None:
            await repository.replace_channels(before["id"], channels)
        after = await repository.service_by("id", before["id"])
        assert after is not None
        strip = ("id", "service")
        await audit.record(
            principal.as_actor(), "service.update", "service", after["code"],
            {**_snapshot(before), "channels": [{k: v for k, v in c.items() if k not in strip} for c in old_channels]},
            {**_snapshot(after), "channels": channels if channels is not None else "unchanged"},
        )  # fmt: skip
    return after


async def change_status(principal: Principal, code: str, version: int, action: ServiceAction) -> dict[str, Any]:
    require_manager(principal)
    async with transaction():
        before = await _service_at_version(code, version)
        current = ServiceStatus(before["status"])
        target = apply_transition(SERVICE_LIFECYCLE, current, action=action, field="status").target
        if target is ServiceStatus.PUBLISHED:
            await _require_priced_plan(before["id"])
        now = clock.now()
        values: dict[str, Any] = {"status": target.value, "updated_at": now}
        if target is ServiceStatus.PUBLISHED:
            values["published_at"] = now
        if not await repository.update_service(before["id"], version, values):
            raise stale_version(SERVICE)
        after = await repository.service_by("id", before["id"])
        assert after is not None
        await audit.record(
            principal.as_actor(), f"service.{action.value}", "service", after["code"],
            {"status": current.value, "version": version}, {"status": target.value, "version": after["version"]},
        )  # fmt: skip
    return after


async def _require_priced_plan(service_id: int) -> None:
    plans = (await repository.plans_by_services([service_id], include_retired=False))[service_id]
    prices = await repository.prices_by_plans([p["id"] for p in plans])
    today = clock.local_today()
    if not any(any(r["effective_from"] <= today for r in prices[p["id"]]) for p in plans):
        raise Conflict(
            "NO_PRICED_PLAN",
            "Cần ít nhất một gói dịch vụ có giá đang áp dụng trước khi công bố.",
            "A service needs at least one plan with a price in force before it is published.",
            "plans",
        )


async def add_plan(principal: Principal, service_code: str, data: PlanFields, price: PriceChange) -> dict[str, Any]:
    require_manager(principal)
    values = clean_plan_fields(data, creating=True)
    today = clock.local_today()
    amount, vat_rate, effective_from = clean_price_change(price, today)
    async with transaction():
        service = await repository.service_by("code", lookup_code(service_code, "serviceCode"))
        if service is None:
            raise not_found(SERVICE, "serviceCode")
        if await repository.plan_code_taken(service["id"], values["code"]):
            raise Conflict(
                "CODE_TAKEN", "Mã gói đã tồn tại trong dịch vụ này.", "The plan code is already used.", "code"
            )
        plan_id = await repository.insert_plan({**values, "service": service["id"]})
        await repository.insert_price(
            {
                "plan": plan_id,
                "amount": amount,
                "vat_rate": vat_rate.value,
                "effective_from": effective_from,
                "created_by": principal.account_id,
            }
        )
        plan = await repository.plan_by_id(plan_id)
        assert plan is not None
        await audit.record(
            principal.as_actor(), "plan.create", "plan", plan_id, None,
            {**plan, "price": {"amount": amount, "vat_rate": vat_rate.value, "effective_from": effective_from}},
        )  # fmt: skip
    return plan


async def _plan(plan_id: object) -> dict[str, Any]:
    plan = await repository.plan_by_id(parse_id(plan_id, "planId"))
    if plan is None:
        raise not_found(PLAN, "planId")
    return plan


async def update_plan(principal: Principal, plan_id: object, data: PlanFields) -> dict[str, Any]:
    require_manager(principal)
    values = clean_plan_fields(data, creating=False)
    async with transaction():
        before = await _plan(plan_id)
        renamed = "code" in values and values["code"] != before["code"]
        if renamed and await repository.plan_code_taken(before["service"], values["code"]):
            raise Conflict(
                "CODE_TAKEN",
                "Mã gói đã tồn tại trong dịch vụ này.",
                "The plan code is already used.",
                "code",
            )
        if values:
            await repository.update_plan(before["id"], values)
        after = await _plan(before["id"])
        await audit.record(principal.as_actor(), "plan.update", "plan", before["id"], before, after)
    return after


async def set_plan_status(principal: Principal, plan_id: object, action: PlanAction) -> dict[str, Any]:
    require_manager(principal)
    async with transaction():
        before = await _plan(plan_id)
        status = apply_transition(PLAN_LIFECYCLE, PlanStatus(before["status"]), action=action, field="status").target
        await repository.update_plan(before["id"], {"status": status.value})
        after = await _plan(before["id"])
        await audit.record(
            principal.as_actor(),
            f"plan.{action.value}",
            "plan",
            before["id"],
            {"status": before["status"]},
            {"status": status.value},
        )
    return after


async def schedule_price(principal: Principal, plan_id: object, change: PriceChange) -> dict[str, Any]:
    """A new price from a date (today or later). A change not yet in force may be replaced;
    a price already in force never is: history stays as it was charged."""
    require_manager(principal)
    today = clock.local_today()
    amount, vat_rate, effective_from = clean_price_change(change, today)
    async with transaction():
        plan = await _plan(plan_id)
        existing = await repository.price_on(plan["id"], effective_from)
        if existing is not None and effective_from <= today:
            raise Conflict(
                "PRICE_ALREADY_IN_EFFECT",
                "Giá của ngày này đã có hiệu lực; hãy đặt giá mới từ ngày mai.",
                "A price is already in force from this date; schedule the new one from tomorrow.",
                "effectiveFrom",
            )
        new = {"amount": amount, "vat_rate": vat_rate.value, "effective_from": effective_from}
        if existing is not None:
            await repository.update_scheduled_price(existing["id"], {**new, "created_by": principal.account_id})
        else:
            await repository.insert_price({**new, "plan": plan["id"], "created_by": principal.account_id})
        before = None if existing is None else {k: existing[k] for k in ("amount", "vat_rate", "effective_from")}
        await audit.record(principal.as_actor(), "plan.schedule_price", "plan", plan["id"], before, new)
    return plan


async def cancel_scheduled_price(principal: Principal, plan_id: object, effective_from: Any) -> dict[str, Any]:
    require_manager(principal)
    today = clock.local_today()
    check_date(effective_from, "effectiveFrom")
    async with transaction():
        plan = await _plan(plan_id)
        existing = await repository.price_on(plan["id"], effective_from)
        if existing is None:
            raise not_found(PRICE_CHANGE, "effectiveFrom")
        if effective_from <= today:
            raise Conflict(
                "PRICE_ALREADY_IN_EFFECT",
                "Giá này đã có hiệu lực và không thể hủy.",
                "This price is already in force and cannot be cancelled.",
                "effectiveFrom",
            )
        await repository.delete_scheduled_price(existing["id"])
        await audit.record(
            principal.as_actor(), "plan.cancel_price", "plan", plan["id"],
            {k: existing[k] for k in ("amount", "vat_rate", "effective_from")}, None,
        )  # fmt: skip
    return plan
