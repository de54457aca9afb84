"""Limits keyed on the client: public tracking and guest submissions, counted atomically (app.limits) so
parallel requests cannot all slip under the limit, and keyed on an address X-Forwarded-For can only set
through TRUSTED_PROXIES (app.clients)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from typing import Any

import anyio
import httpx
import pytest

from app.config import get_settings
from app.main import create_app
from app.tables import RateCounter
from catalog.requests.tables import ServiceRequest
from tests.requests.helpers import PDF, TRACK, People, attempts, guest_input, local, plan_id, snapshot, submit
from tests.support import Api, Result

SUBMIT_LIMITED = """
mutation ($input: SubmitRequestInput!) {
  submitServiceRequest(input: $input) { request { code } errors { field code messageEn retryAfter } }
}
"""


async def submit_limited(client: Api, values: dict[str, Any], token: str | None = None) -> Result:
    """A submission with its one document (a multipart request), asking for retryAfter."""
    operations = {
        "query": SUBMIT_LIMITED,
        "variables": {"input": {**values, "documents": [{"requirement": 0, "file": None}]}},
    }
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.documents.0.file"]})},
        files={"0": ("don-de-nghi.pdf", PDF, "application/pdf")},
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    return Result(response.json(), response.status_code)


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield apply
    get_settings.cache_clear()


async def parallel(count: int, call: Callable[[int], Any]) -> list[Result]:
    results: list[Result] = []

    async def one(index: int) -> None:
        results.append(await call(index))

    async with anyio.create_task_group() as group:
        for index in range(count):
            group.start_soon(one, index)
    return results


@pytest.fixture
async def peer() -> AsyncIterator[Callable[[str], Api]]:
    """An API client whose TCP peer is the given address (the `client` fixture's is 127.0.0.1)."""
    opened: list[httpx.AsyncClient] = []

    def make(address: str) -> Api:
        transport = httpx.ASGITransport(app=create_app(), client=(address, 40000))
        http = httpx.AsyncClient(transport=transport, base_url="http://test")
        opened.append(http)
        return Api(http)

    yield make
    for http in opened:
        await http.aclose()


async def a_request(client: Api) -> str:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    return str((await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"])


# --- tracking ---------------------------------------------------------------------------------------


async def test_two_hundred_parallel_wrong_lookups_count_as_two_hundred(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    moment = local(2026, 3, 13, 10, 0)
    frozen_now(moment)
    code = await a_request(client)
    # when 200 lookups with a wrong contact arrive at once
    results = await parallel(200, lambda i: client.gql(TRACK, {"code": code, "contact": f"sai{i}@example.vn"}))
    # then 5 answer NOT_FOUND, 195 are refused, and all 200 are counted per key
    assert Counter(code for r in results for code in r.error_codes) == Counter({"NOT_FOUND": 5, "RATE_LIMITED": 195})
    assert await attempts() == 400  # under the code and under the client address
    refused = next(r for r in results if r.error_codes == ["RATE_LIMITED"])
    assert refused.errors[0]["extensions"]["retryAfter"] == 15 * 60
    # and even the right contact is refused until the window ends
    assert (await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})).error_codes == ["RATE_LIMITED"]
    frozen_now(moment + timedelta(minutes=15))
    assert (await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})).data["trackRequest"]["code"] == code


async def test_a_found_request_is_not_counted(client: Api, people: People) -> None:
    code = await a_request(client)
    for _ in range(7):
        assert (await client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"})).data["trackRequest"][
            "code"
        ] == code
    assert await attempts() == 0


async def test_thirty_parallel_correct_lookups_from_one_address_are_all_answered(client: Api, people: People) -> None:
    # An office behind one address, or a partner polling: attempts still in flight were counted as failures
    # by the others until given back, and 25 of 30 correct lookups were refused RATE_LIMITED.
    code = await a_request(client)
    results = await parallel(30, lambda i: client.gql(TRACK, {"code": code, "contact": "hoa@example.vn"}))
    assert [r.error_codes for r in results] == [[]] * 30
    assert {r.data["trackRequest"]["code"] for r in results} == {code}
    assert await attempts() == 0


def _guesses(code: str) -> list[str]:
    return [code[:-2] + s for s in ("AA", "AB", "AC", "AD", "AE", "AF", "AG") if s != code[-2:]][:6]


async def test_a_forged_forwarded_for_does_not_dodge_the_limit(client: Api, people: People) -> None:
    # given no trusted proxy (the default): the client is the TCP peer, whatever the header says
    code = await a_request(client)
    results = [
        await client.gql(
            TRACK, {"code": guess, "contact": "hoa@example.vn"}, headers={"X-Forwarded-For": f"203.0.113.{i}"}
        )
        for i, guess in enumerate(_guesses(code))
    ]
    assert [r.error_codes for r in results] == [["NOT_FOUND"]] * 5 + [["RATE_LIMITED"]]
    buckets = await RateCounter.select(RateCounter.bucket, RateCounter.hits).where(
        RateCounter.bucket.like("tracking-client:%")
    )
    assert buckets == [{"bucket": "tracking-client:127.0.0.1", "hits": 6}]


async def test_behind_a_trusted_proxy_each_client_has_its_own_count(
    client: Api, people: People, peer: Callable[[str], Api], settings_env: Callable[..., None]
) -> None:
    code = await a_request(client)
    settings_env(TRUSTED_PROXIES="10.0.0.0/8, 192.0.2.1")
    proxy = peer("10.0.0.7")
    # when six clients each guess once through the proxy (one forging a left-most address)
    for i, guess in enumerate(_guesses(code)):
        forwarded = f"198.51.100.{i}" if i else "1.1.1.1, 198.51.100.0, 10.0.0.3"
        result = await proxy.gql(
            TRACK, {"code": guess, "contact": "x@example.vn"}, headers={"X-Forwarded-For": forwarded}
        )
        assert result.error_codes == ["NOT_FOUND"]
    # then each is counted under its own address: the right-most one the proxies did not add
    rows = await RateCounter.select(RateCounter.bucket).where(RateCounter.bucket.like("tracking-client:%"))
    assert sorted(r["bucket"] for r in rows) == [f"tracking-client:198.51.100.{i}" for i in range(6)]
    # and one client forging different left-most addresses is still one client
    for i in range(5):
        headers = {"X-Forwarded-For": f"203.0.113.{i}, 198.51.100.9"}
        assert (await proxy.gql(TRACK, {"code": code, "contact": "x@example.vn"}, headers=headers)).error_codes
    assert (await RateCounter.select(RateCounter.hits).where(RateCounter.bucket == "tracking-client:198.51.100.9")) == [
        {"hits": 5}
    ]
    # and a peer that is not a listed proxy is its own client, header or not
    stranger = peer("192.0.2.50")
    await stranger.gql(
        TRACK, {"code": _guesses(code)[0], "contact": "x@example.vn"}, headers={"X-Forwarded-For": "9.9.9.9"}
    )
    assert await RateCounter.exists().where(RateCounter.bucket == "tracking-client:192.0.2.50")


# --- guest submissions ------------------------------------------------------------------------------


async def test_a_guest_flood_is_refused_beyond_the_limit_with_nothing_written(
    client: Api, people: People, settings_env: Callable[..., None], frozen_now: Callable[[Any], None]
) -> None:
    moment = local(2026, 3, 13, 10, 0)
    frozen_now(moment)
    settings_env(GUEST_SUBMISSIONS_PER_EMAIL="3", GUEST_SUBMISSIONS_PER_CLIENT="1000")
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    # when 8 submissions for one contact e-mail arrive at once
    results = await parallel(8, lambda i: submit_limited(client, guest_input(plan)))
    payloads = [r.data["submitServiceRequest"] for r in results]
    # then 3 are accepted and 5 refused RATE_LIMITED, with when to try again
    assert sum(1 for p in payloads if p["request"]) == 3
    refusals = [p["errors"] for p in payloads if not p["request"]]
    assert (
        refusals
        == [
            [
                {
                    "field": None,
                    "code": "RATE_LIMITED",
                    "messageEn": "Too many attempts; try again later.",
                    "retryAfter": 3600,
                }
            ]
        ]
        * 5
    )
    assert await ServiceRequest.count() == 3
    # and a refused submission writes nothing: no request, event, document, e-mail or link
    before = await snapshot()
    refused = await submit(client, guest_input(plan))
    assert refused.data["submitServiceRequest"]["errors"][0]["code"] == "RATE_LIMITED"
    assert await snapshot() == before
    # and another address is not affected; after the hour, the first one may submit again
    other = await submit_limited(client, guest_input(plan, contactEmail="lan@example.vn"))
    assert other.data["submitServiceRequest"]["errors"] == []
    frozen_now(moment + timedelta(hours=1))
    again = await submit_limited(client, guest_input(plan))
    assert again.data["submitServiceRequest"]["errors"] == []


async def test_guest_submissions_are_limited_per_client_address(
    client: Api, people: People, settings_env: Callable[..., None]
) -> None:
    settings_env(GUEST_SUBMISSIONS_PER_EMAIL="1000", GUEST_SUBMISSIONS_PER_CLIENT="2")
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    codes = []
    for i in range(3):
        result = await submit_limited(client, guest_input(plan, contactEmail=f"k{i}@example.vn"))
        codes.append([e["code"] for e in result.data["submitServiceRequest"]["errors"]])
    assert codes == [[], [], ["RATE_LIMITED"]]
    # a signed-in customer is not a guest: not counted
    mine = await submit_limited(client, guest_input(plan), people.customer)
    assert mine.data["submitServiceRequest"]["errors"] == []
    assert await ServiceRequest.count() == 3


async def test_an_invalid_guest_submission_is_not_counted(
    client: Api, people: People, settings_env: Callable[..., None]
) -> None:
    settings_env(GUEST_SUBMISSIONS_PER_EMAIL="1", GUEST_SUBMISSIONS_PER_CLIENT="1")
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    invalid = await submit_limited(client, guest_input(plan, quantity=0))
    assert [e["code"] for e in invalid.data["submitServiceRequest"]["errors"]] == ["INVALID_QUANTITY"]
    assert await RateCounter.count() == 0
    valid = await submit_limited(client, guest_input(plan))
    assert valid.data["submitServiceRequest"]["errors"] == []
