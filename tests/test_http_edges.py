"""The HTTP edge of /graphql: every malformed body fuzzing found (each answered HTTP 500 before) is
now HTTP 400 with a GraphQL-shaped error: a stable code, both messages, the request id, no trace."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.api.request_body import MAX_JSON_DEPTH
from tests.support import Api

JSON = {"content-type": "application/json"}
TYPENAME = json.dumps({"query": "{ __typename }"})
UPLOAD = "mutation ($f: Upload!) { importBankStatement(file: $f) { errors { code } } }"


def refusal(response: httpx.Response) -> tuple[int, str, str | None]:
    """(status, code, field), after checking the body is our shape and carries no internals."""
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}, body
    (error,) = body["errors"]
    extensions = error["extensions"]
    assert error["message"] == extensions["messageVi"]  # Vietnamese unless the caller asks for English
    assert extensions["messageEn"] and extensions["messageVi"] != extensions["messageEn"]
    assert extensions["requestId"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response.status_code, extensions["code"], extensions["field"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"query": "\xff{ __typename }"}', "BODY_NOT_UTF8"),
        (b"null", "BODY_NOT_OBJECT"),
        (b"42", "BODY_NOT_OBJECT"),
        (b'"{ __typename }"', "BODY_NOT_OBJECT"),
        (b'[{"query": "{ __typename }"}]', "BODY_NOT_OBJECT"),  # batching is off
        (b"[" * 100_000 + b"]" * 100_000, "BODY_TOO_DEEP"),  # Python's parser overflows its stack here
        (b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}", "BODY_TOO_DEEP"),
        (b'{"query": ', "BODY_NOT_JSON"),
        (b'{"query": "\\ud800"}', "BODY_NOT_UTF8"),  # a lone surrogate: valid JSON, never UTF-8 text
    ],
    ids=["invalid-utf8", "null", "number", "string", "array", "deep-array", "deep-variables", "truncated", "surrogate"],
)
async def test_a_malformed_json_body_is_a_400(client: Api, body: bytes, code: str) -> None:
    response = await client.http.post("/graphql", content=body, headers=JSON)
    assert refusal(response) == (400, code, None)


async def test_json_just_within_the_depth_limit_still_runs(client: Api) -> None:
    # the limit is not so low that real variables trip it: 31 levels of lists under "variables" pass
    nested = "[" * (MAX_JSON_DEPTH - 2) + "]" * (MAX_JSON_DEPTH - 2)
    body = f'{{"query": "{{ __typename }}", "variables": {{"a": {nested}}}}}'
    response = await client.http.post("/graphql", content=body.encode(), headers=JSON)
    assert (response.status_code, response.json()) == (200, {"data": {"__typename": "Query"}})


async def test_the_refusal_speaks_english_when_asked(client: Api) -> None:
    response = await client.http.post("/graphql", content=b"null", headers={**JSON, "accept-language": "en"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == (
        "The request's body must be a JSON object (batched operations are not accepted)."
    )


async def test_strawberrys_own_refusals_take_our_shape(client: Api) -> None:
    # variables that are not an object, an unsupported content type: strawberry's plain-text 400s before
    response = await client.http.post(
        "/graphql", content=b'{"query": "{ __typename }", "variables": [1]}', headers=JSON
    )
    assert refusal(response) == (400, "BAD_REQUEST", None)
    response = await client.http.post("/graphql", content=b"{ __typename }", headers={"content-type": "text/plain"})
    assert refusal(response) == (400, "BAD_REQUEST", None)


def multipart(operations: str, files_map: str, files: dict[str, Any] | None = None) -> dict[str, Any]:
    sent = files if files is not None else {"0": ("a.pdf", b"%PDF-1.7\n", "application/pdf")}
    return {"data": {"operations": operations, "map": files_map}, "files": sent}


UPLOAD_OPERATIONS = json.dumps({"query": UPLOAD, "variables": {"f": None}})


@pytest.mark.parametrize(
    ("parts", "code", "field"),
    [
        (multipart("{", "{}"), "BODY_NOT_JSON", "operations"),
        (multipart("null", "{}"), "BODY_NOT_OBJECT", "operations"),
        (multipart(TYPENAME, "{"), "BODY_NOT_JSON", "map"),
        (multipart(TYPENAME, "[1]"), "BODY_NOT_OBJECT", "map"),
        (multipart(UPLOAD_OPERATIONS, '{"0": "variables.f"}'), "MULTIPART_INVALID", "map"),  # not a list
        (multipart(UPLOAD_OPERATIONS, '{"1": ["variables.f"]}'), "MULTIPART_INVALID", "map"),  # file 1 not sent
        (multipart(UPLOAD_OPERATIONS, '{"0": ["variables.g"]}'), "MULTIPART_INVALID", "map"),  # no such variable
        (multipart(UPLOAD_OPERATIONS, '{"0": ["query"]}'), "MULTIPART_INVALID", "map"),  # not a variable
        (multipart(UPLOAD_OPERATIONS, '{"0": ["variables.f.x.y"]}'), "MULTIPART_INVALID", "map"),
        # the form field `operations` itself named as the file: a JSON string where an Upload is expected
        (multipart(UPLOAD_OPERATIONS, '{"operations": ["variables.f"]}', {}), "MULTIPART_INVALID", "map"),
    ],
    ids=["ops-not-json", "ops-null", "map-not-json", "map-array", "map-value-string", "missing-file",
         "unknown-variable", "not-a-variable", "path-too-deep", "form-field-as-file"],
)  # fmt: skip
async def test_a_malformed_multipart_request_is_a_400(
    client: Api, parts: dict[str, Any], code: str, field: str | None
) -> None:
    files = parts["files"] or {"extra": ("x.txt", b"x", "text/plain")}
    response = await client.http.post("/graphql", data=parts["data"], files=files)
    assert refusal(response) == (400, code, field)


async def test_multipart_without_operations_is_a_400(client: Api) -> None:
    response = await client.http.post(
        "/graphql", data={"map": "{}"}, files={"0": ("a.pdf", b"%PDF-", "application/pdf")}
    )
    assert refusal(response) == (400, "MULTIPART_INVALID", None)


async def test_a_json_string_where_an_upload_is_expected_is_a_400(client: Api) -> None:
    response = await client.http.post("/graphql", json={"query": UPLOAD, "variables": {"f": "%PDF-1.7 not a file"}})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UPLOAD_EXPECTED"
    assert error["extensions"]["messageEn"] == "This field needs a file sent as a multipart part, not a JSON value."
    assert response.json()["data"] is None


@pytest.fixture
async def two_files_app(db: None, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    from app.config import get_settings
    from app.db import database_lifespan
    from app.main import create_app

    monkeypatch.setenv("MAX_UPLOAD_FILES", "2")
    get_settings.cache_clear()
    transport = httpx.ASGITransport(app=create_app())
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    monkeypatch.delenv("MAX_UPLOAD_FILES")
    get_settings.cache_clear()


async def test_more_files_than_the_setting_allows_is_a_400(two_files_app: httpx.AsyncClient) -> None:
    pdf = ("a.pdf", b"%PDF-1.7\n", "application/pdf")
    operations = json.dumps({"query": UPLOAD, "variables": {"f": None}})
    three = {str(i): pdf for i in range(3)}
    mapping = json.dumps({str(i): ["variables.f"] for i in range(3)})
    response = await two_files_app.post("/graphql", data={"operations": operations, "map": mapping}, files=three)
    assert refusal(response) == (400, "TOO_MANY_FILES", "map")
    assert response.json()["errors"][0]["extensions"]["messageEn"] == "A request may carry at most 2 files."
    # far more parts than the limit: refused by the multipart parser before it reads them all
    many = {str(i): pdf for i in range(40)}
    response = await two_files_app.post("/graphql", data={"operations": operations, "map": mapping}, files=many)
    assert refusal(response) == (400, "TOO_MANY_FILES", "map")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/no/such/route", 404, "NOT_FOUND"),
        ("GET", "/projects/X/evidence/abc", 404, "NOT_FOUND"),  # a path parameter that is not a number
        ("PUT", "/health", 405, "METHOD_NOT_ALLOWED"),
    ],
)
async def test_litestars_own_refusals_take_the_http_routes_shape(
    client: Api, method: str, path: str, status: int, code: str
) -> None:
    response = await client.http.request(method, path, headers={"accept-language": "en"})
    assert response.status_code == status
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (code, error["messageEn"])
    assert set(error) == {"code", "message", "messageVi", "messageEn"}


async def test_a_body_over_litestars_limit_is_a_413_in_the_graphql_shape(client: Api) -> None:
    # (refused before the request-id middleware runs: no request id here)
    response = await client.http.post("/graphql", content=b" " * (10 * 1024 * 1024 + 1), headers=JSON)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"
    response = await client.http.request("DELETE", "/graphql")
    assert response.status_code == 405
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in response.headers["allow"]
