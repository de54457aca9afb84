"""Working-day deadlines pinned on real dates (Tết 2026 and 2027), the cut-off, overrides, pauses."""

from __future__ import annotations

import re
import tomllib
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import holidays
from hypothesis import given
from hypothesis import strategies as st

from catalog.requests.enums import OverrideKind
from catalog.requests.workdays import Calendar, counting_day, due_date, extend_for_pause
from tests.requests.helpers import local

CUTOFF = time(15, 0)
PLAIN = Calendar()
ROOT = Path(__file__).resolve().parents[2]


def test_the_holidays_package_is_pinned_exactly_and_installed_at_that_version() -> None:
    # Years without a shipped schedule take their days off from `holidays`: a range would let the
    # install date decide a deadline.
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    (pin,) = [d for d in dependencies if re.match(r"holidays\b", d)]
    assert pin == f"holidays=={holidays.__version__}" == "holidays==0.109"
    assert any(d.startswith("tzdata") for d in dependencies)


def test_tet_2026_days_off_are_skipped() -> None:
    # Tết Nguyên đán 2026: 17 Feb; days off Mon 16 - Fri 20 Feb.
    assert [PLAIN.is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [
        True, False, False, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    assert due_date(local(2026, 2, 13, 10, 0), 3, PLAIN, CUTOFF) == date(2026, 2, 25)


def test_received_after_the_cutoff_counts_from_the_next_working_day() -> None:
    assert due_date(local(2026, 2, 13, 14, 59), 3, PLAIN, CUTOFF) == date(2026, 2, 25)
    assert counting_day(local(2026, 2, 13, 15, 0), PLAIN, CUTOFF) == date(2026, 2, 23)
    assert due_date(local(2026, 2, 13, 15, 0), 3, PLAIN, CUTOFF) == date(2026, 2, 26)
    # A later cut-off setting keeps 15:30 on the same day.
    assert due_date(local(2026, 2, 13, 15, 30), 3, PLAIN, time(16, 0)) == date(2026, 2, 25)


def test_the_cutoff_instant_itself_counts_from_the_next_working_day() -> None:
    # README: "at or after 15:00". Friday 6 March 2026, an ordinary working day.
    assert counting_day(local(2026, 3, 6, 14, 59, 59), PLAIN, CUTOFF) == date(2026, 3, 6)
    assert counting_day(local(2026, 3, 6, 14, 59, 59, 999999), PLAIN, CUTOFF) == date(2026, 3, 6)
    assert counting_day(local(2026, 3, 6, 15, 0, 0), PLAIN, CUTOFF) == date(2026, 3, 9)
    assert due_date(local(2026, 3, 6, 14, 59, 59), 1, PLAIN, CUTOFF) == date(2026, 3, 9)
    assert due_date(local(2026, 3, 6, 15, 0, 0), 1, PLAIN, CUTOFF) == date(2026, 3, 10)
    # The same instant given in UTC (08:00:00Z is 15:00:00 in Hà Nội).
    assert counting_day(datetime(2026, 3, 6, 8, 0, 0, tzinfo=UTC), PLAIN, CUTOFF) == date(2026, 3, 9)
    assert counting_day(datetime(2026, 3, 6, 7, 59, 59, tzinfo=UTC), PLAIN, CUTOFF) == date(2026, 3, 6)


def test_received_on_a_weekend_counts_from_monday() -> None:
    assert due_date(local(2026, 3, 14, 9, 0), 1, PLAIN, CUTOFF) == date(2026, 3, 17)


def test_tet_2027_days_off_are_skipped() -> None:
    # Tết 2027: 6 Feb; days off Thu 4 - Wed 10 Feb.
    assert due_date(local(2027, 2, 3, 9, 0), 2, PLAIN, CUTOFF) == date(2027, 2, 12)
    assert due_date(local(2027, 2, 3, 16, 0), 2, PLAIN, CUTOFF) == date(2027, 2, 15)


def test_a_swapped_saturday_from_the_override_table_is_a_working_day() -> None:
    swapped = Calendar.of([(date(2026, 3, 7), OverrideKind.EXTRA_WORKING_DAY.value)])
    assert due_date(local(2026, 3, 6, 10, 0), 1, PLAIN, CUTOFF) == date(2026, 3, 9)
    assert due_date(local(2026, 3, 6, 10, 0), 1, swapped, CUTOFF) == date(2026, 3, 7)


def test_an_extra_day_off_pushes_the_deadline() -> None:
    closed = Calendar.of([(date(2026, 3, 9), OverrideKind.EXTRA_DAY_OFF.value)])
    assert due_date(local(2026, 3, 6, 10, 0), 1, closed, CUTOFF) == date(2026, 3, 10)


def test_a_supplement_pause_extends_the_due_date_by_the_working_days_waited() -> None:
    # Paused Friday 13 Feb 2026, resumed Tuesday 24 Feb: Mon 23 and Tue 24 were waited (Tết is not counted).
    assert extend_for_pause(date(2026, 2, 24), local(2026, 2, 13, 9, 0), local(2026, 2, 24, 11, 0), PLAIN) == (
        date(2026, 2, 26),
        2,
    )
    # Paused and resumed the same day: nothing added.
    assert extend_for_pause(date(2026, 3, 17), local(2026, 3, 16, 9), local(2026, 3, 16, 17), PLAIN) == (
        date(2026, 3, 17),
        0,
    )


days = st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31))


@given(days, st.integers(min_value=0, max_value=23), st.integers(min_value=1, max_value=30))
def test_the_due_date_is_a_working_day_exactly_n_working_days_after_the_counting_day(
    day: date, hour: int, n: int
) -> None:
    received = local(day.year, day.month, day.day, hour, 0)
    start = counting_day(received, PLAIN, CUTOFF)
    due = due_date(received, n, PLAIN, CUTOFF)
    assert PLAIN.is_working_day(due)
    assert PLAIN.working_days_between(start, due) == n
    assert due > received.date()


@given(days, st.integers(min_value=1, max_value=20))
def test_more_days_never_give_an_earlier_date(day: date, n: int) -> None:
    received = local(day.year, day.month, day.day, 9, 0)
    assert due_date(received, n, PLAIN, CUTOFF) < due_date(received, n + 1, PLAIN, CUTOFF)


@given(days, st.integers(min_value=0, max_value=40))
def test_a_pause_adds_exactly_the_working_days_waited(day: date, waited: int) -> None:
    paused = local(day.year, day.month, day.day, 9, 0)
    resumed_day = day + timedelta(days=waited)
    resumed = local(resumed_day.year, resumed_day.month, resumed_day.day, 9, 0)
    due = PLAIN.add_working_days(day, 5)
    new_due, added = extend_for_pause(due, paused, resumed, PLAIN)
    assert added == sum(PLAIN.is_working_day(day + timedelta(days=i)) for i in range(1, waited + 1))
    assert PLAIN.working_days_between(due, new_due) == added
