"""Request queries: public tracking, a customer's own requests, the staff queue, figures, calendar."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from app import clock
from app.api.i18n import Language, use_language
from app.api.pagination import Connection
from catalog.requests import access, calendar, queue, stats, tracking, workflow
from catalog.requests.api.caller import client_address
from catalog.requests.api.types import (
    DepartmentRequestStats,
    RequestTracking,
    ServiceRequest,
    WorkingCalendar,
    WorkingDayOverride,
)


@strawberry.input(description="Filters of the staff queue; all given filters must match.")
class RequestQueueFilter(queue.QueueFields):
    assignee_id: strawberry.ID | None = None
    submitted_from: date | None = strawberry.field(default=None, description="Local date, inclusive.")
    submitted_to: date | None = strawberry.field(default=None, description="Local date, inclusive.")


@strawberry.type
class RequestsQuery:
    @strawberry.field(
        description="Public: status, steps and due date of a request by receipt code plus the phone or "
        "e-mail given at submission. Unknown codes and wrong pairs answer NOT_FOUND alike; repeated "
        "failures answer RATE_LIMITED."
    )
    async def track_request(self, info: Info, code: str, contact: str) -> RequestTracking:
        return RequestTracking(row=await tracking.track(code, contact, client_address(info)))

    @strawberry.field(
        description="A guest's view of their request through the secret link token from the center's e-mail "
        "(the tracking view, no personal data)."
    )
    async def guest_service_request(self, info: Info, token: str) -> RequestTracking:
        return RequestTracking(row=await workflow.guest_view(info.context.principal, token))

    @strawberry.field(description="A request by receipt code: for its customer and its department's staff.")
    async def service_request(self, info: Info, code: str) -> ServiceRequest:
        return ServiceRequest(row=await access.readable(info.context.principal, code))

    @strawberry.field(description="The signed-in customer's requests, newest first.")
    async def my_requests(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[ServiceRequest]:
        page = await queue.my_requests(info.context.principal, first, after)
        return Connection.of(page, lambda row: ServiceRequest(row=row))

    @strawberry.field(description="Staff queue (operators: their departments; admin: all), newest first.")
    async def request_queue(
        self, info: Info, filter: RequestQueueFilter | None = None, first: int | None = None, after: str | None = None
    ) -> Connection[ServiceRequest]:
        page = await queue.staff_queue(info.context.principal, filter or queue.QueueFields(), first, after)
        return Connection.of(page, lambda row: ServiceRequest(row=row))

    @strawberry.field(description="Per-department figures for requests received between two local dates.")
    async def request_stats(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> list[DepartmentRequestStats]:
        rows = await stats.department_stats(info.context.principal, from_, to, clock.local_today())
        return [DepartmentRequestStats(figures=f) for f in rows]

    @strawberry.field(
        description="The rows of the working-day table of a year, shipped schedule and admin edits (staff)."
    )
    async def working_day_overrides(self, info: Info, year: int) -> list[WorkingDayOverride]:
        return [WorkingDayOverride(row=r) for r in await calendar.list_overrides(info.context.principal, year)]

    @strawberry.field(
        description="Public: every day off and working day against the standard week of a year, as deadlines "
        "count them, with name, source and origin; says when the year's Tết schedule is not announced yet. "
        "Years 2000-2100 (else YEAR_OUT_OF_RANGE)."
    )
    async def working_calendar(self, info: Info, year: int, lang: Language | None = None) -> WorkingCalendar:
        use_language(info, lang)
        return WorkingCalendar(value=await calendar.year_calendar(year))
