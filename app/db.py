"""Database engine choice, transactions and SQL counting.

SQLite (a file) is the default; DATABASE_URL=postgresql://… selects PostgreSQL.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from app.config import ROOT, Settings

# Statements run in the current context, when a caller asked to count them.
_statements: ContextVar[list[str] | None] = ContextVar("sql_statements", default=None)


class _Counting:
    """Mixin: Piccolo calls print_query for each statement when log_queries is on."""

    def print_query(self, query_id: int, query: str) -> None:
        collected = _statements.get()
        if collected is not None:
            collected.append(query)


class CountingSQLiteEngine(_Counting, SQLiteEngine):
    pass


class CountingPostgresEngine(_Counting, PostgresEngine):
    pass


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (BEGIN/COMMIT are not counted)."""
    collected: list[str] = []
    token = _statements.set(collected)
    try:
        yield collected
    finally:
        _statements.reset(token)


def sqlite_path(database_url: str) -> Path:
    raw = database_url.removeprefix("sqlite:///")
    path = Path(raw)
    return path if path.is_absolute() else ROOT / path


def build_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if settings.is_postgres:
        parsed = urlparse(url)
        config: dict[str, Any] = {
            "host": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": parsed.username or "postgres",
            "database": (parsed.path or "/postgres").lstrip("/"),
        }
        if parsed.password:
            config["password"] = parsed.password
        return CountingPostgresEngine(config=config, log_queries=True)
    if not url.startswith("sqlite:///"):
        raise ValueError("DATABASE_URL must start with sqlite:/// or postgresql://")
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: wait for a competing writer instead of failing with "database is locked".
    return CountingSQLiteEngine(path=str(path), log_queries=True, timeout=30)


def engine() -> Engine:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf.py is part of the repo
        raise RuntimeError("piccolo_conf.py not found")
    return found


def transaction() -> Any:
    """A write transaction. On SQLite it is IMMEDIATE: deferred read-then-write transactions
    fail with "database is locked" under concurrency (NOTES-stack)."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


@contextlib.asynccontextmanager
async def database_lifespan() -> AsyncIterator[None]:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(max_size=20)
        try:
            yield
        finally:
            await db.close_connection_pool()
    else:
        # WAL once per file (it persists); readers then never block the writer.
        await db.run_ddl("PRAGMA journal_mode=WAL")
        yield


async def ping() -> bool:
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:
        return False
    return True
