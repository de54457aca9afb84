"""The announced working calendar, shipped as data (data/working_calendar.json) and loaded idempotently.

The file holds, for each year, every non-standard day of the schedule announced for public servants
(both halves of each swap) with its names and source, and whether the year's Tết schedule is announced.
The seed copies it into `working_day_override` (origin "schedule") and `working_calendar_year`:
- a day missing from the table is inserted; a shipped row that differs from the file (a corrected
  release) is brought in line; a shipped row of a listed year that the file no longer has is deleted;
- a day an admin has set or removed (origin "admin", or a working_day.* audit event) is never touched:
  the admin's word stands, and a day the admin removed does not come back;
- years are written as the file says (staff do not edit them).
A second run changes nothing and records nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.audit import service as audit
from app.audit.service import Actor
from app.db import transaction
from catalog.requests import repository
from catalog.requests.enums import DayOrigin, OverrideKind
from catalog.requests.workdays import FIRST_YEAR, LAST_YEAR, Calendar

DATA = Path(__file__).resolve().parent / "data" / "working_calendar.json"
NAME_MAX, SOURCE_MAX = 200, 300  # the columns' lengths


@dataclass(frozen=True)
class ShippedDay:
    day: date
    kind: OverrideKind
    name_vi: str
    name_en: str
    source: str
    note: str = ""
    swap_with: date | None = None  # the other half of a swap

    def values(self) -> dict[str, Any]:
        """The row's columns besides `day`."""
        return {
            "kind": self.kind.value,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "source": self.source,
            "note": self.note,
            "origin": DayOrigin.SCHEDULE.value,
        }


@dataclass(frozen=True)
class ShippedYear:
    year: int
    tet_announced: bool
    note_vi: str
    note_en: str
    days: tuple[ShippedDay, ...]

    def values(self) -> dict[str, Any]:
        return {"tet_announced": self.tet_announced, "note_vi": self.note_vi, "note_en": self.note_en}


def load_schedule(path: Path = DATA) -> list[ShippedYear]:
    """The file, parsed and checked. A malformed file is a shipping bug: it fails loudly (ValueError)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    years = [_year(item) for item in data["years"]]
    _check(years)
    return years


def _year(item: dict[str, Any]) -> ShippedYear:
    days = tuple(
        ShippedDay(
            day=date.fromisoformat(d["day"]),
            kind=OverrideKind(d["kind"]),
            name_vi=d["name_vi"],
            name_en=d["name_en"],
            source=d["source"],
            note=d.get("note", ""),
            swap_with=date.fromisoformat(d["swap_with"]) if d.get("swap_with") else None,
        )
        for d in item["days"]
    )
    return ShippedYear(int(item["year"]), bool(item["tet_announced"]), item["note_vi"], item["note_en"], days)


def _check(years: list[ShippedYear]) -> None:
    problems: list[str] = []
    if len({y.year for y in years}) != len(years):
        problems.append("a year is listed twice")
    days = {d.day: d for y in years for d in y.days}
    if len(days) != sum(len(y.days) for y in years):
        problems.append("a day is listed twice")
    for year in years:
        if not FIRST_YEAR <= year.year <= LAST_YEAR:
            problems.append(f"{year.year}: outside {FIRST_YEAR}-{LAST_YEAR}")
        if not (year.note_vi and year.note_en):
            problems.append(f"{year.year}: a note in both languages is required")
        for d in year.days:
            problems += [f"{d.day}: {p}" for p in _day_problems(d, year.year, days)]
    if problems:
        raise ValueError("working calendar data: " + "; ".join(problems))


def _day_problems(d: ShippedDay, year: int, days: dict[date, ShippedDay]) -> list[str]:
    problems = []
    if d.day.year != year:
        problems.append(f"listed under {year}")
    if not (d.name_vi and d.name_en and d.source):
        problems.append("names in both languages and a source are required")
    if max(len(d.name_vi), len(d.name_en)) > NAME_MAX or len(d.source) > SOURCE_MAX:
        problems.append("a name or the source is too long for its column")
    if d.kind is OverrideKind.EXTRA_WORKING_DAY:
        # A weekend day worked is always the other half of a swap; a weekday needs no row to be worked.
        if d.day.weekday() < 5:
            problems.append("a working day that is a weekday changes nothing")
        if d.swap_with is None:
            problems.append("a working weekend day must name the day off it swaps with")
    if d.swap_with is not None:
        other = days.get(d.swap_with)
        if other is None or other.swap_with != d.day or other.kind is d.kind:
            problems.append(f"the other half of the swap ({d.swap_with}) is missing or does not point back")
    return problems


def shipped_calendar(years: list[ShippedYear]) -> Calendar:
    """The calendar the file alone gives (no admin edits): what a freshly seeded database computes."""
    rows = [(d.day, d.kind.value) for y in years for d in y.days]
    return Calendar.of(rows, [y.year for y in years if y.tet_announced])


async def seed_working_calendar(path: Path = DATA) -> dict[str, int]:
    """Returns how many days were inserted, updated and removed, and how many years were written."""
    years = load_schedule(path)
    counts = {"days_inserted": 0, "days_updated": 0, "days_removed": 0, "years": 0}
    if not years:
        return counts
    listed = {y.year for y in years}
    shipped = {d.day: d for y in years for d in y.days}
    changed: list[str] = []
    async with transaction():
        stored = {
            row["day"]: row
            for row in await repository.override_rows_between(date(min(listed), 1, 1), date(max(listed), 12, 31))
        }
        admin_days = await days_edited_by_admin()
        for day, item in shipped.items():
            row = stored.get(day)
            if day in admin_days or (row is not None and row["origin"] != DayOrigin.SCHEDULE.value):
                continue
            if row is None:
                await repository.insert_override({"day": day, **item.values()})
                counts["days_inserted"] += 1
            elif any(row[key] != value for key, value in item.values().items()):
                await repository.update_override(day, item.values())
                counts["days_updated"] += 1
            else:
                continue
            changed.append(day.isoformat())
        for day, row in stored.items():
            gone = day not in shipped and day.year in listed and day not in admin_days
            if gone and row["origin"] == DayOrigin.SCHEDULE.value:
                await repository.delete_override(day)
                counts["days_removed"] += 1
                changed.append(day.isoformat())
        for year in years:
            counts["years"] += await _write_year(year)
        if any(counts.values()):
            await audit.record(
                Actor.system(), "working_calendar.seed", "working_calendar", "seed", None, {**counts, "days": changed}
            )
    return counts


async def _write_year(year: ShippedYear) -> int:
    row = await repository.calendar_year(year.year)
    if row is None:
        await repository.insert_calendar_year({"year": year.year, **year.values()})
        return 1
    if any(row[key] != value for key, value in year.values().items()):
        await repository.update_calendar_year(year.year, year.values())
        return 1
    return 0


async def days_edited_by_admin() -> set[date]:
    """Days an admin has set or removed at some time (calendar.set_override / remove_override audit them)."""
    actions = ("working_day.set", "working_day.remove")
    return {date.fromisoformat(i) for a in actions for i in await audit.entity_ids("working_day_override", a)}
