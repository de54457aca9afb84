"""Account, key and audit queries and mutations: thin resolvers over the auth use cases."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from app.api.errors import UserError, attempt
from app.api.pagination import Connection
from app.audit import listing as audit_listing
from app.auth import listing
from app.auth import service as auth
from app.auth.api.types import Account, ApiKey, AuditEvent
from app.auth.enums import Role, Scope
from app.auth.repository import account_by_id, roles_of
from app.auth.service import SignUpData
from app.input import parse_id


@strawberry.input
class SignUpInput(SignUpData):
    citizen_id: str | None = strawberry.field(default=None, description="CCCD, required for citizens.")
    tax_code: str | None = strawberry.field(default=None, description="MST, required for businesses.")
    organization_name: str | None = strawberry.field(default=None, description="Required for businesses and agencies.")


@strawberry.input
class StaffAccountInput:
    email: str
    full_name: str
    password: str
    roles: list[Role]


@strawberry.type(description="A bearer token: send it as `Authorization: Bearer <token>`.")
class AuthPayload:
    token: str | None
    expires_at: datetime | None
    account: Account | None
    errors: list[UserError]


@strawberry.type
class SignOutPayload:
    ok: bool
    errors: list[UserError]


@strawberry.type
class AccountPayload:
    account: Account | None
    errors: list[UserError]


@strawberry.type
class ApiKeyPayload:
    api_key: ApiKey | None
    key: str | None = strawberry.field(description="The full key, shown only in the response that creates it.")
    errors: list[UserError]


async def _account(account_id: int) -> Account:
    row = await account_by_id(account_id)
    assert row is not None
    return Account(row=row, role_values=sorted(r.value for r in await roles_of(account_id)))


async def _session_payload(info: Info, action: object) -> AuthPayload:
    issued, errors = await attempt(info, action)  # type: ignore[arg-type]
    if issued is None:
        return AuthPayload(token=None, expires_at=None, account=None, errors=errors)
    return AuthPayload(
        token=issued.token, expires_at=issued.expires_at, account=await _account(issued.account_id), errors=[]
    )


@strawberry.type
class AuthQuery:
    @strawberry.field(description="The signed-in account, or null.")
    async def me(self, info: Info) -> Account | None:
        found = await listing.me(info.context.principal)
        return Account(row=found[0], role_values=found[1]) if found else None

    @strawberry.field(description="Accounts (admin).")
    async def accounts(
        self, info: Info, staff_only: bool = False, first: int | None = None, after: str | None = None
    ) -> Connection[Account]:
        page = await listing.accounts(info.context.principal, staff_only, first, after)
        return Connection.of(page, lambda row: Account(row=row, role_values=row["roles"]))

    @strawberry.field(description="Partner API keys (admin).")
    async def api_keys(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[ApiKey]:
        page = await listing.api_keys(info.context.principal, first, after)
        return Connection.of(page, lambda row: ApiKey(row=row))

    @strawberry.field(description="The audit log, newest first (admin; catalog managers for catalog entities).")
    async def audit_events(
        self,
        info: Info,
        entity_type: str | None = None,
        entity_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AuditEvent]:
        page = await audit_listing.events(info.context.principal, entity_type, entity_id, first, after)
        return Connection.of(page, lambda row: AuditEvent(row=row))


@strawberry.type
class AuthMutation:
    @strawberry.mutation(description="Create a customer account and sign in.")
    async def sign_up(self, info: Info, input: SignUpInput) -> AuthPayload:
        return await _session_payload(info, lambda: auth.sign_up(input))

    @strawberry.mutation(description="Exchange e-mail and password for a bearer token.")
    async def sign_in(self, info: Info, email: str, password: str) -> AuthPayload:
        return await _session_payload(info, lambda: auth.sign_in(email, password))

    @strawberry.mutation(description="Revoke the token of this request.")
    async def sign_out(self, info: Info) -> SignOutPayload:
        _, errors = await attempt(info, lambda: auth.sign_out(info.context.principal))
        return SignOutPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Create a staff account with roles (admin).")
    async def create_staff_account(self, info: Info, input: StaffAccountInput) -> AccountPayload:
        account_id, errors = await attempt(
            info,
            lambda: auth.create_staff_account(
                info.context.principal, input.email, input.full_name, input.password, input.roles
            ),
        )
        return AccountPayload(account=await _account(account_id) if account_id else None, errors=errors)

    @strawberry.mutation(description="Grant a staff role (admin).")
    async def grant_role(self, info: Info, account_id: strawberry.ID, role: Role) -> AccountPayload:
        async def run() -> int:
            target = parse_id(account_id, "accountId")
            await auth.grant_role(info.context.principal, target, role)
            return target

        target, errors = await attempt(info, run)
        return AccountPayload(account=await _account(target) if target else None, errors=errors)

    @strawberry.mutation(description="Revoke a staff role (admin).")
    async def revoke_role(self, info: Info, account_id: strawberry.ID, role: Role) -> AccountPayload:
        async def run() -> int:
            target = parse_id(account_id, "accountId")
            await auth.revoke_role(info.context.principal, target, role)
            return target

        target, errors = await attempt(info, run)
        return AccountPayload(account=await _account(target) if target else None, errors=errors)

    @strawberry.mutation(description="Create a partner API key (admin). The key is returned once.")
    async def create_api_key(self, info: Info, name: str, scopes: list[Scope]) -> ApiKeyPayload:
        result, errors = await attempt(info, lambda: auth.create_api_key(info.context.principal, name, scopes))
        if result is None:
            return ApiKeyPayload(api_key=None, key=None, errors=errors)
        return ApiKeyPayload(api_key=ApiKey(row=result[0]), key=result[1], errors=[])

    @strawberry.mutation(description="Revoke a partner API key at once (admin).")
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKeyPayload:
        row, errors = await attempt(info, lambda: auth.revoke_api_key(info.context.principal, parse_id(id)))
        return ApiKeyPayload(api_key=ApiKey(row=row) if row else None, key=None, errors=errors)
