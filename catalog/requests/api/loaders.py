"""Per-request DataLoaders of service requests: one query per nested field, whatever the page size.
(The service, plan and department of a request come through the catalog's own loaders.)"""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from app import events
from catalog.requests import repository
from catalog.requests.notifications import ENTITY


async def _events(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await events.histories(ENTITY, keys)
    return [grouped.get(key, []) for key in keys]


async def _documents(keys: list[int]) -> list[list[dict[str, Any]]]:
    grouped = await repository.documents_by_requests(keys)
    return [grouped.get(key, []) for key in keys]


class RequestsLoaders:
    def __init__(self) -> None:
        self.events = DataLoader(load_fn=_events)
        self.documents = DataLoader(load_fn=_documents)
