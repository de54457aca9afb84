"""Per-request DataLoaders of billing: one query per nested list, whatever the number of rows."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from app import events
from billing import repository
from catalog.requests import orders


def _by(grouped: dict[int, list[dict[str, Any]]], keys: list[int]) -> list[list[dict[str, Any]]]:
    return [grouped.get(key, []) for key in keys]


async def _quote_lines(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.lines_of_quotes(keys), keys)


async def _invoice_lines(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.lines_of_invoices(keys), keys)


async def _quotes_of_requests(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.quotes_of_requests(keys), keys)


async def _invoices_of_requests(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.invoices_of("request", keys), keys)


async def _invoices_of_milestones(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.invoices_of("milestone", keys), keys)


async def _corrections(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.invoices_of("original", keys), keys)


async def _quotes(keys: list[int]) -> list[dict[str, Any] | None]:
    index = {row["id"]: row for row in await repository.quotes_by_ids(keys)}
    return [index.get(key) for key in keys]


async def _invoices(keys: list[int]) -> list[dict[str, Any] | None]:
    index = {row["id"]: row for row in await repository.invoices_by_ids(keys)}
    return [index.get(key) for key in keys]


async def _invoice_history(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await events.histories("invoice", keys), keys)


async def _quote_history(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await events.histories("quote", keys), keys)


async def _payments(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.payments_of_invoices(keys), keys)


async def _refunds(keys: list[int]) -> list[list[dict[str, Any]]]:
    return _by(await repository.refunds_of_payments(keys), keys)


async def _request_codes(keys: list[int]) -> list[str]:
    found = await orders.by_ids(keys)
    return [found[key].code if key in found else "" for key in keys]


class BillingLoaders:
    def __init__(self) -> None:
        self.quote_lines = DataLoader(load_fn=_quote_lines)
        self.invoice_lines = DataLoader(load_fn=_invoice_lines)
        self.quotes_of_request = DataLoader(load_fn=_quotes_of_requests)
        self.invoices_of_request = DataLoader(load_fn=_invoices_of_requests)
        self.invoices_of_milestone = DataLoader(load_fn=_invoices_of_milestones)
        self.corrections = DataLoader(load_fn=_corrections)
        self.quote = DataLoader(load_fn=_quotes)
        self.invoice = DataLoader(load_fn=_invoices)
        self.invoice_history = DataLoader(load_fn=_invoice_history)
        self.quote_history = DataLoader(load_fn=_quote_history)
        self.request_code = DataLoader(load_fn=_request_codes)
        self.payments = DataLoader(load_fn=_payments)
        self.refunds = DataLoader(load_fn=_refunds)
