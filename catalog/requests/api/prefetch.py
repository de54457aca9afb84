"""What a tracked request's selected fields will ask their DataLoaders for, loaded side by side up front
for the compiled executor (app/api/compiled.py): it awaits fields one after another, so the service and
the steps would otherwise each wait for their own round trip in turn."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from catalog.requests.api.types import RequestTracking


async def prefetch_tracking(items: list[Any], selection: Any, run: Any) -> None:
    """`selection` is the compiled plan of the RequestTracking type (ObjectPlan), `run` the request's Run."""
    rows = [item.row for item in items if isinstance(item, RequestTracking)]
    if not rows:
        return
    loaders = run.context.loaders
    waits: list[Awaitable[Any]] = []
    if selection.selected("service"):  # RequestTracking.service
        waits.append(loaders.catalog.service.load_many(list(dict.fromkeys(row["service"] for row in rows))))
    if selection.selected("steps"):  # RequestTracking.steps
        waits.append(loaders.requests.events.load_many(list(dict.fromkeys(row["id"] for row in rows))))
    await asyncio.gather(*waits)
