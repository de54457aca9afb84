"""Use case: submit a service request (a signed-in customer, or a guest with name, phone, e-mail)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app import clock
from app.audit import service as audit
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import ErrorDetail, forbidden
from app.text import clean_optional, raise_all
from app.vat import VatRate, vat_amount
from catalog import repository as catalog_repository
from catalog.enums import Channel, PlanStatus, ServiceStatus
from catalog.pricing import price_in_force
from catalog.requests import access, codes, notifications, repository, uploads
from catalog.requests.enums import RequestStatus

_PHONE = re.compile(r"^\+?[0-9]{9,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class SubmitFields:
    service_code: str
    plan_id: int
    channel: Channel
    quantity: int
    desired_start: date | None = None
    desired_end: date | None = None
    notes: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    documents: list[uploads.IncomingFile] = field(default_factory=list)


def _detail(code: str, vi: str, en: str, field_name: str) -> ErrorDetail:
    return ErrorDetail(code, vi, en, field_name)


def _contact(principal: Principal, f: SubmitFields) -> tuple[dict[str, str], list[ErrorDetail]]:
    errors: list[ErrorDetail] = []
    name = clean_optional(f.contact_name, "contactName")
    phone = re.sub(r"[\s.-]", "", clean_optional(f.contact_phone, "contactPhone", max_length=30))
    email = clean_optional(f.contact_email, "contactEmail", max_length=254).lower()
    if principal.is_customer:
        email = email or principal.email
        name = name or principal.email
    for value, key in ((name, "contactName"), (phone, "contactPhone"), (email, "contactEmail")):
        if not value and not principal.is_customer:
            errors.append(_detail("REQUIRED", "Trường này là bắt buộc.", "This field is required.", key))
    if phone and not _PHONE.match(phone):
        errors.append(
            _detail("INVALID_PHONE", "Số điện thoại không hợp lệ.", "The phone number is not valid.", "contactPhone")
        )
    if email and not _EMAIL.match(email):
        errors.append(
            _detail("INVALID_EMAIL", "Địa chỉ e-mail không hợp lệ.", "The e-mail address is not valid.", "contactEmail")
        )
    return {"contact_name": name, "contact_phone": phone, "contact_email": email}, errors


def _date_errors(f: SubmitFields, today: date) -> list[ErrorDetail]:
    errors: list[ErrorDetail] = []
    for value, key in ((f.desired_start, "desiredStart"), (f.desired_end, "desiredEnd")):
        if value is not None and value < today:
            errors.append(_detail("DATE_IN_PAST", "Ngày mong muốn đã qua.", "The desired date is in the past.", key))
    if f.desired_start and f.desired_end and f.desired_end < f.desired_start:
        errors.append(
            _detail(
                "INVALID_DATE_RANGE",
                "Ngày kết thúc trước ngày bắt đầu.",
                "The end date is before the start date.",
                "desiredEnd",
            )
        )
    return errors


def _document_errors(required: list[dict[str, Any]], documents: list[uploads.IncomingFile]) -> list[ErrorDetail]:
    errors: list[ErrorDetail] = []
    given = {d.requirement for d in documents}
    for index, document in enumerate(documents):
        if not 0 <= document.requirement < len(required):
            errors.append(
                _detail(
                    "INVALID_REQUIREMENT",
                    "Giấy tờ không có trong danh mục của dịch vụ.",
                    "The document is not one the service asks for.",
                    f"documents.{index}.requirement",
                )
            )
        errors += uploads.check(document, index)
    for index, requirement in enumerate(required):
        if requirement.get("mandatory", True) and index not in given:
            errors.append(
                _detail(
                    "DOCUMENT_REQUIRED",
                    f"Thiếu giấy tờ bắt buộc: {requirement['name_vi']}.",
                    f"Missing required document: {requirement.get('name_en') or requirement['name_vi']}.",
                    "documents",
                )
            )
    return errors


async def submit_request(principal: Principal, f: SubmitFields) -> dict[str, Any]:
    if not (principal.is_anonymous or principal.is_customer):
        raise forbidden()  # staff and partner keys do not submit on anyone's behalf
    errors: list[ErrorDetail] = []
    today = clock.local_today()
    service = await catalog_repository.service_by("code", f.service_code.strip().upper())
    if service is None or service["status"] != ServiceStatus.PUBLISHED.value:
        raise_all(
            [
                _detail(
                    "SERVICE_NOT_AVAILABLE",
                    "Dịch vụ không tồn tại hoặc không còn cung cấp.",
                    "The service does not exist or is not offered.",
                    "serviceCode",
                )
            ]
        )
    assert service is not None
    plan = await catalog_repository.plan_by_id(f.plan_id)
    if plan is None or plan["service"] != service["id"] or plan["status"] != PlanStatus.ACTIVE.value:
        errors.append(
            _detail(
                "PLAN_NOT_IN_SERVICE",
                "Gói không thuộc dịch vụ này.",
                "The plan does not belong to this service.",
                "planId",
            )
        )
    channels = (await catalog_repository.channels_by_services([service["id"]])).get(service["id"], [])
    terms = next((c for c in channels if c["channel"] == f.channel.value), None)
    if terms is None:
        errors.append(
            _detail(
                "CHANNEL_NOT_OFFERED",
                "Dịch vụ không nhận hồ sơ qua kênh này.",
                "The service is not offered through this channel.",
                "channel",
            )
        )
    minimum = max(1, plan["min_quantity"] if plan else 1)
    if f.quantity < minimum:
        errors.append(
            _detail(
                "INVALID_QUANTITY",
                f"Số lượng phải từ {minimum} trở lên.",
                f"The quantity must be at least {minimum}.",
                "quantity",
            )
        )
    errors += _date_errors(f, today)
    contact, contact_errors = _contact(principal, f)
    errors += contact_errors
    notes = clean_optional(f.notes, "notes", max_length=2000, multiline=True)
    errors += _document_errors(service["required_documents"] or [], f.documents)
    price = None
    if plan is not None:
        price = price_in_force((await catalog_repository.prices_by_plans([plan["id"]])).get(plan["id"], []), today)
        if price is None and not errors:
            errors.append(_detail("NO_PRICE", "Gói chưa có giá.", "The plan has no price in force.", "planId"))
    raise_all(errors)
    assert plan is not None and terms is not None and price is not None

    stored = [await asyncio.to_thread(uploads.store, document) for document in f.documents]
    amount = price.amount * f.quantity
    vat = vat_amount(amount, VatRate(price.vat_rate))
    now = clock.now()
    async with transaction():
        sequence = await repository.next_sequence(codes.day_key(today))
        code = codes.format_code(get_settings().receipt_prefix, today, sequence, codes.random_suffix())
        values = {
            "code": code,
            "service": service["id"],
            "plan": plan["id"],
            "department": service["department"],
            "customer": principal.account_id if principal.is_customer else None,
            "channel": f.channel.value,
            "quantity": f.quantity,
            "unit_amount": price.amount,
            "vat_rate": price.vat_rate.value,
            "amount": amount,
            "vat_amount": vat,
            "total_amount": amount + vat,
            "fee_amount": int(terms["fee_amount"]),
            "processing_days": int(terms["processing_days"]),
            "desired_start": f.desired_start,
            "desired_end": f.desired_end,
            "notes": notes,
            **contact,
            "status": RequestStatus.SUBMITTED.value,
            "submitted_at": now,
            "updated_at": now,
        }
        request_id = await repository.insert_request(values)
        for document in stored:
            await repository.insert_document({"request": request_id, **document.__dict__, "created_at": now})
        actor = principal.as_actor() if principal.is_customer else access.guest_actor(contact["contact_email"])
        await repository.insert_event(
            {
                "request": request_id,
                "action": "submit",
                "from_status": "",
                "to_status": RequestStatus.SUBMITTED.value,
                "actor_id": actor.id,
                "actor_label": actor.label,
                "comment": "",
                "created_at": now,
            }
        )
        row = await repository.request_by_id(request_id)
        assert row is not None
        await audit.record(
            actor,
            "request.submit",
            "service_request",
            code,
            None,
            {"status": row["status"], "total": row["total_amount"]},
        )
        message = await notifications.enqueue(row, "submit")
    await notifications.deliver([message])
    return row
