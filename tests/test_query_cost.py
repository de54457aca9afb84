"""Every document is measured before it runs (app/api/query_guard.py, app/api/cost.py): the attacks that
stalled the first version are refused before any resolver or SQL statement runs, the cost formula is
pinned on small queries, each kind of caller has its budget, and measuring stays linear in the document."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api import query_guard
from app.api.cost import Measures, Pages, measure
from app.api.query_guard import parse_checked, validation_errors
from app.api.schema import COST_MODEL, schema
from app.auth.enums import Role
from app.db import count_queries
from graphql import get_introspection_query, parse
from tests.support import Api
from tests.test_operations import partner_key

OPERATIONS = Path(__file__).resolve().parent.parent / "graphql" / "operations"
PAGES = Pages(default=20, maximum=100)
INTROSPECTION = get_introspection_query(
    descriptions=True,
    specified_by_url=True,
    directive_is_repeatable=True,
    schema_description=True,
    input_value_deprecation=True,
)


def cost_of(query: str, variables: dict[str, Any] | None = None) -> Measures:
    """The measures the guard computes, for a valid document (checked here, so a typo fails loudly)."""
    document = parse(query)
    parsed = parse_checked(query, 10_000, 10_000)
    assert parsed is not None
    errors = validation_errors(schema._schema, parsed)
    assert errors == (), errors
    operation = next(d for d in document.definitions if d.kind == "operation_definition")
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    return measure(schema._schema, fragments, operation, variables or {}, COST_MODEL, PAGES)


def fan_out(levels: int, spreads: int = 10) -> str:
    """The 600-byte attack: each fragment spreads the next one `spreads` times."""
    text = "{ departments { ...T0 } }\n"
    for level in range(levels):
        text += f"fragment T{level} on Department {{ " + " ".join([f"...T{level + 1}"] * spreads) + " }\n"
    return text + f"fragment T{levels} on Department {{ code }}\n"


CHAIN = "children { parent { " * 5 + "children { code }" + " } }" * 5  # with categories: depth 12


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    from app.config import get_settings

    def override(**env: int) -> None:
        for name, value in env.items():
            monkeypatch.setenv(name, str(value))
        get_settings.cache_clear()

    yield override
    get_settings.cache_clear()


@pytest.fixture
def resolver_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records each call of the departments use case: a refused query must not reach it."""
    import catalog.browse

    calls: list[str] = []
    original = catalog.browse.departments

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("departments")
        return await original(*args, **kwargs)

    monkeypatch.setattr(catalog.browse, "departments", counted)
    return calls


async def refused_before_execution(client: Api, query: str, calls: list[str], **kwargs: Any) -> dict[str, Any]:
    with count_queries() as statements:
        result = await client.gql(query, **kwargs)
    assert result.status == 200
    assert result.body["data"] is None
    assert statements == [], "no SQL may run for a refused query"
    assert calls == [], "no resolver may run for a refused query"
    assert len(result.errors) == 1
    return result.errors[0]


# --- the attacks --------------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [8, 9, 10])
async def test_fragment_fan_out_is_refused_as_too_costly(client: Api, resolver_calls: list[str], levels: int) -> None:
    error = await refused_before_execution(client, fan_out(levels), resolver_calls)
    extensions = error["extensions"]
    assert extensions["code"] == "QUERY_TOO_COSTLY"
    assert extensions["cost"] == 1 + 10 * 10**levels  # departments (10) × 10^levels paths to `code`
    assert extensions["budget"] == 60_000
    assert extensions["messageEn"] == (
        f"The query is too costly (estimated cost {extensions['cost']}, at most 60000); "
        "ask for fewer items per page (first) or fewer nested lists."
    )
    assert error["message"] == extensions["messageVi"]  # Vietnamese by default, like every refusal
    assert extensions["requestId"]


@pytest.mark.parametrize("levels", [8, 10, 20, 40])
def test_measuring_a_fan_out_walks_each_fragment_once(levels: int) -> None:
    measures = cost_of(fan_out(levels))
    assert measures.fragment_walks == levels + 1  # not 10^levels
    assert measures.cost == 1 + 10 * 10**levels
    assert (measures.depth, measures.aliases) == (1, 0)


async def test_thirty_aliases_of_a_deep_category_chain_are_refused(
    client: Api, resolver_calls: list[str], limits: Callable[..., None]
) -> None:
    written_out = "{ " + " ".join(f"a{i}: categories {{ {CHAIN} }}" for i in range(30)) + " }"
    error = await refused_before_execution(client, written_out, resolver_calls)
    assert error["extensions"]["code"] == "QUERY_TOO_MANY_TOKENS"  # 1,260 tokens, before parsing
    limits(GRAPHQL_MAX_TOKENS=5000)
    error = await refused_before_execution(client, written_out, resolver_calls)
    assert error["extensions"]["code"] == "QUERY_TOO_MANY_SELECTIONS"  # 30 × 13 fields, before validation
    assert (error["extensions"]["selections"], error["extensions"]["limit"]) == (390, 200)

    # Through a fragment the text is small; its cost refuses it: 30 × (1 + 10 × cost of the chain).
    with_fragment = (
        "{ "
        + " ".join(f"a{i}: categories {{ ...C }}" for i in range(30))
        + " } fragment C on Category { "
        + CHAIN
        + " }"
    )
    error = await refused_before_execution(client, with_fragment, resolver_calls)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 30 * (1 + 10 * 1_222_221)

    # With room for every token and selection, the written-out form is refused for its cost too.
    limits(GRAPHQL_MAX_SELECTIONS=1000)
    error = await refused_before_execution(client, written_out, resolver_calls)
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] == 30 * (1 + 10 * 1_222_221)


async def test_a_hundred_thousand_duplicate_fields_are_refused_before_parsing(
    client: Api, resolver_calls: list[str]
) -> None:
    query = "{ departments { " + "code " * 100_000 + "} }"
    error = await refused_before_execution(client, query, resolver_calls, headers={"Accept-Language": "en"})
    assert error["extensions"]["code"] == "QUERY_TOO_LARGE"
    assert (error["extensions"]["bytes"], error["extensions"]["limit"]) == (len(query), 16_384)
    assert error["message"] == f"The query is too long ({len(query)} bytes, at most 16384)."
    assert error["extensions"]["messageVi"] == f"Truy vấn quá dài ({len(query)} byte, tối đa 16384)."


async def test_too_many_tokens_or_selections_are_refused_before_validation(
    client: Api, resolver_calls: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_validation(*args: Any) -> Any:
        raise AssertionError("validation must not run")

    monkeypatch.setattr(query_guard, "validate_document", no_validation)
    tokens = "{ departments { " + "code " * 1_500 + "} }"  # 7.5 kB: under the size limit
    error = await refused_before_execution(client, tokens, resolver_calls)
    assert error["extensions"]["code"] == "QUERY_TOO_MANY_TOKENS"
    assert error["extensions"]["limit"] == 1_000
    selections = "{ departments { " + "code " * 201 + "} }"
    error = await refused_before_execution(client, selections, resolver_calls)
    assert error["extensions"]["code"] == "QUERY_TOO_MANY_SELECTIONS"
    assert (error["extensions"]["selections"], error["extensions"]["limit"]) == (202, 200)


async def test_refusals_keep_the_operation_name_and_work_over_get(client: Api, resolver_calls: list[str]) -> None:
    query = "query Huge { departments { " + "code " * 5_000 + "} }"
    response = await client.http.post("/graphql", json={"query": query, "operationName": "Huge"})
    assert response.status_code == 200
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["QUERY_TOO_LARGE"]
    over_get = await client.http.get("/graphql", params={"query": fan_out(8)})
    assert over_get.status_code == 200
    assert [e["extensions"]["code"] for e in over_get.json()["errors"]] == ["QUERY_TOO_COSTLY"]
    assert resolver_calls == []


async def test_syntax_errors_are_reported_as_before(client: Api) -> None:
    result = await client.gql("{ departments { code }")
    assert result.body["data"] is None
    assert result.errors[0]["message"].startswith("Syntax Error")


# --- depth and aliases: today's limits, without walking fragment paths -------------------------------


async def test_depth_twelve_passes_and_thirteen_is_refused_through_fragments_too(client: Api) -> None:
    # service → category → parent × 10: twelve fields with a selection (lists would be too costly).
    twelve = '{ service(code: "X") { category { ' + "parent { " * 10 + "code" + " }" * 10 + " } } }"
    assert (await client.gql(twelve)).data == {"service": None}
    thirteen = (
        '{ service(code: "X") { ...A } } fragment A on Service { category { ...B } } fragment B on Category { '
        + ("parent { " * 11 + "code" + " }" * 11 + " }")
    )
    result = await client.gql(thirteen)
    assert result.error_codes == ["QUERY_TOO_DEEP"]
    assert (result.errors[0]["extensions"]["depth"], result.errors[0]["extensions"]["limit"]) == (13, 12)


async def test_the_deepest_documents_the_size_limits_admit_are_refused_without_a_crash(client: Api) -> None:
    nested = '{ service(code: "X") { category { ' + "parent { " * 190 + "code" + " }" * 190 + " } } }"
    chain = '{ service(code: "X") { category { ...F0 } } } ' + " ".join(
        f"fragment F{i} on Category {{ parent {{ ...F{i + 1} }} }}" for i in range(80)
    )
    chain += " fragment F80 on Category { code }"
    for query, depth in ((nested, 192), (chain, 82)):
        result = await client.gql(query)
        assert result.error_codes == ["QUERY_TOO_DEEP"]
        assert result.errors[0]["extensions"]["depth"] == depth


async def test_depth_limit_follows_the_setting(client: Api, limits: Callable[..., None]) -> None:
    limits(GRAPHQL_MAX_DEPTH=2)
    assert (await client.gql("{ categories { children { code } } }")).data == {"categories": []}
    result = await client.gql("{ categories { children { children { code } } } }")
    assert result.error_codes == ["QUERY_TOO_DEEP"]


async def test_thirty_aliases_pass_and_aliases_are_counted_through_fragments(client: Api) -> None:
    thirty = "{ departments { " + " ".join(f"a{i}: code" for i in range(30)) + " } }"
    assert (await client.gql(thirty)).data == {"departments": []}
    thirty_two = "{ departments { " + "...F " * 16 + "} } fragment F on Department { a: code b: name }"
    result = await client.gql(thirty_two)
    assert result.error_codes == ["QUERY_TOO_MANY_ALIASES"]
    assert (result.errors[0]["extensions"]["aliases"], result.errors[0]["extensions"]["limit"]) == (32, 30)


# --- the formula ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ __typename }", None, 1),
        ("{ departments { code } }", None, 1 + 10 * 1),  # an unbounded list counts 10 items
        ("{ departments { code name names { vi en } } }", None, 1 + 10 * (1 + 1 + 3)),
        ("{ services(first: 5) { edges { node { code } } } }", None, 1 + (1 + 5 * (1 + 1))),
        ("query ($n: Int) { services(first: $n) { edges { node { code } } } }", {"n": 7}, 1 + 1 + 7 * 2),
        ("query ($n: Int) { services(first: $n) { edges { node { code } } } }", {}, 1 + 1 + 20 * 2),
        ("query ($n: Int) { services(first: $n) { edges { node { code } } } }", {"n": None}, 1 + 1 + 20 * 2),
        ("query ($n: Int = 3) { services(first: $n) { edges { node { code } } } }", {}, 1 + 1 + 3 * 2),
        ("query ($n: Int) { services(first: $n) { edges { node { code } } } }", {"n": 5000}, 1 + 1 + 100 * 2),
        ("query ($n: Int) { services(first: $n) { edges { node { code } } } }", {"n": "x"}, 1 + 1 + 100 * 2),
        ('{ project(code: "P") { history { action } } }', None, 1 + (1 + 200 * 1)),
        ('{ project(code: "P") { history(last: 5) { action } milestones { id } } }', None, 1 + 6 + (1 + 10)),
        ("{ categories { ... on Category { code } } }", None, 11),
        ("{ __schema { queryType { name } } }", None, 3),
        # No type is wrapped more than three deep (`[X!]!`): a fourth `ofType` is null and costs 1.
        ('{ __type(name: "Query") { ofType { ofType { ofType { name ofType { name } } } } } }', None, 6),
    ],
)
def test_cost_formula(query: str, variables: dict[str, Any] | None, cost: int) -> None:
    assert cost_of(query, variables).cost == cost


def test_connections_count_their_page_and_channels_their_bound() -> None:
    # services (1) + totalCount (1) + edges (1 + 20 × (cursor 1 + node (1 + code 1 + channels (1 + 3 × 1)))).
    measures = cost_of("{ services { totalCount edges { cursor node { code channels { channel } } } } }")
    assert measures.cost == 1 + 1 + 1 + 20 * (1 + 1 + 1 + 1 + 3)


@st.composite
def category_selections(draw: st.DrawFn, depth: int = 0) -> str:
    """A selection set on Category: leaves, `names`, nested `parent`/`children`, inline fragments."""
    leaves = draw(st.lists(st.sampled_from(["code", "slug", "name", "description", "position"]), min_size=1))
    parts = list(leaves)
    if draw(st.booleans()):
        parts.append("names { vi en }")
    if depth < 3:
        for nested in draw(st.lists(st.sampled_from(["parent", "children", "... on Category"]), max_size=2)):
            parts.append(f"{nested} {{ {draw(category_selections(depth + 1))} }}")
    return " ".join(parts)


@settings(max_examples=60, deadline=None)
@given(body=category_selections(), copies=st.integers(min_value=1, max_value=40))
def test_n_copies_of_a_fragment_cost_n_times_the_fragment(body: str, copies: int) -> None:
    once = cost_of("{ categories { " + body + " } }")
    fragment_cost = (once.cost - 1) // 10  # categories: 1 + 10 × its selection
    spread = cost_of("{ categories { " + "...F " * copies + "} } fragment F on Category { " + body + " }")
    assert spread.cost == 1 + 10 * copies * fragment_cost
    assert spread.depth == once.depth
    assert spread.fragment_walks == 1


# --- budgets per caller ---------------------------------------------------------------------------------


def catalog_page_query() -> str:
    """The published catalog query with its `services` field twice (aliases a and b)."""
    published = (OPERATIONS / "catalog_services.graphql").read_text(encoding="utf-8")
    start, end = published.index("services("), published.rindex("}")
    field = published[start:end]
    return published[:start] + "a: " + field + " b: " + field + "}"


async def test_budgets_follow_the_caller(client: Api, catalog: dict[str, int]) -> None:
    query = catalog_page_query()
    cost = 2 * cost_of((OPERATIONS / "catalog_services.graphql").read_text(), {"first": 100}).cost
    assert cost_of(query, {"first": 100}).cost == cost == 89_012
    callers = {
        "anonymous": {},
        "customer": {"token": await client.customer("khach@example.vn")},
        "partner": {"token": await partner_key(client)},
        "staff": {"token": await client.staff("canbo@ttcntt.vn", Role.OPERATOR)},
    }
    outcome = {}
    for kind, credentials in callers.items():
        result = await client.gql(query, {"first": 100}, **credentials)
        if result.errors:
            outcome[kind] = (result.error_codes[0], result.errors[0]["extensions"]["budget"])
        else:
            outcome[kind] = ("OK", len(result.data["a"]["edges"]) + len(result.data["b"]["edges"]))
    assert outcome == {
        "anonymous": ("QUERY_TOO_COSTLY", 60_000),
        "customer": ("QUERY_TOO_COSTLY", 75_000),
        "partner": ("OK", 2 * catalog["services"]),
        "staff": ("OK", 2 * catalog["services"]),
    }
    # One page is within every budget.
    for credentials in callers.values():
        one = await client.gql((OPERATIONS / "catalog_services.graphql").read_text(), {"first": 100}, **credentials)
        assert len(one.data["services"]["edges"]) == catalog["services"]


async def test_budgets_are_settings(client: Api, limits: Callable[..., None]) -> None:
    limits(GRAPHQL_COST_ANONYMOUS=10, GRAPHQL_COST_STAFF=11)
    anonymous = await client.gql("{ departments { code } }")  # 11
    assert anonymous.error_codes == ["QUERY_TOO_COSTLY"]
    assert (anonymous.errors[0]["extensions"]["cost"], anonymous.errors[0]["extensions"]["budget"]) == (11, 10)
    staff = await client.staff("canbo@ttcntt.vn", Role.OPERATOR)
    assert (await client.gql("{ departments { code } }", token=staff)).data == {"departments": []}


async def test_bad_credentials_are_answered_before_the_cost(client: Api) -> None:
    result = await client.gql(catalog_page_query(), {"first": 100}, token="not-a-real-token")
    assert result.error_codes == ["TOKEN_INVALID"]


def test_every_published_operation_fits_the_smallest_budget_at_the_largest_page() -> None:
    for path in sorted(OPERATIONS.glob("*.graphql")):
        measures = cost_of(path.read_text(encoding="utf-8"), {"first": 100})
        assert measures.cost <= 60_000, (path.name, measures)
        assert measures.depth <= 12


async def test_published_catalog_operations_pass_for_every_caller(client: Api, catalog: dict[str, int]) -> None:
    callers = [
        {},
        {"token": await client.customer("khach@example.vn")},
        {"token": await partner_key(client)},
        {"token": await client.staff("canbo@ttcntt.vn", Role.CATALOG_MANAGER)},
    ]
    for credentials in callers:
        page = await client.gql((OPERATIONS / "catalog_services.graphql").read_text(), {"first": 100}, **credentials)
        assert page.data["services"]["totalCount"] == catalog["services"]
        tree = await client.gql((OPERATIONS / "catalog_categories.graphql").read_text(), {}, **credentials)
        assert len(tree.data["departments"]) == 5
        one = await client.gql(
            (OPERATIONS / "catalog_service.graphql").read_text(), {"code": "HTS-DC-01"}, **credentials
        )
        assert one.data["service"]["code"] == "HTS-DC-01"


# --- introspection ---------------------------------------------------------------------------------------


async def test_graphiql_introspection_passes_but_not_twice(client: Api) -> None:
    once = await client.gql(INTROSPECTION)
    assert once.data["__schema"]["queryType"]["name"] == "Query"
    assert cost_of(INTROSPECTION).cost < 60_000
    twice = await client.gql(INTROSPECTION.replace("__schema {", "a: __schema { types { ...FullType } } __schema {", 1))
    assert twice.error_codes == ["QUERY_TOO_COSTLY"]
    nested = await client.gql("{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }")
    assert nested.errors[0]["message"] == "Maximum introspection depth exceeded"


# --- caches ------------------------------------------------------------------------------------------------


async def test_parsing_validation_and_measures_are_cached_per_document(
    response_cache_off: None, client: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    validations: list[int] = []
    measured: list[int] = []
    validate, walk = query_guard.validate_document, query_guard.measure

    def counted_validation(*args: Any) -> Any:
        validations.append(1)
        return validate(*args)

    def counted_measure(*args: Any) -> Any:
        measured.append(args[3]["first"])
        return walk(*args)

    monkeypatch.setattr(query_guard, "validate_document", counted_validation)
    monkeypatch.setattr(query_guard, "measure", counted_measure)
    query_guard.parse_checked.cache_clear()
    query = (OPERATIONS / "catalog_services.graphql").read_text()
    for first in (10, 10, 10, 10, 20, 10):
        assert (await client.gql(query, {"first": first})).data["services"]["totalCount"] == 0
    hits, misses, *_ = query_guard.parse_checked.cache_info()
    assert (hits, misses) == (5, 1)
    assert validations == [1]  # the rules are built once, so the validation of a document is reused
    assert measured == [10, 20]  # one cost per page size asked for
