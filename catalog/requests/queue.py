"""Lists: the staff queue (filters, keyset pagination, capped) and a customer's own requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app.auth.principal import Principal
from app.config import get_settings
from app.pagination import Page, decode_cursor, id_page, page_size
from catalog import repository as catalog_repository
from catalog.requests import access, repository
from catalog.requests.enums import RequestStatus
from catalog.requests.repository import QueueFilter


@dataclass(frozen=True)
class QueueFields:
    statuses: tuple[RequestStatus, ...] = ()
    department_code: str | None = None
    service_code: str | None = None
    assignee_id: int | None = None
    overdue: bool | None = None
    submitted_from: date | None = None  # local dates, inclusive
    submitted_to: date | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=get_settings().timezone)


async def _page(f: QueueFilter, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    limit = page_size(first)
    after_id = decode_cursor(after, "request", int)[1] if after else None
    rows = await repository.request_page(f, after_id, limit + 1)
    return id_page("request", rows, limit, after, lambda: repository.count_requests(f))


async def staff_queue(
    principal: Principal, fields: QueueFields, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    departments = await access.staff_departments(principal)
    if fields.department_code:
        department = await catalog_repository.department_by_code(fields.department_code.strip().upper())
        wanted = department["id"] if department else -1
        if departments is not None and wanted not in departments:
            raise access.not_your_department()
        departments = (wanted,)
    service_id = None
    if fields.service_code:
        service = await catalog_repository.service_by("code", fields.service_code.strip().upper())
        service_id = service["id"] if service else -1
    f = QueueFilter(
        department_ids=departments,
        statuses=tuple(s.value for s in fields.statuses),
        service_id=service_id,
        assignee_id=fields.assignee_id,
        overdue=fields.overdue,
        submitted_from=_start_of(fields.submitted_from) if fields.submitted_from else None,
        submitted_before=_start_of(date.fromordinal(fields.submitted_to.toordinal() + 1))
        if fields.submitted_to
        else None,
    )
    return await _page(f, first, after)


async def my_requests(principal: Principal, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    customer_id = access.require_customer(principal)
    return await _page(QueueFilter(customer_id=customer_id), first, after)
