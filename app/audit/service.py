"""Recording and reading audit events. Call record() inside the transaction of the change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.audit.tables import AuditEvent
from app.requestid import current_request_id


@dataclass(frozen=True)
class Actor:
    id: int | None
    label: str

    @classmethod
    def system(cls) -> Actor:
        return cls(None, "system")


def _jsonable(value: Any) -> Any:
    # Round-trip through json so dates/enums become plain strings before storage.
    return None if value is None else json.loads(json.dumps(value, default=str))


async def record(
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    await AuditEvent.insert(
        AuditEvent(
            actor_id=actor.id,
            actor_label=actor.label,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=_jsonable(before),
            after=_jsonable(after),
            request_id=current_request_id(),
        )
    )


async def list_events(
    entity_type: str | None, entity_id: str | None, before_id: int | None, limit: int
) -> list[dict[str, Any]]:
    """Newest first, keyset on id."""
    query = AuditEvent.select().order_by(AuditEvent.id, ascending=False).limit(limit)
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    return await query.output(load_json=True)


async def count_events(entity_type: str | None, entity_id: str | None) -> int:
    query = AuditEvent.count()
    if entity_type:
        query = query.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEvent.entity_id == entity_id)
    return await query


async def entity_ids(entity_type: str, action: str) -> set[str]:
    """The ids of the entities of a type that had this action (e.g. the categories ever deleted)."""
    rows = await AuditEvent.select(AuditEvent.entity_id).where(
        (AuditEvent.entity_type == entity_type) & (AuditEvent.action == action)
    )
    return {row["entity_id"] for row in rows}
