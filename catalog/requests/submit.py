"""Use case: submit a service request (a signed-in customer, or a guest with name, phone, e-mail)."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import clock, events, limits, numbering, outbox
from app.audit import service as audit
from app.auth.principal import Principal
from app.config import get_settings
from app.contact import normalize_email, normalize_phone
from app.db import transaction
from app.errors import DomainError, ErrorDetail, required
from app.guards import require_public_caller
from app.input import MAX_AMOUNT, Checker, check_date, clean_optional
from app.money import Line
from catalog import offers
from catalog.enums import Channel
from catalog.requests import access, codes, guest_links, notifications, repository, uploads
from catalog.requests.enums import RequestStatus

MAX_QUANTITY = 100_000  # units of one plan in one request: more is a typing error
MAX_DOCUMENTS = 30


@dataclass
class SubmitFields:
    """What a customer or guest sends (the GraphQL input is this class, plus the uploaded documents)."""

    service_code: str
    plan_id: object  # as the client sent it; parsed by the catalog's offer rule
    channel: Channel
    quantity: int
    desired_start: date | None = None
    desired_end: date | None = None
    notes: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None


def _contact(principal: Principal, f: SubmitFields, c: Checker) -> dict[str, str]:
    """Name, phone, e-mail in that order: a guest must give all three (the center must reach them); a
    signed-in customer's e-mail and name default to the account's."""
    guest = not principal.is_customer
    name = c.check(clean_optional, f.contact_name, "contactName") or ""
    if guest and not name and not any(d.field == "contactName" for d in c.details):
        c.add(required("contactName"))
    phone = c.check(normalize_phone, f.contact_phone, "contactPhone") or ""
    if guest and not phone and not any(d.field == "contactPhone" for d in c.details):
        c.add(required("contactPhone"))
    email = ""
    if f.contact_email is not None and f.contact_email.strip():
        email = c.check(normalize_email, f.contact_email, "contactEmail") or ""
    elif guest:
        c.add(required("contactEmail"))
    if not guest:
        email = email or principal.email
        name = name or principal.email
    return {"contact_name": name, "contact_phone": phone, "contact_email": email}


def _dates(f: SubmitFields, today: date, c: Checker) -> None:
    for value, key in ((f.desired_start, "desiredStart"), (f.desired_end, "desiredEnd")):
        if value is not None and c.check(check_date, value, key) is not None and value < today:
            c.fail(key, "DATE_IN_PAST", "Ngày mong muốn đã qua.", "The desired date is in the past.")
    if f.desired_start and f.desired_end and f.desired_end < f.desired_start:
        c.fail(
            "desiredEnd",
            "INVALID_DATE_RANGE",
            "Ngày kết thúc trước ngày bắt đầu.",
            "The end date is before the start date.",
        )


def document_errors(
    required_documents: Sequence[offers.Document], documents: Sequence[uploads.IncomingFile], all_mandatory: bool
) -> list[ErrorDetail]:
    """Each file must answer one of the service's documents, one file each, and pass the file checks; with
    `all_mandatory`, every mandatory document must be there (a supplement may bring only some)."""
    errors: list[ErrorDetail] = []
    seen: set[int] = set()
    if len(documents) > MAX_DOCUMENTS:
        return [ErrorDetail("TOO_MANY", f"Tối đa {MAX_DOCUMENTS} tệp.", f"At most {MAX_DOCUMENTS} files.", "documents")]
    for index, document in enumerate(documents):
        if not 0 <= document.requirement < len(required_documents):
            errors.append(
                ErrorDetail(
                    "INVALID_REQUIREMENT",
                    "Giấy tờ không có trong danh mục của dịch vụ.",
                    "The document is not one the service asks for.",
                    f"documents.{index}.requirement",
                )
            )
        elif document.requirement in seen:
            errors.append(
                ErrorDetail(
                    "DUPLICATE_DOCUMENT",
                    "Mỗi giấy tờ chỉ nộp một tệp; giấy tờ này đã có tệp khác trong yêu cầu.",
                    "One file per required document; this document already has a file in the request.",
                    f"documents.{index}.requirement",
                )
            )
        seen.add(document.requirement)
        errors += uploads.check(document, index)
    given = {d.requirement for d in documents}
    for requirement in required_documents if all_mandatory else ():
        if requirement.mandatory and requirement.index not in given:
            errors.append(
                ErrorDetail(
                    "DOCUMENT_REQUIRED",
                    f"Thiếu giấy tờ bắt buộc: {requirement.name_vi}.",
                    f"Missing required document: {requirement.name_en or requirement.name_vi}.",
                    "documents",
                )
            )
    return errors


async def _count_guest_submission(email: str, client: str | None) -> None:
    """A guest's submission is counted per client address and per contact e-mail (app.limits), so
    nobody can flood the desk or have it mail an address at will; RATE_LIMITED past either limit."""
    settings = get_settings()
    window = timedelta(minutes=settings.guest_submission_window_minutes)
    counted = [limits.Limit("guest-email", email, settings.guest_submissions_per_email, window)]
    if client:
        counted.append(limits.Limit("guest-client", client[:100], settings.guest_submissions_per_client, window))
    limits.refuse_if_exceeded(await limits.hit_all(counted))


async def submit_request(
    principal: Principal,
    f: SubmitFields,
    documents: Sequence[uploads.IncomingFile] = (),
    client: str | None = None,
) -> dict[str, Any]:
    """`client`: the caller's address (app.clients), a key of the guests' limit."""
    require_public_caller(principal)  # staff and partner keys do not submit on anyone's behalf
    c = Checker()
    today = clock.local_today()
    quantity = f.quantity
    _dates(f, today, c)
    contact = _contact(principal, f, c)
    notes = c.check(clean_optional, f.notes, "notes", max_length=2000, multiline=True)
    offer = None
    try:
        offer = await offers.offer(f.service_code, f.plan_id, f.channel, today)
    except DomainError as refused:  # the offer's reasons join the other fields' errors
        c.add(refused)
    minimum = offer.min_quantity if offer is not None else 1
    if quantity < minimum:
        c.fail(
            "quantity",
            "INVALID_QUANTITY",
            f"Số lượng phải từ {minimum} trở lên.",
            f"The quantity must be at least {minimum}.",
        )
    elif quantity > MAX_QUANTITY:
        c.fail(
            "quantity",
            "INVALID_QUANTITY",
            f"Số lượng tối đa là {MAX_QUANTITY:,}.".replace(",", "."),
            f"The quantity must be at most {MAX_QUANTITY:,}.",
        )
    if offer is not None:
        c.details += document_errors(offer.documents, documents, all_mandatory=True)
    c.done()
    assert offer is not None
    line = Line(quantity, offer.unit_amount, offer.vat_rate)
    if line.amount > MAX_AMOUNT:
        c.fail(
            "quantity", "AMOUNT_TOO_LARGE", "Tổng tiền vượt quá mức cho phép.", "The total exceeds the allowed maximum."
        )
        c.done()
    if not principal.is_customer:  # counted after validation, before anything is stored
        await _count_guest_submission(contact["contact_email"], client)

    stored = [await asyncio.to_thread(uploads.store, document) for document in documents]
    now = clock.now()
    async with transaction():
        sequence = await numbering.next_number(codes.series(today))
        code = codes.format_code(get_settings().receipt_prefix, today, sequence, codes.random_suffix())
        request_id = await repository.insert_request(
            {
                "code": code,
                "service": offer.service_id,
                "plan": offer.plan_id,
                "department": offer.department_id,
                "customer": principal.account_id if principal.is_customer else None,
                "channel": offer.channel.value,
                "quantity": quantity,
                "unit_amount": offer.unit_amount,
                "vat_rate": offer.vat_rate.value,
                "amount": line.amount,
                "vat_amount": line.vat_amount,
                "total_amount": line.total_amount,
                "fee_amount": offer.fee_amount,
                "processing_days": offer.processing_days,
                "desired_start": f.desired_start,
                "desired_end": f.desired_end,
                "notes": notes,
                **contact,
                "status": RequestStatus.SUBMITTED.value,
                "submitted_at": now,
                "updated_at": now,
            }
        )
        for document in stored:
            await repository.insert_document({"request": request_id, **document.__dict__, "created_at": now})
        actor = principal.as_actor() if principal.is_customer else access.guest_actor(contact["contact_email"])
        await events.record(
            actor, notifications.ENTITY, request_id, "submit", to_status=RequestStatus.SUBMITTED.value, at=now
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
        link = None
        if row["customer"] is None:
            token, expires_at = await guest_links.issue(request_id, "submit")
            link = (guest_links.url_of(token), expires_at.astimezone(get_settings().timezone).date().isoformat())
        message = await notifications.enqueue(row, "submit", link=link)
    await outbox.deliver([message])
    return row
