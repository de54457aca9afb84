"""/health latency while 30 sign-ins run at once, with the production Argon2 parameters (64 MiB).

Argon2 used to run on the event loop: 30 concurrent sign-ins took /health from 10 ms to 6 s. Hashes now run
in PASSWORD_HASH_WORKERS worker threads (app/auth/passwords.py). A real server (`app.cli serve`, its own
process, on BENCH_PORT, default 8767) over the loopback; its own temporary SQLite file, or
BENCH_DATABASE_URL (an empty PostgreSQL database; not cleaned up). See bench/README.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{tempfile.mkdtemp(prefix='bench-sign-ins-')}/bench.sqlite"
)
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("ARGON2_MEMORY_KIB", None)  # production parameters, whatever the shell says

import httpx

from app.auth import passwords
from app.auth.tables import Account
from app.cli import migrate
from app.config import get_settings
from app.db import database_lifespan

PORT = int(os.environ.get("BENCH_PORT", "8767"))
SIGN_INS = int(os.environ.get("BENCH_SIGN_INS", "30"))
ROUNDS = 3
PASSWORD = "mat-khau-dai-du-10"
SIGN_IN = "mutation ($e: String!, $p: String!) { signIn(email: $e, password: $p) { token errors { code } } }"


async def accounts() -> list[str]:
    """SIGN_INS customers sharing one production hash (hashing each would only slow the set-up)."""
    emails = [f"khach{i}@example.vn" for i in range(SIGN_INS)]
    async with database_lifespan():
        await Account.delete().where(Account.email.is_in(emails))
        password_hash = await passwords.hash_password(PASSWORD)
        await Account.insert(
            *[Account(email=e, password_hash=password_hash, full_name="Khách", kind="customer") for e in emails]
        )
    return emails


@contextlib.contextmanager
def server() -> Iterator[str]:
    """`python -m app.cli serve` in a process of its own; stopped (by its pid) when the bench ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(PORT)],
        # The admission gate would shed most of 30 simultaneous sign-ins (4 slots, a 0.5 s wait): here they
        # must all run, since what is measured is /health while hashing works (settings still pass through).
        env={
            "MAX_CONCURRENT_REQUESTS": "64",
            "MAX_QUEUED_REQUESTS": "64",
            "QUEUE_TIMEOUT_MS": "120000",
            **os.environ,
            "LOG_LEVEL": "WARNING",
        },
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)


async def health_while(client: httpx.AsyncClient, busy: asyncio.Task[object] | None, count: int = 50) -> list[float]:
    """/health latencies (ms), one every 20 ms, while `busy` runs (or `count` of them when nothing runs)."""
    latencies: list[float] = []
    while (busy is not None and not busy.done()) or (busy is None and len(latencies) < count):
        start = time.perf_counter()
        response = await client.get("/health")
        latencies.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        await asyncio.sleep(0.02)
    return latencies


async def sign_ins(client: httpx.AsyncClient, emails: list[str]) -> float:
    """All at once; the seconds until the last answer. Every one must get a token."""
    start = time.perf_counter()
    results = await asyncio.gather(
        *[client.post("/graphql", json={"query": SIGN_IN, "variables": {"e": e, "p": PASSWORD}}) for e in emails]
    )
    took = time.perf_counter() - start
    tokens = [r.json()["data"]["signIn"]["token"] for r in results]
    assert all(tokens), [r.json() for r in results if not r.json()["data"]["signIn"]["token"]][:1]
    return took


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    p50 = statistics.median(values)
    return f"{name:<34} n={len(values):>4}  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  max {max(values):7.1f} ms"


async def run() -> None:
    await migrate()
    emails = await accounts()
    settings = get_settings()
    print(f"Argon2id memory {settings.argon2_memory_kib} KiB, PASSWORD_HASH_WORKERS={settings.password_hash_workers}")
    with server() as base:
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=httpx.Limits(max_connections=200)) as client:
            print(summary("/health, quiet", await health_while(client, None)))
            loaded: list[float] = []
            for round_ in range(1, ROUNDS + 1):
                busy = asyncio.create_task(sign_ins(client, emails))
                loaded += await health_while(client, busy)
                took = busy.result()
                print(f"round {round_}: {SIGN_INS} concurrent sign-ins in {took:.2f} s ({SIGN_INS / took:.1f}/s)")
            print(summary(f"/health, {SIGN_INS} sign-ins running", loaded))


if __name__ == "__main__":
    asyncio.run(run())
