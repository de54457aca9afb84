"""Per-department figures for a period of local dates: received, completed on time, late, and the
average number of working days from receipt to completion."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from app.auth.principal import Principal
from app.config import get_settings
from app.errors import ValidationFailed
from app.input import Checker, check_date
from catalog import departments
from catalog.requests import access, repository
from catalog.requests.calendar import calendar_around, local_date
from catalog.requests.enums import CLOCK_RUNNING, RequestStatus
from catalog.requests.workdays import Calendar


@dataclass(frozen=True)
class DepartmentFigures:
    department: dict[str, Any]
    received: int
    completed_on_time: int
    completed_late: int
    open_overdue: int
    average_working_days: float | None  # None when nothing was completed


def figures(rows: list[dict[str, Any]], calendar: Calendar, today: date) -> dict[int, dict[str, Any]]:
    """PURE: rows of requests received in the period -> counts per department id."""
    out: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"received": 0, "on_time": 0, "late": 0, "open_overdue": 0, "days": []}
    )
    for row in rows:
        bucket = out[row["department"]]
        bucket["received"] += 1
        deadline = row["promised_date"] or row["due_date"]
        if row["status"] == RequestStatus.COMPLETED.value and row["completed_at"] is not None:
            done = local_date(row["completed_at"])
            bucket["late" if row["due_date"] and done > row["due_date"] else "on_time"] += 1
            bucket["days"].append(calendar.working_days_between(local_date(row["received_at"]), done))
        elif RequestStatus(row["status"]) in CLOCK_RUNNING and deadline and today > deadline:
            bucket["open_overdue"] += 1
    return out


async def department_stats(principal: Principal, start: date, end: date, today: date) -> list[DepartmentFigures]:
    access.require_operator(principal)
    c = Checker()
    c.check(check_date, start, "from")
    c.check(check_date, end, "to")
    c.done()
    if end < start or (end - start).days > 366:
        raise ValidationFailed(
            "INVALID_PERIOD",
            "Khoảng thời gian không hợp lệ (tối đa 1 năm).",
            "The period is not valid (one year at most).",
            "to",
        )
    tz = get_settings().timezone
    rows = await repository.received_between(
        datetime.combine(start, time(0), tzinfo=tz), datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz)
    )
    calendar = await calendar_around(start)
    counted = figures(rows, calendar, today)
    result = []
    for department in await departments.all_departments():
        b = counted.get(department["id"], {"received": 0, "on_time": 0, "late": 0, "open_overdue": 0, "days": []})
        average = round(sum(b["days"]) / len(b["days"]), 2) if b["days"] else None
        result.append(DepartmentFigures(department, b["received"], b["on_time"], b["late"], b["open_overdue"], average))
    return result
