"""The compiled executor (app/api/compiled.py) against strawberry's standard one.

The property: over random catalog rows and random variables, the compiled executor answers exactly when
the standard executor answers without errors, and then with the same JSON, byte for byte (key order
included). Where the standard executor reports an error, the compiled one answers None and the request
goes to the standard executor, which answers as it always has (the exact tests below)."""

from __future__ import annotations

import itertools
import os
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app import clock
from app.auth.enums import AccountKind, Role, Scope
from app.auth.principal import ANONYMOUS, Principal
from app.db import count_queries
from app.money import VatRate
from app.pagination import encode_cursor
from app.text import fold
from catalog.enums import Audience, Channel, OnlineLevel, ServiceStatus, Unit
from catalog.tables import Category, Department, Plan, PlanPrice, Service, ServiceChannel
from tests.read_cache_support import CATALOG_SERVICES, assert_same, both, post, registered
from tests.support import Api

EXAMPLES = settings(
    max_examples=int(os.environ.get("COMPILED_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_numbers = itertools.count(1)
SORTS = ("NAME", "CODE", "PRICE_ASC", "PRICE_DESC")
WORDS = ("dịch vụ", "Đào tạo", "an toàn", "thông tin", "chữ ký số", "hạ tầng", "Hosting", "", "ủy ban")


# --- random catalog rows ------------------------------------------------------------------------------

_text = st.one_of(
    st.sampled_from(WORDS), st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÀÁẠẢÃàáạảãỳýỵỷỹ ", max_size=30)
)
_channel = st.fixed_dictionaries(
    {"processing_days": st.integers(0, 60), "fee_amount": st.integers(0, 10**12)}  # BigInt, VND
)
_price = st.fixed_dictionaries(
    {
        "days": st.integers(-400, 400),  # effective from today + days: past, today, announced
        "amount": st.integers(0, 10**12),
        "vat_rate": st.sampled_from([r.value for r in VatRate]),
    }
)
_plan = st.fixed_dictionaries(
    {
        "name_vi": _text.filter(bool),
        "name_en": _text,
        "unit": st.sampled_from([u.value for u in Unit]),
        "min_quantity": st.integers(1, 1000),
        "status": st.sampled_from(["active", "active", "retired"]),
        "prices": st.lists(_price, max_size=3, unique_by=lambda p: p["days"]),
    }
)
_service = st.fixed_dictionaries(
    {
        "name_vi": _text.filter(bool),
        "name_en": _text,
        "summary_vi": _text,
        "summary_en": _text,
        "audiences": st.sets(st.sampled_from([a.value for a in Audience])),
        "online_level": st.sampled_from([o.value for o in OnlineLevel]),
        "status": st.sampled_from([s.value for s in ServiceStatus] + ["published"] * 3),
        "channels": st.dictionaries(st.sampled_from([c.value for c in Channel]), _channel),
        "plans": st.lists(_plan, max_size=3),
        "category": st.integers(0, 10**6),
        "department": st.integers(0, 10**6),
    }
)


async def insert(services: list[dict[str, Any]]) -> None:
    categories = [row["id"] for row in await Category.select(Category.id).order_by(Category.id)]
    departments = [row["id"] for row in await Department.select(Department.id).order_by(Department.id)]
    today = clock.local_today()
    for drawn in services:
        n = next(_numbers)
        row = Service(
            code=f"RND-{n}",
            slug=f"rnd-{n}",
            category=categories[drawn["category"] % len(categories)],
            department=departments[drawn["department"] % len(departments)],
            name_vi=drawn["name_vi"],
            name_en=drawn["name_en"],
            summary_vi=drawn["summary_vi"],
            summary_en=drawn["summary_en"],
            for_citizen="citizen" in drawn["audiences"],
            for_business="business" in drawn["audiences"],
            for_agency="agency" in drawn["audiences"],
            online_level=drawn["online_level"],
            status=drawn["status"],
            search_text=fold(f"{drawn['name_vi']} {drawn['name_en']} {drawn['summary_vi']}"),
            sort_name=fold(drawn["name_vi"]),
            published_at=clock.now() if drawn["status"] == "published" else None,
        )
        service_id = (await Service.insert(row).returning(Service.id))[0]["id"]
        for channel, values in drawn["channels"].items():
            await ServiceChannel.insert(ServiceChannel(service=service_id, channel=channel, **values))
        for position, plan in enumerate(drawn["plans"]):
            plan_id = (
                await Plan.insert(
                    Plan(
                        service=service_id,
                        code=f"P{position}",
                        name_vi=plan["name_vi"],
                        name_en=plan["name_en"],
                        unit=plan["unit"],
                        min_quantity=plan["min_quantity"],
                        status=plan["status"],
                        position=position,
                    )
                ).returning(Plan.id)
            )[0]["id"]
            for price in plan["prices"]:
                await PlanPrice.insert(
                    PlanPrice(
                        plan=plan_id,
                        effective_from=today + timedelta(days=price["days"]),
                        amount=price["amount"],
                        vat_rate=price["vat_rate"],
                    )
                )


# --- random variables ----------------------------------------------------------------------------------

_cursor = st.one_of(
    st.builds(
        encode_cursor,
        st.sampled_from(SORTS),
        st.one_of(st.text(max_size=12), st.integers(-(10**9), 10**12)),
        st.integers(1, 10**6),
    ),
    st.sampled_from(["", "bad", "W10", "WyJOQU1FIiwiYSIsMV0"]),
)
_filter = st.fixed_dictionaries(
    {},
    optional={
        "category": st.sampled_from(["HA-TANG-SO", "DAO-TAO", "NOPE", ""]),
        "audience": st.sampled_from([a.name for a in Audience]),
        "department": st.sampled_from(["HTDV", "HTS", "NOPE"]),
        "channel": st.sampled_from([c.name for c in Channel]),
        "minPrice": st.integers(-5, 10**10),
        "maxPrice": st.integers(0, 10**10),
        "text": _text,
        "statuses": st.lists(st.sampled_from([s.name for s in ServiceStatus]), max_size=2),
    },
)
_variables = st.fixed_dictionaries(
    {},
    optional={
        "first": st.one_of(st.integers(-1, 102), st.none(), st.just("20")),  # "20": a variable that does not coerce
        "sort": st.sampled_from([*SORTS, "NOPE"]),
        "after": st.one_of(st.none(), _cursor),
        "filter": st.one_of(st.none(), _filter),
        "lang": st.sampled_from(["VI", "EN", "FR"]),
    },
)


# The read path compiles for anonymous callers and partner keys; a catalog manager (who sees drafts and
# retired plans) is here too, so the plan is shown not to depend on who asks.
CALLERS = [
    ANONYMOUS,
    Principal(api_key_id=1, scopes=frozenset({Scope.CATALOG_READ})),
    Principal(api_key_id=2, scopes=frozenset({Scope.PROJECTS_READ})),
    Principal(account_id=1, kind=AccountKind.STAFF, roles=frozenset({Role.CATALOG_MANAGER})),
]


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@EXAMPLES
@given(
    services=st.lists(_service, max_size=3),
    variables=_variables,
    lang=st.sampled_from(["vi", "en"]),
    caller=st.sampled_from(range(len(CALLERS))),
)
async def test_the_compiled_executor_answers_as_the_standard_one(
    client: Api,
    catalog: dict[str, int],
    services: list[dict[str, Any]],
    variables: dict[str, Any],
    lang: str,
    caller: int,
) -> None:
    # given the seeded catalog and some random services more (kept across examples: the rows accumulate)
    await insert(services)
    # when both executors run the partner catalog operation with random variables, for a random caller
    fast, standard = await both(CATALOG_SERVICES, variables, lang, CALLERS[caller])
    event("refused" if standard.errors else "answered")  # --hypothesis-show-statistics: both occur, ~1:3
    # then the compiled one answers exactly when the standard one answers without errors, identically
    assert_same(fast, standard)


@pytest.mark.anyio
@EXAMPLES
@given(first=st.integers(1, 30), sort=st.sampled_from(SORTS), lang=st.sampled_from(["VI", "EN"]))
async def test_following_the_pages_gives_the_same_answers(
    client: Api, catalog: dict[str, int], first: int, sort: str, lang: str
) -> None:
    # when a client follows the pages by their cursors (real ones, from the answers)
    after = None
    for _ in range(3):
        variables = {"first": first, "sort": sort, "lang": lang, "after": after}
        fast, standard = await both(CATALOG_SERVICES, variables)
        # then every page is the same from both
        assert_same(fast, standard)
        assert fast is not None
        after = fast["services"]["pageInfo"]["endCursor"]


# --- exact cases ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "variables"),
    [
        ("catalog_services.graphql", {"first": 100}),
        ("catalog_service.graphql", {"code": "HTS-DC-01"}),
        ("catalog_categories.graphql", {}),
        ("projects_public.graphql", {"first": 5}),
    ],
)
async def test_every_public_registered_read_compiles_on_the_seed(
    client: Api, catalog: dict[str, int], operation: str, variables: dict[str, Any]
) -> None:
    fast, standard = await both(registered(operation), variables)
    assert not standard.errors
    assert_same(fast, standard)


async def test_aliases_typename_and_skip_include_follow_the_variables(client: Api, catalog: dict[str, int]) -> None:
    query = """query ($x: Boolean!, $first: Int) {
      a: services(first: $first) { n: totalCount __typename edges { node { code @include(if: $x) c: code } } }
      b: services(first: 1, sort: CODE) { edges { ...Code } pageInfo @skip(if: $x) { hasNextPage } }
    }
    fragment Code on ServiceEdge { cursor node { code slug @skip(if: $x) } }"""
    for x in (True, False):
        fast, standard = await both(query, {"x": x, "first": 3})
        assert_same(fast, standard)
        assert fast is not None
        assert ("code" in fast["a"]["edges"][0]["node"]) is x
        assert ("pageInfo" in fast["b"]) is not x


async def test_a_refusal_is_left_to_the_standard_executor(client: Api, catalog: dict[str, int]) -> None:
    # drafts are for catalog staff: the anonymous caller's FORBIDDEN comes from the standard executor
    fast, standard = await both(CATALOG_SERVICES, {"filter": {"statuses": ["DRAFT"]}})
    assert fast is None
    assert [(e.extensions or {}).get("code") for e in standard.errors] == ["FORBIDDEN"]
    # a partner key without catalog:read is refused the same way
    partner = Principal(api_key_id=1)
    fast, standard = await both(CATALOG_SERVICES, {}, principal=partner)
    assert fast is None
    assert [(e.extensions or {}).get("code") for e in standard.errors] == ["FORBIDDEN"]


async def test_variables_that_do_not_coerce_are_left_to_the_standard_executor(
    client: Api, catalog: dict[str, int]
) -> None:
    fast, standard = await both(CATALOG_SERVICES, {"first": "twenty", "lang": "FR"})
    assert fast is None
    assert len(standard.errors) == 2
    assert all(e.path is None for e in standard.errors)  # coercion, before anything ran


async def test_a_shape_it_does_not_compile_is_left_to_the_standard_executor(
    client: Api, catalog: dict[str, int]
) -> None:
    # introspection is not compiled (and the standard executor applies its gate)
    fast, standard = await both('{ __type(name: "Service") { name } services(first: 1) { totalCount } }', {})
    assert fast is None
    assert standard.data == {"__type": {"name": "Service"}, "services": {"totalCount": 47}}
    # nor a mutation
    fast, _ = await both('mutation { signIn(email: "a@b.vn", password: "x") { token } }', {})
    assert fast is None


async def test_an_unexpected_error_is_left_to_the_standard_executor(
    client: Api, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    from catalog.api import types

    def broken(info: Any, row: Any, field: str) -> str:
        raise RuntimeError("boom")

    # every localized field (names, summaries) of the catalog's types fails
    monkeypatch.setattr(types, "localized", broken)
    fast, standard = await both(CATALOG_SERVICES, {"first": 2})
    assert fast is None
    # masked, with the path of the first failure (name is non-null: the error reaches the nullable parent)
    assert standard.data is None
    assert [(e.message, e.path) for e in standard.errors] == [
        ("Unexpected error", ["services", "edges", 0, "node", "name"])
    ]


# --- over HTTP -----------------------------------------------------------------------------------------


async def test_over_http_a_registered_read_is_compiled_and_its_statements_do_not_grow(
    response_cache_off: None, client: Api, catalog: dict[str, int], compiled_runs: list[bool]
) -> None:
    counted = {}
    for first in (1, 20, 47):
        with count_queries() as statements:
            response = await post(client, CATALOG_SERVICES, {"first": first})
        assert response.status_code == 200
        assert len(response.json()["data"]["services"]["edges"]) == first
        counted[first] = len(statements)
    assert compiled_runs == [True, True, True]
    # page keys, services, count, categories, departments, channels, plans, prices: whatever the page size
    assert counted == {1: 8, 20: 8, 47: 8}


async def test_over_http_other_documents_and_signed_in_callers_take_the_standard_path(
    response_cache_off: None, client: Api, catalog: dict[str, int], compiled_runs: list[bool]
) -> None:
    # a document that is not registered
    ad_hoc = await post(client, "query { services(first: 2) { totalCount } }")
    assert ad_hoc.json() == {"data": {"services": {"totalCount": 47}}}
    # a signed-in caller (staff see drafts: their answers are their own)
    token = await client.staff("catalog@ttcntt.vn", Role.CATALOG_MANAGER)
    staff = await post(client, CATALOG_SERVICES, {"first": 1}, Authorization=f"Bearer {token}")
    assert len(staff.json()["data"]["services"]["edges"]) == 1
    assert compiled_runs == []
    # a refusal: compiled first, then the standard executor's error
    refused = await post(client, CATALOG_SERVICES, {"filter": {"statuses": ["DRAFT"]}})
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == ["FORBIDDEN"]
    assert compiled_runs == [False]
