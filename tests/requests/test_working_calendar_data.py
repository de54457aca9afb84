"""The announced working calendar shipped as data: its content, its checks, and the deadlines it gives
with no admin override (pure: the calendar the file alone gives, as a freshly seeded database has it)."""

from __future__ import annotations

import json
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.requests.enums import OverrideKind
from catalog.requests.schedule import DATA, load_schedule, shipped_calendar
from catalog.requests.workdays import Calendar, due_date
from tests.requests.helpers import local

CUTOFF = time(15, 0)
YEARS = load_schedule()
SHIPPED = shipped_calendar(YEARS)
OFF, WORK = OverrideKind.EXTRA_DAY_OFF, OverrideKind.EXTRA_WORKING_DAY


def _days(year: int) -> dict[date, Any]:
    (found,) = [y for y in YEARS if y.year == year]
    return {d.day: d for d in found.days}


def test_2026_is_the_announced_schedule_day_by_day() -> None:
    days = _days(2026)
    assert {(d.isoformat(), d.strftime("%a"), item.kind.value) for d, item in days.items()} == {
        ("2026-01-01", "Thu", "extra_day_off"),
        ("2026-01-02", "Fri", "extra_day_off"),
        ("2026-01-10", "Sat", "extra_working_day"),
        ("2026-02-16", "Mon", "extra_day_off"),
        ("2026-02-17", "Tue", "extra_day_off"),
        ("2026-02-18", "Wed", "extra_day_off"),
        ("2026-02-19", "Thu", "extra_day_off"),
        ("2026-02-20", "Fri", "extra_day_off"),
        ("2026-04-26", "Sun", "extra_day_off"),
        ("2026-04-27", "Mon", "extra_day_off"),
        ("2026-04-30", "Thu", "extra_day_off"),
        ("2026-05-01", "Fri", "extra_day_off"),
        ("2026-08-22", "Sat", "extra_working_day"),
        ("2026-08-31", "Mon", "extra_day_off"),
        ("2026-09-01", "Tue", "extra_day_off"),
        ("2026-09-02", "Wed", "extra_day_off"),
    }
    # Both halves of each swap, pointing at each other.
    assert (days[date(2026, 1, 2)].swap_with, days[date(2026, 1, 10)].swap_with) == (
        date(2026, 1, 10),
        date(2026, 1, 2),
    )
    assert (days[date(2026, 8, 31)].swap_with, days[date(2026, 8, 22)].swap_with) == (
        date(2026, 8, 22),
        date(2026, 8, 31),
    )
    # Sources: the announcements by number and date, or the Labour Code article.
    assert (
        days[date(2026, 1, 2)].source
        == days[date(2026, 1, 10)].source
        == ("Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ")
    )
    assert days[date(2026, 2, 16)].source.startswith("Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ")
    assert (
        days[date(2026, 8, 22)].source
        == days[date(2026, 8, 31)].source
        == ("Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ")
    )
    assert days[date(2026, 4, 27)].source == "Bộ luật Lao động 2019, Điều 111 khoản 3"
    assert days[date(2026, 1, 1)].source == "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm a"
    assert (days[date(2026, 1, 1)].name_vi, days[date(2026, 1, 1)].name_en) == ("Tết Dương lịch", "New Year's Day")
    # 24 November (Vietnam Culture Day) is not assumed to be a day off.
    assert date(2026, 11, 24) not in days


def test_2027_ships_only_what_the_law_fixes_and_says_tet_is_not_announced() -> None:
    (year,) = [y for y in YEARS if y.year == 2027]
    assert year.tet_announced is False
    assert "not announced" in year.note_en and "Chưa có lịch nghỉ Tết" in year.note_vi
    assert {(d.isoformat(), d.strftime("%a"), i.kind.value, i.source) for d, i in _days(2027).items()} == {
        ("2027-01-01", "Fri", "extra_day_off", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm a"),
        ("2027-04-16", "Fri", "extra_day_off", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm e"),
        ("2027-04-30", "Fri", "extra_day_off", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm c"),
        ("2027-05-01", "Sat", "extra_day_off", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm d"),
        ("2027-05-03", "Mon", "extra_day_off", "Bộ luật Lao động 2019, Điều 111 khoản 3"),
        ("2027-09-02", "Thu", "extra_day_off", "Bộ luật Lao động 2019, Điều 112 khoản 1 điểm đ"),
    }
    assert [y.year for y in YEARS if y.tet_announced] == [2026]


def test_deadlines_of_2026_follow_both_halves_of_each_swap_with_no_override() -> None:
    # Friday 21 Aug, 1 working day: Saturday 22 Aug is worked.
    assert due_date(local(2026, 8, 21, 10, 0), 1, SHIPPED, CUTOFF) == date(2026, 8, 22)
    # ...and Monday 31 Aug, Tuesday 1 and Wednesday 2 Sep are off: 2 working days from Saturday 22 Aug.
    assert due_date(local(2026, 8, 22, 9, 0), 2, SHIPPED, CUTOFF) == date(2026, 8, 25)
    assert due_date(local(2026, 8, 28, 10, 0), 1, SHIPPED, CUTOFF) == date(2026, 9, 3)
    # New Year: Friday 2 Jan off, Saturday 10 Jan worked.
    assert due_date(local(2025, 12, 31, 10, 0), 1, SHIPPED, CUTOFF) == date(2026, 1, 5)
    assert due_date(local(2026, 1, 9, 10, 0), 1, SHIPPED, CUTOFF) == date(2026, 1, 10)
    assert due_date(local(2026, 1, 9, 15, 0), 1, SHIPPED, CUTOFF) == date(2026, 1, 12)
    # Giỗ Tổ on Sunday 26 Apr: Monday 27 off, then 30 Apr and 1 May.
    assert due_date(local(2026, 4, 24, 10, 0), 3, SHIPPED, CUTOFF) == date(2026, 5, 4)
    # The package alone (what version 0.109 gives with no data) is a day off on both swaps.
    assert due_date(local(2026, 8, 21, 10, 0), 1, Calendar(), CUTOFF) == date(2026, 8, 24)
    assert due_date(local(2026, 1, 9, 10, 0), 1, Calendar(), CUTOFF) == date(2026, 1, 12)
    assert Calendar().is_working_day(date(2026, 1, 2)) is True
    assert SHIPPED.is_working_day(date(2026, 1, 2)) is False


def test_in_an_announced_year_the_package_is_not_asked() -> None:
    # holidays 0.109 makes 24 Nov 2026 a day off; the announced 2026 schedule does not.
    assert Calendar().is_working_day(date(2026, 11, 24)) is False
    assert SHIPPED.is_working_day(date(2026, 11, 24)) is True
    # 2027 is not announced: the package answers for the days the data does not list (Tết 2027).
    assert [SHIPPED.is_working_day(date(2027, 2, d)) for d in range(3, 12)] == [
        True, False, False, False, False, False, False, False, True,
    ]  # fmt: skip


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
def test_every_day_of_2026_is_the_standard_week_unless_the_data_lists_it(day: date) -> None:
    listed = _days(2026).get(day)
    expected = listed.kind is WORK if listed else day.weekday() < 5
    assert SHIPPED.is_working_day(day) is expected


def _write(tmp_path: Path, change: Any) -> Path:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "calendar.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _drop_half_of_a_swap(data: dict[str, Any]) -> None:
    data["years"][0]["days"] = [d for d in data["years"][0]["days"] if d["day"] != "2026-01-10"]


def _unpaired_saturday(data: dict[str, Any]) -> None:
    data["years"][0]["days"].append(
        {"day": "2026-03-07", "kind": "extra_working_day", "name_vi": "x", "name_en": "x", "source": "x"}
    )


def _no_source(data: dict[str, Any]) -> None:
    data["years"][0]["days"][0]["source"] = ""


def _wrong_year(data: dict[str, Any]) -> None:
    data["years"][1]["days"][0]["day"] = "2026-12-31"


def _twice(data: dict[str, Any]) -> None:
    data["years"][0]["days"].append(dict(data["years"][0]["days"][0]))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_drop_half_of_a_swap, "2026-01-02: the other half of the swap (2026-01-10) is missing"),
        (_unpaired_saturday, "2026-03-07: a working weekend day must name the day off it swaps with"),
        (_no_source, "2026-01-01: names in both languages and a source are required"),
        (_wrong_year, "2026-12-31: listed under 2027"),
        (_twice, "a day is listed twice"),
    ],
)
def test_a_malformed_file_is_refused_before_anything_is_loaded(tmp_path: Path, change: Any, problem: str) -> None:
    with pytest.raises(ValueError, match="working calendar data") as raised:
        load_schedule(_write(tmp_path, change))
    assert problem in str(raised.value)


def test_the_data_file_is_shipped_as_package_data() -> None:
    import tomllib

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-data"]["catalog.requests"] == ["data/*.json"]
    assert root / "catalog" / "requests" / "data" / "working_calendar.json" == DATA
    assert all(d.day.weekday() >= 5 for y in YEARS for d in y.days if d.kind is WORK)
