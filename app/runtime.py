"""How the server runs: how many worker processes, and the garbage collector's settings.

Workers share nothing but the database and Redis: sessions, sign-in lockouts and tracking limits are
rows in the database; the bus's subscriptions are code registered at import (each process imports the
same modules) and its events are rows; the remaining in-process caches (parsed documents, cost
measures, holidays of a year) hold pure functions of code, never data, so one per process is safe.

On SQLite the server always runs one worker: every write takes the one file's lock, so more processes
only queue for it (and each would keep its own connections to the same file) while one worker's event
loop already overlaps the reads.
"""

from __future__ import annotations

import gc
import logging
import os
import socket

import uvicorn

from app.config import Settings

log = logging.getLogger("app.runtime")


def worker_count(settings: Settings) -> int:
    if not settings.is_postgres:
        return 1
    if settings.workers > 0:
        return settings.workers
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def tune_gc(settings: Settings) -> None:
    """After start-up (modules, schema, pools): the garbage collector took 18-33% of a request's CPU
    scanning objects that live as long as the process. Freezing moves them out of its sight, and a
    higher gen-0 threshold makes collections rarer (a request's garbage is mostly freed by reference
    counting anyway)."""
    if settings.gc_freeze:
        gc.collect()
        gc.freeze()
    if settings.gc_gen0_threshold > 0:
        _, gen1, gen2 = gc.get_threshold()
        gc.set_threshold(settings.gc_gen0_threshold, gen1, gen2)
    log.info("gc tuned", extra={"frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()})


class TcpConfig(uvicorn.Config):
    """uvicorn's configuration, but the socket the workers share says it is TCP.

    uvicorn binds it as `socket.socket(family)`, protocol number 0, and asyncio sets TCP_NODELAY only on
    connections of sockets that say IPPROTO_TCP: with several workers Nagle's algorithm stayed on, and
    every answer longer than one segment waited about 40 ms for the client's delayed ACK (a cached
    20-row catalog page: 46 ms with 2 workers, 3 ms with one; bench/README.md, open_loop)."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6) and sock.proto != socket.IPPROTO_TCP:
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.set_inheritable(True)
        return sock


def serve(settings: Settings, host: str, port: int) -> None:
    from uvicorn.supervisors import Multiprocess

    # uvicorn's own supervisor: it restarts a worker that dies and stops them all on SIGTERM.
    # No access log: the request-id middleware already logs every request (with its id and time).
    # proxy_headers off: uvicorn would trust X-Forwarded-For from 127.0.0.1; the app decides from
    # TRUSTED_PROXIES instead (app/clients.py), so a forged header cannot dodge address limits.
    config = TcpConfig(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=worker_count(settings),
        access_log=False,
        proxy_headers=False,
        server_header=False,  # no `server: uvicorn` banner: it tells a scanner which server's bugs to try
    )
    if config.workers > 1:  # as uvicorn.run does, with our socket
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    server = uvicorn.Server(config)
    server.run()
    if not server.started:
        raise SystemExit(3)  # uvicorn's STARTUP_FAILURE
