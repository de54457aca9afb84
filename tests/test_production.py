"""Production settings: GraphiQL served from the app (no CDN) or not at all, introspection by setting,
security headers on every response, no server banner."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from app.api.graphiql import PAGE_POLICY
from app.auth.enums import Role
from tests.support import Api

HTML = {"accept": "text/html"}
SCHEMA = "{ __schema { queryType { name } } }"
TYPE_IN_FRAGMENT = 'query { ...T } fragment T on Query { __type(name: "Query") { name } }'

AppClient = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def app_client(db: None, monkeypatch: pytest.MonkeyPatch) -> AppClient:
    """An app made under the given environment variables (settings are read when the app is made)."""
    from app.config import get_settings

    @asynccontextmanager
    async def make(**env: str) -> AsyncIterator[httpx.AsyncClient]:
        from app.db import database_lifespan
        from app.main import create_app

        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            transport = httpx.ASGITransport(app=create_app())
            async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                yield http
        finally:
            for name in env:
                monkeypatch.delenv(name)
            get_settings.cache_clear()

    return make


# --- settings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "graphiql", "introspection"),
    [
        ({}, True, "on"),
        ({"APP_ENV": "production"}, False, "staff"),
        ({"APP_ENV": "production", "GRAPHIQL": "on", "INTROSPECTION": "on"}, True, "on"),
        ({"GRAPHIQL": "off", "INTROSPECTION": "off"}, False, "off"),
        ({"APP_ENV": "staging", "INTROSPECTION": "STAFF"}, True, "staff"),
    ],
)
def test_production_defaults_and_overrides(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], graphiql: bool, introspection: str
) -> None:
    from app.config import get_settings

    for name in ("APP_ENV", "GRAPHIQL", "INTROSPECTION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    settings = get_settings()
    assert (settings.graphiql, settings.introspection) == (graphiql, introspection)
    get_settings.cache_clear()


@pytest.mark.parametrize(("name", "value"), [("GRAPHIQL", "maybe"), ("INTROSPECTION", "partners")])
def test_a_misspelt_switch_stops_the_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    from app.config import get_settings

    monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    with pytest.raises(ValueError, match=name):
        get_settings()
    monkeypatch.delenv(name)
    get_settings.cache_clear()


# --- GraphiQL ---------------------------------------------------------------------------------------------


async def test_graphiql_is_served_whole_by_the_app(client: Api) -> None:
    page = await client.http.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == PAGE_POLICY
    # every script and style the page loads is ours, and is what its integrity hash says
    references = re.findall(r'(?:src|href)="([^"]+)"(?:\s+integrity="sha384-([^"]+)")?', page.text)
    assert "unpkg" not in page.text and "https://" not in page.text
    assets = [(url, digest) for url, digest in references if not url.startswith("data:")]
    assert [url for url, _ in assets] == [
        "/graphiql-assets/page.css",
        "/graphiql-assets/graphiql.min.css",
        "/graphiql-assets/plugin-explorer.css",
        "/graphiql-assets/react.production.min.js",
        "/graphiql-assets/react-dom.production.min.js",
        "/graphiql-assets/js.cookie.min.js",
        "/graphiql-assets/graphiql.min.js",
        "/graphiql-assets/plugin-explorer.umd.js",
        "/graphiql-assets/start.js",
    ]
    for url, digest in assets:
        asset = await client.http.get(url)
        assert asset.status_code == 200, url
        if digest:
            assert base64.b64encode(hashlib.sha384(asset.content).digest()).decode() == digest, url


async def test_production_serves_no_graphiql(app_client: AppClient) -> None:
    async with app_client(APP_ENV="production") as http:
        page = await http.get("/graphql", headers=HTML)
        assert page.status_code == 404
        assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert (await http.get("/graphiql-assets/graphiql.min.js")).status_code == 404
        # the API itself is unchanged
        answer = await http.post("/graphql", json={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}


# --- introspection ------------------------------------------------------------------------------------------


async def ask(http: httpx.AsyncClient, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def refused_with(body: dict[str, Any]) -> list[str]:
    assert body["data"] is None
    return [e["extensions"]["code"] for e in body["errors"]]


async def test_production_keeps_introspection_for_staff(app_client: AppClient) -> None:
    async with app_client(APP_ENV="production") as http:
        operator = await Api(http).staff("vanhanh@ttcntt.vn", Role.OPERATOR)
        customer = await Api(http).customer("khach@example.vn")
        assert refused_with(await ask(http, SCHEMA)) == ["INTROSPECTION_DISABLED"]
        assert refused_with(await ask(http, TYPE_IN_FRAGMENT)) == ["INTROSPECTION_DISABLED"]
        assert refused_with(await ask(http, SCHEMA, customer)) == ["INTROSPECTION_DISABLED"]
        assert (await ask(http, "{ __typename }")) == {"data": {"__typename": "Query"}}
        assert (await ask(http, SCHEMA, operator)) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_introspection_off_refuses_staff_too(app_client: AppClient) -> None:
    async with app_client(INTROSPECTION="off") as http:
        admin = await Api(http).staff("admin@ttcntt.vn", Role.ADMIN)
        body = await ask(http, SCHEMA, admin)
        assert refused_with(body) == ["INTROSPECTION_DISABLED"]
        assert body["errors"][0]["extensions"]["messageEn"] == (
            "Schema introspection is turned off on this server; use graphql/schema.graphql."
        )


async def test_introspection_stays_open_in_development(client: Api) -> None:
    assert (await client.gql(SCHEMA)).data == {"__schema": {"queryType": {"name": "Query"}}}


# --- headers --------------------------------------------------------------------------------------------


async def test_every_response_carries_the_security_headers(client: Api) -> None:
    responses = [
        await client.http.get("/health"),
        await client.http.post("/graphql", json={"query": "{ __typename }"}),
        await client.http.post("/graphql", content=b"null", headers={"content-type": "application/json"}),
        await client.http.get("/projects/KHONG-CO/ocds.json"),
        await client.http.get("/no/such/route"),
    ]
    for response in responses:
        assert response.headers["x-content-type-options"] == "nosniff", response.url
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["content-security-policy"] == (
            "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )
        assert "server" not in response.headers


def test_serve_hides_the_server_banner(monkeypatch: pytest.MonkeyPatch) -> None:
    from app import cli, runtime

    seen: dict[str, Any] = {}

    class Server:  # uvicorn's, not started: the configuration it would run is what matters
        started = True

        def __init__(self, config: runtime.TcpConfig) -> None:
            seen["config"] = config

        def run(self) -> None:
            pass

    from app.config import get_settings

    monkeypatch.setattr(runtime.uvicorn, "Server", Server)
    monkeypatch.setenv("WORKERS", "1")  # on PostgreSQL the default is one per core: a real supervisor
    get_settings.cache_clear()
    try:
        assert cli.main(["serve", "--port", "8765"]) == 0
    finally:
        monkeypatch.delenv("WORKERS")
        get_settings.cache_clear()
    config = seen["config"]
    assert isinstance(config, runtime.TcpConfig)
    assert config.server_header is False
    assert (config.port, config.factory, config.workers, config.access_log) == (8765, True, 1, False)
