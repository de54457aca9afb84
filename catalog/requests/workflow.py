"""Use cases of the workflow: one function applies any step of the transition table, for whoever may
take it (the department's operator; the customer signed in; a guest through their secret link; an
operator at the counter recording what a customer brought in person), plus assignment, department
membership and the overdue sweep. Each writes the history, an audit record and (when the customer
should know) an outbox message in one transaction; e-mail goes out after commit."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from app import clock, events, outbox
from app.audit import service as audit
from app.audit.service import Actor
from app.auth import directory
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import DomainError, ValidationFailed, forbidden, not_found, reason_required, stale_version
from app.guards import require_admin, require_customer, require_public_caller
from app.input import Checker, clean_optional, lookup_code, parse_id, raise_all
from app.states import apply_transition
from catalog import departments, offers
from catalog.requests import access, guest_links, notifications, repository, uploads
from catalog.requests.calendar import calendar_around, cutoff, local_date
from catalog.requests.enums import RequestAction, RequestStatus, Side
from catalog.requests.states import CUSTOMER_VISIBLE, REASON_REQUIRED, REQUEST, REQUEST_LIFECYCLE
from catalog.requests.submit import document_errors
from catalog.requests.workdays import due_date, extend_for_pause

ENTITY = notifications.ENTITY


async def _effects(row: dict[str, Any], action: RequestAction, comment: str) -> dict[Any, Any]:
    now = clock.now()
    tz = get_settings().timezone
    values: dict[str, Any] = {}
    if action is RequestAction.RECEIVE:
        calendar = await calendar_around(local_date(now))
        values.update(received_at=now, due_date=due_date(now, row["processing_days"], calendar, cutoff(), tz))
    elif action is RequestAction.REQUEST_SUPPLEMENT:
        values.update(paused_at=now)
    elif action is RequestAction.RESUBMIT and row["paused_at"] is not None and row["due_date"] is not None:
        calendar = await calendar_around(row["due_date"])
        values.update(
            due_date=extend_for_pause(row["due_date"], row["paused_at"], now, calendar, tz)[0], paused_at=None
        )
        if row["promised_date"] is not None:
            calendar = await calendar_around(row["promised_date"])
            values.update(promised_date=extend_for_pause(row["promised_date"], row["paused_at"], now, calendar, tz)[0])
    elif action is RequestAction.REJECT:
        values.update(rejection_reason=comment)
    elif action is RequestAction.COMPLETE:
        values.update(completed_at=now)
    return values


async def _check_documents(row: dict[str, Any], documents: Sequence[uploads.IncomingFile]) -> None:
    required = await offers.required_documents(row["service"])
    raise_all(document_errors(required, documents, all_mandatory=False))


def _comment(comment: str | None) -> str:
    return clean_optional(comment, "comment", max_length=2000, multiline=True)


async def transition(
    principal: Principal,
    code: str,
    action: RequestAction,
    comment: str | None = None,
    documents: Sequence[uploads.IncomingFile] = (),
) -> dict[str, Any]:
    """Apply one step of the table as its operator or its (signed-in) customer. Documents are accepted
    with a resubmission only."""
    text = _comment(comment)
    side = REQUEST_LIFECYCLE.performer(action)
    if side == Side.CUSTOMER:
        require_customer(principal)
    else:
        access.require_operator(principal)
    row = await access.readable(principal, code)
    return await _apply(row, action, text, documents, principal.as_actor())


async def guest_transition(
    principal: Principal,
    token: str,
    action: RequestAction,
    comment: str | None = None,
    documents: Sequence[uploads.IncomingFile] = (),
) -> dict[str, Any]:
    """A customer's step (cancel, resubmit) on a request submitted without an account, by whoever holds
    the secret link sent to the guest's e-mail. Staff and partner keys never act through a link. The
    step is recorded as the guest (guest:<e-mail>, as at submission)."""
    require_public_caller(principal)
    if REQUEST_LIFECYCLE.performer(action) != Side.CUSTOMER:
        raise forbidden("action")
    text = _comment(comment)
    row, link_id = await guest_links.redeem(token)
    return await _apply(row, action, text, documents, access.guest_actor(row["contact_email"]), link_id=link_id)


async def guest_view(principal: Principal, token: str) -> dict[str, Any]:
    """The request a guest's link belongs to (the tracking view, no personal data)."""
    require_public_caller(principal)
    return (await guest_links.redeem(token))[0]


async def record_counter_supplement(
    principal: Principal, code: str, comment: str | None, documents: Sequence[uploads.IncomingFile]
) -> dict[str, Any]:
    """An operator of the department records a supplement the customer brought to the counter: the
    customer's resubmission, taken by the operator on the customer's behalf (the history says both)."""
    access.require_operator(principal)
    text = _comment(comment)
    row = await access.readable(principal, code)
    customer = f"guest:{row['contact_email']}" if row["customer"] is None else f"account:{row['customer']}"
    counter = f"Tại quầy, thay mặt khách hàng / At the counter, for the customer ({customer})"
    return await _apply(
        row,
        RequestAction.RESUBMIT,
        f"{counter}\n{text}" if text else counter,
        documents,
        principal.as_actor(),
        changes={"at_counter": True, "for": customer},
    )


async def _apply(
    row: dict[str, Any],
    action: RequestAction,
    text: str,
    documents: Sequence[uploads.IncomingFile],
    actor: Actor,
    changes: dict[str, Any] | None = None,
    link_id: int | None = None,
) -> dict[str, Any]:
    """The step from the table for an authorized caller: the transition, its effects, history, audit
    record and outbox message in one transaction; INVALID_TRANSITION (nothing written) if not in it.
    `link_id`: the guest link used, whose last use is recorded with the step."""
    apply_transition(REQUEST_LIFECYCLE, RequestStatus(row["status"]), action=action)  # before any file is stored
    if action in REASON_REQUIRED and not text:
        raise reason_required()
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
    async with transaction():
        after, message = await record_step(row, action, text, actor, changes, link_id, stored)
    await outbox.deliver([message])
    return after


async def record_step(
    row: dict[str, Any],
    action: RequestAction,
    text: str,
    actor: Actor,
    changes: dict[str, Any] | None = None,
    link_id: int | None = None,
    stored: Sequence[uploads.StoredFile] = (),
) -> tuple[dict[str, Any], int | None]:
    """Inside the caller's transaction, a step already checked against the table: its effects, history,
    audit record and outbox message. Returns the request after it and the message to deliver after commit."""
    current = RequestStatus(row["status"])
    new_status = apply_transition(REQUEST_LIFECYCLE, current, action=action).target
    now = clock.now()
    for document in stored:
        await repository.insert_document({"request": row["id"], **document.__dict__, "created_at": now})
    values = await _effects(row, action, text)
    values.update(status=new_status.value, updated_at=now)
    if not await repository.update_request(row["id"], row["version"], values):
        raise stale_version(REQUEST)
    if link_id is not None:
        await repository.touch_guest_link(link_id, now)
    await events.record(
        actor, ENTITY, row["id"], action.value,
        from_status=current.value, to_status=new_status.value, comment=text, changes=changes, at=now,
    )  # fmt: skip
    after = await repository.request_by_id(row["id"])
    assert after is not None
    await audit.record(
        actor, f"request.{action.value}", "service_request", row["code"],
        {"status": current.value}, {"status": new_status.value},
    )  # fmt: skip
    message = None
    if action in CUSTOMER_VISIBLE or changes:
        link = None
        if action is RequestAction.REQUEST_SUPPLEMENT and after["customer"] is None:
            token, expires_at = await guest_links.issue(row["id"], action.value)
            link = (guest_links.url_of(token), local_date(expires_at).isoformat())
        message = await notifications.enqueue(after, action.value, text, link=link)
    return after, message


async def assign(principal: Principal, code: str, assignee: object) -> dict[str, Any]:
    access.require_operator(principal)
    assignee_id = parse_id(assignee, "assigneeId") if assignee is not None else None
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
    actor = principal.as_actor()
    async with transaction():
        if not await repository.update_request(row["id"], row["version"], {"assignee": assignee_id, "updated_at": now}):
            raise stale_version(REQUEST)
        await events.record(
            actor, ENTITY, row["id"], "assign", comment=f"assignee={assignee_id}",
            changes={"assignee": {"from": row["assignee"], "to": assignee_id}}, at=now,
        )  # fmt: skip
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


async def add_staff_to_department(principal: Principal, account: object, department_code: str) -> list[int]:
    require_admin(principal)
    c = Checker()
    account_id = c.check(parse_id, account, "accountId")
    code = c.check(lookup_code, department_code, "departmentCode", 20)
    c.done()
    department_id = await departments.department_id(code)
    if department_id is None:
        raise not_found(departments.DEPARTMENT, "departmentCode")
    person = await directory.person(account_id)
    if person is None or not person.is_staff:
        raise not_found(directory.STAFF_ACCOUNT, "accountId")
    async with transaction():
        await repository.add_membership(account_id, department_id)
        await audit.record(principal.as_actor(), "staff.department", "account", account_id, None, {"department": code})
        return await repository.departments_of(account_id)


APOLOGY_VI = "Trung tâm xin lỗi vì hồ sơ chậm so với hạn đã hẹn. Ngày hẹn mới: {date}."
APOLOGY_EN = "We apologise: the request is late. New promised date: {date}."


async def mark_overdue(principal: Principal | None = None) -> list[str]:
    """Flags every running request past its due date, promises a new date (today + N working days)
    with an apology, and notifies the customer. Idempotent: a flagged request is not flagged again.
    Run by operators (markOverdueRequests) or by `python -m app.cli mark-overdue` (cron)."""
    if principal is not None:
        access.require_operator(principal)
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
                    raise stale_version(REQUEST)
                await events.record(actor, ENTITY, row["id"], "overdue", comment=note, at=now)
                await audit.record(
                    actor, "request.overdue", "service_request", row["code"], None, {"promised_date": promised}
                )
                after = await repository.request_by_id(row["id"])
                assert after is not None
                messages.append(await notifications.enqueue(after, "overdue", note))
        except DomainError:
            continue  # changed meanwhile: the next sweep sees it again
        flagged.append(row["code"])
    await outbox.deliver(messages)
    return flagged
