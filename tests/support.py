"""Helpers shared by tests: a GraphQL client over ASGI, users of each role, database reset."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from app.auth import service as auth
from app.auth.enums import Role
from app.db import engine, is_sqlite

PASSWORD = "mat-khau-rat-manh-2026"


async def empty_database() -> None:
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder

    tables = [t for t in Finder().get_table_classes() if t is not Migration]
    names = [t._meta.tablename for t in tables]
    if is_sqlite():
        async with engine().transaction():
            await engine().run_ddl("PRAGMA defer_foreign_keys = ON")
            for name in names:
                await engine().run_ddl(f'DELETE FROM "{name}"')
    else:
        await engine().run_ddl(
            f"TRUNCATE {', '.join(f'{n!r}'.replace(chr(39), chr(34)) for n in names)} RESTART IDENTITY CASCADE"
        )


@dataclass
class Result:
    body: dict[str, Any]
    status: int

    @property
    def data(self) -> dict[str, Any]:
        assert "errors" not in self.body, self.body.get("errors")
        return self.body["data"]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors", [])

    @property
    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class Api:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Result:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)
        return Result(response.json(), response.status_code)

    async def staff(self, email: str, *roles: Role) -> str:
        """Creates a staff account with these roles (bypassing the admin API) and signs it in."""
        from app.audit.service import Actor
        from app.auth.service import _insert_staff

        await _insert_staff(Actor.system(), email, "Cán bộ thử nghiệm", PASSWORD, list(roles))
        return (await auth.sign_in(email, PASSWORD)).token

    async def customer(self, email: str, kind: str = "CITIZEN", **extra: Any) -> str:
        fields = {
            "CITIZEN": {"citizenId": "038095000123"},
            "BUSINESS": {"taxCode": "0100109106", "organizationName": "Công ty ABC"},
        }
        result = await self.gql(
            SIGN_UP,
            {"input": {"email": email, "password": PASSWORD, "fullName": "Nguyễn Văn A", "customerKind": kind,
                       **fields.get(kind, {"organizationName": "Sở Y tế Thanh Hóa"}), **extra}},
        )  # fmt: skip
        payload = result.data["signUp"]
        assert payload["errors"] == [], payload["errors"]
        return payload["token"]


SIGN_UP = """
mutation ($input: SignUpInput!) {
  signUp(input: $input) { token expiresAt account { id email customerKind roles } errors { field code message messageVi messageEn } }
}
"""
