"""Priced lines of quotes and invoices: money.Line with what a document shows (name, unit, where the line
comes from), turned into rows. Totals are money.Totals of the rounded lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.config import get_settings
from app.errors import ValidationFailed
from app.money import Line, Totals, VatRate
from billing.enums import LineSource


@dataclass(frozen=True)
class Priced:
    source: LineSource
    name_vi: str
    name_en: str
    unit: str
    quantity: int
    unit_amount: int
    vat_rate: VatRate
    discount_amount: int = 0
    plan_id: int | None = None

    @property
    def money(self) -> Line:
        return Line(self.quantity, self.unit_amount, self.vat_rate, self.discount_amount)

    def row(self, position: int, sign: int = 1) -> dict[str, Any]:
        """The stored line; amounts signed (a decrease adjustment is negative), quantity and price as written."""
        line = self.money
        return {
            "position": position,
            "source": self.source.value,
            "plan_id": self.plan_id,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "unit": self.unit,
            "quantity": self.quantity,
            "unit_amount": self.unit_amount,
            "discount_amount": self.discount_amount,
            "vat_rate": self.vat_rate.value,
            "amount": sign * line.amount,
            "vat_amount": sign * line.vat_amount,
            "total_amount": sign * line.total_amount,
        }


def totals(lines: Sequence[Priced], sign: int = 1) -> dict[str, int]:
    """The document's totals columns from its lines (sums of rounded lines)."""
    t = Totals.of(line.money for line in lines)
    return {
        "amount": sign * t.amount,
        "vat_amount": sign * t.vat_amount,
        "total_amount": sign * t.total_amount,
        "discount_amount": sign * t.discount_amount,
    }


def rows(lines: Sequence[Priced], sign: int = 1) -> list[dict[str, Any]]:
    return [line.row(position, sign) for position, line in enumerate(lines, start=1)]


def vat_8_until() -> date:
    return date.fromisoformat(get_settings().vat_8_until)


def check_rates(lines: Sequence[Priced], on: date, field: str = "lines") -> None:
    """The reduced 8% rate is temporary (VAT-reduction resolutions): refused on documents dated after
    VAT_8_UNTIL."""
    for index, line in enumerate(lines):
        if line.vat_rate is VatRate.RATE_8 and on > vat_8_until():
            raise ValidationFailed(
                "VAT_RATE_NOT_IN_FORCE",
                f"Thuế suất 8% chỉ áp dụng đến {vat_8_until().isoformat()}.",
                f"The 8% VAT rate applies until {vat_8_until().isoformat()} only.",
                f"{field}.{index}.vatRate",
            )


def from_rows(rows: Sequence[dict[str, Any]]) -> list[Priced]:
    """Lines as stored, back into Priced (amounts recomputed from quantity, price and discount)."""
    return [
        Priced(
            LineSource(r["source"]),
            r["name_vi"],
            r["name_en"],
            r["unit"],
            int(r["quantity"]),
            int(r["unit_amount"]),
            VatRate(r["vat_rate"]),
            int(r["discount_amount"]),
            r["plan_id"],
        )
        for r in rows
    ]
