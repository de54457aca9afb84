"""The HTTP shell: health, request ids, masking of unexpected errors, query guards."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from app.logs import JsonFormatter
from tests.support import Api


async def test_health_checks_the_database(client: Api) -> None:
    response = await client.http.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True}


async def test_health_reports_a_dead_database(client: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    import app.main

    async def down() -> bool:
        return False

    monkeypatch.setattr(app.main, "ping", down)
    response = await client.http.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False}


async def test_every_response_carries_a_request_id(client: Api) -> None:
    generated = await client.http.get("/health")
    assert len(generated.headers["x-request-id"]) == 32
    kept = await client.http.get("/health", headers={"X-Request-ID": "abc123"})
    assert kept.headers["x-request-id"] == "abc123"
    refused = await client.http.get("/health", headers={"X-Request-ID": "bad id; drop table"})
    assert refused.headers["x-request-id"] != "bad id; drop table"


async def test_unexpected_errors_are_masked(
    client: Api, catalog: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import catalog.browse

    async def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError('relation "service" does not exist: SELECT * FROM service')

    monkeypatch.setattr(catalog.browse, "search_services", explode)
    result = await client.gql("{ services { totalCount } }")
    assert result.status == 200
    assert [e["message"] for e in result.errors] == ["Unexpected error"]
    assert result.error_codes == ["INTERNAL_ERROR"]
    assert "SELECT" not in json.dumps(result.body)
    assert "Traceback" not in json.dumps(result.body)


async def test_domain_errors_on_queries_carry_code_and_both_languages(client: Api, catalog: dict[str, int]) -> None:
    result = await client.gql("{ services(first: 1000) { totalCount } }", headers={"Accept-Language": "en"})
    assert result.body["data"] is None
    error = result.errors[0]
    assert error["message"] == "A page holds at most 100 items."
    assert error["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"
    assert error["extensions"]["field"] == "first"
    assert error["extensions"]["messageVi"] == "Mỗi trang tối đa 100 bản ghi."


async def test_deep_queries_are_refused(client: Api) -> None:
    deep = "{ categories { " + "children { " * 12 + "code" + " }" * 12 + " } }"
    result = await client.gql(deep, headers={"Accept-Language": "en"})
    assert result.body.get("data") is None
    assert result.error_codes == ["QUERY_TOO_DEEP"]
    assert result.errors[0]["message"] == "The query is nested too deeply (depth 13, at most 12)."
    assert (result.errors[0]["extensions"]["depth"], result.errors[0]["extensions"]["limit"]) == (13, 12)


async def test_mutations_are_refused_over_get(client: Api) -> None:
    response = await client.http.get(
        "/graphql", params={"query": 'mutation { signIn(email: "a", password: "b") { token } }'}
    )
    assert response.status_code in (400, 405)


def test_logs_are_json_with_the_request_id() -> None:
    from app.requestid import _request_id

    token = _request_id.set("req42")
    try:
        record = logging.LogRecord("app.http", logging.INFO, __file__, 1, "request", (), None)
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        _request_id.reset(token)
    assert line["request_id"] == "req42"
    assert line["message"] == "request"
    assert line["status"] == 200
    assert line["level"] == "INFO"
