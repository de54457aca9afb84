"""Public tracking: wrong pairs answer like unknown codes, and repeated failures are rate-limited
(counted in the database, so every process shares the limit)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.requests.helpers import TRACK, People, attempts, guest_input, local, plan_id, submit
from tests.support import Api


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
