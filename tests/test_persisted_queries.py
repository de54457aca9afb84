"""Trusted documents: graphql/operations/*.graphql by SHA-256, sent as a hash only (GET and POST), the
refusals of the persisted-query convention, and partner keys held to registered documents."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from app.api import trusted_documents
from app.auth.enums import Role
from app.db import count_queries
from tests.read_cache_support import CATALOG_SERVICES, OPERATIONS, cache_state, get, post
from tests.support import Api, env_settings

SHA = hashlib.sha256(CATALOG_SERVICES.encode()).hexdigest()
UNKNOWN = "0" * 64
AD_HOC = "query { departments { code } }"


def persisted(sha: str, version: Any = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha}}


async def send_hash(client: Api, extensions: Any, variables: dict[str, Any] | None = None, **headers: str) -> Any:
    body = {"variables": variables or {}, "extensions": extensions}
    return await client.http.post("/graphql", json=body, headers=headers)


def codes(response: Any) -> list[str]:
    return [e["extensions"]["code"] for e in response.json().get("errors", [])]


async def partner_key(client: Api) -> str:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    created = await client.gql(
        'mutation { createApiKey(name: "Cổng", scopes: [CATALOG_READ]) { key errors { code } } }', token=admin
    )
    return created.data["createApiKey"]["key"]


def test_every_operation_file_is_registered_under_the_sha256_of_its_text() -> None:
    files = sorted(OPERATIONS.glob("*.graphql"))
    registered = trusted_documents.registered()
    assert len(files) == len(registered) == 9
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert registered[hashlib.sha256(path.read_bytes()).hexdigest()] == text


async def test_a_hash_alone_runs_the_registered_document_by_post_and_get(client: Api, catalog: dict[str, int]) -> None:
    by_text = await post(client, CATALOG_SERVICES, {"first": 2})
    by_post = await send_hash(client, persisted(SHA), {"first": 2})
    by_get = await get(client, None, {"first": 2}, extensions=persisted(SHA))
    assert by_post.status_code == by_get.status_code == 200
    assert by_post.json() == by_get.json() == by_text.json()
    assert len(by_text.json()["data"]["services"]["edges"]) == 2
    assert cache_state(by_get) == "hit"  # the same document, whichever way it came


@pytest.mark.parametrize(
    ("extensions", "query", "code"),
    [
        (persisted(UNKNOWN), None, "PERSISTED_QUERY_NOT_FOUND"),
        (persisted(UNKNOWN), AD_HOC, "PERSISTED_QUERY_HASH_MISMATCH"),
        (persisted(SHA, version=2), None, "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"),
        (persisted("ABC"), None, "PERSISTED_QUERY_INVALID_HASH"),
        (persisted(SHA.upper()), None, "PERSISTED_QUERY_INVALID_HASH"),
        ({"persistedQuery": "x"}, None, "PERSISTED_QUERY_VERSION_NOT_SUPPORTED"),
    ],
)
async def test_persisted_query_refusals(client: Api, extensions: Any, query: str | None, code: str) -> None:
    body = {"query": query, "extensions": extensions} if query else {"extensions": extensions}
    with count_queries() as statements:
        response = await client.http.post("/graphql", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.json()["data"] is None
    assert codes(response) == [code]
    error = response.json()["errors"][0]
    assert error["message"] == error["extensions"]["messageEn"]
    assert error["extensions"]["messageVi"]
    assert statements == []  # refused before anything is read


async def test_a_document_sent_with_its_hash_runs_once_and_is_not_registered(client: Api) -> None:
    sha = hashlib.sha256(AD_HOC.encode()).hexdigest()
    ran = await client.http.post("/graphql", json={"query": AD_HOC, "extensions": persisted(sha)})
    assert ran.json() == {"data": {"departments": []}}
    again = await send_hash(client, persisted(sha))
    assert codes(again) == ["PERSISTED_QUERY_NOT_FOUND"]  # no registration from requests
    assert sha not in trusted_documents.registered()


@pytest.fixture
def registered_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with env_settings(monkeypatch, PARTNER_DOCUMENTS="registered"):
        yield


async def test_partner_keys_may_be_held_to_registered_documents(
    registered_only: None, client: Api, catalog: dict[str, int]
) -> None:
    key = await partner_key(client)
    by_hash = await send_hash(client, persisted(SHA), {"first": 1}, **{"X-API-Key": key})
    by_text = await post(client, CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": key})
    assert len(by_hash.json()["data"]["services"]["edges"]) == 1
    assert by_text.json() == by_hash.json()
    for send in (
        lambda: post(client, AD_HOC, **{"X-API-Key": key}),
        lambda: get(client, AD_HOC, **{"X-API-Key": key}),
        lambda: post(client, AD_HOC, Authorization=f"Bearer {key}"),
        lambda: post(client, "# a comment changes the text\n" + CATALOG_SERVICES, {"first": 1}, **{"X-API-Key": key}),
    ):
        refused = await send()
        assert (refused.json()["data"], codes(refused)) == (None, ["DOCUMENT_NOT_REGISTERED"])
    anonymous = await post(client, AD_HOC)
    assert len(anonymous.json()["data"]["departments"]) == 5  # the public may still send its own queries


async def test_partner_keys_run_any_document_by_default(client: Api, catalog: dict[str, int]) -> None:
    key = await partner_key(client)
    response = await post(client, AD_HOC, **{"X-API-Key": key})
    assert len(response.json()["data"]["departments"]) == 5
