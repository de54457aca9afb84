"""Money: whole Vietnamese đồng (VND has no minor unit), VAT per line, totals per VAT rate.

Integers only, never floats. VAT of a line is rounded half up to the đồng:
`(amount × rate + 50) // 100`; an invoice's totals are the sums of its rounded lines, grouped by rate
(see shared/NOTES-domain.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class VatRate(StrEnum):
    """VAT categories of a Vietnamese invoice line."""

    RATE_10 = "10"
    RATE_8 = "8"
    RATE_5 = "5"
    RATE_0 = "0"
    KCT = "KCT"  # not subject to VAT (e.g. software services, vocational training)
    KKKNT = "KKKNT"  # not declared / not calculated

    @property
    def percent(self) -> int:
        """Rate in whole percent; categories without tax count as 0."""
        return int(self.value) if self.value.isdigit() else 0

    @property
    def invoice_label(self) -> str:
        """Label used on e-invoices (TSuat): '10%', 'KCT'…"""
        return f"{self.value}%" if self.value.isdigit() else self.value


# The order totals are listed in (as on Vietnamese invoices: taxed rates first, highest first).
RATE_ORDER = (VatRate.RATE_10, VatRate.RATE_8, VatRate.RATE_5, VatRate.RATE_0, VatRate.KCT, VatRate.KKKNT)


def vat_amount(amount: int, rate: VatRate) -> int:
    """VAT on one line in whole đồng, rounded half up (exact integer maths, never float)."""
    if amount < 0:
        raise ValueError("amount must be non-negative")
    return (amount * rate.percent + 50) // 100


@dataclass(frozen=True)
class Line:
    """One priced line: quantity × unit price, less a discount, VAT at the line's rate."""

    quantity: int
    unit_amount: int  # đồng before VAT
    vat_rate: VatRate
    discount_amount: int = 0

    def __post_init__(self) -> None:
        if self.quantity < 0 or self.unit_amount < 0 or self.discount_amount < 0:
            raise ValueError("quantities and amounts are non-negative")
        if self.discount_amount > self.quantity * self.unit_amount:
            raise ValueError("a discount never exceeds its line")

    @property
    def gross_amount(self) -> int:
        return self.quantity * self.unit_amount

    @property
    def amount(self) -> int:
        """Before VAT, after the discount."""
        return self.gross_amount - self.discount_amount

    @property
    def vat_amount(self) -> int:
        return vat_amount(self.amount, self.vat_rate)

    @property
    def total_amount(self) -> int:
        return self.amount + self.vat_amount


@dataclass(frozen=True)
class RateTotal:
    vat_rate: VatRate
    amount: int  # before VAT
    vat_amount: int

    @property
    def total_amount(self) -> int:
        return self.amount + self.vat_amount


@dataclass(frozen=True)
class Totals:
    by_rate: tuple[RateTotal, ...]  # only rates that occur, in RATE_ORDER
    discount_amount: int

    @classmethod
    def of(cls, lines: Iterable[Line]) -> Totals:
        sums: dict[VatRate, tuple[int, int]] = {}
        discount = 0
        for line in lines:
            amount, vat = sums.get(line.vat_rate, (0, 0))
            sums[line.vat_rate] = (amount + line.amount, vat + line.vat_amount)
            discount += line.discount_amount
        return cls(tuple(RateTotal(rate, *sums[rate]) for rate in RATE_ORDER if rate in sums), discount)

    @property
    def amount(self) -> int:
        """Total before VAT (TgTCThue)."""
        return sum(r.amount for r in self.by_rate)

    @property
    def vat_amount(self) -> int:
        """Total VAT (TgTThue)."""
        return sum(r.vat_amount for r in self.by_rate)

    @property
    def total_amount(self) -> int:
        """Total payable (TgTTTBSo)."""
        return self.amount + self.vat_amount
