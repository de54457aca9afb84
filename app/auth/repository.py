"""Every query of the auth domain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.auth.enums import Role
from app.auth.tables import Account, AccountRole, ApiKey, AuthSession
from app.db import Prepared


async def account_by_email(email: str) -> dict[str, Any] | None:
    return await Account.select().where(Account.email == email).first()


async def account_by_id(account_id: int) -> dict[str, Any] | None:
    return await Account.select().where(Account.id == account_id).first()


async def accounts_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    if not ids:
        return []
    return await Account.select(
        Account.id, Account.email, Account.full_name, Account.phone, Account.kind, Account.customer_kind,
        Account.citizen_id, Account.tax_code, Account.organization_name, Account.is_active,
    ).where(Account.id.is_in(ids))  # fmt: skip


async def email_exists(email: str) -> bool:
    return await Account.exists().where(Account.email == email)


async def insert_account(values: dict[str, Any]) -> int | None:
    """The new id, or None when the e-mail is taken: a concurrent insert may win after our check."""
    rows = await Account.insert(Account(**values)).on_conflict(action="DO NOTHING").returning(Account.id)
    return int(rows[0]["id"]) if rows else None


def _unlocked(now: datetime) -> Any:
    return Account.locked_until.is_null() | (Account.locked_until <= now)


async def claim_sign_in(account_id: int, limit: int, now: datetime) -> int | None:
    """Count a sign-in attempt before its password is checked, in one statement: the attempt's place
    (1…limit) among the failures in a row, or None when the account is locked or `limit` attempts are
    already counted (concurrent attempts queue on the row, so at most `limit` pass)."""
    rows = await (
        Account.update({Account.failed_sign_ins: Account.failed_sign_ins + 1})
        .where((Account.id == account_id) & (Account.failed_sign_ins < limit) & _unlocked(now))
        .returning(Account.failed_sign_ins)
    )
    return int(rows[0]["failed_sign_ins"]) if rows else None


async def locked_until(account_id: int) -> datetime | None:
    row = await Account.select(Account.locked_until).where(Account.id == account_id).first()
    return row["locked_until"] if row is not None else None


async def lock_account(account_id: int, until: datetime) -> None:
    """The counter starts again from zero for the next window."""
    await Account.update({Account.failed_sign_ins: 0, Account.locked_until: until}).where(Account.id == account_id)


async def clear_sign_in_failures(account_id: int, place: int, now: datetime) -> bool:
    """After a right password whose attempt was counted at `place`: False when the account got locked
    meanwhile (no session then). The counter is reset only when no attempt was counted after this one,
    so a success racing wrong guesses does not give them fresh attempts. Call inside a transaction."""
    reset = await (
        Account.update({Account.failed_sign_ins: 0, Account.locked_until: None})
        .where((Account.id == account_id) & (Account.failed_sign_ins == place) & _unlocked(now))
        .returning(Account.id)
    )
    if reset:
        return True
    unlocked = await (
        Account.update({Account.locked_until: None})
        .where((Account.id == account_id) & _unlocked(now))
        .returning(Account.id)
    )
    return bool(unlocked)


async def roles_of(account_id: int) -> set[Role]:
    rows = await AccountRole.select(AccountRole.role).where(AccountRole.account == account_id)
    return {Role(row["role"]) for row in rows}


async def roles_by_accounts(account_ids: list[int]) -> dict[int, list[str]]:
    result: dict[int, list[str]] = {account_id: [] for account_id in account_ids}
    if not account_ids:
        return result
    rows = await AccountRole.select(AccountRole.account, AccountRole.role).where(AccountRole.account.is_in(account_ids))
    for row in rows:
        result[row["account"]].append(row["role"])
    return result


async def add_role(account_id: int, role: Role, granted_by: int | None) -> bool:
    """False when the account already had the role (a concurrent grant may win after our check)."""
    rows = await (
        AccountRole.insert(AccountRole(account=account_id, role=role.value, granted_by=granted_by))
        .on_conflict(action="DO NOTHING")
        .returning(AccountRole.id)
    )
    return bool(rows)


async def remove_role(account_id: int, role: Role) -> bool:
    """False when the account did not have the role (a concurrent revoke may win after our check)."""
    rows = await (
        AccountRole.delete()
        .where((AccountRole.account == account_id) & (AccountRole.role == role.value))
        .returning(AccountRole.id)
    )
    return bool(rows)


async def insert_session(account_id: int, token_hash: str, expires_at: datetime) -> int:
    rows = await AuthSession.insert(
        AuthSession(account=account_id, token_hash=token_hash, expires_at=expires_at)
    ).returning(AuthSession.id)
    return int(rows[0]["id"])


# Every signed-in request and every partner call reads one of these two: composed once (app.db.Prepared).
_session_by_hash = Prepared(
    lambda token_hash: (
        AuthSession.select(
            AuthSession.id,
            AuthSession.expires_at,
            AuthSession.revoked_at,
            AuthSession.account.id.as_alias("account_id"),
            AuthSession.account.email.as_alias("email"),
            AuthSession.account.kind.as_alias("kind"),
            AuthSession.account.is_active.as_alias("is_active"),
        )
        .where(AuthSession.token_hash == token_hash)
        .first()
    )
)
_api_key_by_hash = Prepared(
    lambda key_hash: ApiKey.select().where(ApiKey.key_hash == key_hash).first().output(load_json=True)
)


async def session_by_hash(token_hash: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await _session_by_hash(token_hash)
    return row


async def revoke_session(session_id: int, at: datetime) -> None:
    await AuthSession.update({AuthSession.revoked_at: at}).where(AuthSession.id == session_id)


async def revoke_sessions_of(account_id: int, at: datetime) -> None:
    await AuthSession.update({AuthSession.revoked_at: at}).where(
        (AuthSession.account == account_id) & AuthSession.revoked_at.is_null()
    )


async def insert_api_key(values: dict[str, Any]) -> dict[str, Any]:
    rows = await ApiKey.insert(ApiKey(**values)).returning(*ApiKey.all_columns())
    return rows[0]


async def api_key_by_hash(key_hash: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await _api_key_by_hash(key_hash)
    return row


async def api_key_by_id(key_id: int) -> dict[str, Any] | None:
    return await ApiKey.select().where(ApiKey.id == key_id).first().output(load_json=True)


async def touch_api_key(key_id: int, at: datetime) -> None:
    await ApiKey.update({ApiKey.last_used_at: at}).where(ApiKey.id == key_id)


async def revoke_api_key(key_id: int, at: datetime) -> None:
    await ApiKey.update({ApiKey.revoked_at: at}).where(ApiKey.id == key_id)


async def list_api_keys(after_id: int | None, limit: int) -> list[dict[str, Any]]:
    query = ApiKey.select().order_by(ApiKey.id).limit(limit)
    if after_id is not None:
        query = query.where(ApiKey.id > after_id)
    return await query.output(load_json=True)


async def list_accounts(after_id: int | None, limit: int, staff_only: bool) -> list[dict[str, Any]]:
    query = Account.select().order_by(Account.id).limit(limit)
    if after_id is not None:
        query = query.where(Account.id > after_id)
    if staff_only:
        query = query.where(Account.kind == "staff")
    return await query


async def count_accounts(staff_only: bool) -> int:
    query = Account.count()
    if staff_only:
        query = query.where(Account.kind == "staff")
    return await query


async def count_api_keys() -> int:
    return await ApiKey.count()
