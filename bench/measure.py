"""The measuring loop both benchmarks share: warm up, count SQL statements, time ROUNDS requests."""

from __future__ import annotations

import statistics
import time
from typing import Any

import httpx

from app.db import count_queries


async def page_sizes(
    client: httpx.AsyncClient,
    query: str,
    rounds: int,
    headers: dict[str, str] | None = None,
    sizes: tuple[int, ...] = (10, 50, 100),
) -> None:
    """Print req/s, p50, p95 and SQL statements per request for each page size (`first`)."""
    for first in sizes:
        body: dict[str, Any] = {"query": query, "variables": {"first": first}}
        await client.post("/graphql", json=body, headers=headers)  # warm the parser/validation caches
        with count_queries() as statements:
            await client.post("/graphql", json=body, headers=headers)
        timings = []
        for _ in range(rounds):
            started = time.perf_counter()
            response = await client.post("/graphql", json=body, headers=headers)
            timings.append((time.perf_counter() - started) * 1000)
            payload = response.json()
            assert response.status_code == 200 and "errors" not in payload, payload
        timings.sort()
        print(
            f"first={first:3d}  {rounds / (sum(timings) / 1000):7.1f} req/s  "
            f"p50={statistics.median(timings):6.2f} ms  p95={timings[int(rounds * 0.95)]:6.2f} ms  "
            f"sql/request={len(statements)}"
        )
