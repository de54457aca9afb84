"""The working-day calendar as the database knows it (overrides), and its admin edits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from app.audit import service as audit
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.guards import require_admin
from app.input import check_date, check_year, clean_optional
from catalog.requests import repository
from catalog.requests.access import require_operator
from catalog.requests.enums import OverrideKind
from catalog.requests.workdays import Calendar, parse_cutoff


async def calendar_around(day: date) -> Calendar:
    """Overrides from a year before to two years after: enough for any deadline from `day`."""
    rows = await repository.overrides_between(day - timedelta(days=366), day + timedelta(days=730))
    return Calendar.of(rows)


def cutoff() -> Any:
    return parse_cutoff(get_settings().working_day_cutoff)


def local_date(moment: datetime) -> date:
    return moment.astimezone(get_settings().timezone).date()


async def set_override(principal: Principal, day: date, kind: OverrideKind, note: str | None) -> dict[str, Any]:
    require_admin(principal)
    check_date(day, "day")
    text = clean_optional(note, "note", max_length=300)
    async with transaction():
        before = await repository.override_on(day)
        await repository.upsert_override(day, kind.value, text)
        after = await repository.override_on(day)
        await audit.record(principal.as_actor(), "working_day.set", "working_day_override", day, before, after)
    assert after is not None
    return after


async def remove_override(principal: Principal, day: date) -> bool:
    require_admin(principal)
    async with transaction():
        before = await repository.override_on(day)
        if before is None:
            return False
        await repository.delete_override(day)
        await audit.record(principal.as_actor(), "working_day.remove", "working_day_override", day, before, None)
    return True


async def list_overrides(principal: Principal, year: int) -> list[dict[str, Any]]:
    require_operator(principal)
    check_year(year)
    rows = await repository.overrides_between(date(year, 1, 1), date(year, 12, 31))
    return [{"day": day, "kind": kind} for day, kind in sorted(rows)]
