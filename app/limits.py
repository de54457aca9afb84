"""Rate limits that hold under concurrency and across processes: fixed-window counters in the database.

`hit` counts one attempt and returns the verdict taken from the counted value, in one statement
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`): concurrent attempts queue on the counter's row
(PostgreSQL's row lock, SQLite's single writer), so the (limit+1)-th of 200 parallel attempts is refused
however they interleave. Checking a count and then inserting lets every parallel attempt pass the check.

Count first, then do the limited work only when allowed. An attempt known beforehand not to count
against the caller (a correct tracking lookup) is judged with `counts=False`: against the same count, in
the same atomic statement, without adding to it. (`give_back` uncounts an attempt after the fact; done
so by tracking, parallel correct lookups from one address were refused for each other's attempts still
in flight.)

Windows are fixed (they start at the first attempt after the previous window ended), so a caller may
reach at most twice the limit around a window's end. Counters older than `FORGET_AFTER` are deleted
when a new window starts, so the table holds roughly one row per recently active key.

Counts commit without waiting for the disk (`app.db.unflushed_transaction`): a crash may forget the
last fraction of a second of attempts, which a limit can afford; two disk flushes per tracking lookup
were most of its latency under load.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from app import clock
from app.db import is_sqlite, unflushed_transaction
from app.errors import rate_limited
from app.tables import RateCounter

FORGET_AFTER = timedelta(days=2)  # longer than any window in the settings
_MAX_BUCKET = 320


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts per `window` for one (scope, key)."""

    scope: str  # e.g. "tracking-code", "guest-email"
    key: str
    limit: int
    window: timedelta

    @property
    def bucket(self) -> str:
        bucket = f"{self.scope}:{self.key}"
        if len(bucket) > _MAX_BUCKET:  # e-mails may be long; a digest keeps distinct keys distinct
            bucket = f"{self.scope}:sha256:{hashlib.sha256(self.key.encode()).hexdigest()}"
        return bucket


@dataclass(frozen=True)
class Verdict:
    limit: Limit
    hits: int  # attempts counted in the window, this one included
    window_start: int  # Unix seconds
    retry_after: int  # seconds until the window ends

    @property
    def allowed(self) -> bool:
        return self.hits <= self.limit.limit

    @property
    def remaining(self) -> int:
        return max(0, self.limit.limit - self.hits)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


_HIT = """
INSERT INTO rate_counter (bucket, window_start, hits) VALUES ({}, {}, {})
ON CONFLICT (bucket) DO UPDATE SET
  hits = CASE WHEN rate_counter.window_start <= {} THEN {} ELSE rate_counter.hits + {} END,
  window_start = CASE WHEN rate_counter.window_start <= {} THEN {} ELSE rate_counter.window_start END
RETURNING hits, window_start
"""


async def _count(limit: Limit, now: datetime, counts: bool = True) -> Verdict:
    now_s = _seconds(now)
    window_s = max(1, int(limit.window.total_seconds()))
    expired = now_s - window_s  # a window that started at or before this has ended
    step = 1 if counts else 0
    rows = await RateCounter.raw(_HIT, limit.bucket, now_s, step, expired, step, step, expired, now_s)
    hits, start = int(rows[0]["hits"]), int(rows[0]["window_start"])
    # An attempt that does not count is judged as if it were the next one: allowed while the count is
    # below the limit, exactly like a counted one.
    return Verdict(limit, hits + (1 - step), start, max(1, start + window_s - now_s))


async def _forget_old(verdicts: Sequence[Verdict], now: datetime) -> None:
    """When a window starts (rarely, compared with hits), delete counters nobody used for long. Outside
    the counting transaction, so the delete never holds counter rows that others wait for."""
    if any(v.window_start == _seconds(now) for v in verdicts):  # (a judged-only attempt's hits say 1 always)
        await RateCounter.delete().where(RateCounter.window_start < _seconds(now - FORGET_AFTER))


def _unflushed_statements() -> AbstractAsyncContextManager[None]:
    """For statements that each stand alone: on SQLite they commit one by one on the request's shared
    connection (a transaction would open a connection of its own)."""
    return contextlib.nullcontext() if is_sqlite() else unflushed_transaction()


async def hit(limit: Limit, now: datetime | None = None, counts: bool = True) -> Verdict:
    """Count one attempt (atomically) and say whether it is within the limit. `counts=False`: an attempt
    already known not to count (a correct tracking lookup) is judged against the same count in the same
    statement, without adding to it."""
    moment = now or clock.now()
    async with _unflushed_statements():
        verdict = await _count(limit, moment, counts)
    await _forget_old([verdict], moment)
    return verdict


async def hit_all(limits: Sequence[Limit], now: datetime | None = None, counts: bool = True) -> list[Verdict]:
    """Count one attempt under every limit (each counter counts, even when another refuses), in one
    transaction: parallel attempts then see both counters move together, so exactly `limit` of them
    pass (counted separately, one could pass the first counter and be refused by the second while
    another did the opposite). Rows are taken in bucket order, so two attempts never deadlock."""
    moment = now or clock.now()
    if len(limits) == 1:
        return [await hit(limits[0], moment, counts)]
    counted: dict[str, Verdict] = {}
    async with unflushed_transaction():
        for limit in sorted(limits, key=lambda one: one.bucket):
            counted[limit.bucket] = await _count(limit, moment, counts)
    verdicts = [counted[limit.bucket] for limit in limits]
    await _forget_old(verdicts, moment)
    return verdicts


def refuse_if_exceeded(verdicts: Sequence[Verdict], field: str | None = None) -> None:
    """RATE_LIMITED (with the longest wait of the exceeded limits) when any verdict is over its limit."""
    exceeded = [v for v in verdicts if not v.allowed]
    if exceeded:
        raise rate_limited(field, retry_after=max(v.retry_after for v in exceeded))


async def give_back(verdicts: Sequence[Verdict]) -> None:
    """Uncount attempts that turned out not to count (only within the window they were counted in)."""
    async with _unflushed_statements():
        for verdict in verdicts:
            await RateCounter.raw(
                "UPDATE rate_counter SET hits = hits - 1 WHERE bucket = {} AND window_start = {} AND hits > 0",
                verdict.limit.bucket,
                verdict.window_start,
            )
