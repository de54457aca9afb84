"""Partner API keys: shown once, stored as SHA-256, sent as X-API-Key or Bearer, scoped, revocable."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.audit.tables import AuditEvent
from app.auth.tables import ApiKey
from tests.auth.helpers import (
    ADMIN_EMAIL,
    API_KEYS,
    CREATE_API_KEY,
    REVOKE_API_KEY,
    SERVICES,
    audit_rows,
    create_key,
    errors_of,
    me,
    snapshot,
    top_level_refusal,
)
from tests.support import Api

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
KEY_FORMAT = re.compile(r"^ttk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$")
PUBLIC_PROJECTS = "{ publicProjects(first: 5) { totalCount } }"


def refusal(result: Any) -> tuple[str, str, str]:
    extensions = top_level_refusal(result)
    return extensions["code"], extensions["messageVi"], extensions["messageEn"]


async def test_a_new_key_is_shown_once_and_stored_as_its_sha256(client: Api, admin: str, frozen_now: Any) -> None:
    # when an admin creates a key for the provincial public-service portal
    frozen_now(T0)
    payload = await create_key(client, admin, ["PROJECTS_READ", "CATALOG_READ"], name="  Cổng dịch vụ công tỉnh ")
    # then the full key comes back once, in the documented format, with the key's description
    key = payload["key"]
    match = KEY_FORMAT.match(key)
    assert match, key
    api_key = payload["apiKey"]
    assert api_key == {
        "id": api_key["id"],
        "name": "Cổng dịch vụ công tỉnh",
        "prefix": match.group(1),
        "scopes": ["CATALOG_READ", "PROJECTS_READ"],
        "createdAt": api_key["createdAt"],
        "revokedAt": None,
        "lastUsedAt": None,
    }
    # and the table holds the SHA-256 of the key, never the key or its secret part
    [row] = await ApiKey.select().output(load_json=True)
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    secret = key.split("_", 2)[2]
    for column, value in row.items():
        assert key not in str(value), column
        assert secret not in str(value), column
    assert row["scopes"] == ["catalog:read", "projects:read"]
    admin_row = await me(client, admin)
    assert row["created_by"] == int(admin_row.data["me"]["id"])
    # and the creation is audited without the key (after the admin's own creation)
    created_admin, event = await audit_rows()
    assert created_admin["action"] == "account.create_staff"
    assert {k: event[k] for k in ("actor_label", "action", "entity_type", "entity_id", "before", "after")} == {
        "actor_label": ADMIN_EMAIL,
        "action": "api_key.create",
        "entity_type": "api_key",
        "entity_id": api_key["id"],
        "before": None,
        "after": {
            "name": "Cổng dịch vụ công tỉnh",
            "prefix": match.group(1),
            "scopes": ["catalog:read", "projects:read"],
        },
    }
    assert secret not in json.dumps(await AuditEvent.select().output(load_json=True), default=str)


async def test_the_key_is_never_listed(client: Api, admin: str) -> None:
    # given three keys
    keys = [(await create_key(client, admin, ["CATALOG_READ"], name=f"Đối tác {i}"))["key"] for i in range(3)]
    # when an admin lists them, in pages of two
    first = (await client.gql(API_KEYS, {"first": 2}, token=admin)).data["apiKeys"]
    rest = (await client.gql(API_KEYS, {"first": 2, "after": first["pageInfo"]["endCursor"]}, token=admin)).data[
        "apiKeys"
    ]
    # then each appears once, with its prefix and never the key
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (3, True)
    assert (rest["totalCount"], rest["pageInfo"]["hasNextPage"]) == (3, False)
    nodes = [e["node"] for e in first["edges"] + rest["edges"]]
    assert [n["name"] for n in nodes] == ["Đối tác 0", "Đối tác 1", "Đối tác 2"]
    assert [f"ttk_{n['prefix']}_" for n in nodes] == [k[: len("ttk_12345678_")] for k in keys]
    listed = json.dumps([first, rest])
    for key in keys:
        assert key not in listed
        assert key.split("_", 2)[2] not in listed


async def test_no_field_but_the_creation_payload_can_show_a_key(client: Api) -> None:
    query = '{ t: __type(name: "ApiKey") { fields { name } } p: __type(name: "ApiKeyPayload") { fields { name } } }'
    result = (await client.gql(query)).data
    assert sorted(f["name"] for f in result["t"]["fields"]) == [
        "createdAt",
        "id",
        "lastUsedAt",
        "name",
        "prefix",
        "revokedAt",
        "scopes",
    ]
    assert sorted(f["name"] for f in result["p"]["fields"]) == ["apiKey", "errors", "key"]


@pytest.mark.parametrize("how", ["x-api-key", "bearer", "bearer-lowercase"])
async def test_the_key_works_in_either_header(client: Api, admin: str, catalog: Any, how: str) -> None:
    key = (await create_key(client, admin, ["CATALOG_READ"]))["key"]
    headers = {
        "x-api-key": {"X-API-Key": key},
        "bearer": {"Authorization": f"Bearer {key}"},
        "bearer-lowercase": {"authorization": f"bearer {key}"},
    }[how]
    result = await client.gql(SERVICES, headers=headers)
    assert result.data["services"]["totalCount"] == 47
    # a key is no account
    assert (await me(client, headers=headers)).data["me"] is None


async def test_last_use_is_recorded_at_most_once_a_minute(client: Api, admin: str, frozen_now: Any) -> None:
    key = (await create_key(client, admin, ["CATALOG_READ"]))["key"]

    async def last_used() -> Any:
        return (await ApiKey.select(ApiKey.last_used_at).first())["last_used_at"]

    assert await last_used() is None
    frozen_now(T0)
    assert (await client.gql(SERVICES, headers={"X-API-Key": key})).data["services"]["totalCount"] == 0
    assert await last_used() == T0
    frozen_now(T0 + timedelta(seconds=60))
    await client.gql(SERVICES, headers={"Authorization": f"Bearer {key}"})
    assert await last_used() == T0
    frozen_now(T0 + timedelta(seconds=61))
    await client.gql(SERVICES, headers={"X-API-Key": key})
    assert await last_used() == T0 + timedelta(seconds=61)
    # and admins see it
    [edge] = (await client.gql(API_KEYS, token=admin)).data["apiKeys"]["edges"]
    assert edge["node"]["lastUsedAt"] == "2026-07-01T08:01:01+00:00"


async def test_a_revoked_key_is_refused_at_once(client: Api, admin: str, frozen_now: Any) -> None:
    # given a key in use
    created = await create_key(client, admin, ["CATALOG_READ"])
    key, key_id = created["key"], created["apiKey"]["id"]
    assert (await client.gql(SERVICES, headers={"X-API-Key": key})).data["services"]["totalCount"] == 0
    # when an admin revokes it
    frozen_now(T0)
    payload = (await client.gql(REVOKE_API_KEY, {"id": key_id}, token=admin)).data["revokeApiKey"]
    # then it is marked revoked and audited
    assert payload["errors"] == []
    assert payload["key"] is None
    assert (payload["apiKey"]["id"], payload["apiKey"]["revokedAt"]) == (key_id, "2026-07-01T08:00:00+00:00")
    event = (await audit_rows())[-1]
    assert (event["action"], event["entity_id"], event["before"], event["after"]) == (
        "api_key.revoke",
        key_id,
        {"revoked": False},
        {"revoked": True},
    )
    # and its next use, in either header, is refused before execution
    expected = ("API_KEY_REVOKED", "Khóa API đã bị thu hồi.", "The API key has been revoked.")
    assert refusal(await client.gql(SERVICES, headers={"X-API-Key": key})) == expected
    assert refusal(await client.gql(SERVICES, headers={"Authorization": f"Bearer {key}"})) == expected
    # and revoking it again changes nothing
    before = await snapshot()
    frozen_now(T0 + timedelta(hours=1))
    again = (await client.gql(REVOKE_API_KEY, {"id": key_id}, token=admin)).data["revokeApiKey"]
    assert (again["errors"], again["apiKey"]["revokedAt"]) == ([], "2026-07-01T08:00:00+00:00")
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("key_id", "expected"),
    [
        ("999", ("id", "NOT_FOUND", "Không tìm thấy khóa API.", "API key not found.")),
        ("abc", ("id", "INVALID_ID", "Mã định danh không hợp lệ.", "The id is not valid.")),
        ("-1", ("id", "INVALID_ID", "Mã định danh không hợp lệ.", "The id is not valid.")),
        ("1" * 30, ("id", "INVALID_ID", "Mã định danh không hợp lệ.", "The id is not valid.")),
        ("¹", ("id", "INVALID_ID", "Mã định danh không hợp lệ.", "The id is not valid.")),
    ],
)
async def test_revoking_an_unknown_key(client: Api, admin: str, key_id: str, expected: tuple[str, ...]) -> None:
    await create_key(client, admin, ["CATALOG_READ"])
    before = await snapshot()
    payload = (await client.gql(REVOKE_API_KEY, {"id": key_id}, token=admin)).data["revokeApiKey"]
    assert (payload["key"], payload["apiKey"]) == (None, None)
    assert [(e["field"], e["code"], e["messageVi"], e["messageEn"]) for e in payload["errors"]] == [expected]
    assert await snapshot() == before


async def test_scopes_limit_what_a_key_reads(client: Api, admin: str) -> None:
    projects_key = (await create_key(client, admin, ["PROJECTS_READ"]))["key"]
    catalog_key = (await create_key(client, admin, ["CATALOG_READ"]))["key"]
    # a key without CATALOG_READ may not read the catalog
    result = await client.gql(SERVICES, headers={"X-API-Key": projects_key})
    assert refusal(result) == (
        "FORBIDDEN",
        "Bạn không có quyền thực hiện thao tác này.",
        "You are not allowed to do this.",
    )
    assert result.errors[0]["path"] == ["services"]
    # nor one without PROJECTS_READ the public projects
    result = await client.gql(PUBLIC_PROJECTS, headers={"X-API-Key": catalog_key})
    assert refusal(result)[0] == "FORBIDDEN"
    # each reads its own
    assert (await client.gql(PUBLIC_PROJECTS, headers={"X-API-Key": projects_key})).data == {
        "publicProjects": {"totalCount": 0}
    }
    assert (await client.gql(SERVICES, headers={"X-API-Key": catalog_key})).data == {"services": {"totalCount": 0}}


@pytest.mark.parametrize(
    "headers",
    [
        {"X-API-Key": "ttk_deadbeef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
        {"X-API-Key": "garbage"},
        {"Authorization": "Bearer ttk_deadbeef_x"},
        {"Authorization": "Bearer ttk_"},
    ],
)
async def test_an_unknown_key_is_invalid(client: Api, admin: str, headers: dict[str, str]) -> None:
    await create_key(client, admin, ["CATALOG_READ"])
    before = await snapshot()
    assert refusal(await client.gql(SERVICES, headers=headers)) == (
        "API_KEY_INVALID",
        "Khóa API không hợp lệ.",
        "The API key is not valid.",
    )
    assert await snapshot() == before


async def test_a_key_with_its_last_character_changed_is_invalid(client: Api, admin: str) -> None:
    key = (await create_key(client, admin, ["CATALOG_READ"]))["key"]
    altered = key[:-1] + ("A" if key[-1] != "A" else "B")
    assert refusal(await client.gql(SERVICES, headers={"X-API-Key": altered}))[0] == "API_KEY_INVALID"


async def test_create_api_key_refusals_report_every_field_and_write_nothing(client: Api, admin: str) -> None:
    before = await snapshot()

    async def errors(name: str, scopes: list[str]) -> list[tuple[str | None, str]]:
        payload = (await client.gql(CREATE_API_KEY, {"name": name, "scopes": scopes}, token=admin)).data["createApiKey"]
        assert (payload["key"], payload["apiKey"]) == (None, None)
        return errors_of(payload)

    assert await errors("  ", []) == [("name", "REQUIRED"), ("scopes", "REQUIRED")]
    assert await errors("Đối tác", []) == [("scopes", "REQUIRED")]
    assert await errors("Đối\ntác", ["CATALOG_READ"]) == [("name", "CONTROL_CHARACTERS")]
    assert await errors("x" * 201, ["CATALOG_READ"]) == [("name", "TOO_LONG")]
    assert await snapshot() == before


async def test_repeated_scopes_are_stored_and_audited_once(client: Api, admin: str) -> None:
    payload = await create_key(client, admin, ["CATALOG_READ", "CATALOG_READ"])
    assert payload["apiKey"]["scopes"] == ["CATALOG_READ"]
    event = (await audit_rows())[-1]
    assert (event["action"], event["after"]["scopes"]) == ("api_key.create", ["catalog:read"])


async def test_each_key_is_different(client: Api, admin: str) -> None:
    created = [await create_key(client, admin, ["CATALOG_READ"]) for _ in range(5)]
    assert len({c["key"] for c in created}) == len({c["apiKey"]["prefix"] for c in created}) == 5
