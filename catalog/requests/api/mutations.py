"""Request mutations. Each returns a payload with `errors` (typed, nothing written on failure)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from app import files
from app.api.errors import UserError, attempt
from catalog.requests import calendar, submit, uploads, workflow
from catalog.requests.api.caller import client_address
from catalog.requests.api.types import RequestTracking, ServiceRequest, WorkingDayOverride
from catalog.requests.enums import OverrideKind, RequestAction
from catalog.requests.submit import MAX_DOCUMENTS


@strawberry.input(description="An uploaded file for one of the service's required documents (multipart request).")
class DocumentUploadInput:
    requirement: int = strawberry.field(description="Index in the service's requiredDocuments.")
    file: Upload


@strawberry.input(description="A request: the service, plan, channel and quantity, and (guests) how to reach you.")
class SubmitRequestInput(submit.SubmitFields):
    plan_id: strawberry.ID
    contact_name: str | None = strawberry.field(default=None, description="Required for guests.")
    contact_phone: str | None = strawberry.field(default=None, description="Required for guests.")
    contact_email: str | None = strawberry.field(default=None, description="Required for guests.")
    documents: list[DocumentUploadInput] = strawberry.field(default_factory=list)


async def _files(documents: list[DocumentUploadInput] | None) -> list[uploads.IncomingFile]:
    """Each file read up to max_upload_bytes + 1 bytes: enough to refuse a larger one without reading it all
    (and no more files than a request may carry, plus one to say there are too many)."""
    incoming = []
    for d in (documents or [])[: MAX_DOCUMENTS + 1]:
        upload = await files.read_upload(d.file)
        incoming.append(uploads.IncomingFile(d.requirement, upload.filename, upload.content_type, upload.data))
    return incoming


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


@strawberry.type
class RequestsMutation:
    @strawberry.mutation(
        description="Submit a request (signed-in customer, or guest with contact name, phone and e-mail). "
        "Documents are files of a GraphQL multipart request. A guest's receipt e-mail carries a secret link "
        "to cancel before processing starts."
    )
    async def submit_service_request(self, info: Info, input: SubmitRequestInput) -> ServiceRequestPayload:
        async def run() -> dict[str, Any]:
            files = await _files(input.documents)
            return await submit.submit_request(info.context.principal, input, files, client_address(info))

        return _payload(*await attempt(info, run))

    @strawberry.mutation(
        description="Move a request one step (see the transition table): operators of its department for "
        "receive/start/requestSupplement/markResultReady/complete/reject, its signed-in customer for cancel. "
        "reject and requestSupplement need a comment."
    )
    async def transition_service_request(
        self, info: Info, code: str, action: RequestAction, comment: str | None = None
    ) -> ServiceRequestPayload:
        principal = info.context.principal
        return _payload(*await attempt(info, lambda: workflow.transition(principal, code, action, comment)))

    @strawberry.mutation(
        description="The signed-in customer answers a supplement request: a comment and, optionally, more "
        "documents (multipart). The clock restarts and the due date moves by the working days waited."
    )
    async def resubmit_service_request(
        self, info: Info, code: str, comment: str | None = None, documents: list[DocumentUploadInput] | None = None
    ) -> ServiceRequestPayload:
        async def run() -> dict[str, Any]:
            files = await _files(documents)
            return await workflow.transition(info.context.principal, code, RequestAction.RESUBMIT, comment, files)

        return _payload(*await attempt(info, run))

    @strawberry.mutation(
        description="A guest (request submitted without an account) cancels it before processing starts, "
        "with the secret link token from the center's e-mail. Unknown tokens answer LINK_INVALID, expired "
        "ones LINK_EXPIRED."
    )
    async def cancel_service_request_as_guest(
        self, info: Info, token: str, comment: str | None = None
    ) -> GuestRequestPayload:
        principal = info.context.principal
        return _guest_payload(
            *await attempt(info, lambda: workflow.guest_transition(principal, token, RequestAction.CANCEL, comment))
        )

    @strawberry.mutation(
        description="A guest answers a supplement request with the secret link token from the e-mail that "
        "asked for it: a comment and, optionally, more documents (multipart). The clock restarts and the due "
        "date moves by the working days waited."
    )
    async def resubmit_service_request_as_guest(
        self,
        info: Info,
        token: str,
        comment: str | None = None,
        documents: list[DocumentUploadInput] | None = None,
    ) -> GuestRequestPayload:
        async def run() -> dict[str, Any]:
            files = await _files(documents)
            action = RequestAction.RESUBMIT
            return await workflow.guest_transition(info.context.principal, token, action, comment, files)

        return _guest_payload(*await attempt(info, run))

    @strawberry.mutation(
        description="An operator of the request's department records a supplement the customer brought to the "
        "counter (documents as multipart files): the customer's resubmission, recorded as taken by the "
        "operator on the customer's behalf."
    )
    async def record_counter_supplement(
        self, info: Info, code: str, comment: str | None = None, documents: list[DocumentUploadInput] | None = None
    ) -> ServiceRequestPayload:
        async def run() -> dict[str, Any]:
            files = await _files(documents)
            return await workflow.record_counter_supplement(info.context.principal, code, comment, files)

        return _payload(*await attempt(info, run))

    @strawberry.mutation(description="Assign a request to an operator of its department (null: unassign).")
    async def assign_service_request(
        self, info: Info, code: str, assignee_id: strawberry.ID | None = None
    ) -> ServiceRequestPayload:
        principal = info.context.principal
        return _payload(*await attempt(info, lambda: workflow.assign(principal, code, assignee_id)))

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
            info, lambda: workflow.add_staff_to_department(principal, account_id, department_code)
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
        kind: OverrideKind,
        note: str | None = None,
        name_vi: str | None = None,
        name_en: str | None = None,
        source: Annotated[
            str | None,
            strawberry.argument(description="The announcement (number and date) or the article the day comes from."),
        ] = None,
    ) -> WorkingDayOverridePayload:
        principal = info.context.principal
        row, errors = await attempt(
            info, lambda: calendar.set_override(principal, day, kind, note, name_vi, name_en, source)
        )
        return WorkingDayOverridePayload(override=WorkingDayOverride(row=row) if row else None, errors=errors)

    @strawberry.mutation(
        description="Admin: remove a row (a shipped day too: the seed does not bring it back); the day then "
        "follows the standard week, or the holidays package in a year whose Tết schedule is not announced."
    )
    async def remove_working_day_override(self, info: Info, day: date) -> WorkingDayOverridePayload:
        _, errors = await attempt(info, lambda: calendar.remove_override(info.context.principal, day))
        return WorkingDayOverridePayload(override=None, errors=errors)
