"""Database engine choice, transactions and SQL counting.

SQLite (a file) is the default; DATABASE_URL=postgresql://… selects PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import enum
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlparse

import aiosqlite
from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.query.base import Query
from piccolo.query.proxy import Proxy
from piccolo.querystring import QueryString

from app.config import ROOT, Settings, get_settings
from app.errors import ValidationFailed

_T = TypeVar("_T")

# Statements run in the current context, when a caller asked to count them.
_statements: ContextVar[list[str] | None] = ContextVar("sql_statements", default=None)


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, QueryString):
        return any(_holds_nul(arg) for arg in value.args)
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    return False


class _Counting:
    """Mixin: counts statements when a caller asks (count_queries), and is the last line of the input
    boundary: no NUL character ever reaches the database (PostgreSQL text refuses it with an unexpected
    error; app.input refuses control characters field by field first). The statement's text is made
    only when counted: Piccolo's log_queries would render every statement's text (values inlined),
    about 3% of a small request's CPU, to throw it away."""

    def before(self, querystring: QueryString) -> None:
        refuse_nul(querystring)
        collected = _statements.get()
        if collected is not None:
            collected.append(str(querystring))


def refuse_nul(querystring: QueryString) -> None:
    if _holds_nul(querystring):
        raise ValidationFailed(
            "CONTROL_CHARACTERS", "Văn bản chứa ký tự điều khiển không hợp lệ.", "Text contains control characters."
        )


@dataclass
class _SharedConnection:
    """One SQLite connection for the statements of one HTTP request that run outside a transaction."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    connection: aiosqlite.Connection | None = None
    closed: bool = False


_shared: ContextVar[_SharedConnection | None] = ContextVar("sqlite_shared_connection", default=None)


async def _finish_off_loop(cleanup: Awaitable[None]) -> None:
    """Runs `cleanup` to its end even when the calling task is being cancelled (again): it is shielded
    in a task of its own, and its own failure is not the caller's (the caller re-raises its error)."""
    task = asyncio.ensure_future(cleanup)
    with contextlib.suppress(BaseException):
        await asyncio.shield(task)


async def _all_or_abandon(step: Awaitable[_T], abandon: Callable[[], Awaitable[None] | None]) -> _T:
    """Piccolo's transactions give their connection back only when `__aenter__` and `__aexit__` run to
    their end. A task cancelled while BEGIN, COMMIT or ROLLBACK is in flight (graphql-core cancels the
    sibling fields of a field that fails; a client that goes away cancels its request), or a COMMIT that
    raises, left the connection open in its transaction: on PostgreSQL "idle in transaction" until the
    pool ran dry, on SQLite holding the write lock so that every later writer failed ("database is
    locked"). Found by `make fuzz`. So when entering or leaving fails, the connection is rolled back,
    given back, and the current-transaction variable restored."""
    try:
        return await step
    except BaseException:
        cleanup = abandon()  # forgets the transaction here, in the caller's context
        if cleanup is not None:
            await _finish_off_loop(cleanup)
        raise


def _detach(transaction: SQLiteTransaction | PostgresTransaction) -> Any:
    """The connection of an outermost transaction being abandoned (None if it has none yet, or joined
    another), taken from it, with the current-transaction variable restored in the caller's context."""
    connection = getattr(transaction, "connection", None)
    if transaction._parent is not None or connection is None:
        return None
    context = getattr(transaction, "context", None)
    if context is not None:
        with contextlib.suppress(ValueError, RuntimeError):  # already reset
            transaction.engine.current_transaction.reset(context)
    transaction.connection = None
    return connection


class LeakFreeSQLiteTransaction(SQLiteTransaction):
    async def __aenter__(self) -> SQLiteTransaction:
        return await _all_or_abandon(super().__aenter__(), self._abandon)

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        return await _all_or_abandon(super().__aexit__(exception_type, exception, traceback), self._abandon)

    async def get_connection(self) -> aiosqlite.Connection:
        # aiosqlite opens the connection on a thread of its own: cancelled meanwhile, the connection
        # would be opened anyway and never closed (its thread keeping the process alive at exit).
        opening = asyncio.ensure_future(super().get_connection())
        try:
            return await asyncio.shield(opening)
        except BaseException:
            await _finish_off_loop(self._close_when_open(opening))
            raise

    @classmethod
    async def _close_when_open(cls, opening: Awaitable[aiosqlite.Connection]) -> None:
        await cls._close(await opening)

    def _abandon(self) -> Awaitable[None] | None:
        connection = _detach(self)
        return None if connection is None else self._close(connection)

    @staticmethod
    async def _close(connection: aiosqlite.Connection) -> None:
        try:
            # Queued behind a BEGIN still in flight on aiosqlite's thread, so it runs after it.
            with contextlib.suppress(Exception):
                await connection.execute("ROLLBACK")
        finally:
            await connection.close()


class LeakFreePostgresTransaction(PostgresTransaction):
    async def __aenter__(self) -> PostgresTransaction:
        return await _all_or_abandon(super().__aenter__(), self._abandon)

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        return await _all_or_abandon(super().__aexit__(exception_type, exception, traceback), self._abandon)

    def _abandon(self) -> Awaitable[None] | None:
        connection = _detach(self)
        return None if connection is None else self._close(connection)

    async def _close(self, connection: Any) -> None:
        if self.engine.pool:
            # asyncpg waits for a cancelled statement, rolls back (its reset) and frees the slot; a
            # connection it cannot reset is terminated and its slot freed.
            await self.engine.pool.release(connection)
        else:
            await connection.close()


class CountingSQLiteEngine(_Counting, SQLiteEngine):
    async def run_querystring(self, querystring: QueryString, in_pool: bool = False) -> Any:
        self.before(querystring)
        return await super().run_querystring(querystring, in_pool)

    """Piccolo opens a new SQLite connection (and aiosqlite a thread) for every statement run outside
    a transaction: about 2.3 ms each on the development machine, most of a catalog query's time.
    Inside `shared_connection()` those statements reuse one autocommit connection instead, so each
    still commits on its own and sees the latest data; transactions keep their own connection."""

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        shared = _shared.get()
        if shared is None or shared.closed or (query_type == "insert" and self.get_version_sync() < 3.35):
            return await super()._run_in_new_connection(query, args, query_type, table)
        async with shared.lock:  # opening once; aiosqlite serialises the statements themselves
            if shared.connection is None:
                shared.connection = await aiosqlite.connect(**self.connection_kwargs)
                await shared.connection.execute("PRAGMA foreign_keys = 1")
                shared.connection.row_factory = dict_factory  # type: ignore[assignment]
        async with shared.connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def transaction(
        self, transaction_type: TransactionType = TransactionType.deferred, allow_nested: bool = True
    ) -> LeakFreeSQLiteTransaction:
        return LeakFreeSQLiteTransaction(engine=self, transaction_type=transaction_type, allow_nested=allow_nested)


class CountingPostgresEngine(_Counting, PostgresEngine):
    async def run_querystring(self, querystring: QueryString, in_pool: bool = True) -> Any:
        self.before(querystring)
        return await super().run_querystring(querystring, in_pool)

    def transaction(self, allow_nested: bool = True) -> LeakFreePostgresTransaction:
        return LeakFreePostgresTransaction(engine=self, allow_nested=allow_nested)


@contextlib.contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (BEGIN/COMMIT are not counted)."""
    collected: list[str] = []
    token = _statements.set(collected)
    try:
        yield collected
    finally:
        _statements.reset(token)


@contextlib.asynccontextmanager
async def shared_connection() -> AsyncIterator[None]:
    """Around one HTTP request: on SQLite, statements outside transactions share one connection."""
    if not isinstance(engine(), SQLiteEngine) or _shared.get() is not None:
        yield
        return
    shared = _SharedConnection()
    token = _shared.set(shared)
    try:
        yield
    finally:
        _shared.reset(token)
        shared.closed = True  # a task that outlives the request falls back to its own connections
        if shared.connection is not None:
            await shared.connection.close()


def detach_shared_connection() -> None:
    """Call in a context copied for a background task: it must not use the request's connection."""
    _shared.set(None)


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
        return CountingPostgresEngine(config=config)
    if not url.startswith("sqlite:///"):
        raise ValueError("DATABASE_URL must start with sqlite:/// or postgresql://")
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    # timeout: wait for a competing writer instead of failing with "database is locked".
    return CountingSQLiteEngine(path=str(path), timeout=30)


def engine() -> Engine:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf.py is part of the repo
        raise RuntimeError("piccolo_conf.py not found")
    return found


# Actions the open transaction runs last, just before it commits (keyed, so each runs once).
_before_commit: ContextVar[dict[Hashable, Callable[[], Awaitable[None]]] | None] = ContextVar(
    "before_commit", default=None
)


@contextlib.asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """A write transaction. On SQLite it is IMMEDIATE: deferred read-then-write transactions
    fail with "database is locked" under concurrency (NOTES-stack). Nested, it joins the outer one
    (Piccolo's default). Actions registered with `before_commit` run at the end of the outermost block,
    inside the transaction."""
    db = engine()
    tx = (
        db.transaction(transaction_type=TransactionType.immediate) if isinstance(db, SQLiteEngine) else db.transaction()
    )
    if _before_commit.get() is not None:
        async with tx:
            yield
        return
    actions: dict[Hashable, Callable[[], Awaitable[None]]] = {}
    token = _before_commit.set(actions)
    try:
        async with tx:
            yield
            for action in actions.values():
                await action()
    finally:
        _before_commit.reset(token)


def before_commit(key: Hashable, action: Callable[[], Awaitable[None]]) -> bool:
    """Runs `action` as the last statement of the open transaction (once per key); False when there is
    none. Last, so that a row every writer touches (a version counter) is locked for the shortest time
    and always after the rows of the change: two transactions cannot wait on each other for it."""
    actions = _before_commit.get()
    if actions is None:
        return False
    actions.setdefault(key, action)
    return True


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


async def keep_session(connection: Any) -> None:
    """The pool's reset of a released connection, in place of asyncpg's default (advisory locks,
    cursors, LISTEN, RESET ALL): that is one more round trip per statement, since Piccolo releases the
    connection after each one, and the app keeps no session state to reset (its settings are SET LOCAL,
    its locks transaction-scoped, it never listens). asyncpg still rolls back an open transaction first."""


@contextlib.asynccontextmanager
async def database_lifespan() -> AsyncIterator[None]:
    db = engine()
    if isinstance(db, PostgresEngine):
        settings = get_settings()
        await db.start_connection_pool(
            min_size=settings.database_pool_min_size,
            max_size=20,
            server_settings={
                "idle_in_transaction_session_timeout": str(settings.db_idle_in_transaction_seconds * 1000)
            },
            reset=keep_session,
        )
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


# --- prepared queries -----------------------------------------------------------------------------------


class _Slot:
    """Stands for the i-th value while a prepared query is composed."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


class _Bound(QueryString):
    """A statement already compiled: its SQL, its arguments."""

    def __init__(self, sql: str, args: list[Any], model: QueryString) -> None:
        super().__init__("", query_type=model.query_type, table=model.table)
        self._frozen_compiled_strings = (sql, args)
        self.args = args  # what refuse_nul inspects
        self._sql = sql

    def __str__(self) -> str:
        return f"{self._sql} -- {self.args!r}"


class Prepared:
    """A Piccolo query composed once per engine and shape, then run with new values.

    Piccolo composes a query's SQL on every run: for a select of every column of a table of 30-odd
    columns that is 0.2-0.4 ms of CPU, a quarter of a public tracking lookup. `build(*values)` makes the
    query; it is called once with stand-ins for the values, the SQL compiled and kept, and each call
    binds the actual values in their places (a list value: one place per item, so each list length is a
    shape of its own). Values are passed as the database stores them (an enum as its value); the query's
    own post-processing (first(), load_json) runs as usual."""

    SHAPES_MAX = 32  # list lengths kept per engine; beyond, the query is composed as Piccolo would

    def __init__(self, build: Callable[..., Any]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, tuple[int | None, ...]], tuple[Any, str, list[Any], QueryString]] = {}

    async def __call__(self, *values: Any) -> Any:
        shape = tuple(len(v) if isinstance(v, list | tuple) else None for v in values)
        kind = engine().engine_type
        entry = self._compiled.get((kind, shape))
        if entry is None:
            if len(self._compiled) >= self.SHAPES_MAX:
                return await self._build(*values)
            entry = self._compiled[(kind, shape)] = self._compile(kind, shape)
        query, sql, args, model = entry
        flat = [_plain(item) for value in values for item in (value if isinstance(value, list | tuple) else [value])]
        bound = _Bound(sql, [flat[a.index] if isinstance(a, _Slot) else a for a in args], model)
        # a copy per run: runs in flight at once must not share the bound statement
        target = copy.copy(query.query if isinstance(query, Proxy) else query)
        assert isinstance(target, Query)
        target._frozen_querystrings = (bound,)
        return await (type(query)(target) if isinstance(query, Proxy) else target)

    def _compile(self, kind: str, shape: tuple[int | None, ...]) -> tuple[Any, str, list[Any], QueryString]:
        counter = itertools.count()
        stand_ins = [
            [_Slot(next(counter)) for _ in range(length)] if length is not None else _Slot(next(counter))
            for length in shape
        ]
        query = self._build(*stand_ins)
        inner = query.query if isinstance(query, Proxy) else query
        [model] = inner.querystrings
        sql, args = model.compile_string(engine_type=kind)
        placed = sorted(a.index for a in args if isinstance(a, _Slot))
        if placed != list(range(sum(1 if n is None else n for n in shape))):
            raise TypeError("a prepared query must use each of its values once, untransformed")
        return query, sql, args, model


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
