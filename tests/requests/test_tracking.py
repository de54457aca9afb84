"""Public tracking: wrong pairs answer like unknown codes, and repeated failures are rate-limited
(counted in the database, so every process shares the limit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from app.api import compiled
from app.db import count_queries
from tests.read_cache_support import assert_same, both, post, registered
from tests.requests.helpers import TRACK, People, attempts, guest_input, local, plan_id, submit
from tests.support import Api

TRACK_REQUEST = registered("requests_track.graphql")  # the registered document: the compiled executor runs it


async def test_wrong_pairs_answer_exactly_like_unknown_codes(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    unknown = await client.gql(TRACK, {"code": "TTCNTT-260101-0001-AB", "contact": "hoa@example.vn"})
    wrong = await client.gql(TRACK, {"code": code, "contact": "ke.gian@example.vn"})
    empty = await client.gql(TRACK, {"code": code, "contact": " "})
    for result in (unknown, wrong, empty):
        assert result.body["data"] is None
        error = result.errors[0]
        assert (error["message"], error["extensions"]["code"], error["extensions"]["field"]) == (
            "Không tìm thấy hồ sơ.",
            "NOT_FOUND",
            "code",
        )
        assert error["extensions"]["messageEn"] == "Request not found."
    assert await attempts() == 6  # one per key (code, client) per failure


async def test_repeated_failures_are_rate_limited_then_the_window_passes(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    moment = local(2026, 3, 13, 10, 0)
    frozen_now(moment)
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    outcomes = []
    for _ in range(6):
        outcomes.append((await client.gql(TRACK, {"code": code, "contact": "sai@example.vn"})).error_codes)
    assert outcomes == [["NOT_FOUND"]] * 5 + [["RATE_LIMITED"]]
    right = await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})
    assert right.error_codes == ["RATE_LIMITED"]
    assert right.errors[0]["extensions"]["messageEn"] == "Too many attempts; try again later."
    frozen_now(moment + timedelta(minutes=16))
    right = await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})
    assert right.data["trackRequest"]["code"] == code


async def test_guessing_many_codes_from_one_client_is_rate_limited(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    suffixes = [s for s in ("AA", "AB", "AC", "AD", "AE", "AF") if s != code[-2:]][:5]
    for suffix in suffixes:  # five different codes: each code's own count stays at one
        assert (await client.gql(TRACK, {"code": code[:-2] + suffix, "contact": "hoa@example.vn"})).error_codes == [
            "NOT_FOUND"
        ]
    result = await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})
    assert result.error_codes == ["RATE_LIMITED"]


async def test_the_registered_tracking_document_is_compiled_and_a_failure_counts_once(
    client: Api, people: People, compiled_runs: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    right = {"code": code, "contact": "0912345678"}
    fast, standard = await both(TRACK_REQUEST, right)
    assert_same(fast, standard)
    assert fast is not None and fast["trackRequest"]["service"] == {
        "code": "HTS-DC-03",
        "name": standard.data["trackRequest"]["service"]["name"],
    }
    compiled_runs.clear()  # (both() called it too)
    prefetched: list[list[str]] = []
    prefetch = compiled.PREFETCHERS["RequestTracking"]

    async def spy(items: list[Any], selection: Any, run: Any) -> None:
        prefetched.append([f.name for f in selection.fields])
        await prefetch(items, selection, run)

    monkeypatch.setitem(compiled.PREFETCHERS, "RequestTracking", spy)
    monkeypatch.setattr(compiled, "_plans", {})  # compiled again, with the spy
    with count_queries() as statements:
        answered = await post(client, TRACK_REQUEST, right)
    assert answered.json() == {"data": fast}
    # the counters read (not written), the request, then its service and its steps loaded side by side
    assert [s.split()[0].upper() for s in statements] == ["SELECT"] * 4
    assert compiled_runs == [True]
    assert prefetched == [["code", "status", "service", "submittedAt", "receivedAt", "dueDate", "promisedDate",
                           "overdue", "apologyNote", "steps"]]  # fmt: skip
    # a wrong pair: the compiled run gives up on the error and the standard executor answers it, and the
    # attempt is counted once (one hit under the code, one under the address), not once per executor
    wrong = await post(client, TRACK_REQUEST, {"code": code, "contact": "ke.gian@example.vn"})
    assert [e["extensions"]["code"] for e in wrong.json()["errors"]] == ["NOT_FOUND"]
    assert compiled_runs == [True, False]
    assert await attempts() == 2
    for _ in range(4):
        await post(client, TRACK_REQUEST, {"code": code, "contact": "ke.gian@example.vn"})
    # five failures allowed (TRACKING_MAX_FAILURES), then refused, as through the standard path
    refused = await post(client, TRACK_REQUEST, right)
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["RATE_LIMITED"]
    assert await attempts() == 10
