"""Helpers shared by tests: a GraphQL client over ASGI, users of each role, database reset."""

from __future__ import annotations

import contextlib
import copy
import functools
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import httpx
import pytest

from app import clock
from app.auth import service as auth
from app.auth.enums import Role
from app.db import engine, is_sqlite

PASSWORD = "mat-khau-rat-manh-2026"
T = TypeVar("T")


def _tables() -> list[Any]:
    """The application's tables (Piccolo's migration table aside), parents before children."""
    from piccolo.apps.migrations.tables import Migration
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    return [t for t in sort_table_classes(Finder().get_table_classes()) if t is not Migration]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass(frozen=True)
class Snapshot:
    """A saved state of the whole test database, put back with `restore()`.

    The tables that held rows (or, on PostgreSQL, whose id sequence had moved) are copied aside: into a
    file made with SQLite's backup API, or into a schema of their own on PostgreSQL. Restoring empties
    only the tables written since and copies those rows back: cheaper than emptying ~40 tables, than
    re-running a seed, or than re-creating the database from a template (which also drops the pools).
    """

    name: str
    tables: tuple[str, ...] = ()
    path: str | None = None  # SQLite
    sequences: tuple[tuple[str, int], ...] = ()  # PostgreSQL: (sequence, last value)


_snapshots_dir: list[str] = []


def _probe(names: list[str], schema: str = "") -> str:
    """One statement listing the tables that hold at least one row."""
    return " UNION ALL ".join(f"SELECT '{n}' AS name WHERE EXISTS (SELECT 1 FROM {schema}{_quoted(n)})" for n in names)


async def take_snapshot(name: str) -> Snapshot:
    """Saves the database as it is now under `name` (an identifier; taking it again replaces it)."""
    assert name.isidentifier(), name
    names = [t._meta.tablename for t in _tables()]
    if is_sqlite():
        import sqlite3
        import tempfile

        if not _snapshots_dir:
            _snapshots_dir.append(tempfile.mkdtemp(prefix="ttcntt-snapshots-", dir=fast_temporary_dir()))
        path = f"{_snapshots_dir[0]}/{name}.sqlite"
        with (
            contextlib.closing(sqlite3.connect(_sqlite_path())) as source,
            contextlib.closing(sqlite3.connect(path)) as saved,
        ):
            source.backup(saved)
            holding = {row[0] for row in saved.execute(_probe(names))}
        return Snapshot(name, tables=tuple(n for n in names if n in holding), path=path)
    schema = _quoted(f"test_snapshot_{name}")
    async with _connection() as connection:
        filled = await _filled_tables(connection, names)
        statements = [f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}"]
        statements += [f"CREATE TABLE {schema}.{_quoted(n)} AS TABLE public.{_quoted(n)}" for n in filled]
        await connection.execute(";".join(statements))
        rows = await connection.fetch(
            "SELECT schemaname || '.' || sequencename AS name, last_value FROM pg_sequences "
            "WHERE schemaname = 'public' AND last_value IS NOT NULL"
        )
    return Snapshot(name, tables=tuple(filled), sequences=tuple((r["name"], r["last_value"]) for r in rows))


def fast_temporary_dir() -> str | None:
    """Where test databases go: a RAM disk when there is one (no fsync cost per commit), else the default."""
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


async def drop_snapshots() -> None:
    """At the end of the run: the snapshots' files, or their schemas."""
    import shutil

    if is_sqlite():
        for folder in _snapshots_dir:
            shutil.rmtree(folder, ignore_errors=True)
        return
    async with _connection() as connection:
        schemas = await connection.fetch("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'test\\_snapshot\\_%'")
        for row in schemas:
            await connection.execute(f"DROP SCHEMA {_quoted(row['nspname'])} CASCADE")


def _sqlite_path() -> str:
    from piccolo.engine.sqlite import SQLiteEngine

    return str(cast(SQLiteEngine, engine()).path)


_held: list[Any] = []  # PostgreSQL: the helpers' connection, kept while its event loop lives


@contextlib.asynccontextmanager
async def _connection() -> AsyncIterator[Any]:
    """PostgreSQL: an asyncpg connection of the helpers' own (several statements in one round trip), opened
    once per event loop (anyio runs the whole session in one) rather than for each of the 2–4 restores
    and probes of a test: a new PostgreSQL connection costs a process on the server."""
    import asyncio

    from piccolo.engine.postgres import PostgresEngine

    loop = asyncio.get_running_loop()
    if _held and (_held[0].is_closed() or _held[0]._loop is not loop):
        if not _held[0].is_closed() and not _held[0]._loop.is_closed():
            _held[0].terminate()
        _held.clear()
    if not _held:
        _held.append(await cast(PostgresEngine, engine()).get_new_connection())
    yield _held[0]


async def close_connection() -> None:
    """At the end of the run (before the worker's database is dropped)."""
    if _held and not _held[0].is_closed():
        await _held.pop().close()
    _held.clear()


async def _filled_tables(connection: Any, names: list[str]) -> list[str]:
    """PostgreSQL: the tables holding rows, or whose id sequence moved (rows inserted then deleted)."""
    return (await _pg_state(connection, names))[0]


async def _pg_state(connection: Any, names: list[str]) -> tuple[list[str], set[str]]:
    """PostgreSQL: the tables holding rows or whose id sequence moved, and every sequence that moved."""
    moved = await connection.fetch(
        "SELECT s.schemaname || '.' || s.sequencename AS sequence, d.refobjid::regclass::text AS name "
        "FROM pg_sequences s JOIN pg_namespace n ON n.nspname = s.schemaname "
        "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.sequencename "
        "LEFT JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass "
        "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
        "WHERE s.schemaname = 'public' AND s.last_value IS NOT NULL"
    )
    used = {row["name"] for row in moved if row["name"] is not None}
    filled = {row["name"] for row in await connection.fetch(_probe(names, "public."))}
    tables = [n for n in names if n in filled or n in used or _quoted(n) in used]
    return tables, {row["sequence"] for row in moved}


async def is_empty() -> bool:
    """No row in any application table (and, on PostgreSQL, no id sequence moved)."""
    names = [t._meta.tablename for t in _tables()]
    if is_sqlite():
        import sqlite3

        with contextlib.closing(sqlite3.connect(_sqlite_path(), timeout=30)) as live:
            return not live.execute(_probe(names)).fetchall()
    async with _connection() as connection:
        return not await _filled_tables(connection, names)


async def restore(snapshot: Snapshot) -> None:
    """Puts the database back as it was when `snapshot` was taken. Call it between requests, with no
    transaction open."""
    names = [t._meta.tablename for t in _tables()]
    _restored_last[0] = snapshot.name
    if snapshot.path is not None:
        _restore_sqlite(snapshot, names)
        return
    schema = _quoted(f"test_snapshot_{snapshot.name}")
    async with _connection() as connection:
        filled, moved = await _pg_state(connection, names)
        dirty = set(filled) | set(snapshot.tables)
        if await _may_skip_checks(connection):
            # DELETE, not TRUNCATE: TRUNCATE gives each table and index a new file (~0.3 s for the ~25
            # tables a test dirties, most of a PostgreSQL test's set-up). Foreign keys and the invoice
            # triggers are off for this transaction only (replica role), so order does not matter.
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [f"DELETE FROM public.{_quoted(n)}" for n in names if n in dirty]
        else:
            statements = []
            if dirty:
                statements.append(
                    f"TRUNCATE {', '.join(_quoted(n) for n in names if n in dirty)} RESTART IDENTITY CASCADE"
                )
        statements += [
            f"INSERT INTO public.{_quoted(n)} SELECT * FROM {schema}.{_quoted(n)}" for n in snapshot.tables
        ]  # parents first (_tables' order): with the checks on, foreign keys are checked row by row
        saved = dict(snapshot.sequences)
        statements += [f"SELECT setval('{name}', {value})" for name, value in snapshot.sequences]
        statements += [f"SELECT setval('{name}', 1, false)" for name in sorted(moved - set(saved))]
        async with connection.transaction():
            await connection.execute(";".join(statements))
        await _vacuum_now_and_then(connection)


_may_skip: list[bool] = []


async def _may_skip_checks(connection: Any) -> bool:
    """Only a superuser may set session_replication_role (the tests' usual `postgres`); others TRUNCATE."""
    if not _may_skip:
        _may_skip.append(await connection.fetchval("SELECT current_setting('is_superuser') = 'on'"))
    return _may_skip[0]


_restores = [0]


async def _vacuum_now_and_then(connection: Any) -> None:
    """Deleted rows stay in the tables' files until a VACUUM, and autovacuum may be off: without one every
    so often, each test's scans would read the dead rows of all the tests before it in the process."""
    _restores[0] += 1
    if _restores[0] % 50 == 0:
        await connection.execute("VACUUM")


def _restore_sqlite(snapshot: Snapshot, names: list[str]) -> None:
    """One short synchronous transaction on a connection of its own (foreign keys are off on a bare
    sqlite3 connection, so the order of the copies does not matter). Ids: SQLite reuses max(id) + 1
    (no AUTOINCREMENT), so emptying a table is enough to start its ids from where the snapshot did."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(_sqlite_path(), timeout=30, isolation_level=None)) as live:
        if snapshot.tables:
            live.execute("ATTACH DATABASE ? AS snapshot", (snapshot.path,))
        live.execute("BEGIN IMMEDIATE")
        try:
            dirty = {row[0] for row in live.execute(_probe(names))} | set(snapshot.tables)
            for name in (n for n in names if n in dirty):
                live.execute(f"DELETE FROM main.{_quoted(name)}")
            for name in snapshot.tables:
                live.execute(f"INSERT INTO main.{_quoted(name)} SELECT * FROM snapshot.{_quoted(name)}")
        except BaseException:
            live.execute("ROLLBACK")
            raise
        live.execute("COMMIT")


async def table_rows(tables: Iterable[str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of these tables (default: every application table), in id order: equal before and after
    a call that must change nothing. Read in one transaction, so on one connection."""
    classes = {t._meta.tablename: t for t in _tables()}
    names = list(classes) if tables is None else list(tables)
    async with one_connection():
        return {name: await classes[name].select().order_by(classes[name]._meta.primary_key) for name in names}


def one_connection() -> Any:
    """`async with one_connection():` the reads inside share one connection and see one state (a read-only
    transaction; on SQLite each statement outside a transaction would open a connection of its own)."""
    from piccolo.engine.sqlite import TransactionType

    kind = {"transaction_type": TransactionType.deferred} if is_sqlite() else {}
    return engine().transaction(**kind)


_worlds: dict[str, tuple[Any, Snapshot]] = {}


async def shared_world(key: str, build: Callable[[], Awaitable[T]]) -> T:
    """The data many tests start from, built once per process and restored from a snapshot after that.

    The first call empties the database, awaits `build()` and saves the database and a copy of the value
    under `key` (an identifier); later calls restore that database and return a fresh copy of the value.
    `build` must depend on nothing that differs between the tests sharing it: freeze the clock at one
    instant for all of them (tokens, "last used" times and dates are part of the snapshot)."""
    if key in _worlds:
        value, snapshot = _worlds[key]
        await restore(snapshot)
        return copy.deepcopy(value)
    await empty_database()
    value = await build()
    _worlds[key] = (copy.deepcopy(value), await take_snapshot(f"world_{key}"))
    return value


_states: dict[str, tuple[tuple[Any, ...], Any, Snapshot]] = {}
_restored_last: list[str] = [""]  # the name of the snapshot restored last
_real_now = clock.now


async def shared_state(key: str, build: Callable[[], Awaitable[T]]) -> T:
    """Like `shared_world`, but on top of what the test has so far (e.g. the seeded catalog), for fixtures
    such as "people of every role". The saved state is reused only when the database looks as it did
    before the first build (the same snapshot restored last, the same number of rows in every table, the
    clock frozen at the same instant or not at all); otherwise `build()` runs again."""
    frozen = None if clock.now is _real_now else clock.now()
    fingerprint = (_restored_last[0], await _row_counts(), frozen)
    saved = _states.get(key)
    if saved is not None and saved[0] == fingerprint:
        await restore(saved[2])
        return copy.deepcopy(saved[1])
    value = await build()
    if saved is None:
        _states[key] = (fingerprint, copy.deepcopy(value), await take_snapshot(f"state_{key}"))
    return value


async def _row_counts() -> tuple[int, ...]:
    names = [t._meta.tablename for t in _tables()]
    query = " UNION ALL ".join(f"SELECT {i} AS i, COUNT(*) AS n FROM {_quoted(n)}" for i, n in enumerate(names))
    if is_sqlite():
        import sqlite3

        with contextlib.closing(sqlite3.connect(_sqlite_path(), timeout=30)) as live:
            rows = live.execute(query).fetchall()
    else:
        async with _connection() as connection:
            rows = [tuple(row) for row in await connection.fetch(query)]
    return tuple(n for _, n in sorted(rows))


_empty: list[Snapshot] = []


async def empty_database() -> None:
    """Every application table empty, ids from 1 again: restores the snapshot taken after migrating
    (tests/conftest.py), or deletes every row when there is none."""
    if _empty:
        await restore(_empty[0])
        return
    names = [t._meta.tablename for t in _tables()]
    if is_sqlite():
        async with engine().transaction():
            await engine().run_ddl("PRAGMA defer_foreign_keys = ON")
            for name in names:
                await engine().run_ddl(f'DELETE FROM "{name}"')
    else:
        await engine().run_ddl(f"TRUNCATE {', '.join(_quoted(n) for n in names)} RESTART IDENTITY CASCADE")


async def remember_empty_database() -> None:
    """Called once the database is migrated: empties every table (a reused database may hold rows of an
    earlier run) and saves that, which later `empty_database()` calls restore."""
    _empty.clear()
    await empty_database()
    _empty.append(await take_snapshot("empty"))


@dataclass
class Result:
    body: dict[str, Any]
    status: int

    @property
    def data(self) -> dict[str, Any]:
        assert "errors" not in self.body, self.body.get("errors")
        return self.body["data"]

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors", [])

    @property
    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class Api:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Result:
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=sent)
        return Result(response.json(), response.status_code)

    async def staff(self, email: str, *roles: Role) -> str:
        """Creates a staff account with these roles (bypassing the admin API) and signs it in."""
        from app.audit.service import Actor

        account_id = await auth.insert_staff_hashed(
            Actor.system(), email, "Cán bộ thử nghiệm", password_hash(), list(roles)
        )
        return (await auth._issue_session(account_id)).token

    async def customer(self, email: str, kind: str = "CITIZEN", **extra: Any) -> str:
        """Signs a customer up (the sign-up use case's own checks and inserts, without the API's round trip
        and with the shared password's hash computed once); `extra` takes the API's camelCase fields."""
        from app.auth.enums import CustomerKind

        fields = {
            "CITIZEN": {"citizenId": "038095000123"},
            "BUSINESS": {"taxCode": "0100109106", "organizationName": "Công ty ABC"},
        }
        given = {**fields.get(kind, {"organizationName": "Sở Y tế Thanh Hóa"}), **extra}
        values = {
            "email": email,
            "password": PASSWORD,
            "full_name": "Nguyễn Văn A",
            "customer_kind": CustomerKind[kind],
        }
        data = auth.SignUpData(**values | {_SNAKE.get(name, name): value for name, value in given.items()})
        return (await auth.insert_customer(auth.checked_sign_up(data), password_hash())).token


_SNAKE = {
    "citizenId": "citizen_id",
    "taxCode": "tax_code",
    "organizationName": "organization_name",
    "fullName": "full_name",
}


@functools.cache
def password_hash() -> str:
    """PASSWORD's Argon2 hash, computed once per process: the people of a test are inserted with it."""
    from app.auth import passwords

    return passwords.hash_password_blocking(PASSWORD)


SIGN_UP = """
mutation ($input: SignUpInput!) {
  signUp(input: $input) { token expiresAt account { id email customerKind roles } errors { field code message messageVi messageEn } }
}
"""


@contextlib.contextmanager
def env_settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> Iterator[None]:
    """The app's settings with these environment variables inside the block, without them after it
    (get_settings is cached: it is read again each way)."""
    from app.config import get_settings

    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name in values:
            monkeypatch.delenv(name)
        get_settings.cache_clear()
