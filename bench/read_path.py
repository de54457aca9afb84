"""The partner catalog operation against a plain JSON endpoint over the same rows; see bench/README.md.

Three servers, one uvicorn process each, on one database: the plain reference (bench/plain_catalog.py),
the app with its response cache off (every request executes), and the app with the cache in memory
(every request after the first is a hit). For page sizes 1, 20 and 100, each is driven in turn by the
same closed loop of keep-alive connections, rounds interleaved so a change in the machine's load falls on
all three; printed: requests/s, the server's CPU per request, and the ratios to the plain endpoint.

Run: `.venv/bin/python bench/read_path.py` (a temporary SQLite file), or on PostgreSQL with an empty
database: `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_read .venv/bin/python bench/read_path.py`.
BENCH_SECONDS (per turn, default 3), BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 4), BENCH_PORT
(the first of three ports, default 8771)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # piccolo_conf.py lives at the root
DATABASE_URL = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp(prefix='bench-read-')}/bench.sqlite"
)
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")

SECONDS = float(os.environ.get("BENCH_SECONDS", "3"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
PAGES = (1, 20, 100)
EXTRA_SERVICES = 100  # the seed has 47 published services: copies make a page of 100 full
QUERY = (ROOT / "graphql" / "operations" / "catalog_services.graphql").read_text(encoding="utf-8")
_PORT = int(os.environ.get("BENCH_PORT", "8771"))
PORTS = {"plain": _PORT, "graphql, uncached": _PORT + 1, "graphql, cached": _PORT + 2}
CACHE = {"graphql, uncached": "off", "graphql, cached": "memory"}
TICKS = os.sysconf("SC_CLK_TCK")


async def prepare() -> None:
    from app.cli import migrate, seed
    from catalog.enums import ServiceStatus
    from catalog.tables import Plan, PlanPrice, Service, ServiceChannel

    await migrate()
    await seed()
    if await Service.count() >= 47 + EXTRA_SERVICES:
        return
    originals = await Service.select().where(Service.status == ServiceStatus.PUBLISHED.value)
    for n in range(EXTRA_SERVICES):
        source = originals[n % len(originals)]
        copy = {k: v for k, v in source.items() if k != "id"}
        copy.update(code=f"{source['code']}-B{n}", slug=f"{source['slug']}-b{n}", name_vi=f"{source['name_vi']} ({n})")
        service_id = (await Service.insert(Service(**copy)).returning(Service.id))[0]["id"]
        for channel in await ServiceChannel.select().where(ServiceChannel.service == source["id"]):
            channel.pop("id")
            await ServiceChannel.insert(ServiceChannel(**{**channel, "service": service_id}))
        for plan in await Plan.select().where(Plan.service == source["id"]):
            prices = await PlanPrice.select().where(PlanPrice.plan == plan["id"])
            plan_id = (
                await Plan.insert(
                    Plan(**{**{k: v for k, v in plan.items() if k != "id"}, "service": service_id})
                ).returning(Plan.id)
            )[0]["id"]
            for price in prices:
                price.pop("id")
                await PlanPrice.insert(PlanPrice(**{**price, "plan": plan_id}))


def start(name: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "PICCOLO_CONF": "piccolo_conf", "LOG_LEVEL": "WARNING"}
    env.pop("REDIS_URL", None)
    port = str(PORTS[name])
    # Both through uvicorn with the same options (no access log): only the application differs.
    if name == "plain":
        command = [sys.executable, "-m", "uvicorn", "--app-dir", "bench", "plain_catalog:app"]
    else:
        env["RESPONSE_CACHE"] = CACHE[name]
        command = [sys.executable, "-m", "uvicorn", "--factory", "app.main:create_app"]
    command += ["--port", port, "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def request_bytes(name: str, first: int) -> bytes:
    if name == "plain":
        return f"GET /catalog?first={first} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    body = json.dumps({"query": QUERY, "variables": {"first": first}}).encode()
    head = (
        "POST /graphql HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    """One request on a keep-alive connection: a client far lighter than the servers it measures."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = b""
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, body
        body += chunk[:-2]


async def fetch(name: str, first: int) -> dict[str, Any]:
    reader, writer = await asyncio.open_connection("127.0.0.1", PORTS[name])
    status, body = await exchange(reader, writer, request_bytes(name, first))
    writer.close()
    assert status == 200, (name, status, body[:300])
    return json.loads(body)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


@dataclass
class Tally:
    requests: int = 0
    seconds: float = 0.0
    cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / self.requests


async def drive(name: str, first: int, pid: int, tally: Tally) -> None:
    request = request_bytes(name, first)
    deadline = time.perf_counter() + SECONDS
    done = 0

    async def connection() -> None:
        nonlocal done
        reader, writer = await asyncio.open_connection("127.0.0.1", PORTS[name])
        while time.perf_counter() < deadline:
            status, _ = await exchange(reader, writer, request)
            assert status == 200, (name, status)
            done += 1
        writer.close()

    cpu, started = cpu_seconds(pid), time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(CONNECTIONS)))
    tally.seconds += time.perf_counter() - started
    tally.cpu += cpu_seconds(pid) - cpu
    tally.requests += done


async def wait_until_up() -> None:
    for _ in range(300):
        try:
            for name in PORTS:
                await fetch(name, 1)
            return
        except (OSError, AssertionError, asyncio.IncompleteReadError):
            await asyncio.sleep(0.2)
    raise RuntimeError("the servers did not start")


async def run() -> None:
    await prepare()
    servers = {name: start(name) for name in PORTS}
    try:
        await wait_until_up()
        for first in PAGES:  # the same rows and fields from all three, or the comparison means nothing
            plain = await fetch("plain", first)
            for name in ("graphql, uncached", "graphql, cached"):
                answer = await fetch(name, first)
                assert answer == plain, f"{name} and plain differ at first={first}:\n{answer}\n{plain}"
        engine = "PostgreSQL" if DATABASE_URL.startswith("postgres") else "SQLite"
        print(f"{engine}: {SECONDS:g} s × {ROUNDS} rounds per server and page size, {CONNECTIONS} connections")
        print(
            "| page | plain req/s | uncached req/s | cached req/s | uncached / plain | cached / plain "
            "| CPU ms/request plain, uncached, cached |"
        )
        print("|---:|---:|---:|---:|---:|---:|---|")
        for first in PAGES:
            tallies = {name: Tally() for name in PORTS}
            for _ in range(ROUNDS):
                for name, tally in tallies.items():
                    await drive(name, first, servers[name].pid, tally)
            plain, uncached, cached = (tallies[name] for name in PORTS)
            print(
                f"| {first} | {plain.rate:.0f} | {uncached.rate:.0f} | {cached.rate:.0f} "
                f"| {uncached.rate / plain.rate:.2f} | {cached.rate / plain.rate:.2f} "
                f"| {plain.cpu_ms:.1f}, {uncached.cpu_ms:.1f}, {cached.cpu_ms:.1f} |"
            )
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(timeout=10)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops the servers
    asyncio.run(run())
