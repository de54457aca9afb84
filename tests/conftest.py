"""Test set-up: a fresh database per run (SQLite file, or TEST_DATABASE_URL), migrated once,
emptied before each test. Tests talk to the real app over ASGI."""

from __future__ import annotations

import inspect
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

_tmp = tempfile.mkdtemp(prefix="ttcntt-test-")
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_tmp}/test.sqlite"
os.environ["PICCOLO_CONF"] = "piccolo_conf"
os.environ["ARGON2_MEMORY_KIB"] = "1024"  # fast hashes in tests; production keeps 64 MiB
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Many tests submit as one guest from one address; tests/requests/test_guest_limits.py lowers these.
os.environ["GUEST_SUBMISSIONS_PER_CLIENT"] = "1000"
os.environ["GUEST_SUBMISSIONS_PER_EMAIL"] = "1000"

from tests import support  # noqa: E402


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: Any, name: str, obj: Any) -> None:
    """Every `async def test_…` runs on anyio's asyncio backend, without a marker in each module
    (marked here, before parametrization, so it combines with @pytest.mark.parametrize)."""
    if collector.funcnamefilter(name) and inspect.iscoroutinefunction(obj):
        pytest.mark.anyio(obj)


@pytest.fixture(scope="session")
async def migrated() -> AsyncIterator[None]:
    from app.cli import migrate

    await migrate()
    yield


@pytest.fixture
async def db(migrated: None) -> AsyncIterator[None]:
    await support.empty_database()
    yield


@pytest.fixture
async def client(db: None) -> AsyncIterator[support.Api]:
    import httpx

    from app.db import database_lifespan
    from app.main import create_app

    # httpx over ASGI in the test's own event loop: Litestar's test client runs the app in a
    # thread with another loop, and an asyncpg pool cannot be shared across loops.
    transport = httpx.ASGITransport(app=create_app())
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield support.Api(http)


@pytest.fixture
async def catalog(db: None) -> dict[str, int]:
    """The seed as `make run` runs it (the catalog and the announced working calendar); the catalog's counts."""
    from app.cli import seed

    return (await seed())["catalog"]


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
    from app.config import get_settings

    folder = tmp_path / "uploads"
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    monkeypatch.delenv("UPLOAD_DIR")
    get_settings.cache_clear()
