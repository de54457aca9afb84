"""signIn: tokens, identical answers for a wrong password and an unknown e-mail, and the lock after
five failures in a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from app.auth.enums import Role
from app.auth.tables import Account, AuthSession
from app.config import get_settings
from tests.auth.helpers import (
    ACCOUNT_LOCKED,
    INVALID_CREDENTIALS,
    SIGN_IN,
    account_row,
    me,
    snapshot,
    texts,
    top_level_refusal,
)
from tests.support import PASSWORD, Api

T0 = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)
EMAIL = "an@example.vn"


async def sign_in(client: Api, email: str, password: str, **headers: str) -> dict[str, Any]:
    result = await client.gql(SIGN_IN, {"email": email, "password": password}, headers=headers or None)
    return result.data["signIn"]


async def retry_after(client: Api, password: str) -> int | None:
    """The retryAfter of a sign-in's one refusal."""
    query = "mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { errors { code retryAfter } } }"
    [error] = (await client.gql(query, {"e": EMAIL, "p": password})).data["signIn"]["errors"]
    return error["retryAfter"] if error["code"] == "ACCOUNT_LOCKED" else None


async def citizen(client: Api, email: str = EMAIL) -> str:
    return await client.customer(email, "CITIZEN")


def refusal(payload: dict[str, Any]) -> tuple[str, str, str]:
    assert (payload["token"], payload["expiresAt"], payload["account"]) == (None, None, None)
    [error] = payload["errors"]
    assert error["field"] is None
    assert error["message"] == error["messageVi"]
    return texts(error)


def test_the_documented_limits() -> None:
    settings = get_settings()
    assert (settings.max_failed_sign_ins, settings.lockout_minutes, settings.token_ttl_hours) == (5, 15, 12)


async def test_sign_in_returns_a_fresh_token_for_me(client: Api, frozen_now: Any) -> None:
    # given a citizen
    await citizen(client)
    frozen_now(T0)
    # when they sign in with their e-mail in another case, twice
    first = await sign_in(client, "  An@Example.VN ", PASSWORD)
    second = await sign_in(client, EMAIL, PASSWORD)
    # then each sign-in gives its own token, valid 12 hours, which `me` accepts
    assert first["errors"] == second["errors"] == []
    assert first["expiresAt"] == second["expiresAt"] == "2026-05-04T14:00:00+00:00"
    assert first["token"] != second["token"]
    assert first["account"]["email"] == EMAIL
    for payload in (first, second):
        assert (await me(client, payload["token"])).data["me"] == first["account"]
    assert await AuthSession.count() == 3  # the sign-up's session and the two sign-ins'


async def test_staff_sign_in_carries_the_roles(client: Api) -> None:
    await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER, Role.FINANCE)
    payload = await sign_in(client, "bien.tap@ttcntt.vn", PASSWORD)
    assert payload["account"]["kind"] == "STAFF"
    assert payload["account"]["customerKind"] is None
    assert payload["account"]["roles"] == ["CATALOG_MANAGER", "FINANCE"]


async def test_wrong_password_and_unknown_email_get_the_same_answer(client: Api) -> None:
    # given a citizen
    await citizen(client)
    before = await snapshot()
    # when signing in with a wrong password, an unknown e-mail, or something that is no e-mail
    wrong = await sign_in(client, EMAIL, PASSWORD + "x")
    unknown = await sign_in(client, "ai.do@example.vn", PASSWORD)
    malformed = await sign_in(client, "khong-phai-email", PASSWORD)
    empty = await sign_in(client, "", "")
    # then the answers cannot be told apart
    assert refusal(wrong) == refusal(unknown) == refusal(malformed) == refusal(empty) == INVALID_CREDENTIALS
    assert wrong == unknown == malformed == empty
    # and the only change is the failure counted on the existing account
    after = await snapshot()
    assert after["auth_session"] == before["auth_session"]
    assert after["audit_event"] == before["audit_event"] == []
    assert [row["failed_sign_ins"] for row in after["account"]] == [1]
    assert [{**row, "failed_sign_ins": 0} for row in after["account"]] == before["account"]


async def test_english_texts(client: Api) -> None:
    payload = await sign_in(client, "ai.do@example.vn", PASSWORD, **{"Accept-Language": "en"})
    [error] = payload["errors"]
    assert error["message"] == "Wrong e-mail or password."


async def test_five_failures_lock_the_account_for_fifteen_minutes(client: Api, frozen_now: Any) -> None:
    # given a citizen, at T0
    await citizen(client)
    frozen_now(T0)
    # when the password is wrong five times in a row
    for attempt in range(1, 6):
        assert refusal(await sign_in(client, EMAIL, f"sai-mat-khau-{attempt}")) == INVALID_CREDENTIALS
        row = await account_row(EMAIL)
        if attempt < 5:
            assert (row["failed_sign_ins"], row["locked_until"]) == (attempt, None)
    # then the account is locked until T0 + 15 minutes, the counter starting again
    row = await account_row(EMAIL)
    assert (row["failed_sign_ins"], row["locked_until"]) == (0, T0 + timedelta(minutes=15))
    sessions = await AuthSession.count()
    # and even the right password is refused, in both languages, without a session
    locked = await sign_in(client, EMAIL, PASSWORD)
    assert refusal(locked) == ACCOUNT_LOCKED
    assert await retry_after(client, PASSWORD) == 15 * 60  # seconds until the lock ends
    frozen_now(T0 + timedelta(minutes=14, seconds=30))
    assert await retry_after(client, PASSWORD) == 30
    # and a wrong one during the lock is refused the same way and counts nothing
    frozen_now(T0 + timedelta(minutes=15) - timedelta(microseconds=1))
    assert refusal(await sign_in(client, EMAIL, "sai-mat-khau-6")) == ACCOUNT_LOCKED
    assert await retry_after(client, "sai-mat-khau-7") == 1  # never 0: the lock has not ended yet
    assert refusal(await sign_in(client, EMAIL, PASSWORD)) == ACCOUNT_LOCKED
    row = await account_row(EMAIL)
    assert (row["failed_sign_ins"], row["locked_until"]) == (0, T0 + timedelta(minutes=15))
    assert await AuthSession.count() == sessions
    # when the 15 minutes are over
    frozen_now(T0 + timedelta(minutes=15))
    # then the right password works again and clears the lock
    payload = await sign_in(client, EMAIL, PASSWORD)
    assert payload["errors"] == []
    assert (await me(client, payload["token"])).data["me"]["email"] == EMAIL
    row = await account_row(EMAIL)
    assert (row["failed_sign_ins"], row["locked_until"]) == (0, None)


async def test_after_the_lock_expires_a_wrong_password_counts_from_one(client: Api, frozen_now: Any) -> None:
    await citizen(client)
    frozen_now(T0)
    for _ in range(5):
        await sign_in(client, EMAIL, "sai-mat-khau")
    frozen_now(T0 + timedelta(minutes=16))
    # four more wrong passwords do not lock it again; the fifth does
    for attempt in range(1, 5):
        assert refusal(await sign_in(client, EMAIL, "sai-mat-khau")) == INVALID_CREDENTIALS
        assert (await account_row(EMAIL))["failed_sign_ins"] == attempt
    assert refusal(await sign_in(client, EMAIL, "sai-mat-khau")) == INVALID_CREDENTIALS
    assert refusal(await sign_in(client, EMAIL, PASSWORD)) == ACCOUNT_LOCKED
    assert (await account_row(EMAIL))["locked_until"] == T0 + timedelta(minutes=31)


async def test_a_success_resets_the_counter(client: Api) -> None:
    await citizen(client)
    # four failures, a success, four failures again: never five in a row, never locked
    for _ in range(2):
        for _ in range(4):
            assert refusal(await sign_in(client, EMAIL, "sai-mat-khau")) == INVALID_CREDENTIALS
        assert (await account_row(EMAIL))["failed_sign_ins"] == 4
        assert (await sign_in(client, EMAIL, PASSWORD))["errors"] == []
        assert (await account_row(EMAIL))["failed_sign_ins"] == 0
    assert (await account_row(EMAIL))["locked_until"] is None


async def test_the_lock_is_per_account(client: Api) -> None:
    await citizen(client)
    await citizen(client, "binh@example.vn")
    for _ in range(5):
        await sign_in(client, EMAIL, "sai-mat-khau")
    assert refusal(await sign_in(client, EMAIL, PASSWORD)) == ACCOUNT_LOCKED
    assert (await sign_in(client, "binh@example.vn", PASSWORD))["errors"] == []


async def test_an_unknown_email_is_never_locked(client: Api) -> None:
    for _ in range(7):
        assert refusal(await sign_in(client, "ai.do@example.vn", "sai-mat-khau")) == INVALID_CREDENTIALS
    assert await Account.count() == 0


async def test_a_deactivated_account_cannot_sign_in_and_its_tokens_stop_working(client: Api) -> None:
    # given a citizen with a token
    token = await citizen(client)
    # when the account is deactivated
    await Account.update({Account.is_active: False}).where(Account.email == EMAIL)
    # then the right password answers like a wrong one, and the token is refused
    assert refusal(await sign_in(client, EMAIL, PASSWORD)) == INVALID_CREDENTIALS
    extensions = top_level_refusal(await me(client, token))
    assert extensions["code"] == "TOKEN_INVALID"
