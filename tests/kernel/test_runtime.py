"""Worker count (one on SQLite whatever WORKERS says) and the garbage collector's settings after start-up."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from dataclasses import replace

import pytest

from app import runtime
from app.config import Settings

SQLITE = Settings(database_url="sqlite:///var/x.sqlite")
POSTGRES = Settings(database_url="postgresql://postgres@127.0.0.1:5432/x")


def test_sqlite_runs_one_worker_whatever_is_asked() -> None:
    assert runtime.worker_count(replace(SQLITE, workers=4)) == 1
    assert runtime.worker_count(SQLITE) == 1


def test_postgres_runs_what_is_asked_or_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runtime.worker_count(replace(POSTGRES, workers=3)) == 3
    monkeypatch.setattr(runtime.os, "sched_getaffinity", lambda pid: {0, 1, 5}, raising=False)
    assert runtime.worker_count(POSTGRES) == 3


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tuning_freezes_what_start_up_made_and_raises_the_gen0_threshold(restored_gc: None) -> None:
    gc.unfreeze()
    runtime.tune_gc(replace(SQLITE, gc_freeze=True, gc_gen0_threshold=40_000))
    assert gc.get_freeze_count() > 1000
    assert gc.get_threshold()[0] == 40_000


def test_tuning_can_be_turned_off(restored_gc: None) -> None:
    gc.unfreeze()
    before = gc.get_threshold()
    runtime.tune_gc(replace(SQLITE, gc_freeze=False, gc_gen0_threshold=0))
    assert (gc.get_freeze_count(), gc.get_threshold()) == (0, before)


async def test_the_workers_shared_socket_gives_connections_without_nagle() -> None:
    """With several workers uvicorn binds the shared socket itself; its connections must have TCP_NODELAY
    (asyncio sets it only when the socket says IPPROTO_TCP), or a long answer waits ~40 ms per request."""
    import asyncio
    import socket

    config = runtime.TcpConfig("app.main:create_app", factory=True, host="127.0.0.1", port=0, workers=2)
    listening = config.bind_socket()
    assert listening.proto == socket.IPPROTO_TCP
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
    async with server:
        _, writer = await asyncio.open_connection(*listening.getsockname()[:2])
        assert await asyncio.wait_for(accepted, 5) == 1
        writer.close()
