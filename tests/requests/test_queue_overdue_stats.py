"""The staff queue (filters, pagination, SQL count independent of rows), overdue handling, figures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.db import count_queries
from app.tables import OutboxMessage as Notification
from tests.requests.helpers import (
    MARK_OVERDUE,
    ONE,
    QUEUE,
    SET_OVERRIDE,
    STATS,
    TRACK,
    People,
    guest_input,
    local,
    move,
    plan_id,
    submit,
)
from tests.support import Api


async def _submit_many(client: Api, n: int) -> list[str]:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    return [(await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"] for _ in range(n)]


async def _queue_statements(client: Api, token: str) -> tuple[int, int]:
    with count_queries() as statements:
        result = await client.gql(QUEUE, {"first": 50}, token=token)
    return len(result.data["requestQueue"]["edges"]), len(statements)


async def test_the_queue_sql_count_does_not_grow_with_rows(client: Api, people: People) -> None:
    await _submit_many(client, 2)
    small = await _queue_statements(client, people.operator)
    await _submit_many(client, 8)
    large = await _queue_statements(client, people.operator)
    assert small[0] == 2 and large[0] == 10
    assert small[1] == large[1]


async def test_queue_filters_and_pagination(client: Api, people: People) -> None:
    codes = await _submit_many(client, 5)
    await move(client, people.operator, codes[0], "RECEIVE")
    page = (await client.gql(QUEUE, {"first": 2}, token=people.operator)).data["requestQueue"]
    assert page["totalCount"] == 5
    assert [e["node"]["code"] for e in page["edges"]] == [codes[4], codes[3]]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await client.gql(QUEUE, {"first": 10, "after": page["pageInfo"]["endCursor"]}, token=people.operator)).data
    assert [e["node"]["code"] for e in rest["requestQueue"]["edges"]] == [codes[2], codes[1], codes[0]]
    received = await client.gql(QUEUE, {"filter": {"statuses": ["RECEIVED"]}}, token=people.operator)
    assert [e["node"]["code"] for e in received.data["requestQueue"]["edges"]] == [codes[0]]
    other = await client.gql(QUEUE, {"filter": {"serviceCode": "HTS-HTKT-02"}}, token=people.operator)
    assert other.data["requestQueue"]["totalCount"] == 0
    capped = await client.gql(QUEUE, {"first": 101}, token=people.operator)
    assert capped.error_codes == ["PAGE_SIZE_TOO_LARGE"]


async def test_an_overdue_request_is_flagged_listed_and_promised_a_new_date_with_an_apology(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))
    code, on_time = await _submit_many(client, 2)
    await move(client, people.operator, code, "RECEIVE")  # due Tuesday 17 March
    await move(client, people.operator, on_time, "RECEIVE")
    frozen_now(local(2026, 3, 17, 16, 0))
    assert (await client.gql(MARK_OVERDUE, token=people.operator)).data["markOverdueRequests"]["codes"] == []
    await move(client, people.operator, on_time, "START")
    await move(client, people.operator, on_time, "MARK_RESULT_READY")
    await move(client, people.operator, on_time, "COMPLETE")
    frozen_now(local(2026, 3, 18, 8, 0))
    flagged = (await client.gql(MARK_OVERDUE, token=people.operator)).data["markOverdueRequests"]
    assert flagged == {"codes": [code], "errors": []}
    again = (await client.gql(MARK_OVERDUE, token=people.operator)).data["markOverdueRequests"]
    assert again["codes"] == []  # idempotent
    request = (await client.gql(ONE, {"code": code}, token=people.operator)).data["serviceRequest"]
    assert (request["overdue"], request["dueDate"], request["promisedDate"]) == (True, "2026-03-17", "2026-03-20")
    assert request["apologyNote"] == (
        "Trung tâm xin lỗi vì hồ sơ chậm so với hạn đã hẹn. Ngày hẹn mới: 2026-03-20. / "
        "We apologise: the request is late. New promised date: 2026-03-20."
    )
    listed = await client.gql(QUEUE, {"filter": {"overdue": True}}, token=people.operator)
    assert [e["node"]["code"] for e in listed.data["requestQueue"]["edges"]] == [code]
    tracked = (await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})).data["trackRequest"]
    assert (tracked["overdue"], tracked["promisedDate"]) == (True, "2026-03-20")
    last = await Notification.select().order_by(Notification.id, ascending=False).first()
    assert (
        last is not None and last["subject"] == f"Xin lỗi: hồ sơ {code} bị chậm hạn / Apology: request {code} is late"
    )


async def test_the_cli_marks_overdue_requests(client: Api, people: People, frozen_now: Callable[[Any], None]) -> None:
    from app.cli import daily_command

    frozen_now(local(2026, 3, 13, 10, 0))
    (code,) = await _submit_many(client, 1)
    await move(client, people.operator, code, "RECEIVE")
    frozen_now(local(2026, 3, 18, 8, 0))
    assert await daily_command("mark-overdue") == {"flagged": [code], "expired_quotes": [], "overdue_invoices": []}


async def test_a_swapped_saturday_set_by_the_admin_counts_for_the_deadline(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    set_ = await client.gql(SET_OVERRIDE, {"day": "2026-03-07", "kind": "EXTRA_WORKING_DAY", "note": "Làm bù"},
                            token=people.admin)  # fmt: skip
    assert set_.data["setWorkingDayOverride"] == {
        "override": {"day": "2026-03-07", "kind": "EXTRA_WORKING_DAY"},
        "errors": [],
    }
    frozen_now(local(2026, 3, 5, 10, 0))  # Thursday; 2 working days: Friday 6, Saturday 7 (swapped)
    (code,) = await _submit_many(client, 1)
    assert (await move(client, people.operator, code, "RECEIVE"))["dueDate"] == "2026-03-07"
    listed = await client.gql("{ workingDayOverrides(year: 2026) { day kind origin note } }", token=people.operator)
    rows = listed.data["workingDayOverrides"]
    # the admin's row among the 16 days of the shipped 2026 schedule (loaded by the seed)
    assert [r for r in rows if r["origin"] == "ADMIN"] == [
        {"day": "2026-03-07", "kind": "EXTRA_WORKING_DAY", "origin": "ADMIN", "note": "Làm bù"}
    ]
    assert [r["origin"] for r in rows].count("SCHEDULE") == 16
    assert [r["day"] for r in rows] == sorted(r["day"] for r in rows)


async def test_department_figures_for_a_period(client: Api, people: People, frozen_now: Callable[[Any], None]) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))
    on_time, late, running = await _submit_many(client, 3)
    for code in (on_time, late, running):
        await move(client, people.operator, code, "RECEIVE")  # due 17 March
        await move(client, people.operator, code, "START")
    for code, day in ((on_time, 16), (late, 19)):
        frozen_now(local(2026, 3, day, 10, 0))
        await move(client, people.operator, code, "MARK_RESULT_READY")
        await move(client, people.operator, code, "COMPLETE")
    frozen_now(local(2026, 3, 20, 10, 0))
    stats = (await client.gql(STATS, {"from": "2026-03-01", "to": "2026-03-31"}, token=people.operator)).data
    hts = next(s for s in stats["requestStats"] if s["department"]["code"] == "HTS")
    # On time: 13 -> 16 March is 1 working day; late: 13 -> 19 is 4; average 2.5.
    assert hts == {
        "department": {"code": "HTS"},
        "received": 3,
        "completedOnTime": 1,
        "completedLate": 1,
        "openOverdue": 1,
        "averageWorkingDays": 2.5,
    }
    others = [s for s in stats["requestStats"] if s["department"]["code"] != "HTS"]
    assert {(s["received"], s["averageWorkingDays"]) for s in others} == {(0, None)}
    bad = await client.gql(STATS, {"from": "2026-03-31", "to": "2026-03-01"}, token=people.operator)
    assert bad.error_codes == ["INVALID_PERIOD"]
