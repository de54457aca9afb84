"""Histories: one writer for every entity's history (a request's steps, a project's and a milestone's
changes, later quotes and invoices), and one reader per batch of entities (DataLoaders call it).

Call `record` inside the transaction of the change it describes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

from app import clock
from app.audit.service import Actor
from app.db import Prepared
from app.tables import HistoryEvent


def _jsonable(value: Any) -> Any:
    # Dates, decimals and enums become plain strings before storage.
    return json.loads(json.dumps(value, default=str))


async def record(
    actor: Actor,
    entity_type: str,
    entity_id: int,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    changes: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    await HistoryEvent.insert(
        HistoryEvent(
            entity_type=entity_type,
            entity_id=entity_id,
            at=at or clock.now(),
            actor_id=actor.id,
            actor_label=actor.label,
            action=action,
            from_status=from_status,
            to_status=to_status,
            comment=comment,
            changes=_jsonable(changes or {}),
        )
    )


_histories = Prepared(  # composed once per number of ids (app.db.Prepared): every tracking lookup reads it
    lambda entity_type, entity_ids: (
        HistoryEvent.select()
        .where((HistoryEvent.entity_type == entity_type) & HistoryEvent.entity_id.is_in(entity_ids))
        .order_by(HistoryEvent.id)
        .output(load_json=True)
    )
)


async def histories(entity_type: str, entity_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each entity's events, oldest first, in one query."""
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if entity_ids:
        for row in await _histories(entity_type, entity_ids):
            grouped[row["entity_id"]].append(row)
    return grouped


async def count_events(entity_type: str) -> int:
    return int(await HistoryEvent.count().where(HistoryEvent.entity_type == entity_type))
