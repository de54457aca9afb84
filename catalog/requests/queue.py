"""Lists: the staff queue (filters, keyset pagination, capped) and a customer's own requests."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app.auth.principal import Principal
from app.config import get_settings
from app.guards import require_customer
from app.input import Checker, check_date, lookup_code, parse_id
from app.pagination import Page, decode_cursor, id_page, page_size
from catalog import departments, offers
from catalog.requests import access, repository
from catalog.requests.enums import RequestStatus
from catalog.requests.repository import QueueFilter


@dataclass
class QueueFields:
    """Filters of the staff queue (the GraphQL `RequestQueueFilter` is this class)."""

    statuses: list[RequestStatus] | None = None
    department_code: str | None = None
    service_code: str | None = None
    assignee_id: object = None  # as the client sent it
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
    allowed = await access.staff_departments(principal)
    c = Checker()
    assignee = c.check(parse_id, fields.assignee_id, "assigneeId") if fields.assignee_id is not None else None
    for value, key in ((fields.submitted_from, "submittedFrom"), (fields.submitted_to, "submittedTo")):
        if value is not None:
            c.check(check_date, value, key)
    c.done()
    if fields.department_code:
        wanted = await departments.department_id(lookup_code(fields.department_code, "departmentCode", 20)) or -1
        if allowed is not None and wanted not in allowed:
            raise access.not_your_department()
        allowed = (wanted,)
    service_id = None
    if fields.service_code:
        service_id = await offers.service_id(lookup_code(fields.service_code, "serviceCode")) or -1
    f = QueueFilter(
        department_ids=allowed,
        statuses=tuple(s.value for s in fields.statuses or ()),
        service_id=service_id,
        assignee_id=assignee,
        overdue=fields.overdue,
        submitted_from=_start_of(fields.submitted_from) if fields.submitted_from else None,
        submitted_before=_start_of(date.fromordinal(fields.submitted_to.toordinal() + 1))
        if fields.submitted_to
        else None,
    )
    return await _page(f, first, after)


async def my_requests(principal: Principal, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    customer_id = require_customer(principal)
    return await _page(QueueFilter(customer_id=customer_id), first, after)
