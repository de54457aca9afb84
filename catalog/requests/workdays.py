"""Working-day arithmetic in Asia/Ho_Chi_Minh. PURE: the override rows are passed in.

Rules (documented in the README, section Deadlines):
- a day with an override row (the shipped announced schedule, or an admin's edit) is what the row says
  (extra day off / extra working day, e.g. a Saturday worked to bridge a holiday);
- otherwise, in a year whose announced schedule is shipped (`scheduled_years`), Monday-Friday are
  working days: the rows are that year's whole schedule and the `holidays` package is not asked, so a
  package release cannot move a deadline of that year;
- otherwise a working day is Monday-Friday and not a Vietnamese public holiday of the pinned
  `holidays` package (country VN, Tết by the lunar calendar);
- a request received on a working day before the cut-off (15:00 by default) counts from that day,
  otherwise from the next working day: the cut-off instant itself (15:00:00) is already "after";
- the due date is the Nth working day after that day;
- a supplement pause moves the due date by the working days spent waiting for the customer
  (after the day of the request, up to and including the day of the resubmission).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from catalog.requests.enums import OverrideKind

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
HOLIDAYS_VERSION: str = holidays.__version__  # pinned exactly in pyproject.toml
# Years a calendar may be asked about: date arithmetic near date.min/date.max overflows, and no
# request lives outside these.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@lru_cache(maxsize=16)
def package_holidays(year: int) -> dict[date, tuple[str, str]]:
    """The package's days off of a year with their names (Vietnamese, English)."""
    vi = holidays.country_holidays("VN", years=year, language="vi")
    en = holidays.country_holidays("VN", years=year, language="en_US")
    return {day: (str(vi[day]), str(en.get(day, vi[day]))) for day in sorted(vi)}


@dataclass(frozen=True)
class Calendar:
    overrides: Mapping[date, OverrideKind] = field(default_factory=dict)
    scheduled_years: frozenset[int] = frozenset()  # years whose announced schedule is loaded

    @classmethod
    def of(cls, rows: Iterable[tuple[date, str]], scheduled_years: Iterable[int] = ()) -> Calendar:
        return cls({day: OverrideKind(kind) for day, kind in rows}, frozenset(scheduled_years))

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is OverrideKind.EXTRA_WORKING_DAY:
            return True
        if override is OverrideKind.EXTRA_DAY_OFF:
            return False
        if day.year in self.scheduled_years:
            return day.weekday() < 5
        return day.weekday() < 5 and day not in _public_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, day: date, n: int) -> date:
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count


def counting_day(received_at: datetime, calendar: Calendar, cutoff: time, tz: ZoneInfo = HCM) -> date:
    """The local day the request counts as received: today before the cut-off on a working day,
    else the next working day."""
    local = received_at.astimezone(tz)
    day = local.date()
    if calendar.is_working_day(day) and local.time() < cutoff:
        return day
    return calendar.next_working_day(day)


def due_date(received_at: datetime, processing_days: int, calendar: Calendar, cutoff: time, tz: ZoneInfo = HCM) -> date:
    return calendar.add_working_days(counting_day(received_at, calendar, cutoff, tz), processing_days)


def extend_for_pause(
    due: date, paused_at: datetime, resumed_at: datetime, calendar: Calendar, tz: ZoneInfo = HCM
) -> tuple[date, int]:
    """The due date moved by the working days the clock stood still; returns (new due, days added)."""
    paused = calendar.working_days_between(paused_at.astimezone(tz).date(), resumed_at.astimezone(tz).date())
    return calendar.add_working_days(due, paused), paused


def parse_cutoff(text: str) -> time:
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))
