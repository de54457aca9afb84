"""The read path: parse and validation done once per document, whole answers of public reads cached
per (document, variables, language, caller class, date, versions), never served after a change commits,
ETag and 304 on GET."""

from __future__ import annotations

import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from app.auth.enums import Role
from app.db import count_queries
from tests.catalog.helpers import SCHEDULE, UPDATE_SERVICE
from tests.projects.helpers import NOW, UPDATE_PROJECT, People, create_project, make_people
from tests.read_cache_support import CATALOG_SERVICES, cache_state, get, instance, post
from tests.support import Api

VERSION_READ = "SELECT scope, version, token FROM app_cache_version ORDER BY scope"
ONE_SERVICE = """
query ($code: String, $lang: Language) {
  service(code: $code, lang: $lang) { code name version plans { id code price { amount effectiveFrom } } }
}
"""


def names(body: dict[str, Any]) -> dict[str, str]:
    return {edge["node"]["code"]: edge["node"]["name"] for edge in body["data"]["services"]["edges"]}


async def rename(client: Api, manager: str, code: str, name: str) -> None:
    version = (await client.gql(ONE_SERVICE, {"code": code}, token=manager)).data["service"]["version"]
    result = await client.gql(UPDATE_SERVICE, {"code": code, "version": version, "input": {"nameVi": name}}, manager)
    assert result.data["updateService"]["errors"] == []


# --- 1. parse and validation once per document ------------------------------------------------------


async def test_a_repeated_document_is_parsed_and_validated_once(
    response_cache_off: None, client: Api, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphql.language.parser as parser

    # The package exports a function named like the module: take the module itself.
    validation = sys.modules["graphql.validation.validate"]

    parses: list[int] = []
    validations: list[int] = []
    parse_document, context = parser.Parser.parse_document, validation.ValidationContext

    def counted_parse(self: Any) -> Any:
        parses.append(1)
        return parse_document(self)

    class CountedValidation(context):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            validations.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(parser.Parser, "parse_document", counted_parse)
    monkeypatch.setattr(validation, "ValidationContext", CountedValidation)
    # A text no earlier test sent: the caches start cold for it.
    query = f"# {uuid.uuid4().hex}\n{CATALOG_SERVICES}"

    first = await post(client, query, {"first": 2})
    assert (len(parses), len(validations)) == (1, 1)
    second = await post(client, query, {"first": 2})
    assert (len(parses), len(validations)) == (1, 1)  # the same request: neither again
    assert second.json() == first.json()
    assert "errors" not in first.json()
    other = await post(client, query, {"first": 3, "lang": "EN"})
    assert len(other.json()["data"]["services"]["edges"]) == 3
    assert (len(parses), len(validations)) == (1, 1)  # other variables: the same document
    assert cache_state(other) is None  # the response cache is off: all three ran in full


async def test_a_json_body_is_parsed_once_on_its_way_to_strawberry(
    response_cache_off: None, client: Api, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.api import endpoint, request_body

    parsed: list[int] = []
    json_object = request_body.json_object

    def counted(raw: Any, part: str = "body") -> Any:
        parsed.append(1)
        return json_object(raw, part)

    monkeypatch.setattr(request_body, "json_object", counted)  # the read cache's
    monkeypatch.setattr(endpoint, "json_object", counted)  # the endpoint's
    # a document that is not registered goes on to strawberry, with the body the read cache parsed
    answer = await post(client, "query { departments { code } }")
    assert answer.status_code == 200 and len(answer.json()["data"]["departments"]) == 5
    assert len(parsed) == 1

    # a body the read cache does not read (streamed, no Content-Length) is strawberry's own to parse, once
    async def streamed() -> Any:
        yield b'{"query": "{ __typename }"}'

    answer = await client.http.post("/graphql", content=streamed(), headers={"content-type": "application/json"})
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert len(parsed) == 2


async def test_answers_are_compact_utf8_json(response_cache_off: None, client: Api, catalog: dict[str, int]) -> None:
    # the standard executor's answer (not a registered document) and the compiled executor's alike
    for query in ("query { departments { name } }", CATALOG_SERVICES):
        response = await post(client, query, {"first": 1})
        assert response.headers["content-type"] == "application/json"
        assert "Đ".encode() in response.content or "ị".encode() in response.content
        assert b"\\u" not in response.content and b'": ' not in response.content


# --- 2. the response cache ---------------------------------------------------------------------------


async def test_a_repeated_public_read_is_answered_from_the_cache_with_one_statement(
    client: Api, catalog: dict[str, int]
) -> None:
    first = await post(client, CATALOG_SERVICES, {"first": 20})
    with count_queries() as statements:
        second = await post(client, CATALOG_SERVICES, {"first": 20})
    assert (cache_state(first), cache_state(second)) == ("miss", "hit")
    assert second.content == first.content
    assert len(first.json()["data"]["services"]["edges"]) == 20
    assert statements == [VERSION_READ]  # what the versions are now: nothing else is read


async def test_the_key_holds_variables_language_and_caller_class(client: Api, catalog: dict[str, int]) -> None:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    created = await client.gql(
        'mutation { createApiKey(name: "Cổng", scopes: [CATALOG_READ]) { key errors { code } } }', token=admin
    )
    key = created.data["createApiKey"]["key"]
    vi = await post(client, CATALOG_SERVICES, {"first": 1})
    en = await post(client, CATALOG_SERVICES, {"first": 1}, **{"Accept-Language": "en"})
    two = await post(client, CATALOG_SERVICES, {"first": 2})
    partner = await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": key})
    assert [cache_state(r) for r in (vi, en, two, partner)] == ["miss"] * 4
    assert names(vi.json()) != names(en.json())
    assert names(partner.json()) == names(vi.json())
    again = [
        await post(client, CATALOG_SERVICES, {"first": 1}, **{"Accept-Language": "en"}),
        await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": key}),
    ]
    assert [cache_state(r) for r in again] == ["hit", "hit"]
    assert [r.content for r in again] == [en.content, partner.content]


async def test_signed_in_people_errors_and_refused_keys_are_never_cached(client: Api, catalog: dict[str, int]) -> None:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    created = await client.gql(
        'mutation { createApiKey(name: "Dự án", scopes: [PROJECTS_READ]) { key errors { code } } }', token=admin
    )
    projects_only = created.data["createApiKey"]["key"]
    for _ in range(2):
        staff = await post(client, CATALOG_SERVICES, {"first": 1}, Authorization=f"Bearer {admin}")
        assert cache_state(staff) is None
        assert "errors" not in staff.json()
        refused = await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": projects_only})
        assert cache_state(refused) is None
        assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["FORBIDDEN"]
        invalid = await post(client, ONE_SERVICE, {"code": "KHONG-CO", "lang": "XX"})
        assert cache_state(invalid) is None
        assert invalid.json()["errors"]
        bad_key = await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": "ttk_khong-ton-tai"})
        assert cache_state(bad_key) is None
        assert [e["extensions"]["code"] for e in bad_key.json()["errors"]] == ["API_KEY_INVALID"]


async def test_a_revoked_key_is_refused_though_its_answer_was_cached(client: Api, catalog: dict[str, int]) -> None:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    created = await client.gql(
        'mutation { createApiKey(name: "Cổng", scopes: [CATALOG_READ]) { key apiKey { id } errors { code } } }',
        token=admin,
    )
    key, key_id = created.data["createApiKey"]["key"], created.data["createApiKey"]["apiKey"]["id"]
    assert cache_state(await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": key})) == "miss"
    revoked = await client.gql(f'mutation {{ revokeApiKey(id: "{key_id}") {{ errors {{ code }} }} }}', token=admin)
    assert revoked.data["revokeApiKey"]["errors"] == []
    after = await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": key})
    assert cache_state(after) is None
    assert [e["extensions"]["code"] for e in after.json()["errors"]] == ["API_KEY_REVOKED"]


async def test_a_catalog_change_is_in_the_next_answer_of_another_instance(client: Api, catalog: dict[str, int]) -> None:
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER)
    async with instance() as other:
        before = await post(other, CATALOG_SERVICES, {"first": 100})
        assert cache_state(await post(other, CATALOG_SERVICES, {"first": 100})) == "hit"
        await rename(client, manager, "HTS-DC-01", "Thuê chỗ đặt máy chủ, tên mới")
        after = await post(other, CATALOG_SERVICES, {"first": 100})
    assert cache_state(after) == "miss"
    assert names(before.json())["HTS-DC-01"] == "Thuê chỗ đặt máy chủ (colocation) tại Trung tâm dữ liệu tỉnh"
    assert names(after.json())["HTS-DC-01"] == "Thuê chỗ đặt máy chủ, tên mới"


async def test_a_scheduled_price_shows_on_its_day_without_any_write(
    client: Api, catalog: dict[str, int], frozen_now: Any
) -> None:
    frozen_now(datetime(2026, 12, 1, 3, 0, tzinfo=UTC))  # 10:00 on 1 December in Thanh Hóa
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER)
    plan = (await post(client, ONE_SERVICE, {"code": "HTS-DC-01"})).json()["data"]["service"]["plans"][0]
    scheduled = await client.gql(
        SCHEDULE,
        {"planId": plan["id"], "price": {"amount": 4_321_000, "vatRate": "RATE_10", "effectiveFrom": "2026-12-02"}},
        manager,
    )
    assert scheduled.data["schedulePriceChange"]["errors"] == []
    today = await post(client, ONE_SERVICE, {"code": "HTS-DC-01"})
    assert cache_state(await post(client, ONE_SERVICE, {"code": "HTS-DC-01"})) == "hit"
    frozen_now(datetime(2026, 12, 1, 16, 59, tzinfo=UTC))  # 23:59 local: still the same day
    assert cache_state(await post(client, ONE_SERVICE, {"code": "HTS-DC-01"})) == "hit"
    frozen_now(datetime(2026, 12, 1, 17, 0, tzinfo=UTC))  # midnight in Thanh Hóa: the new price is in force
    tomorrow = await post(client, ONE_SERVICE, {"code": "HTS-DC-01"})
    assert cache_state(tomorrow) == "miss"
    assert today.json()["data"]["service"]["plans"][0]["price"]["amount"] == plan["price"]["amount"]
    assert tomorrow.json()["data"]["service"]["plans"][0]["price"] == {
        "amount": 4_321_000,
        "effectiveFrom": "2026-12-02",
    }


PUBLIC_PROJECTS = "query { publicProjects(first: 10) { totalCount edges { node { code name health } } } }"


@pytest.fixture
async def people(client: Api, catalog: dict[str, int], frozen_now: Any) -> People:
    frozen_now(NOW)
    return await make_people(client)


async def test_a_project_withdrawn_from_the_public_is_gone_from_the_next_answer(client: Api, people: People) -> None:
    await create_project(client, people)
    async with instance() as other:
        shown = await post(other, PUBLIC_PROJECTS)
        assert cache_state(await post(other, PUBLIC_PROJECTS)) == "hit"
        changed = await client.gql(
            UPDATE_PROJECT, {"code": "PPP-DC-01", "version": 1, "input": {"visibility": "INTERNAL"}}, token=people.admin
        )
        assert changed.data["updateProject"]["errors"] == []
        hidden = await post(other, PUBLIC_PROJECTS)
    assert shown.json()["data"]["publicProjects"]["totalCount"] == 1
    assert (cache_state(hidden), hidden.json()["data"]["publicProjects"]) == ("miss", {"totalCount": 0, "edges": []})


async def test_a_refused_write_leaves_the_cached_answer_valid(client: Api, catalog: dict[str, int]) -> None:
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER)
    await post(client, CATALOG_SERVICES, {"first": 5})
    stale = await client.gql(
        UPDATE_SERVICE, {"code": "HTS-DC-01", "version": 99, "input": {"nameVi": "Không được lưu"}}, manager
    )
    assert [e["code"] for e in stale.data["updateService"]["errors"]] == ["STALE_VERSION"]
    assert cache_state(await post(client, CATALOG_SERVICES, {"first": 5})) == "hit"


# --- 3. HTTP caching -------------------------------------------------------------------------------------


async def test_get_answers_carry_an_etag_and_if_none_match_gets_304(client: Api, catalog: dict[str, int]) -> None:
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER)
    first = await get(client, CATALOG_SERVICES, {"first": 100})
    etag = first.headers["etag"]
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, no-cache"
    assert first.headers["vary"] == "Accept-Language, Authorization, X-API-Key"
    unchanged = await get(client, CATALOG_SERVICES, {"first": 100}, **{"If-None-Match": etag})
    assert (unchanged.status_code, unchanged.content, unchanged.headers["etag"]) == (304, b"", etag)
    await rename(client, manager, "HTS-DC-01", "Tên mới")
    changed = await get(client, CATALOG_SERVICES, {"first": 100}, **{"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert "errors" not in changed.json()
    posted = await post(client, CATALOG_SERVICES, {"first": 100})
    assert "etag" not in posted.headers


async def test_partner_get_answers_are_private(client: Api, catalog: dict[str, int]) -> None:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    created = await client.gql(
        'mutation { createApiKey(name: "Cổng", scopes: [CATALOG_READ]) { key errors { code } } }', token=admin
    )
    response = await get(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": created.data["createApiKey"]["key"]})
    assert response.headers["cache-control"] == "private, no-cache"
    staff = await get(client, CATALOG_SERVICES, {"first": 1}, Authorization=f"Bearer {admin}")
    assert "etag" not in staff.headers


# --- 4. Redis: shared by every instance ---------------------------------------------------------------------


async def test_redis_shares_answers_and_a_change_through_one_instance_is_seen_by_the_other(
    redis_cache: str, db: None, catalog: dict[str, int]
) -> None:
    from app.db import database_lifespan

    async with database_lifespan(), instance() as one, instance() as two:
        manager = await one.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER)
        first = await post(one, CATALOG_SERVICES, {"first": 100})
        shared = await post(two, CATALOG_SERVICES, {"first": 100})
        assert (cache_state(first), cache_state(shared)) == ("miss", "hit")  # kept by one, served by two
        assert shared.content == first.content
        await rename(one, manager, "HTS-DC-01", "Tên mới từ máy một")
        after = await post(two, CATALOG_SERVICES, {"first": 100})
    assert cache_state(after) == "miss"
    assert names(after.json())["HTS-DC-01"] == "Tên mới từ máy một"


async def test_an_unreachable_redis_costs_a_miss_not_an_error(
    redis_cache: str, db: None, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings
    from app.db import database_lifespan

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    get_settings.cache_clear()
    async with database_lifespan(), instance() as api:
        answers = [await post(api, CATALOG_SERVICES, {"first": 2}) for _ in range(2)]
    assert [r.status_code for r in answers] == [200, 200]
    assert [cache_state(r) for r in answers] == ["miss", "miss"]
    assert answers[0].json()["data"]["services"]["totalCount"] == catalog["services"]
