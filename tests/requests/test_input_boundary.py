"""The input boundary, tried as a careless client and an attacker would: NUL and control characters,
ids in other scripts or past the column's range, dates far away, crafted cursors, huge quantities.
Every one gets a typed error (never INTERNAL_ERROR) and writes nothing, on both engines."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.requests.helpers import TRACK, People, guest_input, plan_id, snapshot, submit
from tests.support import Api


def codes_of(result: Any, name: str | None = None) -> list[str]:
    """Codes of a payload's errors (mutations) or of the top-level errors (queries)."""
    if name is not None and result.body.get("data") and result.body["data"].get(name) is not None:
        return [e["code"] for e in result.body["data"][name]["errors"]]
    return result.error_codes


@pytest.mark.parametrize("bad", ["A\x00B", "\x00", "ok\x00"])
async def test_nul_in_any_string_argument_is_a_typed_error(client: Api, people: People, bad: str) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    before = await snapshot()
    cases = [
        ("query ($c: String!) { service(code: $c) { code } }", {"c": bad}, None, "CONTROL_CHARACTERS"),
        ("query ($c: String!) { service(slug: $c) { code } }", {"c": bad}, None, "CONTROL_CHARACTERS"),
        (TRACK, {"code": bad, "contact": "hoa@example.vn"}, None, "CONTROL_CHARACTERS"),
        (TRACK, {"code": "TTCNTT-260101-0001-AB", "contact": bad}, None, "CONTROL_CHARACTERS"),
        ("query ($c: String!) { serviceRequest(code: $c) { code } }", {"c": bad}, people.operator, "CONTROL_CHARACTERS"),
        ("query ($t: String) { auditEvents(entityType: $t) { totalCount } }", {"t": bad}, people.admin, "CONTROL_CHARACTERS"),
        ("query ($t: String!) { guestServiceRequest(token: $t) { code } }", {"t": bad}, None, "LINK_INVALID"),
        ('query ($d: String) { requestQueue(filter: {departmentCode: $d}) { totalCount } }', {"d": bad}, people.admin,
         "CONTROL_CHARACTERS"),
        ('query ($t: String) { services(filter: {text: $t}) { totalCount } }', {"t": bad}, None, "CONTROL_CHARACTERS"),
    ]  # fmt: skip
    for query, variables, token, expected in cases:
        result = await client.gql(query, variables, token=token)
        assert result.error_codes == [expected], (query, result.body)
    for field in ("contactName", "notes", "serviceCode"):
        refused = await submit(client, guest_input(plan, **{field: bad}))
        assert "CONTROL_CHARACTERS" in codes_of(refused, "submitServiceRequest"), (field, refused.body)
    assert await snapshot() == before


async def test_the_database_itself_never_receives_a_nul(db: None) -> None:
    # the last line of the boundary (app.db): a query carrying NUL is refused before the driver sees it
    from app.errors import ValidationFailed
    from catalog.tables import Department

    with pytest.raises(ValidationFailed) as caught:
        await Department.select().where(Department.code == "X\x00")
    assert caught.value.code == "CONTROL_CHARACTERS"
    with pytest.raises(ValidationFailed):
        await Department.insert(Department(code="NUL", name_vi="a\x00b"))
    assert await Department.count() == 0


@pytest.mark.parametrize("bad_id", ["¹", "١", "２", "2147483648", "99999999999999999999999", "-1", "0", " "])
async def test_ids_in_other_scripts_or_past_the_range_are_invalid_ids(client: Api, people: People, bad_id: str) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    before = await snapshot()
    refused = await submit(client, guest_input(plan, planId=bad_id))
    assert codes_of(refused, "submitServiceRequest") == ["INVALID_ID"]
    assign = await client.gql(
        "mutation ($id: ID) { assignServiceRequest(code: \"TTCNTT-260101-0001-AB\", assigneeId: $id) { errors { code field } } }",
        {"id": bad_id}, token=people.operator,
    )  # fmt: skip
    assert assign.data["assignServiceRequest"]["errors"] == [{"code": "INVALID_ID", "field": "assigneeId"}]
    queue = await client.gql(
        "query ($id: ID) { requestQueue(filter: {assigneeId: $id}) { totalCount } }", {"id": bad_id}, token=people.admin
    )
    assert queue.error_codes == ["INVALID_ID"]
    assert await snapshot() == before


@pytest.mark.parametrize("year", [0, -1, 1999, 2101, 2147483647])
async def test_years_far_away_are_refused(client: Api, people: People, year: int) -> None:
    result = await client.gql(
        "query ($y: Int!) { workingDayOverrides(year: $y) { day } }", {"y": year}, token=people.admin
    )
    assert result.error_codes == ["YEAR_OUT_OF_RANGE"]
    public = await client.gql("query ($y: Int!) { workingCalendar(year: $y) { year } }", {"y": year})
    assert public.error_codes == ["YEAR_OUT_OF_RANGE"]


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
async def test_dates_far_away_are_refused(client: Api, people: People, day: str) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    before = await snapshot()
    refused = await submit(client, guest_input(plan, desiredStart=day))
    assert codes_of(refused, "submitServiceRequest") == ["DATE_OUT_OF_RANGE"]
    stats = await client.gql(
        "query ($d: Date!) { requestStats(from: $d, to: $d) { received } }", {"d": day}, token=people.operator
    )
    assert stats.error_codes == ["DATE_OUT_OF_RANGE"]
    queue = await client.gql(
        "query ($d: Date) { requestQueue(filter: {submittedFrom: $d}) { totalCount } }", {"d": day}, token=people.admin
    )
    assert queue.error_codes == ["DATE_OUT_OF_RANGE"]
    override = await client.gql(
        "mutation ($d: Date!) { setWorkingDayOverride(day: $d, kind: EXTRA_DAY_OFF) { errors { code } } }",
        {"d": day}, token=people.admin,
    )  # fmt: skip
    assert [e["code"] for e in override.data["setWorkingDayOverride"]["errors"]] == ["YEAR_OUT_OF_RANGE"]
    assert await snapshot() == before


def cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "after",
    [
        cursor("request", 1, 2**31),
        cursor("request", 1, 10**30),
        cursor("request", 1, -5),
        cursor("request", 1, 0),
        cursor("request", 1, 1.5),
        cursor("request", 1, True),
        cursor("service", 1, 1),  # another ordering's cursor
        "A" * 5000,
        "%%%",
        base64.urlsafe_b64encode(b"[" * 100_000).decode(),  # deeply nested JSON
    ],
)
async def test_crafted_cursors_are_invalid_cursors(client: Api, people: People, after: str) -> None:
    result = await client.gql(
        "query ($a: String) { requestQueue(after: $a) { totalCount } }", {"a": after}, token=people.admin
    )
    assert result.error_codes == ["INVALID_CURSOR"]


@pytest.mark.parametrize("after", [cursor("PRICE_ASC", 10**20, 1), cursor("NAME", "x" * 1000, 1)])
async def test_crafted_sort_keys_are_invalid_cursors(client: Api, people: People, after: str) -> None:
    sort = "PRICE_ASC" if "PRICE" in base64.urlsafe_b64decode(after + "===").decode() else "NAME"
    result = await client.gql(
        f"query ($a: String) {{ services(sort: {sort}, after: $a) {{ totalCount }} }}", {"a": after}
    )
    assert result.error_codes == ["INVALID_CURSOR"]
