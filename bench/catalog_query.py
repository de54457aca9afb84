"""Latency and SQL count of the partner catalog query; see bench/README.md."""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import httpx

from app.cli import migrate, seed
from app.db import count_queries, database_lifespan
from app.main import create_app

QUERY = (Path(__file__).resolve().parent.parent / "graphql" / "operations" / "catalog_services.graphql").read_text()
ROUNDS = 200


async def run() -> None:
    await migrate()
    await seed()
    transport = httpx.ASGITransport(app=create_app())
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for first in (10, 50, 100):
            body = {"query": QUERY, "variables": {"first": first}}
            await client.post("/graphql", json=body)  # warm the parser/validation caches
            timings = []
            with count_queries() as statements:
                await client.post("/graphql", json=body)
            for _ in range(ROUNDS):
                started = time.perf_counter()
                response = await client.post("/graphql", json=body)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200 and "errors" not in response.json()
            timings.sort()
            print(
                f"first={first:3d}  {ROUNDS / (sum(timings) / 1000):7.1f} req/s  "
                f"p50={statistics.median(timings):6.2f} ms  p95={timings[int(ROUNDS * 0.95)]:6.2f} ms  "
                f"sql/request={len(statements)}"
            )


if __name__ == "__main__":
    asyncio.run(run())
