"""VAT rate categories of a Vietnamese invoice line (see NOTES-domain: 10%, 8%, 5%, 0%, KCT, KKKNT)."""

from enum import StrEnum


class VatRate(StrEnum):
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


def vat_amount(amount: int, rate: VatRate) -> int:
    """VAT on one line in whole đồng, rounded half up (exact integer maths, never float)."""
    if amount < 0:
        raise ValueError("amount must be non-negative")
    return (amount * rate.percent + 50) // 100
