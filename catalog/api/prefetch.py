"""A page of services' related rows, loaded up front for the compiled executor (app/api/compiled.py).

Given every Service a result reaches and the fields selected on them, it asks the request's DataLoaders
for what those fields' resolvers will ask (catalog/api/types.py), for all the services at once: the
resolvers then find their rows already loaded and run without waiting. One statement per loader, as the
standard executor's batching gives, and the independent ones side by side."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from catalog.api.types import Service
from catalog.browse import can_manage

_PRICED = ("price", "scheduledPrices", "priceHistory")


async def prefetch_services(services: list[Any], selection: Any, run: Any) -> None:
    """`selection` is the compiled plan of the Service type (ObjectPlan), `run` the request's Run."""
    rows = [s.row for s in services if isinstance(s, Service)]
    if not rows:
        return
    loaders = run.context.loaders.catalog
    ids = list(dict.fromkeys(row["id"] for row in rows))
    waits: list[Awaitable[Any]] = []
    if selection.selected("category"):
        waits.append(loaders.categories())
    if selection.selected("department"):
        waits.append(loaders.department.load_many(list(dict.fromkeys(row["department"] for row in rows))))
    if selection.selected("channels"):
        waits.append(loaders.channels.load_many(ids))
    plan_fields = selection.selected("plans")
    manager = can_manage(run.context.principal)
    # The loader each `plans` selection's resolver will use (Service.plans).
    plan_loaders = {
        id(loader): loader
        for loader in (
            loaders.all_plans if run.arguments(f).get("includeRetired") and manager else loaders.active_plans
            for f in plan_fields
        )
    }
    priced = any(
        f.object_plan is not None and any(f.object_plan.selected(name) for name in _PRICED) for f in plan_fields
    )

    async def plans_and_prices() -> None:
        groups = await asyncio.gather(*(loader.load_many(ids) for loader in plan_loaders.values()))
        if priced:
            plan_ids = list(dict.fromkeys(plan["id"] for group in groups for plans in group for plan in plans))
            await loaders.prices.load_many(plan_ids)

    if plan_loaders:
        waits.append(plans_and_prices())
    await asyncio.gather(*waits)
