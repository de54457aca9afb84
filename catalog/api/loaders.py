"""Per-request DataLoaders of the catalog: one query per level of nesting, whatever the page size."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from catalog import repository


def _by_id(rows: list[dict[str, Any]], keys: list[int]) -> list[dict[str, Any] | None]:
    index = {row["id"]: row for row in rows}
    return [index.get(key) for key in keys]


async def _departments(keys: list[int]) -> list[dict[str, Any] | None]:
    return _by_id(await repository.departments_by_ids(keys), keys)


async def _services(keys: list[int]) -> list[dict[str, Any] | None]:
    return _by_id(await repository.services_by_ids(keys), keys)


async def _plans(keys: list[int]) -> list[dict[str, Any] | None]:
    return _by_id(await repository.plans_by_ids(keys), keys)


async def _channels(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.channels_by_services(keys)
    return [grouped.get(key, []) for key in keys]


async def _active_plans(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.plans_by_services(keys, include_retired=False)
    return [grouped.get(key, []) for key in keys]


async def _all_plans(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.plans_by_services(keys, include_retired=True)
    return [grouped.get(key, []) for key in keys]


async def _prices(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.prices_by_plans(keys)
    return [grouped.get(key, []) for key in keys]


async def _all_categories(keys: list[str]) -> list[list[dict[str, Any]]]:
    rows = await repository.all_categories()
    return [rows for _ in keys]


class CatalogLoaders:
    def __init__(self) -> None:
        self.department = DataLoader(load_fn=_departments)
        self.service = DataLoader(load_fn=_services)  # by id: other domains' types show a service or plan
        self.plan = DataLoader(load_fn=_plans)
        self.channels = DataLoader(load_fn=_channels)
        self.active_plans = DataLoader(load_fn=_active_plans)
        self.all_plans = DataLoader(load_fn=_all_plans)
        self.prices = DataLoader(load_fn=_prices)
        # The whole category table under one key: read once per request, even by concurrent resolvers
        # (it is small, and a tree needs all of it).
        self._categories = DataLoader(load_fn=_all_categories)

    def categories_changed(self) -> None:
        """After a category edit in this request: later resolvers read the tree again."""
        self._categories.clear_all()

    def departments_changed(self) -> None:
        self.department.clear_all()

    async def categories(self) -> list[dict[str, Any]]:
        return await self._categories.load("all")

    async def category(self, category_id: int) -> dict[str, Any] | None:
        return next((row for row in await self.categories() if row["id"] == category_id), None)
