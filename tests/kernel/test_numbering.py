"""Gapless numbers handed out inside the issuing transaction."""

from __future__ import annotations

import asyncio

import pytest

from app import numbering
from app.db import database_lifespan, is_sqlite, transaction


async def test_each_series_counts_from_one(db: None) -> None:
    async with transaction():
        assert [await numbering.next_number("invoice:1C26TAA") for _ in range(3)] == [1, 2, 3]
        assert await numbering.next_number("receipt:261201") == 1
    assert await numbering.last_number("invoice:1C26TAA") == 3
    assert await numbering.last_number("never-used") == 0


async def test_a_rolled_back_transaction_gives_its_number_back(db: None) -> None:
    async with transaction():
        assert await numbering.next_number("s") == 1

    class Abort(Exception):
        pass

    with pytest.raises(Abort):
        async with transaction():
            assert await numbering.next_number("s") == 2
            raise Abort
    async with transaction():
        assert await numbering.next_number("s") == 2  # no gap


async def test_concurrent_transactions_never_share_a_number_and_leave_no_gap(db: None) -> None:
    if is_sqlite():
        pytest.skip("concurrency is exercised on PostgreSQL (SQLite serialises writers)")

    async def take(fail: bool) -> int | None:
        try:
            async with transaction():
                number = await numbering.next_number("concurrent")
                await asyncio.sleep(0.01)  # hold the row while others queue
                if fail:
                    raise RuntimeError("rolled back")
                return number
        except RuntimeError:
            return None

    async with database_lifespan():
        results = await asyncio.gather(*(take(fail=i % 5 == 0) for i in range(40)))
    kept = sorted(n for n in results if n is not None)
    assert len(kept) == 32
    assert kept == list(range(1, 33))  # unique, and the rolled-back numbers were handed out again
