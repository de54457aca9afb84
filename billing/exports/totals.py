"""The totals an export ends with: invoices counted as they are written, and per VAT rate the lines,
amounts before VAT and VAT of each page, summed by the database and added up here (integer đồng), so they
cover exactly the rows written and compare with `invoiceTotals` to the đồng."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.money import RATE_ORDER, VatRate


@dataclass
class RateSum:
    lines: int = 0
    amount: int = 0
    vat_amount: int = 0

    @property
    def total_amount(self) -> int:
        return self.amount + self.vat_amount


@dataclass
class ExportTotals:
    invoices: int = 0
    payments: int = 0
    received: int = 0  # payments' amounts (overpaid parts included: money received is never dropped)
    refunded: int = 0
    by_rate: dict[VatRate, RateSum] = field(default_factory=dict)

    def add_page(self, rows: Iterable[Any]) -> None:
        """Rows of `Reader.totals_of_page`: (vat_rate, lines, amount, vat_amount)."""
        for rate, lines, amount, vat in rows:
            s = self.by_rate.setdefault(VatRate(rate), RateSum())
            s.lines += int(lines)
            s.amount += int(amount or 0)
            s.vat_amount += int(vat or 0)

    def rates(self) -> list[tuple[VatRate, RateSum]]:
        """In the order invoices list rates (10%, 8%, 5%, 0%, KCT, KKKNT)."""
        return [(rate, self.by_rate[rate]) for rate in RATE_ORDER if rate in self.by_rate]

    @property
    def amount(self) -> int:
        return sum(s.amount for s in self.by_rate.values())

    @property
    def vat_amount(self) -> int:
        return sum(s.vat_amount for s in self.by_rate.values())

    @property
    def total_amount(self) -> int:
        return self.amount + self.vat_amount

    @property
    def lines(self) -> int:
        return sum(s.lines for s in self.by_rate.values())
