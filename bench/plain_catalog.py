"""The reference for bench/read_path.py: a plain Litestar JSON endpoint returning what the partner
catalog operation returns (same fields, same rows, same repository functions, same database), with no
GraphQL. It lives here, not in the app: it exists to be measured against.

Serve: `uvicorn --app-dir bench plain_catalog:app --port 8766` from the repository root, with the app's
DATABASE_URL (and PICCOLO_CONF=piccolo_conf)."""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")

from litestar import Litestar, get

from app import clock
from app.db import database_lifespan, shared_connection
from app.pagination import encode_cursor
from catalog import repository
from catalog.enums import Audience, Channel, OnlineLevel, ServiceStatus, Unit
from catalog.pricing import Price, price_in_force, scheduled_prices

_CHANNEL_ORDER = {channel.value: index for index, channel in enumerate(Channel)}


def _price(price: Price) -> dict[str, Any]:
    return {
        "amount": price.amount,
        "vatRate": price.vat_rate.name,
        "vatLabel": price.vat_rate.invoice_label,
        "vatAmount": price.vat_amount,
        "amountWithVat": price.amount_with_vat,
        "effectiveFrom": price.effective_from.isoformat(),
    }


def _scheduled(price: Price) -> dict[str, Any]:
    return {"amount": price.amount, "vatRate": price.vat_rate.name, "effectiveFrom": price.effective_from.isoformat()}


@get("/catalog")
async def catalog(first: int = 20) -> dict[str, Any]:
    # One connection per request on SQLite, as the app's middleware gives it (a fair comparison).
    async with shared_connection():
        today = clock.local_today()
        filters = repository.ServiceFilter(statuses=(ServiceStatus.PUBLISHED,))
        keys = await repository.service_page(filters, "NAME", today, None, first + 1)
        has_next, keys = len(keys) > first, keys[:first]
        ids = [k["id"] for k in keys]
        rows = {row["id"]: row for row in await repository.services_by_ids(ids)}
        categories = {row["id"]: row for row in await repository.all_categories()}
        departments = {row["id"]: row for row in await repository.all_departments()}
        channels = await repository.channels_by_services(ids)
        plans = await repository.plans_by_services(ids, include_retired=False)
        prices = await repository.prices_by_plans([p["id"] for group in plans.values() for p in group])
        total = await repository.count_services(filters, today)
    edges = []
    for key in keys:
        row = rows[key["id"]]
        category, department = categories[row["category"]], departments[row["department"]]
        node = {
            "code": row["code"],
            "slug": row["slug"],
            "name": row["name_vi"],
            "summary": row["summary_vi"],
            "audiences": [a.name for a in Audience if row[f"for_{a.value}"]],
            "onlineLevel": OnlineLevel(row["online_level"]).name,
            "category": {"code": category["code"], "name": category["name_vi"]},
            "department": {"code": department["code"], "name": department["name_vi"]},
            "channels": [
                {
                    "channel": Channel(c["channel"]).name,
                    "processingDays": c["processing_days"],
                    "feeAmount": c["fee_amount"],
                }
                for c in sorted(channels[row["id"]], key=lambda c: _CHANNEL_ORDER[c["channel"]])
            ],
            "plans": [
                {
                    "code": plan["code"],
                    "name": plan["name_vi"],
                    "unit": Unit(plan["unit"]).name,
                    "minQuantity": plan["min_quantity"],
                    "price": _price(current) if (current := price_in_force(prices[plan["id"]], today)) else None,
                    "scheduledPrices": [_scheduled(p) for p in scheduled_prices(prices[plan["id"]], today)],
                }
                for plan in plans[row["id"]]
            ],
        }
        edges.append({"cursor": encode_cursor("NAME", key["k"], key["id"]), "node": node})
    page_info = {"hasNextPage": has_next, "endCursor": edges[-1]["cursor"] if edges else None}
    return {"data": {"services": {"totalCount": total, "pageInfo": page_info, "edges": edges}}}


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    async with database_lifespan():
        yield


app = Litestar(route_handlers=[catalog], lifespan=[lifespan], debug=False)
