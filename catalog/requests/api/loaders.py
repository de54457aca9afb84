"""Per-request DataLoaders of service requests: one query per nested field, whatever the page size."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from catalog import repository as catalog_repository
from catalog.requests import repository


def _by_id(rows: list[dict[str, Any]], keys: list[int]) -> list[dict[str, Any] | None]:
    index = {row["id"]: row for row in rows}
    return [index.get(key) for key in keys]


async def _services(keys: list[int]) -> list[dict[str, Any] | None]:
    return _by_id(await catalog_repository.services_by_ids(keys), keys)


async def _plans(keys: list[int]) -> list[dict[str, Any] | None]:
    return _by_id(await repository.plans_by_ids(keys), keys)


async def _events(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.events_by_requests(keys)
    return [grouped.get(key, []) for key in keys]


async def _documents(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.documents_by_requests(keys)
    return [grouped.get(key, []) for key in keys]


class RequestsLoaders:
    def __init__(self) -> None:
        self.service = DataLoader(load_fn=_services)
        self.plan = DataLoader(load_fn=_plans)
        self.events = DataLoader(load_fn=_events)
        self.documents = DataLoader(load_fn=_documents)
