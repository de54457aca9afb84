"""Request mutations. Each returns a payload with `errors` (typed, nothing written on failure)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from app.api.errors import UserError, attempt
from app.config import get_settings
from catalog import enums as catalog_enums
from catalog.api.types import Channel
from catalog.requests import calendar, submit, uploads, workflow
from catalog.requests import enums as request_enums
from catalog.requests.api.caller import client_address
from catalog.requests.api.types import (
    RequestAction,
    RequestTracking,
    ServiceRequest,
    WorkingDayOverride,
    WorkingDayOverrideKind,
)


@strawberry.input(description="An uploaded file for one of the service's required documents (multipart request).")
class DocumentUploadInput:
    requirement: int = strawberry.field(description="Index in the service's requiredDocuments.")
    file: Upload


@strawberry.input
class SubmitRequestInput:
    service_code: str
    plan_id: strawberry.ID
    channel: Channel  # type: ignore[valid-type]
    quantity: int
    desired_start: date | None = None
    desired_end: date | None = None
    notes: str | None = None
    contact_name: str | None = strawberry.field(default=None, description="Required for guests.")
    contact_phone: str | None = strawberry.field(default=None, description="Required for guests.")
    contact_email: str | None = strawberry.field(default=None, description="Required for guests.")
    documents: list[DocumentUploadInput] = strawberry.field(default_factory=list)


async def _read(upload: Any, requirement: int) -> uploads.IncomingFile:
    """At most max_upload_bytes + 1 bytes: enough to refuse a larger file without reading it all."""
    data = await upload.read(get_settings().max_upload_bytes + 1)
    return uploads.IncomingFile(requirement, upload.filename or "document", upload.content_type or "", data)


@strawberry.type
class ServiceRequestPayload:
    request: ServiceRequest | None
    errors: list[UserError]


@strawberry.type(
    description="The result of a guest's step: the request as public tracking shows it (no personal data)."
)
class GuestRequestPayload:
    request: RequestTracking | None
    errors: list[UserError]


@strawberry.type
class MarkOverduePayload:
    codes: list[str]
    errors: list[UserError]


@strawberry.type
class WorkingDayOverridePayload:
    override: WorkingDayOverride | None
    errors: list[UserError]


@strawberry.type
class StaffDepartmentsPayload:
    department_ids: list[strawberry.ID]
    errors: list[UserError]


def _payload(row: dict[str, Any] | None, errors: list[UserError]) -> ServiceRequestPayload:
    return ServiceRequestPayload(request=ServiceRequest(row=row) if row else None, errors=errors)


def _guest_payload(row: dict[str, Any] | None, errors: list[UserError]) -> GuestRequestPayload:
    return GuestRequestPayload(request=RequestTracking(row=row) if row else None, errors=errors)


def _int(value: strawberry.ID | None) -> int:
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 18 else -1


@strawberry.type
class RequestsMutation:
    @strawberry.mutation(
        description="Submit a request (signed-in customer, or guest with contact name, phone and e-mail). "
        "Documents are files of a GraphQL multipart request."
    )
    async def submit_service_request(self, info: Info, input: SubmitRequestInput) -> ServiceRequestPayload:
        async def run() -> dict[str, Any]:
            files = [await _read(d.file, d.requirement) for d in input.documents]
            fields = submit.SubmitFields(
                service_code=input.service_code,
                plan_id=_int(input.plan_id),
                channel=catalog_enums.Channel(input.channel),
                quantity=input.quantity,
                desired_start=input.desired_start,
                desired_end=input.desired_end,
                notes=input.notes,
                contact_name=input.contact_name,
                contact_phone=input.contact_phone,
                contact_email=input.contact_email,
                documents=files,
            )
            return await submit.submit_request(info.context.principal, fields)

        return _payload(*await attempt(info, run))

    @strawberry.mutation(
        description="Move a request one step (see the transition table): operators of its department for "
        "receive/start/requestSupplement/markResultReady/complete/reject, its customer for cancel/resubmit. "
        "reject and request_supplement need a comment."
    )
    async def transition_service_request(
        self,
        info: Info,
        code: str,
        action: RequestAction,  # type: ignore[valid-type]
        comment: str | None = None,
    ) -> ServiceRequestPayload:
        principal, step = info.context.principal, request_enums.RequestAction(action)
        return _payload(*await attempt(info, lambda: workflow.transition(principal, code, step, comment)))

    @strawberry.mutation(
        description="The customer answers a supplement request: a comment and, optionally, more documents "
        "(multipart). The clock restarts and the due date moves by the working days waited."
    )
    async def resubmit_service_request(
        self, info: Info, code: str, comment: str | None = None, documents: list[DocumentUploadInput] | None = None
    ) -> ServiceRequestPayload:
        async def run() -> dict[str, Any]:
            files = [await _read(d.file, d.requirement) for d in documents or []]
            action = request_enums.RequestAction.RESUBMIT
            return await workflow.transition(info.context.principal, code, action, comment, files)

        return _payload(*await attempt(info, run))

    @strawberry.mutation(
        description="A guest (request submitted without an account) cancels it before processing starts, "
        "proving ownership with the receipt code and the phone or e-mail given at submission. Wrong pairs, "
        "unknown codes and requests owned by an account answer NOT_FOUND alike (an account holder signs in "
        "and uses transitionServiceRequest); repeated failures answer RATE_LIMITED, as trackRequest."
    )
    async def cancel_service_request_as_guest(
        self, info: Info, code: str, contact: str, comment: str | None = None
    ) -> GuestRequestPayload:
        async def run() -> dict[str, Any]:
            action = request_enums.RequestAction.CANCEL
            principal, client = info.context.principal, client_address(info)
            return await workflow.guest_transition(principal, code, contact, client, action, comment)

        return _guest_payload(*await attempt(info, run))

    @strawberry.mutation(
        description="A guest answers a supplement request: a comment and, optionally, more documents "
        "(multipart), proving ownership as cancelServiceRequestAsGuest does. The clock restarts and the due "
        "date moves by the working days waited."
    )
    async def resubmit_service_request_as_guest(
        self,
        info: Info,
        code: str,
        contact: str,
        comment: str | None = None,
        documents: list[DocumentUploadInput] | None = None,
    ) -> GuestRequestPayload:
        async def run() -> dict[str, Any]:
            files = [await _read(d.file, d.requirement) for d in documents or []]
            action = request_enums.RequestAction.RESUBMIT
            principal, client = info.context.principal, client_address(info)
            return await workflow.guest_transition(principal, code, contact, client, action, comment, files)

        return _guest_payload(*await attempt(info, run))

    @strawberry.mutation(description="Assign a request to an operator of its department (null: unassign).")
    async def assign_service_request(
        self, info: Info, code: str, assignee_id: strawberry.ID | None = None
    ) -> ServiceRequestPayload:
        principal = info.context.principal
        assignee = _int(assignee_id) if assignee_id is not None else None
        return _payload(*await attempt(info, lambda: workflow.assign(principal, code, assignee)))

    @strawberry.mutation(
        description="Flag running requests past their due date, promise a new date with an apology and tell "
        "the customer (also `python -m app.cli mark-overdue`)."
    )
    async def mark_overdue_requests(self, info: Info) -> MarkOverduePayload:
        codes, errors = await attempt(info, lambda: workflow.mark_overdue(info.context.principal))
        return MarkOverduePayload(codes=codes or [], errors=errors)

    @strawberry.mutation(description="Admin: let a staff account work in a department's queue.")
    async def add_staff_to_department(
        self, info: Info, account_id: strawberry.ID, department_code: str
    ) -> StaffDepartmentsPayload:
        principal = info.context.principal
        ids, errors = await attempt(
            info, lambda: workflow.add_staff_to_department(principal, _int(account_id), department_code)
        )
        return StaffDepartmentsPayload(department_ids=[strawberry.ID(str(i)) for i in ids or []], errors=errors)

    @strawberry.mutation(
        description="Admin: a day off or a working day against the standard week (e.g. a swapped Saturday), with "
        "its names and source. It replaces the shipped schedule's row for that day, and the seed never changes "
        "it back."
    )
    async def set_working_day_override(
        self,
        info: Info,
        day: date,
        kind: WorkingDayOverrideKind,  # type: ignore[valid-type]
        note: str | None = None,
        name_vi: str | None = None,
        name_en: str | None = None,
        source: Annotated[
            str | None,
            strawberry.argument(description="The announcement (number and date) or the article the day comes from."),
        ] = None,
    ) -> WorkingDayOverridePayload:
        principal, value = info.context.principal, request_enums.OverrideKind(kind)
        row, errors = await attempt(
            info, lambda: calendar.set_override(principal, day, value, note, name_vi, name_en, source)
        )
        return WorkingDayOverridePayload(override=WorkingDayOverride(row=row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Admin: remove a row (a shipped day too: the seed does not bring it back); the day then "
        "follows the standard week, or the holidays package in a year whose Tết schedule is not announced."
    )
    async def remove_working_day_override(self, info: Info, day: date) -> WorkingDayOverridePayload:
        _, errors = await attempt(info, lambda: calendar.remove_override(info.context.principal, day))
        return WorkingDayOverridePayload(override=None, errors=errors)
