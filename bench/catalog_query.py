"""Latency and SQL count of the partner catalog query; see bench/README.md."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import httpx
import measure  # bench/ is on sys.path when a bench runs

from app.cli import migrate, seed
from app.db import database_lifespan
from app.main import create_app

QUERY = (Path(__file__).resolve().parent.parent / "graphql" / "operations" / "catalog_services.graphql").read_text()
ROUNDS = 200


async def run() -> None:
    await migrate()
    await seed()
    transport = httpx.ASGITransport(app=create_app())
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        await measure.page_sizes(client, QUERY, ROUNDS)


if __name__ == "__main__":
    asyncio.run(run())
