"""Concurrent requests racing for the same e-mail or role get the documented answers, never an
unexpected error: the database's unique constraints settle the race, and the loser is told why.
(SQLite serializes the writers; the races are real on PostgreSQL.)"""

from __future__ import annotations

from collections import Counter
from typing import Any

import anyio

from app.auth.enums import Role
from app.auth.tables import Account, AccountRole, AuthSession
from tests.auth.helpers import (
    CREATE_STAFF,
    GRANT_ROLE,
    REVOKE_ROLE,
    SIGN_IN,
    account_id,
    audit_rows,
    citizen_input,
    sign_in,
    texts,
)
from tests.auth.helpers import SIGN_UP as SIGN_UP_DOCUMENT
from tests.support import PASSWORD, Api, Result

N = 6


async def together(client: Api, calls: list[tuple[str, dict[str, Any], str | None]]) -> list[Result]:
    results: list[Result | None] = [None] * len(calls)

    async def one(index: int, query: str, variables: dict[str, Any], token: str | None) -> None:
        results[index] = await client.gql(query, variables, token=token)

    async with anyio.create_task_group() as group:
        for index, (query, variables, token) in enumerate(calls):
            group.start_soon(one, index, query, variables, token)
    return [r for r in results if r is not None]


def outcomes(results: list[Result], name: str) -> Counter[str]:
    """ "ok" or the error code of each payload (a top-level error would fail `.data`)."""
    return Counter(
        "ok" if not r.data[name]["errors"] else "+".join(e["code"] for e in r.data[name]["errors"]) for r in results
    )


async def test_concurrent_sign_ups_with_one_email(client: Api) -> None:
    emails = ["an@example.vn", "AN@example.vn", "An@Example.vn", "an@EXAMPLE.VN", " an@example.vn", "aN@example.vn"]
    results = await together(client, [(SIGN_UP_DOCUMENT, {"input": citizen_input(e)}, None) for e in emails])
    assert outcomes(results, "signUp") == Counter({"ok": 1, "EMAIL_TAKEN": N - 1})
    assert (await Account.count(), await AuthSession.count()) == (1, 1)


async def test_concurrent_staff_creations_with_one_email(client: Api, admin: str) -> None:
    values = {"email": "van.hanh@ttcntt.vn", "fullName": "Vận hành", "password": PASSWORD, "roles": ["OPERATOR"]}
    results = await together(client, [(CREATE_STAFF, {"input": values}, admin)] * N)
    assert outcomes(results, "createStaffAccount") == Counter({"ok": 1, "EMAIL_TAKEN": N - 1})
    assert await Account.count() == 2
    assert await AccountRole.count() == 2  # the admin's and the operator's
    assert [r["action"] for r in await audit_rows()] == ["account.create_staff"] * 2


async def test_concurrent_grants_and_revokes_of_one_role(client: Api, admin: str) -> None:
    operator = await account_id(client, await client.staff("van.hanh@ttcntt.vn", Role.OPERATOR))
    variables = {"accountId": operator, "role": "FINANCE"}
    # granted N times at once: every request succeeds, the role is held once, one audit event
    results = await together(client, [(GRANT_ROLE, variables, admin)] * N)
    assert outcomes(results, "grantRole") == Counter({"ok": N})
    assert {tuple(r.data["grantRole"]["account"]["roles"]) for r in results} == {("FINANCE", "OPERATOR")}
    assert await AccountRole.count().where(AccountRole.account == int(operator)) == 2
    # revoked N times at once: the same
    results = await together(client, [(REVOKE_ROLE, variables, admin)] * N)
    assert outcomes(results, "revokeRole") == Counter({"ok": N})
    assert await AccountRole.count().where(AccountRole.account == int(operator)) == 1
    actions = Counter(r["action"] for r in await audit_rows())
    assert (actions["account.grant_role"], actions["account.revoke_role"]) == (1, 1)


async def test_concurrent_wrong_passwords_all_count(client: Api) -> None:
    await client.customer("an@example.vn")
    wrong = [(SIGN_IN, {"email": "an@example.vn", "password": f"sai-mat-khau-{i}"}, None) for i in range(5)]
    results = await together(client, wrong)
    assert outcomes(results, "signIn") == Counter({"INVALID_CREDENTIALS": 5})
    payload = await sign_in(client, "an@example.vn")
    [error] = payload["errors"]
    assert texts(error)[0] == "ACCOUNT_LOCKED"
