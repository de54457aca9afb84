"""Every query of the service-request domain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.db import Prepared
from catalog.requests.enums import CLOCK_RUNNING
from catalog.requests.tables import (
    GuestLink,
    RequestDocument,
    ServiceRequest,
    StaffDepartment,
    WorkingCalendarYear,
    WorkingDayOverride,
)

# --- requests -----------------------------------------------------------------------------------


async def insert_request(values: dict[str, Any]) -> int:
    rows = await ServiceRequest.insert(ServiceRequest(**values)).returning(ServiceRequest.id)
    return int(rows[0]["id"])


# Prepared (app.db): composed once, run by every tracking lookup and request page.
_by_code = Prepared(lambda code: ServiceRequest.select().where(ServiceRequest.code == code).first())
_by_id = Prepared(lambda request_id: ServiceRequest.select().where(ServiceRequest.id == request_id).first())
_by_ids = Prepared(lambda ids: ServiceRequest.select().where(ServiceRequest.id.is_in(ids)))


async def request_by_code(code: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await _by_code(code)
    return row


async def request_by_id(request_id: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await _by_id(request_id)
    return row


async def requests_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await _by_ids(ids) if ids else []
    return rows


async def request_ids_of_customer(customer_id: int) -> list[int]:
    rows = await ServiceRequest.select(ServiceRequest.id).where(ServiceRequest.customer == customer_id)
    return [row["id"] for row in rows]


async def update_request(request_id: int, expected_version: int, values: dict[Any, Any]) -> bool:
    rows = await (
        ServiceRequest.update({**values, ServiceRequest.version: expected_version + 1})
        .where((ServiceRequest.id == request_id) & (ServiceRequest.version == expected_version))
        .returning(ServiceRequest.id)
    )
    return bool(rows)


@dataclass(frozen=True)
class QueueFilter:
    department_ids: tuple[int, ...] | None = None  # None: every department (admin)
    customer_id: int | None = None
    statuses: tuple[str, ...] = ()
    service_id: int | None = None
    assignee_id: int | None = None
    overdue: bool | None = None
    submitted_from: datetime | None = None
    submitted_before: datetime | None = None


def _filtered(query: Any, f: QueueFilter) -> Any:
    if f.department_ids is not None:
        query = query.where(ServiceRequest.department.is_in(list(f.department_ids) or [-1]))
    if f.customer_id is not None:
        query = query.where(ServiceRequest.customer == f.customer_id)
    if f.statuses:
        query = query.where(ServiceRequest.status.is_in(list(f.statuses)))
    if f.service_id is not None:
        query = query.where(ServiceRequest.service == f.service_id)
    if f.assignee_id is not None:
        query = query.where(ServiceRequest.assignee == f.assignee_id)
    if f.overdue is not None:
        query = query.where(ServiceRequest.overdue == f.overdue)
    if f.submitted_from is not None:
        query = query.where(ServiceRequest.submitted_at >= f.submitted_from)
    if f.submitted_before is not None:
        query = query.where(ServiceRequest.submitted_at < f.submitted_before)
    return query


async def request_page(f: QueueFilter, after_id: int | None, limit: int) -> list[dict[str, Any]]:
    """Newest first, keyset on id; limit + 1 rows tell whether there is more."""
    query = _filtered(ServiceRequest.select(), f).order_by(ServiceRequest.id, ascending=False).limit(limit)
    if after_id is not None:
        query = query.where(ServiceRequest.id < after_id)
    return await query


async def count_requests(f: QueueFilter) -> int:
    return await _filtered(ServiceRequest.count(), f)


async def past_due(today: date) -> list[dict[str, Any]]:
    """Running requests whose due date (or promise) has passed and are not yet flagged."""
    return await ServiceRequest.select().where(
        ServiceRequest.status.is_in([s.value for s in CLOCK_RUNNING])
        & (ServiceRequest.overdue == False)  # noqa: E712 - SQL comparison
        & (ServiceRequest.due_date < today)
    )


async def received_between(start: datetime, end: datetime) -> list[dict[str, Any]]:
    return await ServiceRequest.select(
        ServiceRequest.department,
        ServiceRequest.status,
        ServiceRequest.received_at,
        ServiceRequest.due_date,
        ServiceRequest.promised_date,
        ServiceRequest.completed_at,
    ).where((ServiceRequest.received_at >= start) & (ServiceRequest.received_at < end))


# --- documents, guest links ---------------------------------------------------------------------


async def insert_document(values: dict[str, Any]) -> None:
    await RequestDocument.insert(RequestDocument(**values))


async def documents_by_requests(ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if ids:
        rows = await RequestDocument.select().where(RequestDocument.request.is_in(ids)).order_by(RequestDocument.id)
        for row in rows:
            grouped[row["request"]].append(row)
    return grouped


async def document_by_id(document_id: int) -> dict[str, Any] | None:
    return await RequestDocument.select().where(RequestDocument.id == document_id).first()


# --- staff departments, calendar ----------------------------------------------------------------


async def departments_of(account_id: int) -> list[int]:
    rows = await StaffDepartment.select(StaffDepartment.department).where(StaffDepartment.account == account_id)
    return [row["department"] for row in rows]


async def add_membership(account_id: int, department_id: int) -> None:
    exists = await StaffDepartment.exists().where(
        (StaffDepartment.account == account_id) & (StaffDepartment.department == department_id)
    )
    if not exists:
        await StaffDepartment.insert(StaffDepartment(account=account_id, department=department_id))


# --- working calendar ---------------------------------------------------------------------------


async def overrides_between(start: date, end: date) -> list[tuple[date, str]]:
    rows = await WorkingDayOverride.select(WorkingDayOverride.day, WorkingDayOverride.kind).where(
        (WorkingDayOverride.day >= start) & (WorkingDayOverride.day <= end)
    )
    return [(row["day"], row["kind"]) for row in rows]


async def override_rows_between(start: date, end: date) -> list[dict[str, Any]]:
    return (
        await WorkingDayOverride.select()
        .where((WorkingDayOverride.day >= start) & (WorkingDayOverride.day <= end))
        .order_by(WorkingDayOverride.day)
    )


async def all_overrides() -> list[dict[str, Any]]:
    return await WorkingDayOverride.select().order_by(WorkingDayOverride.day)


async def override_on(day: date) -> dict[str, Any] | None:
    return await WorkingDayOverride.select().where(WorkingDayOverride.day == day).first()


async def insert_override(values: dict[str, Any]) -> None:
    await WorkingDayOverride.insert(WorkingDayOverride(**values))


async def update_override(day: date, values: dict[Any, Any]) -> None:
    await WorkingDayOverride.update(values).where(WorkingDayOverride.day == day)


async def upsert_override(day: date, values: dict[str, Any]) -> None:
    if await override_on(day):
        await update_override(day, values)
    else:
        await insert_override({"day": day, **values})


async def delete_override(day: date) -> None:
    await WorkingDayOverride.delete().where(WorkingDayOverride.day == day)


async def calendar_years() -> list[dict[str, Any]]:
    return await WorkingCalendarYear.select().order_by(WorkingCalendarYear.year)


async def calendar_year(year: int) -> dict[str, Any] | None:
    return await WorkingCalendarYear.select().where(WorkingCalendarYear.year == year).first()


async def scheduled_years() -> list[int]:
    """Years whose announced schedule is loaded: their override rows are the whole schedule."""
    rows = await WorkingCalendarYear.select(WorkingCalendarYear.year).where(WorkingCalendarYear.tet_announced.eq(True))
    return [int(row["year"]) for row in rows]


async def insert_calendar_year(values: dict[str, Any]) -> None:
    await WorkingCalendarYear.insert(WorkingCalendarYear(**values))


async def update_calendar_year(year: int, values: dict[Any, Any]) -> None:
    await WorkingCalendarYear.update(values).where(WorkingCalendarYear.year == year)


# --- guest links --------------------------------------------------------------------------------


async def insert_guest_link(values: dict[str, Any]) -> None:
    await GuestLink.insert(GuestLink(**values))


async def guest_link_by_hash(token_hash: str) -> dict[str, Any] | None:
    return await GuestLink.select().where(GuestLink.token_hash == token_hash).first()


async def touch_guest_link(link_id: int, at: datetime) -> None:
    await GuestLink.update({GuestLink.used_at: at}).where(GuestLink.id == link_id)
