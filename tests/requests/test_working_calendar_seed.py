"""The shipped working calendar in the database: loaded by the seed idempotently, never over an admin's
edit, and counted by real deadlines with no override entered by hand."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from app.audit.tables import AuditEvent
from catalog.requests.calendar import calendar_around
from catalog.requests.schedule import DATA, seed_working_calendar
from catalog.requests.tables import WorkingCalendarYear, WorkingDayOverride
from tests.requests.helpers import SET_OVERRIDE, People, guest_input, local, move, plan_id, submit
from tests.support import Api

NOTHING = {"days_inserted": 0, "days_updated": 0, "days_removed": 0, "years": 0}


async def _rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "days": await WorkingDayOverride.select().order_by(WorkingDayOverride.day),
        "years": await WorkingCalendarYear.select().order_by(WorkingCalendarYear.year),
    }


async def _seed_events() -> list[dict[str, Any]]:
    return (
        await AuditEvent.select(AuditEvent.actor_label, AuditEvent.after)
        .where(AuditEvent.action == "working_calendar.seed")
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )


async def test_seeding_twice_gives_the_same_rows(db: None) -> None:
    first = await seed_working_calendar()
    assert first == {"days_inserted": 22, "days_updated": 0, "days_removed": 0, "years": 2}
    rows = await _rows()
    assert [(r["day"], r["kind"], r["origin"]) for r in rows["days"]][:3] == [
        (date(2026, 1, 1), "extra_day_off", "schedule"),
        (date(2026, 1, 2), "extra_day_off", "schedule"),
        (date(2026, 1, 10), "extra_working_day", "schedule"),
    ]
    assert rows["days"][2]["name_en"] == "Working Saturday in exchange for Friday 2 Jan 2026"
    assert rows["days"][2]["source"] == "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
    assert [(y["year"], y["tet_announced"]) for y in rows["years"]] == [(2026, True), (2027, False)]
    [event] = await _seed_events()
    assert event["actor_label"] == "system"
    assert event["after"]["days_inserted"] == 22 and len(event["after"]["days"]) == 22
    # again: nothing changes, nothing is recorded
    assert await seed_working_calendar() == NOTHING
    assert await _rows() == rows
    assert len(await _seed_events()) == 1


async def test_an_admin_edit_survives_a_reseed(client: Api, people: People) -> None:
    # the `people` fixture seeded the catalog and the calendar (the seed `make run` runs)
    before = await _rows()
    assert len(before["days"]) == 22
    # the admin makes the swapped Saturday 22 Aug a day off again and removes Friday 2 Jan from the schedule
    changed = await client.gql(
        SET_OVERRIDE, {"day": "2026-08-22", "kind": "EXTRA_DAY_OFF", "note": "Quyết định của tỉnh"}, token=people.admin
    )
    assert changed.data["setWorkingDayOverride"]["errors"] == []
    removed = await client.gql('mutation { removeWorkingDayOverride(day: "2026-01-02") { errors { code } } }',
                               token=people.admin)  # fmt: skip
    assert removed.data["removeWorkingDayOverride"]["errors"] == []
    edited = await _rows()
    assert await seed_working_calendar() == NOTHING
    assert await _rows() == edited
    days = {r["day"]: r for r in edited["days"]}
    assert date(2026, 1, 2) not in days
    assert (days[date(2026, 8, 22)]["kind"], days[date(2026, 8, 22)]["origin"]) == ("extra_day_off", "admin")
    assert days[date(2026, 8, 22)]["note"] == "Quyết định của tỉnh"
    actions = await AuditEvent.select(AuditEvent.action, AuditEvent.entity_id).where(
        AuditEvent.action.like("working_day.%")
    )
    assert sorted((a["action"], a["entity_id"]) for a in actions) == [
        ("working_day.remove", "2026-01-02"),
        ("working_day.set", "2026-08-22"),
    ]
    calendar = await calendar_around(date(2026, 8, 21))
    assert calendar.is_working_day(date(2026, 8, 22)) is False
    assert calendar.is_working_day(date(2026, 1, 2)) is True  # a Friday of an announced year, no row


def _release(tmp_path: Path) -> Path:
    """A later release: a name corrected, a day withdrawn, 2027's Tết announced."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    data["years"][0]["days"][0]["name_en"] = "New Year's Day (1 January)"
    data["years"][1]["days"] = [d for d in data["years"][1]["days"] if d["day"] != "2027-09-02"]
    data["years"][1]["tet_announced"] = True
    path = tmp_path / "working_calendar.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


async def test_a_corrected_release_brings_shipped_rows_in_line_but_not_the_admins(
    client: Api, people: People, tmp_path: Path
) -> None:
    await client.gql(SET_OVERRIDE, {"day": "2026-01-01", "kind": "EXTRA_DAY_OFF", "note": "Giữ nguyên"},
                     token=people.admin)  # fmt: skip
    await client.gql(SET_OVERRIDE, {"day": "2027-09-02", "kind": "EXTRA_DAY_OFF"}, token=people.admin)
    path = _release(tmp_path)
    # the admin's two days are left alone: nothing to update or remove but 2027's status
    assert await seed_working_calendar(path) == {**NOTHING, "years": 1}
    await client.gql('mutation { removeWorkingDayOverride(day: "2027-09-02") { errors { code } } }', token=people.admin)
    # a day no one edited: corrected, and withdrawn when the file drops it
    await seed_working_calendar()  # back to the shipped file: 2027 not announced again
    data = json.loads(path.read_text(encoding="utf-8"))
    data["years"][0]["days"][3]["name_en"] = "Lunar New Year (last day of the year)"
    data["years"][1]["days"] = [d for d in data["years"][1]["days"] if d["day"] != "2027-05-03"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert await seed_working_calendar(path) == {"days_inserted": 0, "days_updated": 1, "days_removed": 1, "years": 1}
    days = {r["day"]: r for r in (await _rows())["days"]}
    assert days[date(2026, 2, 16)]["name_en"] == "Lunar New Year (last day of the year)"
    assert date(2027, 5, 3) not in days
    assert date(2027, 9, 2) not in days  # the admin removed it: the seed did not bring it back
    assert days[date(2026, 1, 1)]["name_en"] == ""  # the admin's row, as the admin left it
    assert await seed_working_calendar(path) == NOTHING


async def _received(client: Api, people: People, frozen_now: Callable[[Any], None], *moment: int) -> str:
    """Due date of a request for HTS-DC-02 (online: 1 working day) received at a local moment."""
    frozen_now(local(*moment))
    plan = await plan_id(client, "HTS-DC-02", "BASIC")
    result = await submit(client, guest_input(plan, serviceCode="HTS-DC-02", quantity=1))
    code = result.data["submitServiceRequest"]["request"]["code"]
    return str((await move(client, people.operator, code, "RECEIVE"))["dueDate"])


async def test_deadlines_follow_the_announced_2026_swaps_with_no_override_entered(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    assert await WorkingDayOverride.count().where(WorkingDayOverride.origin == "admin") == 0
    # Friday 21 Aug, 1 working day: Saturday 22 Aug is worked
    assert await _received(client, people, frozen_now, 2026, 8, 21, 10, 0) == "2026-08-22"
    # Friday 28 Aug: Monday 31 Aug (the other half), Tuesday 1 and Wednesday 2 Sep are off
    assert await _received(client, people, frozen_now, 2026, 8, 28, 10, 0) == "2026-09-03"
    # Friday 9 Jan: Saturday 10 Jan is worked (its other half, Friday 2 Jan: tests/requests/test_working_calendar_data.py)
    assert await _received(client, people, frozen_now, 2026, 1, 9, 10, 0) == "2026-01-10"
    # Friday 24 Apr: Giỗ Tổ fell on Sunday 26 Apr, so Monday 27 Apr is off
    assert await _received(client, people, frozen_now, 2026, 4, 24, 10, 0) == "2026-04-28"


async def test_the_cutoff_at_exactly_15_00_through_a_real_reception(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    # 14:59:59 on Friday 21 Aug counts from that Friday; 15:00:00 from Saturday 22 Aug (worked)
    assert await _received(client, people, frozen_now, 2026, 8, 21, 14, 59, 59) == "2026-08-22"
    assert await _received(client, people, frozen_now, 2026, 8, 21, 15, 0, 0) == "2026-08-24"
