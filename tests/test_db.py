"""The SQLite shared connection (app.db.shared_connection): one connection per HTTP request for the
statements outside transactions, autocommit semantics kept, and no use after the request ends."""

from __future__ import annotations

import asyncio
import contextvars
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from app.db import detach_shared_connection, is_sqlite, shared_connection, transaction
from catalog.tables import Department
from tests.support import Api

pytestmark = pytest.mark.skipif(not is_sqlite(), reason="SQLite only: PostgreSQL uses its connection pool")

QUERY = (Path(__file__).resolve().parent.parent / "graphql" / "operations" / "catalog_services.graphql").read_text()


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per SQLite connection opened (Piccolo's and the shared one alike)."""
    opened: list[int] = []
    real = aiosqlite.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        opened.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", connect)
    return opened


async def test_a_graphql_request_opens_one_connection(
    client: Api, catalog: dict[str, int], connections: list[int]
) -> None:
    result = await client.gql(QUERY, {"first": 20})
    assert len(result.data["services"]["edges"]) == 20
    # Without the shared connection this query opened one connection per statement (8).
    assert len(connections) == 1


async def test_statements_commit_on_their_own_and_transactions_keep_their_connection(
    db: None, connections: list[int]
) -> None:
    async with shared_connection():
        await Department.insert(Department(code="HTS", name_vi="Phòng Hạ tầng số"))
        # Visible to another connection at once: the shared connection autocommits.
        async with transaction():
            assert await Department.count() == 1
            await Department.insert(Department(code="KHTH", name_vi="Phòng Kế hoạch"))
        assert await Department.count() == 2
        with pytest.raises(Exception, match="UNIQUE"):
            await Department.insert(Department(code="HTS", name_vi="Trùng mã"))
        assert await Department.count() == 2  # the connection survives a failed statement
    assert len(connections) == 2  # the shared one, and the transaction's own


async def test_a_task_that_outlives_the_request_uses_its_own_connection(db: None, connections: list[int]) -> None:
    release = asyncio.Event()

    async def later() -> int:
        await release.wait()
        return await Department.count()

    async with shared_connection():
        await Department.count()
        task = asyncio.create_task(later())  # copies the context, shared connection included
    release.set()
    assert await task == 0
    assert len(connections) == 2  # the request's, then the late task's own

    async with shared_connection():
        detached = contextvars.copy_context()
        detached.run(detach_shared_connection)
        assert await asyncio.create_task(Department.count().run(), context=detached) == 0
    assert len(connections) == 3
