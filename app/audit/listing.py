"""Reading the audit log: admins see everything, catalog managers the catalog's entities."""

from __future__ import annotations

from typing import Any

from app.audit import service
from app.auth.enums import Role
from app.auth.principal import Principal
from app.errors import forbidden
from app.guards import require_staff
from app.input import Checker, clean_optional
from app.pagination import Page, decode_cursor, id_page, page_size

CATALOG_ENTITIES = frozenset({"service", "plan", "category"})


async def events(
    principal: Principal, entity_type: str | None, entity_id: str | None, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    require_staff(principal)
    c = Checker()
    entity_type = c.check(clean_optional, entity_type, "entityType", max_length=40) or None
    entity_id = c.check(clean_optional, entity_id, "entityId", max_length=80) or None
    c.done()
    catalog_reader = Role.CATALOG_MANAGER in principal.roles and entity_type in CATALOG_ENTITIES
    if Role.ADMIN not in principal.roles and not catalog_reader:
        raise forbidden()
    limit = page_size(first)
    before_id = decode_cursor(after, "audit", int)[1] if after is not None else None
    rows = await service.list_events(entity_type, entity_id, before_id, limit + 1)

    async def count() -> int:
        return await service.count_events(entity_type, entity_id)

    return id_page("audit", rows, limit, after, count)
