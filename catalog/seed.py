"""Loads the center's catalog (catalog/data/catalog.json) idempotently.

Only what is missing is inserted, matched by code: running it again changes nothing, and
it never overwrites what staff have since edited (names, prices, statuses).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app import clock
from app.audit import service as audit
from app.audit.service import Actor
from app.cache_versions import Scope, changed
from app.db import transaction
from app.money import VatRate
from app.text import fold
from catalog import repository
from catalog.editing import search_text
from catalog.enums import Audience, Channel, OnlineLevel, ServiceStatus, Unit
from catalog.tables import Category, Department, Plan, PlanPrice, Service

DATA = Path(__file__).resolve().parent / "data" / "catalog.json"


def load_data(path: Path = DATA) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


async def seed_catalog(path: Path = DATA) -> dict[str, int]:
    """Returns how many rows of each kind were inserted."""
    data = load_data(path)
    inserted = {"departments": 0, "categories": 0, "services": 0, "plans": 0}
    price_date = clock.local_today().replace(month=1, day=1)
    async with transaction():
        await changed(Scope.CATALOG)  # inserts straight into the tables below, past the repository's writes
        departments = {row["code"]: row["id"] for row in await repository.all_departments()}
        for item in data["departments"]:
            if item["code"] not in departments:
                rows = await Department.insert(
                    Department(code=item["code"], name_vi=item["name_vi"], name_en=item["name_en"])
                ).returning(Department.id)
                departments[item["code"]] = rows[0]["id"]
                inserted["departments"] += 1
        categories = {row["code"]: row["id"] for row in await repository.all_categories()}
        # A category staff deleted stays deleted (with whatever of the file sits under it).
        deleted = await deleted_categories()
        for item in data["categories"]:
            if item["code"] in categories or item["code"] in deleted:
                continue
            if item.get("parent") and item["parent"] not in categories:
                deleted.add(item["code"])
                continue
            rows = await Category.insert(
                Category(
                    code=item["code"],
                    slug=item["slug"],
                    name_vi=item["name_vi"],
                    name_en=item.get("name_en", ""),
                    description_vi=item.get("description_vi", ""),
                    description_en=item.get("description_en", ""),
                    parent=categories[item["parent"]] if item.get("parent") else None,
                    position=item.get("position", 0),
                )
            ).returning(Category.id)
            categories[item["code"]] = rows[0]["id"]
            inserted["categories"] += 1
        existing = set(await Service.select(Service.code).output(as_list=True))
        for item in data["services"]:
            if item["code"] in existing or item["category"] not in categories:
                continue
            await _insert_service(item, departments, categories, price_date)
            inserted["services"] += 1
            inserted["plans"] += len(item["plans"])
        if any(inserted.values()):
            await audit.record(Actor.system(), "catalog.seed", "catalog", "seed", None, inserted)
    return inserted


async def deleted_categories() -> set[str]:
    """Codes of the categories staff deleted (catalog.structure.delete_category) and not made again."""
    return await audit.entity_ids("category", "category.delete")


async def _insert_service(
    item: dict[str, Any], departments: dict[str, int], categories: dict[str, int], price_date: Any
) -> None:
    audiences = {Audience(a) for a in item["audiences"]}
    values: dict[str, Any] = {
        "code": item["code"],
        "slug": item["slug"],
        "category": categories[item["category"]],
        "department": departments[item["department"]],
        "name_vi": item["name_vi"],
        "name_en": item.get("name_en", ""),
        "summary_vi": item.get("summary_vi", ""),
        "summary_en": item.get("summary_en", ""),
        "description_vi": item.get("description_vi", ""),
        "description_en": item.get("description_en", ""),
        "online_level": OnlineLevel(item["online_level"]).value,
        "required_documents": item.get("required_documents", []),
        "legal_basis_vi": item.get("legal_basis_vi", ""),
        "legal_basis_en": item.get("legal_basis_en", ""),
        "tags": item.get("tags", []),
        "status": ServiceStatus.PUBLISHED.value,
        "published_at": clock.now(),
        **{f"for_{a.value}": a in audiences for a in Audience},
    }
    values["search_text"] = search_text(values)
    values["sort_name"] = fold(values["name_vi"])
    service_id = await repository.insert_service(values)
    await repository.replace_channels(
        service_id,
        [
            {
                "channel": Channel(c["channel"]).value,
                "processing_days": c["processing_days"],
                "fee_amount": c["fee_amount"],
            }
            for c in item["channels"]
        ],
    )
    for position, plan in enumerate(item["plans"]):
        rows = await Plan.insert(
            Plan(
                service=service_id,
                code=plan["code"],
                name_vi=plan["name_vi"],
                name_en=plan.get("name_en", ""),
                unit=Unit(plan["unit"]).value,
                min_quantity=plan.get("min_quantity", 1),
                position=position,
            )
        ).returning(Plan.id)
        await PlanPrice.insert(
            PlanPrice(
                plan=rows[0]["id"],
                amount=int(plan["price_amount"]),
                vat_rate=VatRate(plan["vat_rate"]).value,
                effective_from=price_date,
            )
        )
