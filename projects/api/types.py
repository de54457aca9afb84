"""GraphQL types of projects, named as in the SDL. Staff types (Project, Milestone) carry internal
fields; the public types (PublicProject, PublicMilestone) carry only what may be disclosed."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app import clock
from app.api.documents import ContractDocument, documents
from app.api.history import HistoryEvent, history
from app.api.i18n import LocalizedText, localized
from app.api.scalars import Vnd
from app.errors import ValidationFailed
from catalog.api.types import Department
from projects import documents as papers
from projects import enums, publish, shares
from projects.enums import (
    Health,
    MilestoneCode,
    MilestoneStatus,
    MilestoneType,
    OcdsMilestoneStatus,
    PppContractType,
    PppStage,
    ProjectKind,
    ProjectStatus,
    Visibility,
)
from projects.evidence import evidence_path
from projects.health import MilestonePlan, expected_progress, milestone_health, project_health, project_slippage
from projects.inputs import MAX_HISTORY
from projects.ocds import ocds_status

if TYPE_CHECKING:  # the GraphQL graph links a milestone to its invoices; the data dependency stays billing → projects
    from billing.api.types import Invoice

# The domain's enums are the GraphQL enums: registered once here with their names and descriptions.
strawberry.enum(ProjectKind, description="PPP, digital transformation, R&D or infrastructure.")
strawberry.enum(PppContractType, description="PPP Law 64/2020/QH14 contract types.")
strawberry.enum(PppStage, description="Stages of a PPP project, in order.")
strawberry.enum(Visibility, name="ProjectVisibility")
strawberry.enum(ProjectStatus, description="OC4IDS project lifecycle.")
strawberry.enum(MilestoneType, description="OCDS milestone type (with the PPP profile's).")
strawberry.enum(MilestoneCode, description="PPP profile milestone code.")
strawberry.enum(MilestoneStatus, description="The center's milestone workflow.")
strawberry.enum(OcdsMilestoneStatus, description="OCDS milestoneStatus (closed list).")
strawberry.enum(Health, name="ProjectHealth", description="See the README for the rule.")
strawberry.enum(papers.Side, name="ContractSide", description="Bên A (the client) or Bên B (the center).")


def recent(rows: list[dict[str, Any]], last: int) -> list[dict[str, Any]]:
    if not 1 <= last <= MAX_HISTORY:
        raise ValidationFailed(
            "INVALID_PAGE_SIZE",
            f"`last` phải từ 1 đến {MAX_HISTORY}.",
            f"`last` must be between 1 and {MAX_HISTORY}.",
            "last",
        )
    return rows[-last:]


def _plans(rows: list[dict[str, Any]]) -> list[MilestonePlan]:
    return [MilestonePlan.of(row) for row in rows]


def _total(row: dict[str, Any]) -> int:
    return int(row["state_capital_amount"]) + int(row["private_capital_amount"])


@strawberry.type(description="A staff account managing a project.")
class ProjectManager:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def email(self) -> str:
        return str(self.row["email"])

    @strawberry.field
    def full_name(self) -> str:
        return str(self.row["full_name"])


@strawberry.type(description="A private partner (a business).")
class ProjectPartner:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def name(self) -> str:
        return str(self.row["organization_name"] or self.row["full_name"])

    @strawberry.field
    def tax_code(self) -> str:
        return str(self.row["tax_code"])


@strawberry.type(description="A document attached to a milestone's submission.")
class MilestoneEvidence:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def name(self) -> str:
        return str(self.row["name"])

    @strawberry.field(description="Where the document is kept (links); empty for an uploaded file.")
    def url(self) -> str:
        return str(self.row["url"])

    @strawberry.field(
        description="For an uploaded file: the HTTP path to download it (GET with a staff bearer token); "
        "null for links."
    )
    def download_path(self) -> str | None:
        if not self.row["stored_path"]:
            return None
        return evidence_path(self.row["project_code"], self.row["id"])

    @strawberry.field(description="The uploaded file's name as sent; empty for links.")
    def filename(self) -> str:
        return str(self.row["filename"])

    @strawberry.field(description="The uploaded file's size in bytes; 0 for links.")
    def size(self) -> int:
        return int(self.row["size"])

    @strawberry.field
    def media_type(self) -> str:
        return str(self.row["media_type"])

    @strawberry.field
    def sha256(self) -> str:
        return str(self.row["sha256"])

    @strawberry.field
    def added_at(self) -> datetime:
        return self.row["added_at"]


@strawberry.type(description="A milestone as staff see it.")
class Milestone:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field(description="Order within the project.")
    def position(self) -> int:
        return int(self.row["position"])

    @strawberry.field
    def title(self, info: Info) -> str:
        return localized(info, self.row, "title")

    @strawberry.field
    def titles(self) -> LocalizedText:
        return LocalizedText(vi=self.row["title_vi"], en=self.row["title_en"])

    @strawberry.field
    def type(self) -> MilestoneType:
        return enums.MilestoneType(self.row["type"])

    @strawberry.field
    def code(self) -> MilestoneCode | None:
        return enums.MilestoneCode(self.row["code"]) if self.row["code"] else None

    @strawberry.field
    def planned_start(self) -> date:
        return self.row["planned_start"]

    @strawberry.field(description="The due date first planned (baseline).")
    def baseline_due_date(self) -> date:
        return self.row["baseline_due"]

    @strawberry.field(description="The due date in the current plan.")
    def due_date(self) -> date:
        return self.row["due_date"]

    @strawberry.field(description="Current due date minus baseline due date, in days.")
    def slippage_days(self) -> int:
        return int((self.row["due_date"] - self.row["baseline_due"]).days)

    @strawberry.field
    def actual_start(self) -> date | None:
        return self.row["actual_start"]

    @strawberry.field
    def actual_end(self) -> date | None:
        return self.row["actual_end"]

    @strawberry.field(description="Percent, 0–100.")
    def progress(self) -> int:
        return int(self.row["progress"])

    @strawberry.field(description="Progress expected by today: linear from planned start to due date.")
    def expected_progress(self) -> int:
        return expected_progress(self.row["planned_start"], self.row["due_date"], clock.local_today())

    @strawberry.field
    def health(self) -> Health:
        return milestone_health(MilestonePlan.of(self.row), clock.local_today())

    @strawberry.field
    def deliverables(self) -> str:
        return str(self.row["deliverables"])

    @strawberry.field(description="Share of the contract value paid on acceptance, in basis points (10000 = 100%).")
    def share_basis_points(self) -> int:
        return int(self.row["share_bp"])

    @strawberry.field(
        description="That share of the project's total investment, in đồng: rounded down, and when the shares "
        "make 100% the rounding đồng go to the largest remainders, so the amounts sum to the total."
    )
    async def share_amount(self, info: Info) -> Vnd:
        project = await info.context.loaders.projects.project.load(self.row["project"])
        siblings = await info.context.loaders.projects.milestones.load(self.row["project"])
        return Vnd(shares.amounts(_total(project), siblings).get(self.row["id"], 0))

    @strawberry.field
    def status(self) -> MilestoneStatus:
        return enums.MilestoneStatus(self.row["status"])

    @strawberry.field(description="Why it was returned, blocked or cancelled.")
    def status_reason(self) -> str:
        return str(self.row["status_reason"])

    @strawberry.field(description="The status published in OCDS.")
    def ocds_status(self) -> OcdsMilestoneStatus:
        row = self.row
        return ocds_status(enums.MilestoneStatus(row["status"]), row["due_date"], row["progress"], clock.local_today())

    @strawberry.field(description="Ids of the milestones that must be accepted before this one starts.")
    async def depends_on(self, info: Info) -> list[strawberry.ID]:
        ids = await info.context.loaders.projects.dependencies.load(self.row["id"])
        return [strawberry.ID(str(i)) for i in ids]

    @strawberry.field
    async def evidence(self, info: Info) -> list[MilestoneEvidence]:
        return [MilestoneEvidence(row=r) for r in await info.context.loaders.projects.evidence.load(self.row["id"])]

    @strawberry.field(description="Changes, oldest first: the most recent `last` of them (at most 200).")
    async def history(self, info: Info, last: int = MAX_HISTORY) -> list[HistoryEvent]:
        rows = await info.context.loaders.projects.events.load(self.row["id"])
        return history(recent(rows, last))

    @strawberry.field(description="Increases with every change; give it back to change it (optimistic concurrency).")
    def version(self) -> int:
        return int(self.row["version"])

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.row["updated_at"]

    @strawberry.field(
        description="Its acceptance minutes, every version, newest first: for admin, finance and the project's "
        "managers (empty for other staff)."
    )
    async def documents(self, info: Info) -> list[ContractDocument]:
        if not await papers.can_read(info.context.principal, self.row["project"]):
            return []
        return documents(await info.context.loaders.documents.of("milestone").load(self.row["id"]))

    @strawberry.field(description="Invoices billing this milestone's share (drafts: finance only).")
    async def invoices(self, info: Info) -> list[Annotated[Invoice, strawberry.lazy("billing.api.types")]]:
        from billing.api.types import Invoice, visible

        rows = await info.context.loaders.billing.invoices_of_milestone.load(self.row["id"])
        return [Invoice(row=r) for r in rows if visible(info, r)]

    @strawberry.field
    async def project(self, info: Info) -> Project:
        return Project(row=await info.context.loaders.projects.project.load(self.row["project"]))


@strawberry.type(description="A project as staff see it.")
class Project:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])

    @strawberry.field
    def description(self, info: Info) -> str:
        return localized(info, self.row, "description")

    @strawberry.field
    def kind(self) -> ProjectKind:
        return enums.ProjectKind(self.row["kind"])

    @strawberry.field
    def ppp_contract_type(self) -> PppContractType | None:
        return enums.PppContractType(self.row["ppp_contract_type"]) if self.row["ppp_contract_type"] else None

    @strawberry.field
    def ppp_stage(self) -> PppStage | None:
        return enums.PppStage(self.row["ppp_stage"]) if self.row["ppp_stage"] else None

    @strawberry.field
    def sponsor_agency(self) -> str:
        return str(self.row["sponsor_agency"])

    @strawberry.field(description="The owning department.")
    async def department(self, info: Info) -> Department:
        return Department(row=await info.context.loaders.catalog.department.load(self.row["department"]))

    @strawberry.field
    def state_capital_amount(self) -> Vnd:
        return Vnd(int(self.row["state_capital_amount"]))

    @strawberry.field
    def private_capital_amount(self) -> Vnd:
        return Vnd(int(self.row["private_capital_amount"]))

    @strawberry.field
    def total_investment_amount(self) -> Vnd:
        return Vnd(_total(self.row))

    @strawberry.field
    def planned_start(self) -> date:
        return self.row["planned_start"]

    @strawberry.field
    def planned_end(self) -> date:
        return self.row["planned_end"]

    @strawberry.field
    def visibility(self) -> Visibility:
        return enums.Visibility(self.row["visibility"])

    @strawberry.field
    def status(self) -> ProjectStatus:
        return enums.ProjectStatus(self.row["status"])

    @strawberry.field(description="Increases with every change; give it back to change it (optimistic concurrency).")
    def version(self) -> int:
        return int(self.row["version"])

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row["created_at"]

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.row["updated_at"]

    @strawberry.field
    async def managers(self, info: Info) -> list[ProjectManager]:
        return [ProjectManager(row=r) for r in await info.context.loaders.projects.managers.load(self.row["id"])]

    @strawberry.field
    async def partners(self, info: Info) -> list[ProjectPartner]:
        return [ProjectPartner(row=r) for r in await info.context.loaders.projects.partners.load(self.row["id"])]

    @strawberry.field(description="In order.")
    async def milestones(self, info: Info) -> list[Milestone]:
        return [Milestone(row=r) for r in await info.context.loaders.projects.milestones.load(self.row["id"])]

    @strawberry.field(description="On track, at risk or late, from dates and progress (rule in the README).")
    async def health(self, info: Info) -> Health:
        rows = await info.context.loaders.projects.milestones.load(self.row["id"])
        return project_health(_plans(rows), clock.local_today())

    @strawberry.field(description="Largest slippage of its milestones (current vs baseline due date), in days.")
    async def slippage_days(self, info: Info) -> int:
        return project_slippage(_plans(await info.context.loaders.projects.milestones.load(self.row["id"])))

    @strawberry.field(description="Sum of the milestones' shares (cancelled ones excluded), in basis points.")
    async def share_total_basis_points(self, info: Info) -> int:
        rows = await info.context.loaders.projects.milestones.load(self.row["id"])
        return sum(int(r["share_bp"]) for r in rows if r["status"] != enums.MilestoneStatus.CANCELLED.value)

    @strawberry.field(
        description="Changes of the project itself (its milestones have their own), oldest first: "
        "the most recent `last` of them (at most 200)."
    )
    async def history(self, info: Info, last: int = MAX_HISTORY) -> list[HistoryEvent]:
        rows = await info.context.loaders.projects.project_events.load(self.row["id"])
        return history(recent(rows, last))

    @strawberry.field(
        description="Its contract appendices (the milestone schedule), every version, newest first: for admin, "
        "finance and the project's managers (empty for other staff); minutes are on each milestone."
    )
    async def documents(self, info: Info) -> list[ContractDocument]:
        if not await papers.can_read(info.context.principal, self.row["id"]):
            return []
        return documents(await info.context.loaders.documents.of("project").load(self.row["id"]))

    @strawberry.field(description="The SVG Gantt chart (same credentials as this request).")
    def gantt_url(self) -> str:
        return publish.gantt_url(self.row["code"])

    @strawberry.field(description="The OCDS 1.1 release package.")
    def ocds_url(self) -> str:
        return publish.ocds_url(self.row["code"])


@strawberry.type(description="A milestone as published: no internal workflow, people or versions.")
class PublicMilestone:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def title(self, info: Info) -> str:
        return localized(info, self.row, "title")

    @strawberry.field
    def type(self) -> MilestoneType:
        return enums.MilestoneType(self.row["type"])

    @strawberry.field
    def code(self) -> MilestoneCode | None:
        return enums.MilestoneCode(self.row["code"]) if self.row["code"] else None

    @strawberry.field
    def planned_start(self) -> date:
        return self.row["planned_start"]

    @strawberry.field
    def due_date(self) -> date:
        return self.row["due_date"]

    @strawberry.field
    def date_met(self) -> date | None:
        return self.row["actual_end"] if self.row["status"] == enums.MilestoneStatus.ACCEPTED.value else None

    @strawberry.field
    def progress(self) -> int:
        return int(self.row["progress"])

    @strawberry.field(description="OCDS status: scheduled, met, notMet or partiallyMet.")
    def status(self) -> OcdsMilestoneStatus:
        row = self.row
        return ocds_status(enums.MilestoneStatus(row["status"]), row["due_date"], row["progress"], clock.local_today())


@strawberry.type(description="A public project as partners and the public see it.")
class PublicProject:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])

    @strawberry.field
    def description(self, info: Info) -> str:
        return localized(info, self.row, "description")

    @strawberry.field
    def kind(self) -> ProjectKind:
        return enums.ProjectKind(self.row["kind"])

    @strawberry.field
    def ppp_contract_type(self) -> PppContractType | None:
        return enums.PppContractType(self.row["ppp_contract_type"]) if self.row["ppp_contract_type"] else None

    @strawberry.field
    def ppp_stage(self) -> PppStage | None:
        return enums.PppStage(self.row["ppp_stage"]) if self.row["ppp_stage"] else None

    @strawberry.field
    def sponsor_agency(self) -> str:
        return str(self.row["sponsor_agency"])

    @strawberry.field
    async def partners(self, info: Info) -> list[ProjectPartner]:
        return [ProjectPartner(row=r) for r in await info.context.loaders.projects.partners.load(self.row["id"])]

    @strawberry.field
    def state_capital_amount(self) -> Vnd:
        return Vnd(int(self.row["state_capital_amount"]))

    @strawberry.field
    def private_capital_amount(self) -> Vnd:
        return Vnd(int(self.row["private_capital_amount"]))

    @strawberry.field
    def total_investment_amount(self) -> Vnd:
        return Vnd(_total(self.row))

    @strawberry.field
    def planned_start(self) -> date:
        return self.row["planned_start"]

    @strawberry.field
    def planned_end(self) -> date:
        return self.row["planned_end"]

    @strawberry.field
    def status(self) -> ProjectStatus:
        return enums.ProjectStatus(self.row["status"])

    @strawberry.field
    async def health(self, info: Info) -> Health:
        rows = await info.context.loaders.projects.milestones.load(self.row["id"])
        return project_health(_plans(rows), clock.local_today())

    @strawberry.field
    async def milestones(self, info: Info) -> list[PublicMilestone]:
        rows = await info.context.loaders.projects.milestones.load(self.row["id"])
        return [PublicMilestone(row=r) for r in rows]

    @strawberry.field
    def gantt_url(self) -> str:
        return publish.gantt_url(self.row["code"])

    @strawberry.field
    def ocds_url(self) -> str:
        return publish.ocds_url(self.row["code"])
