"""Keyset pagination of the service list: properties over page sizes and sorts, refusals, SQL count."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db import count_queries
from tests.catalog import helpers as h
from tests.catalog.helpers import SERVICES, codes
from tests.support import Api

SORTS = ("NAME", "CODE", "PRICE_ASC", "PRICE_DESC")


def haystack(s: dict[str, Any]) -> str:
    return h.plain(" ".join([s["code"], s["name_vi"], s["name_en"], s["summary_vi"], s["summary_en"], *s["tags"]]))


# Filters with the same predicate written over the data file.
FILTERS: list[tuple[dict[str, Any], Any]] = [
    ({"audience": "CITIZEN"}, lambda s: "citizen" in s["audiences"]),
    ({"category": "HA-TANG-SO"}, lambda s: s["category"] in h.category_and_children("HA-TANG-SO")),
    ({"department": "HTDV"}, lambda s: s["department"] == "HTDV"),
    ({"channel": "POST"}, lambda s: "post" in [c["channel"] for c in s["channels"]]),
    (
        {"minPrice": 1_000_000, "maxPrice": 5_000_000},
        lambda s: any(1_000_000 <= p["price_amount"] <= 5_000_000 for p in s["plans"]),
    ),
    ({"text": "thông TIN"}, lambda s: all(w in haystack(s) for w in ("thong", "tin"))),
    (
        {"audience": "AGENCY", "maxPrice": 10_000_000},
        lambda s: "agency" in s["audiences"] and any(p["price_amount"] <= 10_000_000 for p in s["plans"]),
    ),
]

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def cursor(raw: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(raw).encode()).decode().rstrip("=")


def refusal(result: Any) -> tuple[str, str | None, str, str]:
    assert result.body["data"] is None, result.body
    [error] = result.errors
    assert error["path"] == ["services"]
    ext = error["extensions"]
    assert ext["errors"] == [
        {"code": ext["code"], "field": ext["field"], "messageVi": ext["messageVi"], "messageEn": ext["messageEn"]}
    ]
    return ext["code"], ext["field"], ext["messageVi"], ext["messageEn"]


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@FAST
@given(first=st.integers(min_value=1, max_value=100), sort=st.sampled_from(SORTS))
async def test_walking_the_pages_returns_every_service_once_in_order(
    client: Api, catalog: dict[str, int], first: int, sort: str
) -> None:
    # when every page is followed through `after`
    walked, totals = await h.walk(client, sort, first)
    # then each published service comes once, in the sort's order, and totalCount agrees
    assert walked == h.expected_order(sort)
    assert totals == [47] * len(totals)
    assert len(totals) == max(1, -(-47 // first))


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@FAST
@given(
    first=st.integers(min_value=1, max_value=25),
    sort=st.sampled_from(SORTS),
    case=st.sampled_from(range(len(FILTERS))),
)
async def test_filters_combine_with_pagination(
    client: Api, catalog: dict[str, int], first: int, sort: str, case: int
) -> None:
    filter, predicate = FILTERS[case]
    expected = h.expected_order(sort, [s for s in h.seeded() if predicate(s)])
    walked, totals = await h.walk(client, sort, first, filter)
    assert walked == expected
    assert set(totals) == {len(expected)}
    assert 0 < len(expected) < 47


def test_the_filter_table_is_not_trivial() -> None:
    # the filter cases above must select different, proper subsets of the catalog
    selections = [frozenset(h.seeded_codes(predicate)) for _, predicate in FILTERS]
    assert len(set(selections)) == len(FILTERS)
    assert all(0 < len(s) < 47 for s in selections)


async def test_pages_continue_after_the_last_row_even_when_rows_change(
    client: Api, catalog: dict[str, int], manager: str
) -> None:
    # given the first page by code
    first = await client.gql(SERVICES, {"sort": "CODE", "first": 10})
    end = first.data["services"]["pageInfo"]["endCursor"]
    assert codes(first) == sorted(h.seeded_codes())[:10]
    # when a service that sorts before the cursor is published meanwhile
    await h.published_service(client, manager, "AAA-01")
    # then the next page starts right after the last row seen, neither repeating nor skipping
    second = await client.gql(SERVICES, {"sort": "CODE", "first": 10, "after": end})
    assert codes(second) == sorted(h.seeded_codes())[10:20]
    assert second.data["services"]["totalCount"] == 48
    assert second.data["services"]["pageInfo"]["hasPreviousPage"] is True


async def test_default_page_size_is_twenty(client: Api, catalog: dict[str, int]) -> None:
    result = await client.gql(SERVICES, {})
    assert codes(result) == h.expected_order("NAME")[:20]
    assert result.data["services"]["pageInfo"]["hasNextPage"] is True
    assert result.data["services"]["pageInfo"]["hasPreviousPage"] is False


async def test_page_size_and_cursor_refusals(client: Api, catalog: dict[str, int]) -> None:
    # page sizes
    for first in (0, -1):
        result = await client.gql(SERVICES, {"first": first})
        assert refusal(result) == (
            "INVALID_PAGE_SIZE",
            "first",
            "Số bản ghi mỗi trang phải từ 1 trở lên.",
            "Page size must be at least 1.",
        )
    for first in (101, 10_000):
        result = await client.gql(SERVICES, {"first": first})
        assert refusal(result) == (
            "PAGE_SIZE_TOO_LARGE",
            "first",
            "Mỗi trang tối đa 100 bản ghi.",
            "A page holds at most 100 items.",
        )
    assert len(codes(await client.gql(SERVICES, {"first": 100}))) == 47
    # cursors
    name_cursor = (await client.gql(SERVICES, {"sort": "NAME", "first": 1})).data["services"]["pageInfo"]["endCursor"]
    price_cursor = (await client.gql(SERVICES, {"sort": "PRICE_ASC", "first": 1})).data["services"]["pageInfo"][
        "endCursor"
    ]
    bad = [
        ("abc", "NAME"),
        ("", "NAME"),
        ("!!!!", "CODE"),
        (base64.urlsafe_b64encode(b"\xff\xfe junk").decode(), "NAME"),
        (base64.urlsafe_b64encode(b"not json").decode(), "NAME"),
        (cursor({"NAME": "x"}), "NAME"),
        (cursor(["NAME", "x"]), "NAME"),
        (cursor(["NAME", 5, 1]), "NAME"),  # key of the wrong type
        (cursor(["PRICE_ASC", True, 1]), "PRICE_ASC"),
        (cursor(["PRICE_ASC", 100, "1"]), "PRICE_ASC"),
        (cursor(["CODE", "HTS", 1.5]), "CODE"),
        (cursor(["CODE", "HTS", 0]), "CODE"),  # ids start at 1
        (cursor(["CODE", "HTS", 2**31]), "CODE"),  # beyond any id column
        (name_cursor, "CODE"),  # made for another sort
        (name_cursor, "PRICE_ASC"),
        (price_cursor, "PRICE_DESC"),
        (price_cursor, "NAME"),
    ]
    for after, sort in bad:
        result = await client.gql(SERVICES, {"after": after, "sort": sort, "first": 5})
        assert refusal(result) == (
            "INVALID_CURSOR",
            "after",
            "Con trỏ phân trang không hợp lệ.",
            "The pagination cursor is not valid.",
        ), (after, sort)
    # the top-level message follows the language
    english = await client.gql(SERVICES, {"after": "abc"}, headers={"Accept-Language": "en"})
    assert english.errors[0]["message"] == "The pagination cursor is not valid."
    assert (await client.gql(SERVICES, {"after": "abc"})).errors[0]["message"] == "Con trỏ phân trang không hợp lệ."
    # a well-formed cursor of the right sort is accepted, even for a key that no row has
    result = await client.gql(SERVICES, {"sort": "CODE", "after": cursor(["CODE", "HTS", 1]), "first": 100})
    assert codes(result) == [c for c in sorted(h.seeded_codes()) if c > "HTS"]


NESTED = """
query ($first: Int) {
  services(first: $first) {
    edges { node { code category { code name } department { code name } channels { channel fee: feeAmount }
      plans { code price { amount vatAmount } scheduledPrices { amount } } } }
  }
}
"""


async def test_nested_query_runs_the_same_statements_whatever_the_page_size(
    response_cache_off: None, client: Api, catalog: dict[str, int]
) -> None:
    # The query's own statements: the response cache (off here) adds one, its version read (tests/test_read_cache.py).
    counted = {}
    for first in (5, 50):
        # when the nested query runs with a small and a large page
        with count_queries() as statements:
            result = await client.gql(NESTED, {"first": first})
        edges = result.data["services"]["edges"]
        assert len(edges) == min(first, 47)
        assert all(e["node"]["plans"] and e["node"]["channels"] for e in edges)
        counted[first] = list(statements)
    # then both run the same 7 statements: page keys, services, categories, departments, channels, plans, prices
    assert len(counted[5]) == len(counted[50]) == 7
    tables = sorted(statement.split(" FROM ")[1].split()[0].strip('"') for statement in counted[50])
    assert tables == sorted(["service", "service", "category", "department", "service_channel", "plan", "plan_price"])
    # totalCount costs exactly one more
    with count_queries() as statements:
        await client.gql("query { services(first: 50) { totalCount edges { node { code } } } }")
    assert len(statements) == 3
