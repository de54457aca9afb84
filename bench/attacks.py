"""How fast the query guard refuses the attacks measured on the first version, how /health fares while
they are sent, and strawberry's limiters side by side on the fragment fan-out; see bench/README.md.

Parts 1 and 2 talk to a real server (`app.cli serve` in its own process, on BENCH_PORT, default 8765)
over the loopback, so the client's own work (encoding a 500 kB body…) never blocks the server's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import httpx
from strawberry.extensions import MaxAliasesLimiter, ParserCache, QueryDepthLimiter, ValidationCache

from app.api.context import Context, Loaders
from app.api.errors import ErrorShaping
from app.api.schema import Mutation, Query, Schema, schema
from app.cli import migrate, seed
from app.db import database_lifespan

ROUNDS = 20
PORT = int(os.environ.get("BENCH_PORT", "8765"))
CHAIN = "children { parent { " * 5 + "children { code }" + " } }" * 5


def fan_out(levels: int, spreads: int = 10) -> str:
    text = "{ departments { ...T0 } }\n"
    for level in range(levels):
        text += f"fragment T{level} on Department {{ " + " ".join([f"...T{level + 1}"] * spreads) + " }\n"
    return text + f"fragment T{levels} on Department {{ code }}\n"


ATTACKS: dict[str, str] = {
    "fan-out 8 levels × 10 spreads": fan_out(8),
    "fan-out 10 levels × 10 spreads": fan_out(10),
    "30 aliases × depth-12 categories": "{ " + " ".join(f"a{i}: categories {{ {CHAIN} }}" for i in range(30)) + " }",
    "same, through a fragment": "{ "
    + " ".join(f"a{i}: categories {{ ...C }}" for i in range(30))
    + " } fragment C on Category { "
    + CHAIN
    + " }",
    "100k duplicate fields": "{ departments { " + "code " * 100_000 + "} }",
    "2,500 duplicate fields (tokens)": "{ departments { " + "code " * 2_500 + "} }",
    "199 duplicate fields (admitted)": "{ departments { " + "code " * 199 + "} }",
}
REFERENCE = "{ departments { code } }"
OPERATIONS = Path(__file__).resolve().parent.parent / "graphql" / "operations"
CATALOG_QUERY = (OPERATIONS / "catalog_services.graphql").read_text(encoding="utf-8")


def fresh(query: str, n: int) -> str:
    """The same document under a new text, so no cache answers for it (what an attacker would do)."""
    return f"# {n}\n{query}"


def ms(seconds: float) -> float:
    return seconds * 1000


async def timed(client: httpx.AsyncClient, query: str) -> tuple[float, Any]:
    started = time.perf_counter()
    response = await client.post("/graphql", json={"query": query})
    return ms(time.perf_counter() - started), response.json()


async def refusals(client: httpx.AsyncClient) -> None:
    print(f"\n1. Time to answer, {ROUNDS} rounds each: new text every time (no cache), then the same text")
    trivial = [(await timed(client, fresh(REFERENCE, n)))[0] for n in range(ROUNDS)]
    reference = statistics.median(trivial)
    print(
        f"   {'reference ' + REFERENCE:44s} p50 {reference:7.2f} ms  max {max(trivial):7.2f} ms"
        "  (the ratios below are to this p50)"
    )
    for name, query in ATTACKS.items():
        cold = [await timed(client, fresh(query, n)) for n in range(ROUNDS)]
        warm = [(await timed(client, query))[0] for _ in range(ROUNDS)]
        codes = {e.get("extensions", {}).get("code") for e in cold[0][1].get("errors", [])} or {"answered"}
        p50, worst, cached = statistics.median(t for t, _ in cold), max(t for t, _ in cold), statistics.median(warm)
        print(
            f"   {name:44s} p50 {p50:7.2f} ms  max {worst:7.2f} ms  cached {cached:6.2f} ms  "
            f"({p50 / reference:5.1f}×)  {', '.join(sorted(codes))}"
        )


async def health_under_attack(client: httpx.AsyncClient, attackers: int) -> None:
    async def health_latencies(count: int) -> list[float]:
        latencies = []
        for _ in range(count):
            started = time.perf_counter()
            response = await client.get("/health")
            assert response.status_code == 200
            latencies.append(ms(time.perf_counter() - started))
            await asyncio.sleep(0.005)
        return sorted(latencies)

    def summary(latencies: list[float]) -> str:
        return (
            f"p50 {statistics.median(latencies):6.2f} ms  p95 {latencies[int(len(latencies) * 0.95)]:6.2f} ms  "
            f"max {latencies[-1]:6.2f} ms"
        )

    print(f"\n2. /health while {attackers} client(s) send the attacks in a loop, a new text each time")
    quiet = await health_latencies(200)
    print(f"   quiet          {summary(quiet)}")
    stop = asyncio.Event()
    sent = 0

    async def attacker(offset: int) -> None:
        nonlocal sent
        attacks = [q for name, q in ATTACKS.items() if "admitted" not in name]
        n = offset
        while not stop.is_set():
            await client.post("/graphql", json={"query": fresh(attacks[n % len(attacks)], n)})
            sent += 1
            n += attackers

    started = time.perf_counter()
    tasks = [asyncio.create_task(attacker(i)) for i in range(attackers)]
    loaded = await health_latencies(200)
    stop.set()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    print(f"   under attack   {summary(loaded)}   ({sent} attacks refused, {sent / elapsed:.0f}/s)")
    print(
        f"   ratio p50 {statistics.median(loaded) / statistics.median(quiet):.1f}×, max {loaded[-1] / quiet[-1]:.1f}×"
    )


def first_version() -> Schema:
    """The schema as the first version served it: strawberry's limiters and caches."""
    return Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            ErrorShaping,
            lambda: QueryDepthLimiter(max_depth=12),
            lambda: MaxAliasesLimiter(max_alias_count=30),
            ParserCache,
            ValidationCache,
        ],
        config=schema.config,
    )


async def answer(target: Schema, query: str, variables: dict[str, Any] | None = None) -> float:
    started = time.perf_counter()
    result = await target.execute(query, variables, context_value=Context(loaders=Loaders()))
    assert result.errors or result.data is not None
    return ms(time.perf_counter() - started)


async def side_by_side(old: Schema) -> None:
    """Strawberry's limiters and the guard on the same fan-out, levels 3 to 6."""
    print("\n3. Fragment fan-out (10 spreads per level), strawberry's limiters and the guard side by side (ms)")
    print("   levels   paths      limiters      guard   ratio")
    for target in (old, schema):  # warm both (first execution builds strawberry's caches)
        await answer(target, "{ departments { code } }")
    for levels in range(3, 7):
        before = min([await answer(old, fresh(fan_out(levels), n)) for n in range(3 if levels < 6 else 1)])
        after = min([await answer(schema, fresh(fan_out(levels), n)) for n in range(3)])
        print(f"   {levels:6d}   10^{levels}   {before:10.1f}   {after:8.2f}   {before / after:6.0f}×")


async def legitimate(old: Schema) -> None:
    """What the guard costs an ordinary request: the partner catalog query, alternating the schemas."""
    query = CATALOG_QUERY
    print("\n4. The partner catalog query (first: 20), executed in-process, first version and guard alternating")
    timings: dict[str, list[float]] = {"limiters": [], "guard": []}
    for _ in range(5):  # warm both
        await answer(old, query, {"first": 20})
        await answer(schema, query, {"first": 20})
    for _ in range(ROUNDS * 5):
        timings["limiters"].append(await answer(old, query, {"first": 20}))
        timings["guard"].append(await answer(schema, query, {"first": 20}))
    before, after = statistics.median(timings["limiters"]), statistics.median(timings["guard"])
    print(f"   p50 limiters {before:6.2f} ms   guard {after:6.2f} ms   ratio {after / before:4.2f}")


@contextlib.contextmanager
def server() -> Iterator[str]:
    """`python -m app.cli serve` in a process of its own; stopped (by its pid) when the bench ends."""
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(PORT)],
        env={**os.environ, "LOG_LEVEL": "WARNING"},
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


async def run() -> None:
    await migrate()
    await seed()
    with server() as base:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            await refusals(client)
            for attackers in (1, 4):
                await health_under_attack(client, attackers)
    old = first_version()
    await side_by_side(old)
    async with database_lifespan():
        await legitimate(old)


if __name__ == "__main__":
    asyncio.run(run())
