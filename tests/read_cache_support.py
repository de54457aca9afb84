"""Shared by the read-path tests: app instances of their own, raw HTTP calls, a Redis for the cache."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import msgspec

from app.api import compiled
from app.api.context import Context, Loaders
from app.api.query_guard import parse_checked
from app.api.schema import schema
from app.auth.principal import ANONYMOUS, Principal
from app.config import get_settings
from tests.support import Api

OPERATIONS = Path(__file__).resolve().parent.parent / "graphql" / "operations"
CATALOG_SERVICES = (OPERATIONS / "catalog_services.graphql").read_text(encoding="utf-8")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@asynccontextmanager
async def instance() -> AsyncIterator[Api]:
    """Another app instance on the same database (as another worker or machine would be)."""
    from app.main import create_app

    app = create_app()
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield Api(http)
    finally:
        await app.state.read_cache.close()


async def post(api: Api, query: str, variables: dict[str, Any] | None = None, **headers: str) -> httpx.Response:
    return await api.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


async def get(
    api: Api, query: str | None, variables: dict[str, Any] | None = None, extensions: Any = None, **headers: str
) -> httpx.Response:
    params = {"variables": json.dumps(variables or {})}
    if query is not None:
        params["query"] = query
    if extensions is not None:
        params["extensions"] = json.dumps(extensions)
    return await api.http.get("/graphql", params=params, headers=headers)


def registered(name: str) -> str:
    return (OPERATIONS / name).read_text(encoding="utf-8")


def cache_state(response: httpx.Response) -> str | None:
    return response.headers.get("x-response-cache")


async def both(
    query: str, variables: dict[str, Any], lang: str = "vi", principal: Principal = ANONYMOUS
) -> tuple[dict[str, Any] | None, Any]:
    """(the compiled executor's data, the standard executor's result), each with a context of its own."""
    settings_ = get_settings()
    parsed = parse_checked(query, settings_.graphql_max_tokens, settings_.graphql_max_selections)
    assert parsed is not None
    fast = await compiled.execute(
        schema, query, parsed, None, variables, Context(principal=principal, lang=lang, loaders=Loaders())
    )
    standard = await schema.execute(
        query, variable_values=variables, context_value=Context(principal=principal, lang=lang, loaders=Loaders())
    )
    return fast, standard


def assert_same(fast: dict[str, Any] | None, standard: Any) -> None:
    if standard.errors:
        assert fast is None, (fast, standard.errors)
        return
    assert fast is not None, "the compiled executor left an error-free answer to the standard one"
    # byte for byte, as the client gets it: same values, same key order
    assert msgspec.json.encode({"data": fast}) == msgspec.json.encode({"data": standard.data})
