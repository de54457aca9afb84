"""What the authorization matrices of the domains share (billing, documents): the callers and the
outcome codes, people of every kind, and the check of one call against its cell.

The first matrix (tests/auth/test_authorization_matrix.py) keeps its own copy of these pieces and
builds its own world; tests/auth's coverage test unions every domain's MATRIX.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.auth.enums import Role
from tests.auth.helpers import account_id, create_key, snapshot
from tests.support import Api, Result

A = None  # allowed
U = "UNAUTHENTICATED"
F = "FORBIDDEN"
NF = "NOT_FOUND"  # another customer's thing: as if it did not exist

CALLERS = (
    "anonymous",
    "citizen",
    "business",
    "operator",
    "finance",
    "project_manager",
    "catalog_manager",
    "admin",
    "partner_key",
)
STAFF = {
    "operator": ("van.hanh@ttcntt.vn", Role.OPERATOR),
    "finance": ("ke.toan@ttcntt.vn", Role.FINANCE),
    "project_manager": ("quan.ly.du.an@ttcntt.vn", Role.PROJECT_MANAGER),
    "catalog_manager": ("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER),
    "admin": ("quan.tri@ttcntt.vn", Role.ADMIN),
}
CUSTOMERS = {"citizen": ("cong.dan@example.vn", "CITIZEN"), "business": ("doanh.nghiep@example.vn", "BUSINESS")}
ERR = "errors { code field }"


@dataclass
class World:
    headers: dict[str, dict[str, str]] = field(default_factory=dict)  # caller -> request headers
    tokens: dict[str, str] = field(default_factory=dict)  # caller -> bearer token (people only)
    actors: dict[str, str] = field(default_factory=dict)  # caller -> actor label in the audit log
    ids: dict[str, Any] = field(default_factory=dict)  # what the calls aim at, by name


async def people(client: Api) -> World:
    """Every kind of caller: staff of each role, a citizen and a business customer, a partner key
    (used once, so that with the clock frozen its later uses write nothing)."""
    world = World()
    world.headers["anonymous"], world.actors["anonymous"] = {}, "anonymous"
    for caller, (email, role) in STAFF.items():
        world.tokens[caller] = await client.staff(email, role)
        world.actors[caller] = email
    for caller, (email, kind) in CUSTOMERS.items():
        world.tokens[caller] = await client.customer(email, kind)
        world.actors[caller] = email
    for caller, token in world.tokens.items():
        world.headers[caller] = {"Authorization": f"Bearer {token}"}
    partner = await create_key(client, world.tokens["admin"], ["CATALOG_READ", "PROJECTS_READ"], name="Cổng đối tác")
    world.headers["partner_key"] = {"X-API-Key": partner["key"]}
    world.actors["partner_key"] = f"api-key:{partner['apiKey']['id']}"
    assert (await client.gql("{ me { id } }", headers=world.headers["partner_key"])).data == {"me": None}
    for caller in ("operator", "project_manager", "business"):
        world.ids[caller] = await account_id(client, world.tokens[caller])
    return world


@dataclass
class Call:
    """One call of a mutation and what the matrix expects of it."""

    name: str
    document: str
    results: tuple[str, ...]  # the payload's result fields: all present when allowed, all null when refused
    variables: dict[str, Any]
    expected: str | None  # None: allowed; else the one refusal code
    audited: list[str]  # the audit actions an allowed call adds, in order
    writes: set[str]  # the tables an allowed call changes (audit_event aside)
    actor: str  # the actor label of those audit events
    upload: tuple[str, bytes] | None = None  # (variable, content): sent as a GraphQL multipart request


async def send(client: Api, call: Call, headers: dict[str, str]) -> Result:
    if call.upload is None:
        return await client.gql(call.document, call.variables, headers=headers)
    variable, content = call.upload
    operations = {"query": call.document, "variables": {**call.variables, variable: None}}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": [f"variables.{variable}"]})},
        files={"0": ("sao-ke.csv", content, "text/csv")},
        headers=headers,
    )
    return Result(response.json(), response.status_code)


def changed_tables(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> set[str]:
    return {table for table in after if after[table] != before[table]}


async def check(client: Api, call: Call, headers: dict[str, str], who: str) -> list[str]:
    """Makes the call; returns what differs from the matrix (empty when all is as expected)."""
    before = await snapshot()
    result = await send(client, call, headers)
    assert "errors" not in result.body, result.body  # refusals are typed payload errors, never GraphQL errors
    payload = result.data[call.name]
    results = [payload[f] for f in call.results]
    after = await snapshot()
    problems = []
    if call.expected is None:
        new_events = after["audit_event"][len(before["audit_event"]) :]
        if payload["errors"] != [] or not all(r is not None for r in results):
            problems.append(f"refused: {payload}")
        if changed_tables(before, after) - {"audit_event"} != call.writes:
            problems.append(f"wrote {sorted(changed_tables(before, after))}")
        if [e["action"] for e in new_events] != call.audited:
            problems.append(f"audited {[e['action'] for e in new_events]}")
        if any(e["actor_label"] != call.actor for e in new_events):
            problems.append(f"audited as {[e['actor_label'] for e in new_events]}")
        if after["audit_event"][: len(before["audit_event"])] != before["audit_event"]:
            problems.append("changed earlier audit events")
    else:
        if [e["code"] for e in payload["errors"]] != [call.expected]:
            problems.append(f"errors {payload['errors']}, expected {call.expected}")
        if any(r is not None for r in results):
            problems.append(f"returned {results}")
        if after != before:
            problems.append(f"a refusal wrote {sorted(changed_tables(before, after))}")
    return [f"{call.name} as {who}: {problem}" for problem in problems]
