"""Test set-up: a fresh database per run (SQLite file, or TEST_DATABASE_URL; one per pytest-xdist
worker), migrated once, put back to a snapshot before each test. Tests talk to the real app over ASGI."""

from __future__ import annotations

import functools
import inspect
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import hypothesis
import pytest


def _worker_database(url: str, worker: str) -> str:
    """Under pytest-xdist on PostgreSQL: a database of the worker's own next to TEST_DATABASE_URL's,
    created anew here and dropped when the worker finishes (`pytest_sessionfinish`)."""
    import asyncio

    import asyncpg

    parsed = urlsplit(url)
    name = f"{parsed.path.lstrip('/') or 'postgres'}_{worker}"
    assert name.replace("_", "").isalnum(), name

    async def create() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.execute(f'CREATE DATABASE "{name}"')
            # A throw-away database: a commit need not wait for its WAL to reach the disk (a setting of
            # this database only; a crash could lose its last commits, never corrupt it).
            await connection.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        finally:
            await connection.close()

    asyncio.run(create())
    _dropped_at_exit.append((url, name))
    return urlunsplit(parsed._replace(path=f"/{name}"))


_dropped_at_exit: list[tuple[str, str]] = []  # (a URL to connect with, the database to drop)
_url = os.environ.get("TEST_DATABASE_URL")
_worker = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1… in a pytest-xdist worker
# On a RAM disk when there is one: a test database is thrown away, and each commit's fsync is not free.
# (A folder per process: each pytest-xdist worker has its own SQLite file.)
_tmp = tempfile.mkdtemp(prefix="ttcntt-test-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None)
if _url and _worker:
    _url = _worker_database(_url, _worker)
os.environ["DATABASE_URL"] = _url or f"sqlite:///{_tmp}/test.sqlite"
os.environ["PICCOLO_CONF"] = "piccolo_conf"
os.environ["ARGON2_MEMORY_KIB"] = "1024"  # fast hashes in tests; production keeps 64 MiB
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Many tests submit as one guest from one address; tests/requests/test_guest_limits.py lowers these.
os.environ["GUEST_SUBMISSIONS_PER_CLIENT"] = "1000"
os.environ["GUEST_SUBMISSIONS_PER_EMAIL"] = "1000"
# Background jobs run in process (sent before the answer) even where REDIS_URL is set for other tests;
# tests/kernel/test_jobs.py switches to Redis and a worker process itself.
os.environ["JOB_BROKER"] = "memory"
# Tests send hundreds of requests at once on purpose (limits under concurrency): the admission gate would
# shed them; it has its own tests (tests/kernel/test_admission.py).
os.environ["MAX_CONCURRENT_REQUESTS"] = "1000"
os.environ["MAX_QUEUED_REQUESTS"] = "1000"
# PostgreSQL: each test starts a connection pool of its own (the app's, in the test's requests); opening
# the usual 10 connections up front cost a server process each, where most tests use one.
os.environ["DATABASE_POOL_MIN_SIZE"] = "1"

# Property tests: HYPOTHESIS_PROFILE=ci (set by .ci/run) draws the same examples on every run, so a CI
# failure is reproducible and a green run stays green; locally each run explores new examples.
# No per-example deadline in either: timing belongs in bench/, and on a busy machine a 200 ms deadline
# failed pure tests at random (projects/test_pure.py took 357 ms once, 156 ms on the re-run).
hypothesis.settings.register_profile("dev", deadline=None)
hypothesis.settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

from app.clock import now as _real_now  # noqa: E402
from tests import support  # noqa: E402


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker drops the PostgreSQL database it created; every process its temporary folder."""
    import asyncio

    import asyncpg

    async def drop(url: str, name: str) -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await connection.close()

    for url, name in _dropped_at_exit:
        asyncio.run(drop(url, name))
    shutil.rmtree(_tmp, ignore_errors=True)  # also the xdist controller's, which runs no test


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: Any, name: str, obj: Any) -> None:
    """Every `async def test_…` runs on anyio's asyncio backend, without a marker in each module
    (marked here, before parametrization, so it combines with @pytest.mark.parametrize)."""
    if collector.funcnamefilter(name) and inspect.iscoroutinefunction(obj):
        pytest.mark.anyio(obj)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The seeded catalog is set up before any other fixture of a test, so that it can be restored from
    its snapshot (which needs an empty database) rather than seeded again (see `catalog`)."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is not None and "catalog" in names:
            names.remove("catalog")
            names.insert(0, "catalog")


@pytest.fixture(scope="session")
async def migrated() -> AsyncIterator[None]:
    from app.cli import migrate

    await migrate()
    await support.remember_empty_database()  # each test starts from this copy (support.empty_database)
    yield
    await support.drop_snapshots()
    await support.close_connection()
    shutil.rmtree(_tmp, ignore_errors=True)


@pytest.fixture
async def db(migrated: None) -> AsyncIterator[None]:
    await support.empty_database()
    yield


# Settings that create_app() reads once, when it builds the app: a test that changes one gets an app of its own.
APP_SHAPING = (
    *("RESPONSE_CACHE", "REDIS_URL", "RESPONSE_CACHE_PREFIX", "PARTNER_DOCUMENTS"),
    *("APP_ENV", "GRAPHIQL", "INTROSPECTION", "MAX_UPLOAD_FILES"),
)


@functools.cache
def _app_for(shape: tuple[str | None, ...]) -> Any:
    from app.main import create_app

    return create_app()


def _app() -> Any:
    """One application for the whole run (per shape, see APP_SHAPING): building it costs ~0.2 s. Its
    in-process response cache is emptied for each test: a test restores the database from a snapshot
    without the version bumps of the write paths, so an answer cached by an earlier test could match."""
    from app.api.response_store import MemoryStore

    app = _app_for(tuple(os.environ.get(name) for name in APP_SHAPING))
    store = app.state.read_cache.store
    if isinstance(store, MemoryStore):
        store.entries.clear()
        store.size = 0
    return app


@pytest.fixture
async def client(db: None) -> AsyncIterator[support.Api]:
    import httpx

    from app.db import database_lifespan

    # httpx over ASGI in the test's own event loop: Litestar's test client runs the app in a
    # thread with another loop, and an asyncpg pool cannot be shared across loops.
    transport = httpx.ASGITransport(app=_app())
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield support.Api(http)


_seeded: dict[int, tuple[support.Snapshot, dict[str, int]]] = {}  # year -> the seeded database, its counts


@pytest.fixture
async def catalog(db: None) -> dict[str, int]:
    """The seed as `make run` runs it (the catalog and the announced working calendar); the catalog's counts.

    Seeded once per year of the clock and restored from a snapshot after that; with the clock frozen
    before this fixture the seed runs again, since it stamps dates from the clock."""
    from app import clock
    from app.cli import seed
    from app.db import database_lifespan

    unfrozen = clock.now is _real_now
    year = clock.local_today().year
    if unfrozen and year in _seeded and await support.is_empty():
        snapshot, counts = _seeded[year]
        await support.restore(snapshot)
        return dict(counts)
    async with database_lifespan():  # on PostgreSQL, without a pool each of the seed's statements would connect
        counts = (await seed())["catalog"]
    if unfrozen:
        _seeded[year] = (await support.take_snapshot(f"seeded_{year}"), dict(counts))
    return counts


@pytest.fixture
def frozen_now(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Call the returned function with an aware datetime to fix app.clock.now()."""
    from app import clock

    def freeze(moment: Any) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    yield freeze


@pytest.fixture(autouse=True)
def upload_dir(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Uploaded files (request documents, milestone evidence) go to a folder of the test's own."""
    folder = tmp_path / "uploads"
    with support.env_settings(monkeypatch, UPLOAD_DIR=str(folder)):
        yield folder


@pytest.fixture
def response_cache_off(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For tests of what runs behind the response cache: every request reaches strawberry.
    Ask for it before `client` (the app reads its settings when it is created)."""
    with support.env_settings(monkeypatch, RESPONSE_CACHE="off"):
        yield


@pytest.fixture
def redis_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The response cache in Redis under a key prefix of this test's own; skipped without a Redis,
    unless REQUIRE_REDIS=1 (CI), where a missing Redis fails the test."""
    import redis

    from app.config import get_settings
    from tests.read_cache_support import REDIS_URL

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but no Redis answers at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis answers at {REDIS_URL} (TEST_REDIS_URL): {error}")
    prefix = f"ttcntt-test:{uuid.uuid4().hex}:"
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("RESPONSE_CACHE", "redis")
    monkeypatch.setenv("RESPONSE_CACHE_PREFIX", prefix)
    get_settings.cache_clear()
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()
    for name in ("REDIS_URL", "RESPONSE_CACHE", "RESPONSE_CACHE_PREFIX"):
        monkeypatch.delenv(name)
    get_settings.cache_clear()


@pytest.fixture
def compiled_runs(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each call of the compiled executor by the read path: True when it answered."""
    seen: list[bool] = []
    from app.api import compiled

    execute = compiled.execute

    async def spy(*args: Any, **kwargs: Any) -> Any:
        data = await execute(*args, **kwargs)
        seen.append(data is not None)
        return data

    monkeypatch.setattr(compiled, "execute", spy)
    return seen
