"""Schema-driven fuzzing: queries and mutations generated from the committed SDL (hypothesis-graphql),
valid ones and ones with a single schema violation, sent over HTTP as four kinds of caller. Whatever
arrives, the answer is a client's answer: no HTTP 5xx, no INTERNAL_ERROR, no stack trace or SQL text.

`make test` runs a few examples per caller (FUZZ_EXAMPLES, default 25, derandomized so a run is
repeatable); `make fuzz` runs thousands (FUZZ_EXAMPLES=5000, random).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from app.auth.enums import Role
from graphql import build_schema
from tests.auth.helpers import create_key
from tests.support import Api

SDL = (Path(__file__).parents[1] / "graphql" / "schema.graphql").read_text()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=list(HealthCheck),
    database=None,
)

# Mutations that would take the caller's own identity away mid-run (every later example would then
# test an anonymous caller only): signing out, revoking the key or the admin role in use.
SELF_DEFEATING = {"signOut", "revokeApiKey", "revokeRole"}
SCHEMA = build_schema(SDL)
MUTATIONS = sorted(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else []
FIELDS = tuple(name for name in MUTATIONS if name not in SELF_DEFEATING)

_dates = st.one_of(
    st.dates().map(str),  # 0001-01-01 … 9999-12-31: outside the window the boundary refuses
    st.sampled_from(["2026-02-30", "2026-13-01", "", "26-1-1", "2026-01-01T00:00:00"]),
    st.text(max_size=12),
)
_datetimes = st.one_of(st.datetimes(timezones=st.just(None)).map(lambda d: d.isoformat() + "Z"), st.text(max_size=20))
_ints = st.one_of(st.integers(min_value=-(2**31), max_value=2**31 - 1), st.integers(), st.just(2**53 + 1))
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "Date": _dates.map(nodes.String),
    "DateTime": _datetimes.map(nodes.String),
    "Vnd": _ints.map(nodes.Int),
    "JSON": st.text(max_size=20).map(nodes.String),
    # a JSON request cannot carry a file: a string where an Upload is expected must be refused, not crash
    "Upload": st.text(max_size=10).map(nodes.String),
}


def documents() -> st.SearchStrategy[str]:
    parts = []
    for mode in (Mode.POSITIVE, Mode.NEGATIVE):
        parts.append(queries(SCHEMA, custom_scalars=SCALARS, mode=mode))
        parts.append(mutations(SCHEMA, fields=FIELDS, custom_scalars=SCALARS, mode=mode))
    return st.one_of(parts)


# internal detail that must never reach a client
LEAKS = re.compile(
    r"Traceback|File \"|sqlite3|asyncpg|psycopg|piccolo\.|SELECT |INSERT INTO|UPDATE \"|syntax error at|"
    r"OperationalError|IntegrityError|KeyError|TypeError|AttributeError|ValueError",
)


def check(status: int, text: str, document: str) -> None:
    assert status < 500, (status, text[:500], document)
    assert "INTERNAL_ERROR" not in text, (text[:500], document)
    leak = LEAKS.search(text)
    assert leak is None, (leak.group(0) if leak else None, text[:500], document)


@pytest.fixture
async def callers(client: Api, catalog: dict[str, int]) -> dict[str, dict[str, str]]:
    admin = await client.staff("quan.tri@ttcntt.vn", Role.ADMIN)
    customer = await client.customer("cong.dan@example.vn")
    key = await create_key(client, admin, ["CATALOG_READ", "PROJECTS_READ"])
    return {
        "anonymous": {},
        "customer": {"Authorization": f"Bearer {customer}"},
        "partner": {"X-API-Key": key["key"]},
        "admin": {"Authorization": f"Bearer {admin}"},
    }


@pytest.mark.anyio  # @given hides the coroutine from the conftest's automatic marker
@pytest.mark.parametrize("caller", ["anonymous", "customer", "partner", "admin"])
@FUZZ
@given(document=documents())
async def test_no_generated_operation_gets_an_unexpected_error(
    client: Api, callers: dict[str, dict[str, str]], caller: str, document: str
) -> None:
    response = await client.http.post("/graphql", json={"query": document}, headers=callers[caller])
    check(response.status_code, response.text, document)


def test_the_fuzzer_sees_every_mutation() -> None:
    """The mutation list is read from the SDL: if the parse above broke, the fuzzer would skip them."""
    assert len(MUTATIONS) > 60
    assert {"signUp", "submitServiceRequest", "issueInvoice", "generateServiceContract"} <= set(FIELDS)
    assert set(MUTATIONS) >= SELF_DEFEATING
