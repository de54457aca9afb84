"""Shared by the read-path tests: app instances of their own, raw HTTP calls, a Redis for the cache."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

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


def cache_state(response: httpx.Response) -> str | None:
    return response.headers.get("x-response-cache")
