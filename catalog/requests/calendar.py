"""The working-day calendar as the database knows it (the shipped schedule and admin overrides), its
admin edits, and the public view of one year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from app.audit import service as audit
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import DomainError, ErrorDetail, ValidationFailed
from app.guards import require_admin
from app.input import clean_optional, raise_all
from catalog.requests import repository
from catalog.requests.access import require_operator
from catalog.requests.enums import DayOrigin, OverrideKind
from catalog.requests.schedule import NAME_MAX, SOURCE_MAX
from catalog.requests.workdays import FIRST_YEAR, HOLIDAYS_VERSION, LAST_YEAR, Calendar, package_holidays, parse_cutoff


async def calendar_around(day: date) -> Calendar:
    """Overrides from a year before to two years after: enough for any deadline from `day`."""
    rows = await repository.overrides_between(day - timedelta(days=366), day + timedelta(days=730))
    return Calendar.of(rows, await repository.scheduled_years())


def cutoff() -> Any:
    return parse_cutoff(get_settings().working_day_cutoff)


def local_date(moment: datetime) -> date:
    return moment.astimezone(get_settings().timezone).date()


def check_year(year: int, field: str = "year") -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            "YEAR_OUT_OF_RANGE",
            f"Năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.",
            f"The year must be from {FIRST_YEAR} to {LAST_YEAR}.",
            field,
        )
    return year


async def set_override(
    principal: Principal,
    day: date,
    kind: OverrideKind,
    note: str | None,
    name_vi: str | None = None,
    name_en: str | None = None,
    source: str | None = None,
) -> dict[str, Any]:
    """The day becomes the admin's (origin "admin"), with the names and source given (none: empty); the
    seed never changes it again."""
    require_admin(principal)
    errors: list[ErrorDetail] = []

    def cleaned(value: str | None, field: str, max_length: int) -> str:
        try:
            return clean_optional(value, field, max_length=max_length)
        except DomainError as error:
            errors.extend(error.details)
            return ""

    try:
        check_year(day.year, "day")
    except DomainError as error:
        errors.extend(error.details)
    values = {
        "kind": kind.value,
        "note": cleaned(note, "note", 300),
        "name_vi": cleaned(name_vi, "nameVi", NAME_MAX),
        "name_en": cleaned(name_en, "nameEn", NAME_MAX),
        "source": cleaned(source, "source", SOURCE_MAX),
        "origin": DayOrigin.ADMIN.value,
    }
    raise_all(errors)
    async with transaction():
        before = await repository.override_on(day)
        await repository.upsert_override(day, values)
        after = await repository.override_on(day)
        await audit.record(principal.as_actor(), "working_day.set", "working_day_override", day, before, after)
    assert after is not None
    return after


async def remove_override(principal: Principal, day: date) -> bool:
    """Removing a shipped day is an admin's edit too: the seed does not bring it back."""
    require_admin(principal)
    check_year(day.year, "day")
    async with transaction():
        before = await repository.override_on(day)
        if before is None:
            return False
        await repository.delete_override(day)
        await audit.record(principal.as_actor(), "working_day.remove", "working_day_override", day, before, None)
    return True


async def list_overrides(principal: Principal, year: int) -> list[dict[str, Any]]:
    require_operator(principal)
    return await repository.override_rows_between(date(check_year(year), 1, 1), date(year, 12, 31))


# --- the public view of a year ------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    kind: OverrideKind
    name_vi: str
    name_en: str
    source: str
    note: str
    origin: DayOrigin


@dataclass(frozen=True)
class YearCalendar:
    year: int
    tet_announced: bool  # then the shipped days are the year's whole schedule
    note_vi: str
    note_en: str
    message_vi: str | None  # why the year may still change; None when its schedule is announced
    message_en: str | None
    days: list[CalendarDay]


async def year_calendar(year: int) -> YearCalendar:
    """Every non-standard day of a year, each with where it comes from. Public: the schedule is public."""
    check_year(year)
    stored = await repository.override_rows_between(date(year, 1, 1), date(year, 12, 31))
    shipped_year = await repository.calendar_year(year)
    announced = bool(shipped_year and shipped_year["tet_announced"])
    days = [
        CalendarDay(
            row["day"],
            OverrideKind(row["kind"]),
            row["name_vi"],
            row["name_en"],
            row["source"],
            row["note"],
            DayOrigin(row["origin"]),
        )
        for row in stored
    ]
    if not announced:
        # What the deadline arithmetic uses for the days without a row (workdays.Calendar).
        taken = {row["day"] for row in stored}
        source = f"holidays {HOLIDAYS_VERSION} (VN)"
        days += [
            CalendarDay(day, OverrideKind.EXTRA_DAY_OFF, vi, en, source, "", DayOrigin.PACKAGE)
            for day, (vi, en) in package_holidays(year).items()
            if day not in taken
        ]
    message_vi, message_en = _message(year, announced, shipped_year is not None)
    return YearCalendar(
        year=year,
        tet_announced=announced,
        note_vi=shipped_year["note_vi"] if shipped_year else "",
        note_en=shipped_year["note_en"] if shipped_year else "",
        message_vi=message_vi,
        message_en=message_en,
        days=sorted(days, key=lambda d: d.day),
    )


def _message(year: int, announced: bool, shipped: bool) -> tuple[str | None, str | None]:
    if announced:
        return None, None
    package_vi = (
        f"các ngày nghỉ chưa có trong danh sách lấy theo gói holidays {HOLIDAYS_VERSION} (Bộ luật Lao động, "
        "lịch âm) và điều chỉnh của quản trị viên, nên có thể thay đổi khi lịch được công bố."
    )
    package_en = (
        f"days off not listed come from the holidays package {HOLIDAYS_VERSION} (Labour Code, lunar calendar) "
        "and admin edits, so they may change when the schedule is announced."
    )
    if shipped:
        return (
            f"Lịch nghỉ Tết năm {year} chưa được công bố; {package_vi}",
            f"The {year} Tết schedule is not announced yet; {package_en}",
        )
    return (
        f"Không có lịch nghỉ năm {year} được công bố trong dữ liệu; {package_vi}",
        f"No announced schedule for {year} is in the data; {package_en}",
    )
