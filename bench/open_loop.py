"""Open-loop latency: requests are sent on a fixed schedule (rate R: one every 1/R s), whether or not
earlier ones have been answered, and each latency is measured from its scheduled time, so a server that
falls behind is charged for the wait it causes (no coordinated omission).

Starts `python -m app.cli serve` (WORKERS processes) against DATABASE_URL (PostgreSQL for the issue's
targets), seeds the catalog, submits one request to track, then for each target and rate sends for
DURATION seconds and prints p50/p95/p99, the longest wait, errors and 503s.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ttcntt_bench python bench/open_loop.py
    … --rates 100,200 --duration 30 --targets catalog,tracking --workers 2

The client is a minimal HTTP/1.1 keep-alive client on asyncio streams (a pooled connection per
request in flight): httpx costs about a millisecond of CPU per request, which on a small machine would
be taken from the server being measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "graphql" / "operations"
TIMEOUT = 10.0  # seconds; a request not answered by then counts as an error (timeout)


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)  # every answered request, served or shed
    served_ms: list[float] = field(default_factory=list)
    shed: int = 0
    send_lag_ms: list[float] = field(default_factory=list)  # how late the client itself sent
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Pool:
    """Keep-alive connections to one host; a request takes an idle one or opens another."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    async def request(self, raw: bytes) -> tuple[int, bytes]:
        reused = bool(self.idle)
        if reused:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            writer.write(raw)
            status_line = await reader.readline()
            if not status_line and reused:  # the server closed an idle connection: once more on a new one
                writer.close()
                reader, writer = await asyncio.open_connection(self.host, self.port)
                writer.write(raw)
                status_line = await reader.readline()
            status = int(status_line.split(b" ", 2)[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                lowered = name.strip().lower()
                if lowered == b"content-length":
                    length = int(value)
                elif lowered == b"connection" and value.strip().lower() == b"close":
                    close = True
            body = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        if close:
            writer.close()
        else:
            self.idle.append((reader, writer))
        return status, body

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


def post(host: str, port: int, document: dict[str, object]) -> bytes:
    body = json.dumps(document).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def one(pool: Pool, raw: bytes, scheduled: float, outcome: Outcome) -> None:
    try:
        status, body = await asyncio.wait_for(pool.request(raw), TIMEOUT)
    except TimeoutError:
        outcome.error("timeout")
        return
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
        outcome.error(type(error).__name__)
        return
    waited = (time.perf_counter() - scheduled) * 1000
    if status == 503:
        outcome.shed += 1
        outcome.latencies_ms.append(waited)
        return
    if status != 200 or b'"errors"' in body:
        outcome.error(f"http {status}" if status != 200 else "graphql error")
        return
    outcome.latencies_ms.append(waited)
    outcome.served_ms.append(waited)


async def open_loop(pool: Pool, raw: bytes, rate: float, duration: float) -> Outcome:
    outcome = Outcome()
    tasks = []
    start = time.perf_counter() + 0.05
    for i in range(int(rate * duration)):
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        outcome.send_lag_ms.append((time.perf_counter() - scheduled) * 1000)
        tasks.append(asyncio.create_task(one(pool, raw, scheduled, outcome)))
    await asyncio.gather(*tasks)
    return outcome


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def report(target: str, rate: float, duration: float, outcome: Outcome) -> str:
    sent = int(rate * duration)
    lat = outcome.latencies_ms
    errors = sum(outcome.errors.values())
    detail = ", ".join(f"{k}: {v}" for k, v in sorted(outcome.errors.items())) or "-"
    over_1s = sum(1 for v in lat if v > 1000) + outcome.errors.get("timeout", 0)
    return (
        f"| {target} | {rate:.0f}/s | {sent} | {len(outcome.served_ms)} | {outcome.shed} | {errors} ({detail}) | "
        f"{statistics.median(lat) if lat else float('nan'):.1f} | {percentile(lat, 0.95):.1f} | "
        f"{percentile(lat, 0.99):.1f} | {max(lat) if lat else float('nan'):.0f} | {over_1s} | "
        f"{percentile(outcome.send_lag_ms, 0.99):.1f} |"
    )


async def tracking_request(host: str, port: int) -> dict[str, object]:
    """Submits one guest request (multipart, as the operation says) and returns the tracking call."""
    import httpx

    contact = f"bench-{uuid.uuid4().hex[:6]}@example.vn"
    async with httpx.AsyncClient(base_url=f"http://{host}:{port}") as http:
        services = await http.post("/graphql", json={"query": '{ service(code: "HTS-DC-03") { plans { id code } } }'})
        plan = next(p["id"] for p in services.json()["data"]["service"]["plans"] if p["code"] == "STORAGE")
        operations = {
            "query": (OPERATIONS / "requests_submit.graphql").read_text(),
            "variables": {
                "input": {
                    "serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1,
                    "contactName": "Lê Thị Hoa", "contactPhone": "0912 345 678",
                    "contactEmail": contact,
                    "documents": [{"requirement": 0, "file": None}],
                }
            },
        }  # fmt: skip
        pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
        response = await http.post(
            "/graphql",
            data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.input.documents.0.file"]})},
            files={"0": ("don.pdf", pdf, "application/pdf")},
        )
        code = response.json()["data"]["submitServiceRequest"]["request"]["code"]
    return {
        "query": (OPERATIONS / "requests_track.graphql").read_text(),
        "variables": {"code": code, "contact": contact},
    }


def start_server(host: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    import socket

    with socket.socket() as probe:
        if probe.connect_ex((host, port)) == 0:  # someone else's server would be measured instead
            raise SystemExit(f"port {port} is already in use: choose another with --port")
    env = {**os.environ, "WORKERS": str(workers), "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING")}
    subprocess.run([sys.executable, "-m", "app.cli", "migrate"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "app.cli", "seed"], cwd=ROOT, env=env, check=True, capture_output=True)
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", host, "--port", str(port)], cwd=ROOT, env=env
    )


async def wait_healthy(host: str, port: int) -> None:
    pool = Pool(host, port)
    for _ in range(300):
        try:
            raw = f"GET /health HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
            if (await pool.request(raw))[0] == 200:
                pool.close()
                return
        except OSError:
            pass
        await asyncio.sleep(0.2)
    raise SystemExit("server did not become healthy")


async def run(args: argparse.Namespace) -> None:
    host, port = "127.0.0.1", args.port
    await wait_healthy(host, port)
    catalog_query = (OPERATIONS / "catalog_services.graphql").read_text()
    bodies = {
        "catalog": post(host, port, {"query": catalog_query, "variables": {"first": args.page}}),
        "tracking": post(host, port, await tracking_request(host, port)),
    }
    print(
        f"workers={args.workers} duration={args.duration}s page={args.page} cores={os.cpu_count()} "
        f"load average before={os.getloadavg()[0]:.1f}"
    )
    print(
        "| target | rate | sent | served | 503 | errors | p50 ms | p95 ms | p99 ms | max ms | waited > 1 s "
        "| client send lag p99 ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for target in args.targets.split(","):
        pool = Pool(host, port)
        await open_loop(pool, bodies[target], 20, 2)  # warm-up: caches, connections, every worker
        for rate in (float(r) for r in args.rates.split(",")):
            outcome = await open_loop(pool, bodies[target], rate, args.duration)
            print(report(target, rate, args.duration, outcome), flush=True)
            await asyncio.sleep(2)  # let a backlog drain before the next run
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="100,200")
    parser.add_argument("--duration", type=float, default=30)
    parser.add_argument("--targets", default="catalog,tracking")
    parser.add_argument("--page", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--no-server", action="store_true", help="measure a server already running on --port")
    args = parser.parse_args()
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    server = None if args.no_server else start_server("127.0.0.1", args.port, args.workers)
    try:
        asyncio.run(run(args))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
