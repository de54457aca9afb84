"""Bearer tokens: expiry, sign-out, malformed headers. A bad token refuses the whole request before
execution (data null, one error with its code), even for public reads and mutations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.auth.tables import AuthSession
from tests.auth.helpers import (
    CREATE_API_KEY,
    SERVICES,
    SIGN_OUT,
    UNAUTHENTICATED,
    me,
    sign_in,
    snapshot,
    texts,
    top_level_refusal,
)
from tests.support import Api

T0 = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
EMAIL = "an@example.vn"

TOKEN_EXPIRED = ("TOKEN_EXPIRED", "Phiên đăng nhập đã hết hạn.", "The access token has expired.")
TOKEN_REVOKED = ("TOKEN_REVOKED", "Phiên đăng nhập đã bị thu hồi.", "The access token has been revoked.")
TOKEN_INVALID = ("TOKEN_INVALID", "Mã đăng nhập không hợp lệ.", "The access token is not valid.")
BAD_HEADER = (
    "TOKEN_INVALID",
    "Tiêu đề Authorization phải có dạng 'Bearer <mã>'.",
    "The Authorization header must be 'Bearer <token>'.",
)


def refusal(result: Any) -> tuple[str, str, str]:
    extensions = top_level_refusal(result)
    assert extensions["field"] is None
    assert len(extensions["requestId"]) == 32
    return extensions["code"], extensions["messageVi"], extensions["messageEn"]


async def test_a_token_expires_after_twelve_hours(client: Api, frozen_now: Any) -> None:
    # given a citizen signed up at T0
    frozen_now(T0)
    token = await client.customer(EMAIL)
    # when it is one microsecond before T0 + 12 h, then the token works
    frozen_now(T0 + timedelta(hours=12) - timedelta(microseconds=1))
    assert (await me(client, token)).data["me"]["email"] == EMAIL
    # when it is T0 + 12 h, then every request with it is refused before execution
    frozen_now(T0 + timedelta(hours=12))
    assert refusal(await me(client, token)) == TOKEN_EXPIRED
    assert refusal(await client.gql(SERVICES, token=token)) == TOKEN_EXPIRED  # even a public read
    before = await snapshot()
    assert refusal(await client.gql(SIGN_OUT, token=token)) == TOKEN_EXPIRED
    assert await snapshot() == before  # not even signed out
    # and signing in again gives a new token valid from now
    fresh = await sign_in(client, EMAIL)
    assert fresh["expiresAt"] == "2026-06-02T03:00:00+00:00"
    assert (await me(client, fresh["token"])).data["me"]["email"] == EMAIL


async def test_an_expired_admin_token_writes_nothing(client: Api, admin: str, frozen_now: Any) -> None:
    frozen_now(datetime.now(UTC) + timedelta(hours=13))
    before = await snapshot()
    result = await client.gql(CREATE_API_KEY, {"name": "Đối tác", "scopes": ["CATALOG_READ"]}, token=admin)
    assert refusal(result) == TOKEN_EXPIRED
    assert await snapshot() == before


async def test_sign_out_revokes_this_token_only(client: Api, frozen_now: Any) -> None:
    # given a citizen signed in twice (the sign-up's token and a sign-in's)
    frozen_now(T0)
    token = await client.customer(EMAIL)
    other = (await sign_in(client, EMAIL))["token"]
    # when signing out with the first
    frozen_now(T0 + timedelta(minutes=5))
    result = await client.gql(SIGN_OUT, token=token)
    # then it is revoked at once, and its next use is refused
    assert result.data["signOut"] == {"ok": True, "errors": []}
    assert await AuthSession.select(AuthSession.revoked_at).order_by(AuthSession.id) == [
        {"revoked_at": T0 + timedelta(minutes=5)},
        {"revoked_at": None},
    ]
    assert refusal(await me(client, token)) == TOKEN_REVOKED
    assert refusal(await client.gql(SIGN_OUT, token=token)) == TOKEN_REVOKED
    # revoked outranks expired
    frozen_now(T0 + timedelta(days=2))
    assert refusal(await me(client, token)) == TOKEN_REVOKED
    # and the other token still worked until it expired
    frozen_now(T0 + timedelta(hours=1))
    assert (await me(client, other)).data["me"]["email"] == EMAIL


async def test_sign_out_needs_a_token(client: Api) -> None:
    before = await snapshot()
    result = await client.gql(SIGN_OUT)
    payload = result.data["signOut"]
    assert payload["ok"] is False
    [error] = payload["errors"]
    assert texts(error) == UNAUTHENTICATED
    assert await snapshot() == before


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "a" * 43,
        "x" * 5000,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",  # a JWT is no token of ours
        "' OR 1=1 --",
        "%00",
    ],
)
async def test_an_unknown_token_is_invalid(client: Api, token: str) -> None:
    await client.customer(EMAIL)
    before = await snapshot()
    assert refusal(await me(client, token)) == TOKEN_INVALID
    assert refusal(await client.gql(SERVICES, token=token)) == TOKEN_INVALID
    assert await snapshot() == before


@pytest.mark.parametrize(
    "header", ["Basic x", "Basic YWRtaW46cGFzc3dvcmQ=", "Bearer", "Bearer    ", "Token abc", "abc"]
)
async def test_an_authorization_header_that_is_not_bearer_is_invalid(client: Api, header: str) -> None:
    assert refusal(await me(client, headers={"Authorization": header})) == BAD_HEADER


async def test_the_bearer_scheme_is_case_insensitive_and_spaces_are_ignored(client: Api) -> None:
    token = await client.customer(EMAIL)
    for header in (f"bearer {token}", f"BEARER {token}", f"  Bearer   {token}  "):
        assert (await me(client, headers={"Authorization": header})).data["me"]["email"] == EMAIL


async def test_refusals_follow_accept_language(client: Api) -> None:
    result = await me(client, headers={"Authorization": "Bearer nope", "Accept-Language": "en"})
    assert result.body["data"] is None
    [error] = result.errors
    assert error["message"] == "The access token is not valid."
    assert error["extensions"]["code"] == "TOKEN_INVALID"


async def test_no_token_is_anonymous(client: Api) -> None:
    assert (await me(client)).data["me"] is None
    assert (await me(client, headers={"Authorization": ""})).data["me"] is None
