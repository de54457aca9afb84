"""GraphQL types of service requests, named as in the SDL. Each wraps a repository row."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.api.history import HistoryEvent, history
from app.api.i18n import LocalizedText, localized
from app.api.scalars import Vnd
from app.money import VatRate
from catalog.api.types import Department, Plan, Service
from catalog.enums import Channel
from catalog.requests.calendar import CalendarDay, YearCalendar
from catalog.requests.enums import DayOrigin, OverrideKind, RequestAction, RequestStatus
from catalog.requests.stats import DepartmentFigures

if TYPE_CHECKING:  # the GraphQL graph links a request to its billing; the data dependency stays billing → requests
    from billing.api.types import Invoice, Quote

# The domain's enums are the GraphQL enums: registered once here with their names and descriptions.
strawberry.enum(RequestStatus, description="Where a service request stands.")
strawberry.enum(RequestAction, description="A step of the request workflow.")
strawberry.enum(
    OverrideKind,
    name="WorkingDayOverrideKind",
    description="A day against the standard week (Monday-Friday work, Saturday-Sunday rest): a day off "
    "(public holiday, Tết, compensatory day, the weekday off of a swap) or a working day (a Saturday worked).",
)
strawberry.enum(
    DayOrigin,
    name="WorkingDayOrigin",
    description="Where a non-standard day comes from: SCHEDULE, the announced schedule shipped with the "
    "application; ADMIN, an admin's setWorkingDayOverride; PACKAGE, the pinned `holidays` package (only in a "
    "year whose Tết schedule is not announced).",
)


@strawberry.type
class RequestDocument:
    row: strawberry.Private[dict[str, Any]]
    code: strawberry.Private[str]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field(description="Index in the service's requiredDocuments.")
    def requirement(self) -> int:
        return int(self.row["requirement"])

    @strawberry.field
    def filename(self) -> str:
        return str(self.row["filename"])

    @strawberry.field
    def content_type(self) -> str:
        return str(self.row["content_type"])

    @strawberry.field
    def size(self) -> int:
        return int(self.row["size"])

    @strawberry.field
    def sha256(self) -> str:
        return str(self.row["sha256"])

    @strawberry.field(description="HTTP path of the file; served to the request's customer and staff only.")
    def download_path(self) -> str:
        return f"/requests/{self.code}/documents/{self.row['id']}"


@strawberry.type(description="What anyone with the receipt code and contact sees: no personal data.")
class RequestTracking:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def status(self) -> RequestStatus:
        return RequestStatus(self.row["status"])

    @strawberry.field
    async def service(self, info: Info) -> Service:
        return Service(row=await info.context.loaders.catalog.service.load(self.row["service"]))

    @strawberry.field
    def submitted_at(self) -> datetime:
        return self.row["submitted_at"]

    @strawberry.field
    def received_at(self) -> datetime | None:
        return self.row["received_at"]

    @strawberry.field(description="Local date (Asia/Ho_Chi_Minh) by which the result is due.")
    def due_date(self) -> date | None:
        return self.row["due_date"]

    @strawberry.field(description="New date promised after the request became overdue.")
    def promised_date(self) -> date | None:
        return self.row["promised_date"]

    @strawberry.field
    def overdue(self) -> bool:
        return bool(self.row["overdue"])

    @strawberry.field
    def apology_note(self) -> str:
        return str(self.row["apology_note"])

    @strawberry.field(
        description="The request's history as the public sees it: when and which step (no names, no comments)."
    )
    async def steps(self, info: Info) -> list[HistoryEvent]:
        return history(await info.context.loaders.requests.events.load(self.row["id"]), public=True)


@strawberry.type(description="A service request as its customer and the department's staff see it.")
class ServiceRequest(RequestTracking):
    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    async def plan(self, info: Info) -> Plan:
        return Plan(row=await info.context.loaders.catalog.plan.load(self.row["plan"]))

    @strawberry.field
    async def department(self, info: Info) -> Department:
        return Department(row=await info.context.loaders.catalog.department.load(self.row["department"]))

    @strawberry.field
    def channel(self) -> Channel:
        return Channel(self.row["channel"])

    @strawberry.field
    def quantity(self) -> int:
        return int(self.row["quantity"])

    @strawberry.field(description="Unit price before VAT captured at submission.")
    def unit_amount(self) -> Vnd:
        return Vnd(int(self.row["unit_amount"]))

    @strawberry.field
    def vat_rate(self) -> str:
        return VatRate(self.row["vat_rate"]).invoice_label

    @strawberry.field
    def amount(self) -> Vnd:
        return Vnd(int(self.row["amount"]))

    @strawberry.field
    def vat_amount(self) -> Vnd:
        return Vnd(int(self.row["vat_amount"]))

    @strawberry.field
    def total_amount(self) -> Vnd:
        return Vnd(int(self.row["total_amount"]))

    @strawberry.field
    def fee_amount(self) -> Vnd:
        return Vnd(int(self.row["fee_amount"]))

    @strawberry.field(description="Working days for the channel, captured at submission.")
    def processing_days(self) -> int:
        return int(self.row["processing_days"])

    @strawberry.field
    def desired_start(self) -> date | None:
        return self.row["desired_start"]

    @strawberry.field
    def desired_end(self) -> date | None:
        return self.row["desired_end"]

    @strawberry.field
    def notes(self) -> str:
        return str(self.row["notes"])

    @strawberry.field
    def contact_name(self) -> str:
        return str(self.row["contact_name"])

    @strawberry.field
    def contact_phone(self) -> str:
        return str(self.row["contact_phone"])

    @strawberry.field
    def contact_email(self) -> str:
        return str(self.row["contact_email"])

    @strawberry.field
    def assignee_id(self) -> strawberry.ID | None:
        value = self.row["assignee"]
        return strawberry.ID(str(value)) if value is not None else None

    @strawberry.field
    def rejection_reason(self) -> str:
        return str(self.row["rejection_reason"])

    @strawberry.field
    def completed_at(self) -> datetime | None:
        return self.row["completed_at"]

    @strawberry.field
    def version(self) -> int:
        return int(self.row["version"])

    @strawberry.field(description="Quotes of this request, oldest first (revisions supersede earlier ones).")
    async def quotes(self, info: Info) -> list[Annotated[Quote, strawberry.lazy("billing.api.types")]]:
        from billing.api.types import Quote

        return [Quote(row=r) for r in await info.context.loaders.billing.quotes_of_request.load(self.row["id"])]

    @strawberry.field(description="Invoices billing this request (drafts: finance only).")
    async def invoices(self, info: Info) -> list[Annotated[Invoice, strawberry.lazy("billing.api.types")]]:
        from billing.api.types import Invoice, visible

        rows = await info.context.loaders.billing.invoices_of_request.load(self.row["id"])
        return [Invoice(row=r) for r in rows if visible(info, r)]

    @strawberry.field(description="The request's history with who took each step and why.")
    async def events(self, info: Info) -> list[HistoryEvent]:
        return history(await info.context.loaders.requests.events.load(self.row["id"]))

    @strawberry.field
    async def documents(self, info: Info) -> list[RequestDocument]:
        rows = await info.context.loaders.requests.documents.load(self.row["id"])
        return [RequestDocument(row=r, code=self.row["code"]) for r in rows]


def _pick(info: Info, vi: str, en: str) -> str:
    return en if info.context.lang == "en" and en else vi


@strawberry.type(description="A row of the working-day table: a day of the shipped schedule or an admin's edit.")
class WorkingDayOverride:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def day(self) -> date:
        return self.row["day"]

    @strawberry.field
    def kind(self) -> OverrideKind:
        return OverrideKind(self.row["kind"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field(description="Both language versions of the name.")
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])

    @strawberry.field(description="The announcement (number and date) or the Labour Code article.")
    def source(self) -> str:
        return str(self.row["source"])

    @strawberry.field
    def note(self) -> str:
        return str(self.row["note"])

    @strawberry.field
    def origin(self) -> DayOrigin:
        return DayOrigin(self.row["origin"])


@strawberry.type(description="A day off or a working day against the standard week, and where it comes from.")
class WorkingCalendarDay:
    value: strawberry.Private[CalendarDay]

    @strawberry.field
    def day(self) -> date:
        return self.value.day

    @strawberry.field
    def kind(self) -> OverrideKind:
        return self.value.kind

    @strawberry.field
    def name(self, info: Info) -> str:
        return _pick(info, self.value.name_vi, self.value.name_en)

    @strawberry.field(description="Both language versions of the name.")
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.value.name_vi, en=self.value.name_en)

    @strawberry.field(
        description="The announcement (number and date), the Labour Code article, what the admin gave, or the "
        "`holidays` package and its version."
    )
    def source(self) -> str:
        return self.value.source

    @strawberry.field
    def note(self) -> str:
        return self.value.note

    @strawberry.field
    def origin(self) -> DayOrigin:
        return self.value.origin


@strawberry.type(description="The non-standard days of one year, as deadlines count them.")
class WorkingCalendar:
    value: strawberry.Private[YearCalendar]

    @strawberry.field
    def year(self) -> int:
        return self.value.year

    @strawberry.field(
        description="True when the year's Tết (and National Day) schedule for public servants is announced and "
        "shipped: then `days` is the whole schedule and the `holidays` package is not used for this year. "
        "False: days off not yet announced come from the package and may change."
    )
    def tet_announced(self) -> bool:
        return self.value.tet_announced

    @strawberry.field(description="Why the year may still change; null when its schedule is announced.")
    def message(self, info: Info) -> str | None:
        if self.value.message_vi is None:
            return None
        return _pick(info, self.value.message_vi, self.value.message_en or "")

    @strawberry.field(description="Both language versions of the message; null when its schedule is announced.")
    def messages(self) -> LocalizedText | None:
        if self.value.message_vi is None:
            return None
        return LocalizedText(vi=self.value.message_vi, en=self.value.message_en or "")

    @strawberry.field(description="The shipped data's note on the year: sources and what is uncertain.")
    def note(self, info: Info) -> str:
        return _pick(info, self.value.note_vi, self.value.note_en)

    @strawberry.field(description="Both language versions of the note.")
    def notes(self) -> LocalizedText:
        return LocalizedText(vi=self.value.note_vi, en=self.value.note_en)

    @strawberry.field(description="Days off and working days against the standard week, by date.")
    def days(self) -> list[WorkingCalendarDay]:
        return [WorkingCalendarDay(value=d) for d in self.value.days]


@strawberry.type(description="Figures of one department for a period (requests received in it).")
class DepartmentRequestStats:
    figures: strawberry.Private[DepartmentFigures]

    @strawberry.field
    def department(self) -> Department:
        return Department(row=self.figures.department)

    @strawberry.field
    def received(self) -> int:
        return self.figures.received

    @strawberry.field
    def completed_on_time(self) -> int:
        return self.figures.completed_on_time

    @strawberry.field
    def completed_late(self) -> int:
        return self.figures.completed_late

    @strawberry.field
    def open_overdue(self) -> int:
        return self.figures.open_overdue

    @strawberry.field(description="Average working days from receipt to completion; null when none completed.")
    def average_working_days(self) -> float | None:
        return self.figures.average_working_days
