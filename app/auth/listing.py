"""Reading accounts and keys (admin), and one's own account."""

from __future__ import annotations

from typing import Any

from app.auth import repository
from app.auth.principal import Principal
from app.guards import require_admin
from app.pagination import Page, decode_cursor, id_page, page_size


async def me(principal: Principal) -> tuple[dict[str, Any], list[str]] | None:
    if principal.account_id is None:
        return None
    row = await repository.account_by_id(principal.account_id)
    if row is None:
        return None
    return row, sorted(r.value for r in principal.roles)


async def accounts(
    principal: Principal, staff_only: bool, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    require_admin(principal)
    limit = page_size(first)
    after_id = decode_cursor(after, "account", int)[1] if after is not None else None
    rows = await repository.list_accounts(after_id, limit + 1, staff_only)
    roles = await repository.roles_by_accounts([row["id"] for row in rows[:limit]])
    for row in rows:
        row["roles"] = roles.get(row["id"], [])

    async def count() -> int:
        return await repository.count_accounts(staff_only)

    return id_page("account", rows, limit, after, count)


async def api_keys(principal: Principal, first: int | None, after: str | None) -> Page[dict[str, Any]]:
    require_admin(principal)
    limit = page_size(first)
    after_id = decode_cursor(after, "api_key", int)[1] if after is not None else None
    rows = await repository.list_api_keys(after_id, limit + 1)
    return id_page("api_key", rows, limit, after, repository.count_api_keys)
