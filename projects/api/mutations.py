"""Project mutations. Each returns a payload with `errors`; who may call which is in projects.access."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from app import files
from app.api.errors import UserError, attempt
from app.api.scalars import Vnd
from projects import enums, milestones, service
from projects.api.types import (
    Milestone,
    MilestoneCode,
    MilestoneStatus,
    MilestoneType,
    PppContractType,
    PppStage,
    Project,
    ProjectKind,
    ProjectStatus,
    ProjectVisibility,
)
from projects.inputs import MAX_EVIDENCE, Evidence, MilestoneFields, ProjectFields


def _id(value: strawberry.ID) -> int:
    """Ids are opaque to clients; a malformed one simply matches nothing."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 18 else -1


def _enum(kind: Any, value: Any) -> Any:
    return kind(value) if value is not None else None


@strawberry.input(
    description="Project fields. On create, code, nameVi, kind, sponsorAgency, departmentCode, plannedStart, "
    "plannedEnd and visibility are required (and pppContractType, pppStage for PPP); on update, omitted "
    "fields stay as they are."
)
class ProjectInput:
    code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    kind: ProjectKind | None = None  # type: ignore[valid-type]
    ppp_contract_type: PppContractType | None = None  # type: ignore[valid-type]
    ppp_stage: PppStage | None = None  # type: ignore[valid-type]
    sponsor_agency: str | None = None
    department_code: str | None = None
    state_capital_amount: Vnd | None = None
    private_capital_amount: Vnd | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    visibility: ProjectVisibility | None = None  # type: ignore[valid-type]
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Private partners: business customer account ids."
    )

    def to_fields(self) -> ProjectFields:
        return ProjectFields(
            code=self.code,
            name_vi=self.name_vi,
            name_en=self.name_en,
            description_vi=self.description_vi,
            description_en=self.description_en,
            kind=_enum(enums.ProjectKind, self.kind),
            ppp_contract_type=_enum(enums.PppContractType, self.ppp_contract_type),
            ppp_stage=_enum(enums.PppStage, self.ppp_stage),
            sponsor_agency=self.sponsor_agency,
            department_code=self.department_code,
            state_capital_amount=self.state_capital_amount,
            private_capital_amount=self.private_capital_amount,
            planned_start=self.planned_start,
            planned_end=self.planned_end,
            visibility=_enum(enums.Visibility, self.visibility),
            partner_ids=[_id(i) for i in self.partner_ids] if self.partner_ids is not None else None,
        )


@strawberry.input(
    description="Milestone fields. On create, titleVi, type, plannedStart and dueDate are required; on update, "
    "omitted fields stay as they are, and moving dueDate needs dueDateReason."
)
class MilestoneInput:
    title_vi: str | None = None
    title_en: str | None = None
    type: MilestoneType | None = None  # type: ignore[valid-type]
    code: MilestoneCode | None = None  # type: ignore[valid-type]
    clear_code: bool = strawberry.field(default=False, description="Remove the PPP code.")
    planned_start: date | None = None
    due_date: date | None = None
    due_date_reason: str | None = None
    progress: int | None = strawberry.field(default=None, description="Percent, 0–100.")
    deliverables: str | None = None
    share_basis_points: int | None = strawberry.field(
        default=None, description="Share of the contract value paid on acceptance: 0–10000 (10000 = 100%)."
    )
    depends_on: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Milestones of the same project that must be accepted before this one starts."
    )

    def to_fields(self) -> MilestoneFields:
        return MilestoneFields(
            title_vi=self.title_vi,
            title_en=self.title_en,
            type=_enum(enums.MilestoneType, self.type),
            code=_enum(enums.MilestoneCode, self.code),
            clear_code=self.clear_code,
            planned_start=self.planned_start,
            due_date=self.due_date,
            due_date_reason=self.due_date_reason,
            progress=self.progress,
            deliverables=self.deliverables,
            share_bp=self.share_basis_points,
            depends_on=[_id(i) for i in self.depends_on] if self.depends_on is not None else None,
        )


@strawberry.input(
    description="A document attached to a submission: exactly one of `file` (an upload in a multipart "
    "request; PDF, JPEG or PNG, checked by content; its type and SHA-256 are computed) or `url` (where it is "
    "kept). A given sha256 must match the uploaded file."
)
class EvidenceInput:
    name: str
    url: str | None = None
    file: Upload | None = None
    media_type: str = ""
    sha256: str = ""

    async def to_evidence(self) -> Evidence:
        upload = await files.read_upload(self.file) if self.file is not None else None
        return Evidence(self.name, self.url, self.media_type, self.sha256, upload)


@strawberry.type
class ProjectPayload:
    project: Project | None
    errors: list[UserError]


@strawberry.type
class MilestonePayload:
    milestone: Milestone | None
    errors: list[UserError]


def _project(row: dict[str, Any] | None, errors: list[UserError]) -> ProjectPayload:
    return ProjectPayload(project=Project(row=row) if row else None, errors=errors)


def _milestone(row: dict[str, Any] | None, errors: list[UserError]) -> MilestonePayload:
    return MilestonePayload(milestone=Milestone(row=row) if row else None, errors=errors)


@strawberry.type
class ProjectsMutation:
    @strawberry.mutation(
        description="Admin: create a project (status identification) with its managers and milestones."
    )
    async def create_project(
        self,
        info: Info,
        input: ProjectInput,
        manager_ids: list[strawberry.ID] | None = None,
        milestones: list[MilestoneInput] | None = None,
    ) -> ProjectPayload:
        principal = info.context.principal
        managers = [_id(i) for i in manager_ids or []]
        planned = [m.to_fields() for m in milestones or []]
        return _project(
            *await attempt(info, lambda: service.create_project(principal, input.to_fields(), managers, planned))
        )

    @strawberry.mutation(description="Its managers or admin: edit a project; `version` must be the one you read.")
    async def update_project(
        self, info: Info, code: str, version: int, input: ProjectInput, comment: str | None = None
    ) -> ProjectPayload:
        principal, fields = info.context.principal, input.to_fields()
        return _project(*await attempt(info, lambda: service.update_project(principal, code, version, fields, comment)))

    @strawberry.mutation(description="Admin: replace a project's managers (staff with the project_manager role).")
    async def set_project_managers(
        self, info: Info, code: str, version: int, manager_ids: list[strawberry.ID]
    ) -> ProjectPayload:
        principal, ids = info.context.principal, [_id(i) for i in manager_ids]
        return _project(*await attempt(info, lambda: service.set_managers(principal, code, version, ids)))

    @strawberry.mutation(description="Its managers or admin: move a project through its lifecycle.")
    async def move_project(
        self,
        info: Info,
        code: str,
        version: int,
        to: ProjectStatus,  # type: ignore[valid-type]
        comment: str | None = None,
    ) -> ProjectPayload:
        principal, target = info.context.principal, enums.ProjectStatus(to)
        return _project(*await attempt(info, lambda: service.move_project(principal, code, version, target, comment)))

    @strawberry.mutation(description="Its managers or admin: add a milestone at the end of a project.")
    async def add_milestone(self, info: Info, project_code: str, input: MilestoneInput) -> MilestonePayload:
        principal = info.context.principal
        return _milestone(
            *await attempt(info, lambda: milestones.add_milestone(principal, project_code, input.to_fields()))
        )

    @strawberry.mutation(description="Its managers or admin: progress, dates (with a reason), share, dependencies.")
    async def update_milestone(
        self, info: Info, id: strawberry.ID, version: int, input: MilestoneInput, comment: str | None = None
    ) -> MilestonePayload:
        principal, fields = info.context.principal, input.to_fields()
        return _milestone(
            *await attempt(info, lambda: milestones.update_milestone(principal, _id(id), version, fields, comment))
        )

    @strawberry.mutation(
        description="Move a milestone through its workflow. Accepting or returning a submission needs another "
        "account than the one who submitted it; returning, blocking and cancelling need a comment; evidence "
        "is attached on submission."
    )
    async def move_milestone(
        self,
        info: Info,
        id: strawberry.ID,
        version: int,
        to: MilestoneStatus,  # type: ignore[valid-type]
        comment: str | None = None,
        evidence: list[EvidenceInput] | None = None,
    ) -> MilestonePayload:
        principal, target = info.context.principal, enums.MilestoneStatus(to)

        async def run() -> dict[str, Any]:
            documents = [await e.to_evidence() for e in (evidence or [])[: MAX_EVIDENCE + 1]]
            return await milestones.move_milestone(principal, _id(id), version, target, comment, documents)

        return _milestone(*await attempt(info, run))
