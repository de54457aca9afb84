"""The catalog's answer to other domains: what is offered, through which channel, at what price.

Requests (and later billing) call these functions instead of reading the catalog's tables: the rule
"is this service published, is this plan active and part of it, is this channel offered, what price
is in force on this day" belongs to the catalog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.errors import ErrorDetail
from app.input import Checker, lookup_code, parse_id
from app.money import VatRate
from catalog import repository
from catalog.enums import Channel, PlanStatus, ServiceStatus, Unit
from catalog.pricing import Price, price_in_force


@dataclass(frozen=True)
class Document:
    """A document the service asks for (index = position in the service's list)."""

    index: int
    name_vi: str
    name_en: str
    copies: int
    mandatory: bool


@dataclass(frozen=True)
class Offer:
    """A plan of a published service, through a channel, at the price in force on a day."""

    service_id: int
    service_code: str
    service_name_vi: str
    service_name_en: str
    department_id: int
    plan_id: int
    plan_code: str
    plan_name_vi: str
    plan_name_en: str
    unit: Unit
    min_quantity: int
    channel: Channel
    fee_amount: int  # the channel's fee, đồng
    processing_days: int  # working days through this channel
    price: Price  # before VAT, with its VAT rate
    documents: tuple[Document, ...]

    @property
    def unit_amount(self) -> int:
        return self.price.amount

    @property
    def vat_rate(self) -> VatRate:
        return self.price.vat_rate


def documents_of(service: dict[str, Any]) -> tuple[Document, ...]:
    return tuple(
        Document(i, d["name_vi"], d.get("name_en") or "", int(d.get("copies", 1)), bool(d.get("mandatory", True)))
        for i, d in enumerate(service.get("required_documents") or [])
    )


def _not_available() -> ErrorDetail:
    return ErrorDetail(
        "SERVICE_NOT_AVAILABLE",
        "Dịch vụ không tồn tại hoặc không còn cung cấp.",
        "The service does not exist or is not offered.",
        "serviceCode",
    )


async def offer(service_code: str, plan_id: object, channel: Channel, on: date) -> Offer:
    """The offer, or a ValidationFailed listing every reason there is none (unknown or unpublished
    service, plan not active in it, channel not offered, no price in force)."""
    c = Checker()
    code = c.check(lookup_code, service_code, "serviceCode")
    plan_key = c.check(parse_id, plan_id, "planId")
    service = await repository.service_by("code", code) if code else None
    if service is None or service["status"] != ServiceStatus.PUBLISHED.value:
        if code:
            c.details.append(_not_available())
        c.done()
    assert service is not None
    plan = await repository.plan_by_id(plan_key) if plan_key else None
    if plan_key and (plan is None or plan["service"] != service["id"] or plan["status"] != PlanStatus.ACTIVE.value):
        c.fail(
            "planId", "PLAN_NOT_IN_SERVICE", "Gói không thuộc dịch vụ này.", "The plan does not belong to this service."
        )
        plan = None
    channels = (await repository.channels_by_services([service["id"]])).get(service["id"], [])
    terms = next((t for t in channels if t["channel"] == channel.value), None)
    if terms is None:
        c.fail(
            "channel",
            "CHANNEL_NOT_OFFERED",
            "Dịch vụ không nhận hồ sơ qua kênh này.",
            "The service is not offered through this channel.",
        )
    price = None
    if plan is not None:
        price = price_in_force((await repository.prices_by_plans([plan["id"]])).get(plan["id"], []), on)
        if price is None:
            c.fail("planId", "NO_PRICE", "Gói chưa có giá.", "The plan has no price in force.")
    c.done()
    assert plan is not None and terms is not None and price is not None
    return Offer(
        service_id=service["id"],
        service_code=service["code"],
        service_name_vi=service["name_vi"],
        service_name_en=service["name_en"],
        department_id=service["department"],
        plan_id=plan["id"],
        plan_code=plan["code"],
        plan_name_vi=plan["name_vi"],
        plan_name_en=plan["name_en"],
        unit=Unit(plan["unit"]),
        min_quantity=max(1, int(plan["min_quantity"])),
        channel=channel,
        fee_amount=int(terms["fee_amount"]),
        processing_days=int(terms["processing_days"]),
        price=price,
        documents=documents_of(service),
    )


async def required_documents(service_id: int) -> tuple[Document, ...]:
    service = await repository.service_by("id", service_id)
    return documents_of(service) if service else ()


async def service_id(code: str) -> int | None:
    row = await repository.service_by("code", code)
    return int(row["id"]) if row else None


@dataclass(frozen=True)
class PlanTerms:
    """A plan with its service's names and the price in force on a day (None when none is)."""

    plan_id: int
    plan_code: str
    plan_name_vi: str
    plan_name_en: str
    service_id: int
    service_code: str
    service_name_vi: str
    service_name_en: str
    unit: Unit
    min_quantity: int
    offered: bool  # the service is published and the plan active
    price: Price | None


async def plan_terms(plan_ids: list[int], on: date) -> dict[int, PlanTerms]:
    """The plans among `plan_ids` that exist (unknown ids are absent), in three queries."""
    plans = await repository.plans_by_ids(plan_ids)
    services = {s["id"]: s for s in await repository.services_by_ids(sorted({p["service"] for p in plans}))}
    prices = await repository.prices_by_plans([p["id"] for p in plans])
    out = {}
    for plan in plans:
        service = services[plan["service"]]
        out[plan["id"]] = PlanTerms(
            plan_id=plan["id"],
            plan_code=plan["code"],
            plan_name_vi=plan["name_vi"],
            plan_name_en=plan["name_en"],
            service_id=service["id"],
            service_code=service["code"],
            service_name_vi=service["name_vi"],
            service_name_en=service["name_en"],
            unit=Unit(plan["unit"]),
            min_quantity=max(1, int(plan["min_quantity"])),
            offered=service["status"] == ServiceStatus.PUBLISHED.value and plan["status"] == PlanStatus.ACTIVE.value,
            price=price_in_force(prices.get(plan["id"], []), on),
        )
    return out
