"""workingCalendar(year) end to end: public, exact, says when Tết is not announced, refuses bad years;
admin edits with names and sources show as ADMIN, are audited and survive a re-seed."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from app.audit.tables import AuditEvent
from catalog.requests.calendar import calendar_around
from catalog.requests.schedule import DATA, seed_working_calendar
from tests.requests.helpers import ERRORS, People
from tests.support import Api

DAY_FIELDS = "day kind name names { vi en } source note origin"
CALENDAR = f"""
query ($year: Int!, $lang: Language) {{
  workingCalendar(year: $year, lang: $lang) {{
    year tetAnnounced message messages {{ vi en }} note notes {{ vi en }} days {{ {DAY_FIELDS} }}
  }}
}}
"""
SET = f"""
mutation ($day: Date!, $kind: WorkingDayOverrideKind!, $note: String, $nameVi: String, $nameEn: String,
          $source: String) {{
  setWorkingDayOverride(day: $day, kind: $kind, note: $note, nameVi: $nameVi, nameEn: $nameEn, source: $source) {{
    override {{ {DAY_FIELDS} }} {ERRORS}
  }}
}}
"""
REMOVE = f"mutation ($day: Date!) {{ removeWorkingDayOverride(day: $day) {{ override {{ day }} {ERRORS} }} }}"
PACKAGE = "holidays 0.109 (VN)"
PENDING_EN = (
    "days off not listed come from the holidays package 0.109 (Labour Code, lunar calendar) and admin edits, "
    "so they may change when the schedule is announced."
)
PENDING_VI = (
    "các ngày nghỉ chưa có trong danh sách lấy theo gói holidays 0.109 (Bộ luật Lao động, lịch âm) và điều chỉnh "
    "của quản trị viên, nên có thể thay đổi khi lịch được công bố."
)


def _shipped(year: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The data file read directly, as the API should show it (Vietnamese)."""
    (item,) = [y for y in json.loads(DATA.read_text(encoding="utf-8"))["years"] if y["year"] == year]
    days = [
        {
            "day": d["day"],
            "kind": d["kind"].upper(),
            "name": d["name_vi"],
            "names": {"vi": d["name_vi"], "en": d["name_en"]},
            "source": d["source"],
            "note": d.get("note", ""),
            "origin": "SCHEDULE",
        }
        for d in item["days"]
    ]
    return item, days


async def _calendar(client: Api, year: int, lang: str | None = None, token: str | None = None) -> dict[str, Any]:
    return (await client.gql(CALENDAR, {"year": year, "lang": lang}, token=token)).data["workingCalendar"]


async def test_anyone_reads_the_announced_2026_calendar_exactly(client: Api, catalog: dict[str, int]) -> None:
    item, days = _shipped(2026)
    calendar = await _calendar(client, 2026)  # anonymous
    assert calendar == {
        "year": 2026,
        "tetAnnounced": True,
        "message": None,
        "messages": None,
        "note": item["note_vi"],
        "notes": {"vi": item["note_vi"], "en": item["note_en"]},
        "days": days,
    }
    assert len(days) == 16
    swap = [d for d in calendar["days"] if d["day"] in ("2026-08-22", "2026-08-31")]
    assert [(d["day"], d["kind"], d["names"]["en"], d["source"]) for d in swap] == [
        ("2026-08-22", "EXTRA_WORKING_DAY", "Working Saturday in exchange for Monday 31 Aug 2026",
         "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"),
        ("2026-08-31", "EXTRA_DAY_OFF", "National Day break (swapped with Saturday 22 Aug 2026)",
         "Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ"),
    ]  # fmt: skip
    english = await _calendar(client, 2026, "EN")
    assert english["note"] == item["note_en"]
    assert english["days"][0]["name"] == "New Year's Day"
    # the same for a signed-in customer and for staff
    assert await _calendar(client, 2026, token=await client.customer("dan@example.vn")) == calendar


async def test_2027_says_tet_is_not_announced_and_the_package_fills_in(client: Api, catalog: dict[str, int]) -> None:
    item, shipped = _shipped(2027)
    calendar = await _calendar(client, 2027, "EN")
    assert calendar["tetAnnounced"] is False
    assert calendar["message"] == f"The 2027 Tết schedule is not announced yet; {PENDING_EN}"
    assert calendar["messages"] == {
        "vi": f"Lịch nghỉ Tết năm 2027 chưa được công bố; {PENDING_VI}",
        "en": f"The 2027 Tết schedule is not announced yet; {PENDING_EN}",
    }
    assert calendar["note"] == item["note_en"]
    assert [(d["day"], d["kind"], d["origin"], d["name"]) for d in calendar["days"]] == [
        ("2027-01-01", "EXTRA_DAY_OFF", "SCHEDULE", "New Year's Day"),
        ("2027-02-04", "EXTRA_DAY_OFF", "PACKAGE", "29 of Lunar New Year"),
        ("2027-02-05", "EXTRA_DAY_OFF", "PACKAGE", "Lunar New Year's Eve"),
        ("2027-02-06", "EXTRA_DAY_OFF", "PACKAGE", "Lunar New Year"),
        ("2027-02-07", "EXTRA_DAY_OFF", "PACKAGE", "Second Day of Lunar New Year"),
        ("2027-02-08", "EXTRA_DAY_OFF", "PACKAGE", "Third Day of Lunar New Year"),
        ("2027-02-09", "EXTRA_DAY_OFF", "PACKAGE", "Fourth Day of Lunar New Year"),
        ("2027-02-10", "EXTRA_DAY_OFF", "PACKAGE", "Fifth Day of Lunar New Year"),
        ("2027-04-16", "EXTRA_DAY_OFF", "SCHEDULE", "Hùng Kings' Commemoration Day (10th of the 3rd lunar month)"),
        ("2027-04-30", "EXTRA_DAY_OFF", "SCHEDULE", "Reunification Day"),
        ("2027-05-01", "EXTRA_DAY_OFF", "SCHEDULE", "International Labour Day"),
        ("2027-05-03", "EXTRA_DAY_OFF", "SCHEDULE", "International Labour Day (compensatory day off)"),
        ("2027-09-02", "EXTRA_DAY_OFF", "SCHEDULE", "National Day"),
        ("2027-09-03", "EXTRA_DAY_OFF", "PACKAGE", "National Day"),
        ("2027-11-24", "EXTRA_DAY_OFF", "PACKAGE", "Vietnam Cultural Day"),
    ]
    package = [d for d in calendar["days"] if d["origin"] == "PACKAGE"]
    assert {(d["source"], d["note"]) for d in package} == {(PACKAGE, "")}
    assert package[2]["names"] == {"vi": "Tết Nguyên Đán", "en": "Lunar New Year"}
    # the shipped days as the file has them (Vietnamese view)
    vietnamese = await _calendar(client, 2027)
    assert [d for d in vietnamese["days"] if d["origin"] == "SCHEDULE"] == shipped


@pytest.mark.parametrize("year", [2026, 2027])
async def test_the_calendar_shows_exactly_what_deadlines_count(client: Api, catalog: dict[str, int], year: int) -> None:
    days = {d["day"]: d["kind"] for d in (await _calendar(client, year))["days"]}
    counted = await calendar_around(date(year, 1, 1))
    day = date(year, 1, 1)
    while day.year == year:
        listed = days.get(day.isoformat())
        expected = listed == "EXTRA_WORKING_DAY" if listed else day.weekday() < 5
        assert counted.is_working_day(day) is expected, day
        day += timedelta(days=1)


async def test_a_year_without_data_is_the_package_alone(client: Api, catalog: dict[str, int]) -> None:
    calendar = await _calendar(client, 2030, "EN")
    assert calendar["tetAnnounced"] is False
    assert calendar["message"] == f"No announced schedule for 2030 is in the data; {PENDING_EN}"
    assert calendar["messages"]["vi"] == f"Không có lịch nghỉ năm 2030 được công bố trong dữ liệu; {PENDING_VI}"
    assert (calendar["note"], calendar["notes"]) == ("", {"vi": "", "en": ""})
    assert {d["origin"] for d in calendar["days"]} == {"PACKAGE"}
    assert calendar["days"][0] == {
        "day": "2030-01-01",
        "kind": "EXTRA_DAY_OFF",
        "name": "New Year's Day",
        "names": {"vi": "Tết Dương lịch", "en": "New Year's Day"},
        "source": PACKAGE,
        "note": "",
        "origin": "PACKAGE",
    }


@pytest.mark.parametrize("year", [1999, 2101, 0, -5, 2_147_483_647])
async def test_years_outside_2000_to_2100_are_refused_with_a_typed_error(client: Api, year: int) -> None:
    result = await client.gql(CALENDAR, {"year": year})
    assert result.body["data"] is None
    [error] = result.errors
    assert error["message"] == "Năm phải từ 2000 đến 2100."
    assert {k: error["extensions"][k] for k in ("code", "field", "messageVi", "messageEn")} == {
        "code": "YEAR_OUT_OF_RANGE",
        "field": "year",
        "messageVi": "Năm phải từ 2000 đến 2100.",
        "messageEn": "The year must be from 2000 to 2100.",
    }


async def test_the_edges_of_the_range_are_answered(client: Api, catalog: dict[str, int]) -> None:
    assert (await _calendar(client, 2000))["days"][0]["day"] == "2000-01-01"
    assert (await _calendar(client, 2100))["year"] == 2100


async def test_the_staff_list_refuses_bad_years_too(client: Api, people: People) -> None:
    result = await client.gql("{ workingDayOverrides(year: 0) { day } }", token=people.operator)
    assert result.error_codes == ["YEAR_OUT_OF_RANGE"]


async def test_an_admin_edit_has_names_and_source_shows_as_admin_and_survives_a_reseed(
    client: Api, people: People
) -> None:
    variables = {
        "day": "2026-11-24",
        "kind": "EXTRA_DAY_OFF",
        "nameVi": "Ngày Văn hóa Việt Nam",
        "nameEn": "Vietnam Culture Day",
        "source": "Văn bản số 123/UBND-VX (ví dụ)",
        "note": "Nhập tay",
    }
    result = (await client.gql(SET, variables, token=people.admin)).data["setWorkingDayOverride"]
    added = {
        "day": "2026-11-24",
        "kind": "EXTRA_DAY_OFF",
        "name": "Ngày Văn hóa Việt Nam",
        "names": {"vi": "Ngày Văn hóa Việt Nam", "en": "Vietnam Culture Day"},
        "source": "Văn bản số 123/UBND-VX (ví dụ)",
        "note": "Nhập tay",
        "origin": "ADMIN",
    }
    assert result == {"override": added, "errors": []}
    # an admin's word on a shipped day: the Saturday 22 Aug swap undone
    undone = await client.gql(SET, {"day": "2026-08-22", "kind": "EXTRA_DAY_OFF"}, token=people.admin)
    assert undone.data["setWorkingDayOverride"]["override"]["origin"] == "ADMIN"
    removed = await client.gql(REMOVE, {"day": "2026-01-10"}, token=people.admin)
    assert removed.data["removeWorkingDayOverride"] == {"override": None, "errors": []}

    assert await seed_working_calendar() == {"days_inserted": 0, "days_updated": 0, "days_removed": 0, "years": 0}
    days = {d["day"]: d for d in (await _calendar(client, 2026))["days"]}
    assert days["2026-11-24"] == added
    assert (days["2026-08-22"]["kind"], days["2026-08-22"]["name"], days["2026-08-22"]["origin"]) == (
        "EXTRA_DAY_OFF",
        "",
        "ADMIN",
    )
    assert "2026-01-10" not in days
    assert len(days) == 16  # 16 shipped, one removed, one added
    counted = await calendar_around(date(2026, 8, 1))
    assert (counted.is_working_day(date(2026, 8, 22)), counted.is_working_day(date(2026, 11, 24))) == (False, False)

    events = (
        await AuditEvent.select(AuditEvent.action, AuditEvent.entity_id, AuditEvent.before, AuditEvent.after)
        .where(AuditEvent.entity_type == "working_day_override")
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    assert [(e["action"], e["entity_id"]) for e in events] == [
        ("working_day.set", "2026-11-24"),
        ("working_day.set", "2026-08-22"),
        ("working_day.remove", "2026-01-10"),
    ]
    assert events[0]["before"] is None
    assert {k: events[0]["after"][k] for k in ("kind", "name_vi", "name_en", "source", "note", "origin")} == {
        "kind": "extra_day_off",
        "name_vi": "Ngày Văn hóa Việt Nam",
        "name_en": "Vietnam Culture Day",
        "source": "Văn bản số 123/UBND-VX (ví dụ)",
        "note": "Nhập tay",
        "origin": "admin",
    }
    assert (events[1]["before"]["origin"], events[1]["before"]["kind"]) == ("schedule", "extra_working_day")
    assert (events[2]["before"]["origin"], events[2]["after"]) == ("schedule", None)


async def test_a_bad_edit_reports_every_field_and_writes_nothing(client: Api, people: People) -> None:
    before = await _calendar(client, 2026)
    variables = {"day": "1999-12-31", "kind": "EXTRA_DAY_OFF", "nameVi": "x" * 201, "source": "Số\x00 1"}
    result = (await client.gql(SET, variables, token=people.admin)).data["setWorkingDayOverride"]
    assert result["override"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("day", "YEAR_OUT_OF_RANGE"),
        ("nameVi", "TOO_LONG"),
        ("source", "CONTROL_CHARACTERS"),
    ]
    assert await _calendar(client, 2026) == before
    assert await AuditEvent.count().where(AuditEvent.entity_type == "working_day_override") == 0
