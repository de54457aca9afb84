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
from app.errors import Conflict, ValidationFailed, forbidden, not_found, unauthenticated
from app.text import fold
from catalog import repository
from catalog.enums import PlanStatus, ServiceStatus
from catalog.inputs import (
    PlanFields,
    PriceChange,
    ServiceFields,
    clean_plan_fields,
    clean_price_change,
    clean_service_fields,
)
from catalog.states import SERVICE_TRANSITIONS


def require_manager(principal: Principal) -> None:
    if principal.is_anonymous or principal.api_key_id is not None:
        raise unauthenticated()
    if not principal.has_role(Role.CATALOG_MANAGER):
        raise forbidden()


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
        raise Conflict("CODE_TAKEN", "Mã dịch vụ đã tồn tại.", "The service code is already used.", "code")
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


async def _locked_service(code: str, version: int) -> dict[str, Any]:
    row = await repository.service_by("code", code.strip().upper())
    if row is None:
        raise not_found("dịch vụ", "Service", "code")
    if row["version"] != version:
        raise _stale()
    return row


def _stale() -> Conflict:
    return Conflict(
        "STALE_VERSION",
        "Dịch vụ đã được người khác sửa. Hãy tải lại rồi thử lại.",
        "The service was changed by someone else. Reload and try again.",
        "version",
    )


async def update_service(principal: Principal, code: str, version: int, data: ServiceFields) -> dict[str, Any]:
    require_manager(principal)
    values = clean_service_fields(data, creating=False)
    channels = values.pop("channels", None)
    async with transaction():
        before = await _locked_service(code, version)
        await _resolve_refs(values)
        await _check_unique(values, before["id"])
        merged = {**before, **values}
        values.update(sort_name=fold(merged["name_vi"]), search_text=search_text(merged), updated_at=clock.now())
        if not await repository.update_service(before["id"], version, values):
            raise _stale()
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


async def change_status(principal: Principal, code: str, version: int, target: ServiceStatus) -> dict[str, Any]:
    require_manager(principal)
    async with transaction():
        before = await _locked_service(code, version)
        current = ServiceStatus(before["status"])
        action = SERVICE_TRANSITIONS.get((current, target))
        if action is None:
            raise Conflict(
                "INVALID_TRANSITION",
                f"Không thể chuyển dịch vụ từ trạng thái {current.value} sang {target.value}.",
                f"A service cannot go from {current.value} to {target.value}.",
                "status",
            )
        if target is ServiceStatus.PUBLISHED:
            await _require_priced_plan(before["id"])
        now = clock.now()
        values: dict[str, Any] = {"status": target.value, "updated_at": now}
        if target is ServiceStatus.PUBLISHED:
            values["published_at"] = now
        if not await repository.update_service(before["id"], version, values):
            raise _stale()
        after = await repository.service_by("id", before["id"])
        assert after is not None
        await audit.record(
            principal.as_actor(), f"service.{action}", "service", after["code"],
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
        service = await repository.service_by("code", service_code.strip().upper())
        if service is None:
            raise not_found("dịch vụ", "Service", "serviceCode")
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


async def _plan(plan_id: int) -> dict[str, Any]:
    plan = await repository.plan_by_id(plan_id)
    if plan is None:
        raise not_found("gói dịch vụ", "Plan", "planId")
    return plan


async def update_plan(principal: Principal, plan_id: int, data: PlanFields) -> dict[str, Any]:
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
            await repository.update_plan(plan_id, values)
        after = await _plan(plan_id)
        await audit.record(principal.as_actor(), "plan.update", "plan", plan_id, before, after)
    return after


async def set_plan_status(principal: Principal, plan_id: int, status: PlanStatus) -> dict[str, Any]:
    require_manager(principal)
    async with transaction():
        before = await _plan(plan_id)
        if before["status"] == status.value:
            raise Conflict(
                "INVALID_TRANSITION",
                f"Gói dịch vụ đã ở trạng thái {status.value}.",
                f"The plan is already {status.value}.",
                "status",
            )
        await repository.update_plan(plan_id, {"status": status.value})
        after = await _plan(plan_id)
        action = "plan.retire" if status is PlanStatus.RETIRED else "plan.reactivate"
        await audit.record(
            principal.as_actor(),
            action,
            "plan",
            plan_id,
            {"status": before["status"]},
            {"status": status.value},
        )
    return after


async def schedule_price(principal: Principal, plan_id: int, change: PriceChange) -> dict[str, Any]:
    """A new price from a date (today or later). A change not yet in force may be replaced;
    a price already in force never is: history stays as it was charged."""
    require_manager(principal)
    today = clock.local_today()
    amount, vat_rate, effective_from = clean_price_change(change, today)
    async with transaction():
        plan = await _plan(plan_id)
        existing = await repository.price_on(plan_id, effective_from)
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
            await repository.insert_price({**new, "plan": plan_id, "created_by": principal.account_id})
        before = None if existing is None else {k: existing[k] for k in ("amount", "vat_rate", "effective_from")}
        await audit.record(principal.as_actor(), "plan.schedule_price", "plan", plan_id, before, new)
    return plan


async def cancel_scheduled_price(principal: Principal, plan_id: int, effective_from: Any) -> dict[str, Any]:
    require_manager(principal)
    today = clock.local_today()
    async with transaction():
        plan = await _plan(plan_id)
        existing = await repository.price_on(plan_id, effective_from)
        if existing is None:
            raise not_found("thay đổi giá", "Price change", "effectiveFrom")
        if effective_from <= today:
            raise Conflict(
                "PRICE_ALREADY_IN_EFFECT",
                "Giá này đã có hiệu lực và không thể hủy.",
                "This price is already in force and cannot be cancelled.",
                "effectiveFrom",
            )
        await repository.delete_scheduled_price(existing["id"])
        await audit.record(
            principal.as_actor(), "plan.cancel_price", "plan", plan_id,
            {k: existing[k] for k in ("amount", "vat_rate", "effective_from")}, None,
        )  # fmt: skip
    return plan
