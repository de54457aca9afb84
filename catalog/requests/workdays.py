"""Working-day arithmetic in Asia/Ho_Chi_Minh. PURE: the override rows are passed in.

Rules (documented in the README):
- a working day is Monday-Friday, not a Vietnamese public holiday (`holidays`, country VN, Tết by
  the lunar calendar), unless the override table says otherwise (extra day off / extra working day,
  e.g. a Saturday worked to bridge a holiday);
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


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


@dataclass(frozen=True)
class Calendar:
    overrides: Mapping[date, OverrideKind] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Iterable[tuple[date, str]]) -> Calendar:
        return cls({day: OverrideKind(kind) for day, kind in rows})

    def is_working_day(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is OverrideKind.EXTRA_WORKING_DAY:
            return True
        if override is OverrideKind.EXTRA_DAY_OFF:
            return False
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
