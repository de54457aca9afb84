"""A transaction always gives its connection back: cancelled while BEGIN, COMMIT or ROLLBACK is in flight,
or with a COMMIT that fails. Before app.db's leak-free transactions, `make fuzz` left PostgreSQL's pool
"idle in transaction" until it ran dry, and SQLite's write lock held until every writer failed."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from app import numbering
from app.db import database_lifespan, engine, is_sqlite, transaction


@pytest.fixture
async def pool(db: None) -> AsyncIterator[None]:
    async with database_lifespan():
        yield


async def open_transactions() -> int:
    """Transactions left open in the test database by anyone (SQLite: is the write lock taken?)."""
    db = engine()
    if is_sqlite():
        raw = sqlite3.connect(db.connection_kwargs["database"], timeout=0, isolation_level=None)
        try:
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("ROLLBACK")
            return 0
        except sqlite3.OperationalError:
            return 1
        finally:
            raw.close()
    rows = await db.run_ddl(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
    )
    return int(rows[0]["n"])


def stall_after(monkeypatch: pytest.MonkeyPatch, step: str) -> asyncio.Event:
    """Makes the transaction's `step` (begin, commit, rollback) reach the database, then hang until
    cancelled: the moment a cancellation used to leak the connection."""
    reached = asyncio.Event()
    cls: Any = type(engine().transaction())
    real: Callable[[Any], Awaitable[None]] = getattr(cls, step)

    async def stalled(self: Any) -> None:
        await real(self)
        reached.set()
        await asyncio.sleep(3600)

    monkeypatch.setattr(cls, step, stalled)
    return reached


async def cancel_when(reached: asyncio.Event, task: asyncio.Task[None]) -> None:
    await asyncio.wait_for(reached.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def write_one(fail: bool = False) -> None:
    async with transaction():
        await numbering.next_number("leak-test")
        if fail:
            raise ValueError("the body fails")


async def test_cancelled_while_begin_is_in_flight(pool: None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        reached = stall_after(patch, "begin")
        await cancel_when(reached, asyncio.create_task(write_one()))
    assert await open_transactions() == 0
    assert engine().current_transaction.get() is None
    await asyncio.wait_for(write_one(), 10)  # the next writer is not kept waiting
    assert await numbering.last_number("leak-test") == 1


async def test_cancelled_while_commit_is_in_flight(pool: None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        reached = stall_after(patch, "commit")
        await cancel_when(reached, asyncio.create_task(write_one()))
    assert await open_transactions() == 0
    assert engine().current_transaction.get() is None
    assert await numbering.last_number("leak-test") == 1  # COMMIT had reached the database


async def test_cancelled_while_rollback_is_in_flight(pool: None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        reached = stall_after(patch, "rollback")
        await cancel_when(reached, asyncio.create_task(write_one(fail=True)))
    assert await open_transactions() == 0
    assert await numbering.last_number("leak-test") == 0


async def test_a_commit_that_fails_rolls_back_and_gives_the_connection_back(pool: None) -> None:
    async def failing_commit(self: Any) -> None:
        raise RuntimeError("commit failed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(type(engine().transaction()), "commit", failing_commit)
        with pytest.raises(RuntimeError, match="commit failed"):
            await write_one()
    assert await open_transactions() == 0
    assert engine().current_transaction.get() is None
    assert await numbering.last_number("leak-test") == 0
    await asyncio.wait_for(write_one(), 10)
    assert await numbering.last_number("leak-test") == 1


async def test_many_cancelled_transactions_do_not_drain_the_pool(pool: None) -> None:
    """Cancellations at whatever point they land (the fuzz's pattern), more of them than the pool holds."""
    for delay in range(40):
        task = asyncio.create_task(write_one())
        for _ in range(delay % 8):
            await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert await open_transactions() == 0
    await asyncio.wait_for(write_one(), 10)


async def test_postgresql_ends_a_session_left_idle_in_a_transaction(pool: None) -> None:
    if is_sqlite():
        pytest.skip("a PostgreSQL session setting")
    rows = await engine().run_ddl("SHOW idle_in_transaction_session_timeout")
    assert [dict(row) for row in rows] == [
        {"idle_in_transaction_session_timeout": "1min"}
    ]  # DB_IDLE_IN_TRANSACTION_SECONDS=60


async def test_a_released_connection_costs_no_reset_round_trip_but_is_rolled_back(
    pool: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if is_sqlite():
        pytest.skip("PostgreSQL's connection pool")
    import asyncpg

    sent: list[str] = []
    real = asyncpg.Connection.execute

    async def execute(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return await real(self, query, *args, **kwargs)

    monkeypatch.setattr(asyncpg.Connection, "execute", execute)
    assert await numbering.last_number("leak-test") == 0  # one pooled statement, then the release
    assert not any("RESET ALL" in query for query in sent)
    pg = engine().pool
    async with pg.acquire() as connection:  # released with its transaction open
        await connection.execute("BEGIN")
        await connection.execute("SELECT 1")
    assert "ROLLBACK" in sent
    assert await open_transactions() == 0
