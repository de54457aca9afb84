"""Rate limits that hold under concurrency and across processes: fixed-window counters in the database.

`hit` counts one attempt and returns the verdict taken from the counted value, in one statement
(`INSERT … ON CONFLICT DO UPDATE … RETURNING`): concurrent attempts queue on the counter's row
(PostgreSQL's row lock, SQLite's single writer), so the (limit+1)-th of 200 parallel attempts is refused
however they interleave. Checking a count and then inserting lets every parallel attempt pass the check.

Count first, then do the limited work only when allowed. An attempt known beforehand not to count
against the caller (a correct tracking lookup) is judged with `counts=False`: against the committed
count, read without writing (no row lock, no commit to wait for). (Counted first and given back
afterwards, parallel correct lookups from one address were refused for each other's attempts still in
flight; judged by an upsert adding 0, they queued on the counter's row, one commit after another.)

Windows are fixed (they start at the first attempt after the previous window ended), so a caller may
reach at most twice the limit around a window's end. Counters older than `FORGET_AFTER` are deleted
when a new window starts, so the table holds roughly one row per recently active key.

All the counters of one attempt are counted by one statement that commits on its own, so a counter's
row is locked only for that statement, never across round trips (hot rows: one code tracked 100 times a
second).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app import clock
from app.db import transaction
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


def _hit_sql(rows: int) -> str:
    values = ", ".join(["({}, {}, {})"] * rows)  # placeholders only: the values are bound parameters
    return (
        f"INSERT INTO rate_counter (bucket, window_start, hits) VALUES {values} "  # noqa: S608
        "ON CONFLICT (bucket) DO UPDATE SET "
        "hits = CASE WHEN rate_counter.window_start <= {} THEN excluded.hits "
        "ELSE rate_counter.hits + excluded.hits END, "
        "window_start = CASE WHEN rate_counter.window_start <= {} THEN excluded.window_start "
        "ELSE rate_counter.window_start END "
        "RETURNING bucket, hits, window_start"
    )


async def _count(limits: Sequence[Limit], now: datetime, counts: bool) -> dict[str, Verdict]:
    """One statement for every counter of the attempt. Counted: an upsert (rows locked in bucket order,
    so two attempts never deadlock) committed on its own, so a counter's row stays locked only while the
    statement runs and commits, never across round trips to the app (with 100 lookups a second on one
    code, a transaction around the counting kept its rows locked while its request waited for the event
    loop, and the others queued behind it). Judged only: a read (`_read`)."""
    now_s = _seconds(now)
    window_s = max(1, int(limits[0].window.total_seconds()))
    expired = now_s - window_s  # a window that started at or before this has ended
    ordered = sorted(limits, key=lambda one: one.bucket)
    if counts:
        args: list[object] = [value for limit in ordered for value in (limit.bucket, now_s, 1)]
        rows = await RateCounter.raw(_hit_sql(len(ordered)), *args, expired, expired)
    else:
        rows = await _read(ordered, expired)
    by_bucket = {row["bucket"]: row for row in rows}
    verdicts = {}
    for limit in ordered:
        row = by_bucket.get(limit.bucket)
        hits, start = (int(row["hits"]), int(row["window_start"])) if row is not None else (0, now_s)
        # An attempt that does not count is judged as if it were the next one: allowed while the count
        # is below the limit, exactly like a counted one.
        verdicts[limit.bucket] = Verdict(limit, hits + (0 if counts else 1), start, max(1, start + window_s - now_s))
    return verdicts


async def _read(ordered: Sequence[Limit], expired: int) -> list[dict[str, object]]:
    """The counters of windows still running, read without writing: an attempt that does not count
    takes no row lock and commits nothing (correct lookups of one code, 100 a second, each waited for
    the previous one's commit on the counter's row when this was an upsert adding 0). It is judged
    against the failures committed so far; one still in flight is not seen, as it would not be had it
    arrived a moment later."""
    placeholders = ", ".join(["{}"] * len(ordered))
    return await RateCounter.raw(
        f"SELECT bucket, hits, window_start FROM rate_counter WHERE bucket IN ({placeholders}) "  # noqa: S608
        "AND window_start > {}",
        *[limit.bucket for limit in ordered],
        expired,
    )


async def _forget_old(verdicts: Sequence[Verdict], now: datetime) -> None:
    """When a window starts (rarely, compared with hits), delete counters nobody used for long. Outside
    the counting transaction, so the delete never holds counter rows that others wait for."""
    if any(v.window_start == _seconds(now) for v in verdicts):
        await RateCounter.delete().where(RateCounter.window_start < _seconds(now - FORGET_AFTER))


async def hit(limit: Limit, now: datetime | None = None, counts: bool = True) -> Verdict:
    """Count one attempt (atomically) and say whether it is within the limit. `counts=False`: an attempt
    already known not to count (a correct tracking lookup) is judged against the committed count,
    without adding to it."""
    return (await hit_all([limit], now, counts))[0]


async def hit_all(limits: Sequence[Limit], now: datetime | None = None, counts: bool = True) -> list[Verdict]:
    """Count one attempt under every limit (each counter counts, even when another refuses), in one
    statement: parallel attempts then see the counters move together, so exactly `limit` of them pass
    (counted separately, one could pass the first counter and be refused by the second while another did
    the opposite)."""
    moment = now or clock.now()
    if len({limit.window for limit in limits}) == 1:
        counted = await _count(limits, moment, counts)
    else:  # windows of several lengths: a statement each, in bucket order, in one transaction
        counted = {}
        async with transaction():
            for limit in sorted(limits, key=lambda one: one.bucket):
                counted.update(await _count([limit], moment, counts))
    verdicts = [counted[limit.bucket] for limit in limits]
    if counts:  # a judged-only attempt wrote nothing and starts no window
        await _forget_old(verdicts, moment)
    return verdicts


def refuse_if_exceeded(verdicts: Sequence[Verdict], field: str | None = None) -> None:
    """RATE_LIMITED (with the longest wait of the exceeded limits) when any verdict is over its limit."""
    exceeded = [v for v in verdicts if not v.allowed]
    if exceeded:
        raise rate_limited(field, retry_after=max(v.retry_after for v in exceeded))
