"""Domain events: a domain publishes what happened inside the transaction of the change; after commit
the subscribers registered for the topic react (each in its own transaction). The publisher never
imports the subscribers: the composition root (app.main, app.cli) imports the modules that subscribe.

Handlers must be idempotent: an event is handed again after a failure (`python -m app.cli
send-notifications` retries pending and failed events, as it does e-mail), and twice if a process dies
between a handler's commit and the event's mark.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from app import clock, jobs
from app.tables import DomainEvent

log = logging.getLogger("app.bus")

Handler = Callable[[dict[str, Any]], Awaitable[None]]
_subscribers: dict[str, list[Handler]] = {}
MAX_ATTEMPTS = 10
DISPATCH_JOB = "bus.dispatch"


def subscribe(topic: str, handler: Handler) -> None:
    """Register at import time of the subscribing module (the composition root imports it)."""
    if handler not in _subscribers.setdefault(topic, []):
        _subscribers[topic].append(handler)


async def publish(topic: str, entity_type: str, entity_id: int, payload: dict[str, Any] | None = None) -> int:
    """Call inside the transaction of the change; returns the event's id for `dispatch` after commit."""
    rows = await DomainEvent.insert(
        DomainEvent(
            topic=topic,
            entity_type=entity_type,
            entity_id=entity_id,
            payload=json.loads(json.dumps(payload or {}, default=str)),
            status="pending",
        )
    ).returning(DomainEvent.id)
    return int(rows[0]["id"])


async def _handle(row: dict[str, Any]) -> bool:
    event = {**row, "payload": row["payload"] if isinstance(row["payload"], dict) else json.loads(row["payload"])}
    try:
        for handler in _subscribers.get(row["topic"], []):
            await handler(event)
    except Exception as error:  # the event stays for a retry; the change that published it is committed
        log.exception("event handler failed", extra={"topic": row["topic"], "event": row["id"]})
        await DomainEvent.update(
            {DomainEvent.status: "failed", DomainEvent.attempts: row["attempts"] + 1,
             DomainEvent.last_error: str(error)[:500]}
        ).where(DomainEvent.id == row["id"])  # fmt: skip
        return False
    await DomainEvent.update(
        {DomainEvent.status: "handled", DomainEvent.attempts: row["attempts"] + 1, DomainEvent.handled_at: clock.now()}
    ).where(DomainEvent.id == row["id"])
    return True


async def dispatch(ids: Sequence[int | None]) -> None:
    """After commit: hand these events to their subscribers, in process or by a worker (app.jobs).
    Never raises."""
    wanted = [i for i in ids if i is not None]
    if wanted:
        await jobs.submit(DISPATCH_JOB, wanted)


async def dispatch_now(ids: list[int]) -> None:
    """The job: events not yet handled go to their subscribers, oldest first."""
    try:
        rows = await (
            DomainEvent.select()
            .where(DomainEvent.id.is_in(ids) & DomainEvent.status.is_in(["pending", "failed"]))
            .order_by(DomainEvent.id)
        )
        for row in rows:
            await _handle(row)
    except Exception:
        log.exception("event dispatch failed")


jobs.register(DISPATCH_JOB, dispatch_now)


async def retry_pending(limit: int = 100) -> dict[str, int]:
    """Pending and failed events (under MAX_ATTEMPTS), oldest first."""
    rows = await (
        DomainEvent.select()
        .where(DomainEvent.status.is_in(["pending", "failed"]) & (DomainEvent.attempts < MAX_ATTEMPTS))
        .order_by(DomainEvent.id)
        .limit(limit)
    )
    outcome = {"handled": 0, "failed": 0}
    for row in rows:
        outcome["handled" if await _handle(row) else "failed"] += 1
    return outcome
