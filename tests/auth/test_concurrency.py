"""Concurrent requests racing for the same e-mail or role get the documented answers, never an
unexpected error: the database's unique constraints settle the race, and the loser is told why.
(SQLite serializes the writers; the races are real on PostgreSQL.)"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
import pytest

from app.auth import passwords
from app.auth import repository as auth_repository
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


# --- the lock under concurrency: each attempt is counted before its password is checked ---------------

T0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
EMAIL = "an@example.vn"


class VerifyGate:
    """Holds every password check until all `expected` sign-ins have been counted or refused, so the
    race is the worst case (every attempt counted before any check ends) whatever the scheduling."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, expected: int) -> None:
        self.expected, self.claims, self.checked = expected, 0, 0
        self.all_claimed, self.lock = threading.Event(), threading.Lock()
        claim, verify = auth_repository.claim_sign_in, passwords._verify_now

        async def counted_claim(*args: Any) -> int | None:
            try:
                return await claim(*args)
            finally:
                self.claims += 1
                if self.claims == self.expected:
                    self.all_claimed.set()

        def held_verify(password: str, password_hash: str) -> bool:
            with self.lock:  # worker threads
                self.checked += 1
            assert self.all_claimed.wait(timeout=60), "not every sign-in was counted"
            return verify(password, password_hash)

        monkeypatch.setattr(auth_repository, "claim_sign_in", counted_claim)
        monkeypatch.setattr(passwords, "_verify_now", held_verify)


async def test_twenty_parallel_wrong_passwords_lock_the_account(
    client: Api, monkeypatch: pytest.MonkeyPatch, frozen_now: Any
) -> None:
    # given a citizen, and every password check held until all 20 attempts are counted
    await client.customer(EMAIL)
    sessions = await AuthSession.count()
    frozen_now(T0)
    gate = VerifyGate(monkeypatch, 20)
    # when 20 wrong passwords arrive at once
    wrong = [(SIGN_IN, {"email": EMAIL, "password": f"sai-mat-khau-{i}"}, None) for i in range(20)]
    results = await together(client, wrong)
    # then 5 are checked and counted, the other 15 refused without a check, and the account is locked
    assert outcomes(results, "signIn") == Counter({"INVALID_CREDENTIALS": 5, "ACCOUNT_LOCKED": 15})
    assert gate.checked == 5
    row = await Account.select(Account.failed_sign_ins, Account.locked_until).where(Account.email == EMAIL).first()
    assert row == {"failed_sign_ins": 0, "locked_until": T0 + timedelta(minutes=15)}
    # and even the right password is refused now, without a session
    [error] = (await sign_in(client, EMAIL))["errors"]
    assert texts(error)[0] == "ACCOUNT_LOCKED"
    assert await AuthSession.count() == sessions


async def test_a_right_password_among_nineteen_wrong_ones(client: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a citizen, and every password check held until all 20 attempts are counted
    await client.customer(EMAIL)
    sessions = await AuthSession.count()
    gate = VerifyGate(monkeypatch, 20)
    # when the right password races 19 wrong ones
    calls = [(SIGN_IN, {"email": EMAIL, "password": PASSWORD}, None)]
    calls += [(SIGN_IN, {"email": EMAIL, "password": f"sai-mat-khau-{i}"}, None) for i in range(19)]
    results = await together(client, calls)
    # then at most 5 passwords were checked; 15 or more were refused unchecked
    counted = outcomes(results, "signIn")
    assert gate.checked == 5
    assert counted["ACCOUNT_LOCKED"] >= 15
    assert counted["INVALID_CREDENTIALS"] + counted["ok"] + counted["ACCOUNT_LOCKED"] == 20
    assert counted["ok"] <= 1
    # and a token was issued only if the right password's check ended before the lock was set
    assert await AuthSession.count() == sessions + counted["ok"]
    tokens = [r.data["signIn"]["token"] for r in results if r.data["signIn"]["token"]]
    assert len(tokens) == counted["ok"]


async def test_no_token_once_the_lock_is_set(client: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a citizen whose right password's check is held (counted first, in the first place)
    await client.customer(EMAIL)
    sessions = await AuthSession.count()
    release, started = threading.Event(), asyncio.Event()
    verify, loop = passwords._verify_now, asyncio.get_running_loop()

    def held_verify(password: str, password_hash: str) -> bool:
        if password == PASSWORD:
            loop.call_soon_threadsafe(started.set)
            assert release.wait(timeout=60)
        return verify(password, password_hash)

    monkeypatch.setattr(passwords, "_verify_now", held_verify)
    results: list[dict[str, Any]] = []

    async def right() -> None:
        results.append(await sign_in(client, EMAIL))

    async with anyio.create_task_group() as group:
        group.start_soon(right)
        await started.wait()
        # when four wrong passwords are checked meanwhile (the fifth failure in a row locks)
        for attempt in range(4):
            [error] = (await sign_in(client, EMAIL, f"sai-mat-khau-{attempt}"))["errors"]
            assert texts(error)[0] == "INVALID_CREDENTIALS"
        assert (await Account.select(Account.locked_until).where(Account.email == EMAIL).first())["locked_until"]
        release.set()
    # then the right password, checked before the lock but finished after it, gets no token
    [payload] = results
    assert payload["token"] is None
    assert [texts(e)[0] for e in payload["errors"]] == ["ACCOUNT_LOCKED"]
    assert await AuthSession.count() == sessions
