"""Project mutations. Each returns a payload with `errors`; who may call which is in projects.access."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.file_uploads import Upload
from strawberry.types import Info

from app import files
from app.api.documents import ContractPartyInput, DocumentPayload, payload
from app.api.errors import UserError, attempt
from app.api.scalars import Vnd
from projects import documents, milestones, service
from projects.api.types import Milestone, Project
from projects.enums import MilestoneStatus, ProjectStatus
from projects.inputs import MAX_EVIDENCE, Evidence, MilestoneFields, ProjectFields

# Each input IS the domain's dataclass (a subclass): fields are written once; only what GraphQL spells
# differently (ids, money as Vnd, descriptions) is declared again. Ids are parsed by the use case.


@strawberry.input(
    description="Project fields. On create, code, nameVi, kind, sponsorAgency, departmentCode, plannedStart, "
    "plannedEnd and visibility are required (and pppContractType, pppStage for PPP); on update, omitted "
    "fields stay as they are."
)
class ProjectInput(ProjectFields):
    state_capital_amount: Vnd | None = None
    private_capital_amount: Vnd | None = None
    partner_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Private partners: business customer account ids."
    )


@strawberry.input(
    description="Milestone fields. On create, titleVi, type, plannedStart and dueDate are required; on update, "
    "omitted fields stay as they are, and moving dueDate needs dueDateReason."
)
class MilestoneInput(MilestoneFields):
    clear_code: bool = strawberry.field(default=False, description="Remove the PPP code.")
    progress: int | None = strawberry.field(default=None, description="Percent, 0–100.")
    share_bp: int | None = strawberry.field(
        default=None,
        name="shareBasisPoints",
        description="Share of the contract value paid on acceptance: 0–10000 (10000 = 100%).",
    )
    depends_on: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Milestones of the same project that must be accepted before this one starts."
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


@strawberry.input(description="Someone who took part in an acceptance, for Bên A or Bên B.")
class MinutesParticipantInput(documents.Participant):
    pass


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
        managers: list[object] = list(manager_ids or [])
        planned: list[MilestoneFields] = list(milestones or [])
        return _project(*await attempt(info, lambda: service.create_project(principal, input, managers, planned)))

    @strawberry.mutation(description="Its managers or admin: edit a project; `version` must be the one you read.")
    async def update_project(
        self, info: Info, code: str, version: int, input: ProjectInput, comment: str | None = None
    ) -> ProjectPayload:
        principal = info.context.principal
        return _project(*await attempt(info, lambda: service.update_project(principal, code, version, input, comment)))

    @strawberry.mutation(description="Admin: replace a project's managers (staff with the project_manager role).")
    async def set_project_managers(
        self, info: Info, code: str, version: int, manager_ids: list[strawberry.ID]
    ) -> ProjectPayload:
        principal, ids = info.context.principal, list(manager_ids)
        return _project(*await attempt(info, lambda: service.set_managers(principal, code, version, ids)))

    @strawberry.mutation(description="Its managers or admin: move a project through its lifecycle.")
    async def move_project(
        self,
        info: Info,
        code: str,
        version: int,
        to: ProjectStatus,
        comment: str | None = None,
    ) -> ProjectPayload:
        principal = info.context.principal
        return _project(*await attempt(info, lambda: service.move_project(principal, code, version, to, comment)))

    @strawberry.mutation(description="Its managers or admin: add a milestone at the end of a project.")
    async def add_milestone(self, info: Info, project_code: str, input: MilestoneInput) -> MilestonePayload:
        principal = info.context.principal
        return _milestone(*await attempt(info, lambda: milestones.add_milestone(principal, project_code, input)))

    @strawberry.mutation(description="Its managers or admin: progress, dates (with a reason), share, dependencies.")
    async def update_milestone(
        self, info: Info, id: strawberry.ID, version: int, input: MilestoneInput, comment: str | None = None
    ) -> MilestonePayload:
        principal = info.context.principal
        return _milestone(
            *await attempt(info, lambda: milestones.update_milestone(principal, id, version, input, comment))
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
        to: MilestoneStatus,
        comment: str | None = None,
        evidence: list[EvidenceInput] | None = None,
    ) -> MilestonePayload:
        principal = info.context.principal

        async def run() -> dict[str, Any]:
            documents = [await e.to_evidence() for e in (evidence or [])[: MAX_EVIDENCE + 1]]
            return await milestones.move_milestone(principal, id, version, to, comment, documents)

        return _milestone(*await attempt(info, run))

    @strawberry.mutation(
        description="Its managers or admin: the contract appendix (milestone schedule and payments) as a Word "
        "file; the shares must make 100%. A new version when its data changed; the same version when not."
    )
    async def generate_project_appendix(
        self, info: Info, project_code: str, party: ContractPartyInput | None = None
    ) -> DocumentPayload:
        principal = info.context.principal
        return payload(
            *await attempt(info, lambda: documents.generate_project_appendix(principal, project_code, party))
        )

    @strawberry.mutation(
        description="Its managers or admin: the acceptance minutes of an accepted milestone as a Word file "
        "(made by themselves on acceptance when Bên A's details are known). Participants given replace the "
        "default ones of their side (Bên A's representative; the center's, the managers, who accepted)."
    )
    async def generate_acceptance_minutes(
        self,
        info: Info,
        milestone_id: strawberry.ID,
        party: ContractPartyInput | None = None,
        participants: list[MinutesParticipantInput] | None = None,
    ) -> DocumentPayload:
        principal = info.context.principal
        people: list[documents.Participant] | None = list(participants) if participants is not None else None
        return payload(
            *await attempt(info, lambda: documents.generate_acceptance_minutes(principal, milestone_id, party, people))
        )
