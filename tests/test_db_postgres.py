"""PostgreSQL only: the pool's size setting, and the tests' snapshot restore (DELETE with the checks off)."""

from __future__ import annotations

from typing import cast

import pytest
from piccolo.engine.postgres import PostgresEngine

from app.db import database_lifespan, engine, is_sqlite
from catalog.tables import Department
from tests import support

pytestmark = pytest.mark.skipif(is_sqlite(), reason="PostgreSQL only: SQLite has no pool")


async def test_the_pool_opens_database_pool_min_size_connections(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.config import get_settings

    monkeypatch.setenv("DATABASE_POOL_MIN_SIZE", "3")
    get_settings.cache_clear()
    try:
        async with database_lifespan():
            pool = cast(PostgresEngine, engine()).pool
            assert (pool.get_min_size(), pool.get_max_size(), pool.get_size()) == (3, 20, 3)
    finally:
        monkeypatch.delenv("DATABASE_POOL_MIN_SIZE")
        get_settings.cache_clear()


async def test_a_restore_puts_back_rows_and_ids(db: None) -> None:
    await Department.insert(Department(code="A", name_vi="Phòng A"))
    saved = await support.take_snapshot("test_restore_ids")
    await Department.insert(Department(code="B", name_vi="Phòng B"))
    await Department.update({Department.name_vi: "Đổi tên"}).where(Department.code == "A")
    await support.restore(saved)
    assert await Department.select(Department.id, Department.code, Department.name_vi) == [
        {"id": 1, "code": "A", "name_vi": "Phòng A"}
    ]
    await Department.insert(Department(code="C", name_vi="Phòng C"))  # the id after the snapshot's
    assert await Department.select(Department.id).where(Department.code == "C").first() == {"id": 2}
    await support.empty_database()
    await Department.insert(Department(code="D", name_vi="Phòng D"))  # ids start from 1 again
    assert await Department.select(Department.id, Department.code) == [{"id": 1, "code": "D"}]
