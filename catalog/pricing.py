"""Which price is in force on a date. Pure: the rows come from the repository."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.money import VatRate, vat_amount


@dataclass(frozen=True)
class Price:
    amount: int  # VND before VAT
    vat_rate: VatRate
    effective_from: date

    @property
    def vat_amount(self) -> int:
        return vat_amount(self.amount, self.vat_rate)

    @property
    def amount_with_vat(self) -> int:
        return self.amount + self.vat_amount

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Price:
        return cls(int(row["amount"]), VatRate(row["vat_rate"]), row["effective_from"])


def price_in_force(rows: Sequence[dict[str, Any]], on: date) -> Price | None:
    """The row with the latest effective_from not after `on`."""
    current = None
    for row in rows:
        if row["effective_from"] <= on and (current is None or row["effective_from"] > current["effective_from"]):
            current = row
    return Price.from_row(current) if current else None


def scheduled_prices(rows: Sequence[dict[str, Any]], on: date) -> list[Price]:
    """Changes that take effect after `on`, soonest first."""
    return sorted((Price.from_row(r) for r in rows if r["effective_from"] > on), key=lambda p: p.effective_from)


def price_history(rows: Sequence[dict[str, Any]]) -> list[Price]:
    return sorted((Price.from_row(r) for r in rows), key=lambda p: p.effective_from)
