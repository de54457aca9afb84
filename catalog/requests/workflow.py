"""Use cases of the workflow: one function applies any transition of the table (for a signed-in
caller, or for a guest who proves ownership with receipt code + contact), plus assignment, department
membership and the overdue sweep. Each writes an event, an audit record and (when the customer should
know) an outbox message in one transaction; e-mail goes out after commit."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from app import clock
from app.audit import service as audit
from app.audit.service import Actor
from app.auth.enums import AccountKind
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import Conflict, DomainError, ErrorDetail, ValidationFailed, forbidden, not_found
from app.text import clean_optional, raise_all
from catalog import repository as catalog_repository
from catalog.requests import access, notifications, repository, states, tracking, uploads
from catalog.requests.calendar import calendar_around, cutoff, local_date
from catalog.requests.enums import Actor as Who
from catalog.requests.enums import RequestAction, RequestStatus
from catalog.requests.workdays import due_date, extend_for_pause


def invalid_transition(status: str, action: RequestAction) -> Conflict:
    return Conflict(
        "INVALID_TRANSITION",
        f"Không thể '{action.value}' hồ sơ đang ở trạng thái '{status}'.",
        f"Cannot '{action.value}' a request that is '{status}'.",
        "action",
    )


def _stale() -> Conflict:
    return Conflict(
        "STALE_VERSION",
        "Hồ sơ vừa được người khác thay đổi; hãy tải lại.",
        "The request was changed by someone else; reload it.",
        "version",
    )


async def _authorize(principal: Principal, code: str, who: Who | None) -> dict[str, Any]:
    """Load the request as its customer or its department's operator; refuse others."""
    if who is Who.CUSTOMER:
        access.require_customer(principal)
    elif who is Who.STAFF:
        access.require_staff(principal)
    return await access.readable(principal, code)


async def _effects(row: dict[str, Any], action: RequestAction, comment: str) -> dict[Any, Any]:
    now = clock.now()
    values: dict[str, Any] = {}
    if action is RequestAction.RECEIVE:
        calendar = await calendar_around(local_date(now))
        values.update(
            received_at=now, due_date=due_date(now, row["processing_days"], calendar, cutoff(), get_settings().timezone)
        )
    elif action is RequestAction.REQUEST_SUPPLEMENT:
        values.update(paused_at=now)
    elif action is RequestAction.RESUBMIT and row["paused_at"] is not None and row["due_date"] is not None:
        calendar = await calendar_around(row["due_date"])
        values.update(
            due_date=extend_for_pause(row["due_date"], row["paused_at"], now, calendar, get_settings().timezone)[0],
            paused_at=None,
        )
        if row["promised_date"] is not None:
            calendar = await calendar_around(row["promised_date"])
            values.update(
                promised_date=extend_for_pause(
                    row["promised_date"], row["paused_at"], now, calendar, get_settings().timezone
                )[0]
            )
    elif action is RequestAction.REJECT:
        values.update(rejection_reason=comment)
    elif action is RequestAction.COMPLETE:
        values.update(completed_at=now)
    return values


async def _check_documents(row: dict[str, Any], documents: Sequence[uploads.IncomingFile]) -> None:
    service = await catalog_repository.service_by("id", row["service"])
    required = (service or {}).get("required_documents") or []
    errors: list[ErrorDetail] = []
    for index, document in enumerate(documents):
        if not 0 <= document.requirement < len(required):
            errors.append(
                ErrorDetail(
                    "INVALID_REQUIREMENT",
                    "Giấy tờ không có trong danh mục của dịch vụ.",
                    "The document is not one the service asks for.",
                    f"documents.{index}.requirement",
                )
            )
        errors += uploads.check(document, index)
    raise_all(errors)


def _actor_of(action: RequestAction) -> Who | None:
    """Who may take this action anywhere in the table (each action belongs to one side)."""
    return next((who for (_, a), (_, who) in states.TRANSITIONS.items() if a is action), None)


async def transition(
    principal: Principal,
    code: str,
    action: RequestAction,
    comment: str | None = None,
    documents: Sequence[uploads.IncomingFile] = (),
) -> dict[str, Any]:
    """Apply one step of the table. Documents are accepted with a resubmission only."""
    text = clean_optional(comment, "comment", max_length=2000, multiline=True)
    row = await _authorize(principal, code, _actor_of(action))
    return await _apply(row, action, text, documents, principal.as_actor())


async def guest_transition(
    principal: Principal,
    code: str,
    contact: str,
    client: str | None,
    action: RequestAction,
    comment: str | None = None,
    documents: Sequence[uploads.IncomingFile] = (),
) -> dict[str, Any]:
    """A customer step (cancel, resubmit) on a request submitted without an account, by whoever proves
    it with the receipt code + the phone or e-mail given at submission: the check, the failure count
    and the rate limit of public tracking. A request owned by an account answers NOT_FOUND like a wrong
    pair (its holder signs in). Staff and partner keys are refused: they never act for a customer.
    The step is recorded as the guest (guest:<e-mail>, as at submission), or as the signed-in account."""
    if not (principal.is_anonymous or principal.is_customer) or _actor_of(action) is not Who.CUSTOMER:
        raise forbidden()
    text = clean_optional(comment, "comment", max_length=2000, multiline=True)
    row = await tracking.prove(code, contact, client, guests_only=True)
    actor = principal.as_actor() if principal.is_customer else access.guest_actor(row["contact_email"])
    return await _apply(row, action, text, documents, actor)


async def _apply(
    row: dict[str, Any],
    action: RequestAction,
    text: str,
    documents: Sequence[uploads.IncomingFile],
    actor: Actor,
) -> dict[str, Any]:
    """The step from the table for an authorized caller: the transition, its effects, event, audit
    record and outbox message in one transaction; INVALID_TRANSITION (nothing written) if not in it."""
    current = RequestStatus(row["status"])
    move = states.target(current, action)
    if move is None:
        raise invalid_transition(current.value, action)
    if action in (RequestAction.REJECT, RequestAction.REQUEST_SUPPLEMENT) and not text:
        raise ValidationFailed("REASON_REQUIRED", "Hãy nêu lý do.", "A reason is required.", "comment")
    if documents:
        if action is not RequestAction.RESUBMIT:
            raise ValidationFailed(
                "DOCUMENTS_NOT_ACCEPTED",
                "Chỉ gửi kèm giấy tờ khi bổ sung hồ sơ.",
                "Documents are only accepted with a resubmission.",
                "documents",
            )
        await _check_documents(row, documents)
    stored = [await asyncio.to_thread(uploads.store, document) for document in documents]
    new_status, _ = move
    now = clock.now()
    async with transaction():
        for document in stored:
            await repository.insert_document({"request": row["id"], **document.__dict__, "created_at": now})
        values = await _effects(row, action, text)
        values.update(status=new_status.value, updated_at=now)
        if not await repository.update_request(row["id"], row["version"], values):
            raise _stale()
        await repository.insert_event(
            {
                "request": row["id"],
                "action": action.value,
                "from_status": current.value,
                "to_status": new_status.value,
                "actor_id": actor.id,
                "actor_label": actor.label,
                "comment": text,
                "created_at": now,
            }
        )
        after = await repository.request_by_id(row["id"])
        assert after is not None
        await audit.record(
            actor,
            f"request.{action.value}",
            "service_request",
            row["code"],
            {"status": current.value},
            {"status": new_status.value},
        )
        message = None
        if action in states.CUSTOMER_VISIBLE:
            message = await notifications.enqueue(after, action.value, text)
    await notifications.deliver([message])
    return after


async def assign(principal: Principal, code: str, assignee_id: int | None) -> dict[str, Any]:
    access.require_staff(principal)
    row = await access.readable(principal, code)
    if assignee_id is not None:
        members = await repository.departments_of(assignee_id)
        if row["department"] not in members:
            raise ValidationFailed(
                "ASSIGNEE_NOT_IN_DEPARTMENT",
                "Người được giao không thuộc phòng xử lý hồ sơ.",
                "The assignee does not work in the request's department.",
                "assigneeId",
            )
    now = clock.now()
    async with transaction():
        if not await repository.update_request(row["id"], row["version"], {"assignee": assignee_id, "updated_at": now}):
            raise _stale()
        actor = principal.as_actor()
        await repository.insert_event(
            {
                "request": row["id"],
                "action": "assign",
                "from_status": row["status"],
                "to_status": row["status"],
                "actor_id": actor.id,
                "actor_label": actor.label,
                "comment": f"assignee={assignee_id}",
                "created_at": now,
            }
        )
        await audit.record(
            actor,
            "request.assign",
            "service_request",
            row["code"],
            {"assignee": row["assignee"]},
            {"assignee": assignee_id},
        )
        after = await repository.request_by_id(row["id"])
    assert after is not None
    return after


async def add_staff_to_department(principal: Principal, account_id: int, department_code: str) -> list[int]:
    access.require_admin(principal)
    department = await catalog_repository.department_by_code(department_code.strip().upper())
    if department is None:
        raise not_found("phòng", "Department", "departmentCode")
    if await repository.account_kind(account_id) != AccountKind.STAFF.value:
        raise not_found("cán bộ", "Staff account", "accountId")
    async with transaction():
        await repository.add_membership(account_id, department["id"])
        await audit.record(
            principal.as_actor(), "staff.department", "account", account_id, None, {"department": department["code"]}
        )
        return await repository.departments_of(account_id)


APOLOGY_VI = "Trung tâm xin lỗi vì hồ sơ chậm so với hạn đã hẹn. Ngày hẹn mới: {date}."
APOLOGY_EN = "We apologise: the request is late. New promised date: {date}."


async def mark_overdue(principal: Principal | None = None) -> list[str]:
    """Flags every running request past its due date, promises a new date (today + N working days)
    with an apology, and notifies the customer. Idempotent: a flagged request is not flagged again.
    Run by operators (markOverdueRequests) or by `python -m app.cli mark-overdue` (cron)."""
    if principal is not None:
        access.require_staff(principal)
    actor = principal.as_actor() if principal is not None else Actor.system()
    today = clock.local_today()
    calendar = await calendar_around(today)
    flagged: list[str] = []
    messages: list[int | None] = []
    for row in await repository.past_due(today):
        promised = calendar.add_working_days(today, get_settings().overdue_extension_days)
        note = f"{APOLOGY_VI.format(date=promised.isoformat())} / {APOLOGY_EN.format(date=promised.isoformat())}"
        now = clock.now()
        try:
            async with transaction():
                values = {"overdue": True, "promised_date": promised, "apology_note": note, "updated_at": now}
                if not await repository.update_request(row["id"], row["version"], values):
                    raise _stale()
                await repository.insert_event(
                    {
                        "request": row["id"],
                        "action": "overdue",
                        "from_status": row["status"],
                        "to_status": row["status"],
                        "actor_id": actor.id,
                        "actor_label": actor.label,
                        "comment": note,
                        "created_at": now,
                    }
                )
                await audit.record(
                    actor, "request.overdue", "service_request", row["code"], None, {"promised_date": promised}
                )
                after = await repository.request_by_id(row["id"])
                assert after is not None
                messages.append(await notifications.enqueue(after, "overdue", note))
        except DomainError:
            continue  # changed meanwhile: the next sweep sees it again
        flagged.append(row["code"])
    await notifications.deliver(messages)
    return flagged
