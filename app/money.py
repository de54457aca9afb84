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


# --- amount in words ("Số tiền viết bằng chữ") ------------------------------------------------------

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# Group names by power of 1000; past tỷ they repeat on top of tỷ (10^12 nghìn tỷ, 10^15 triệu tỷ...).
_UNITS = ("", "nghìn", "triệu", "tỷ")
MAX_WORDS_AMOUNT = 10**18 - 1  # "… triệu tỷ tỷ" is never an invoice


def _three(number: int, full: bool) -> list[str]:
    """A group of three digits. `full`: the group follows a higher one, so empty hundreds say
    "không trăm" and a lone unit after zero tens says "linh" (1.025.000, 1.000.005)."""
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (hundreds or full):
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 0:
        return words
    if units == 1 and tens >= 2:
        words.append("mốt")  # hai mươi mốt, but mười một and linh một
    elif units == 5 and tens >= 1:
        words.append("lăm")  # mười lăm, hai mươi lăm, but linh năm
    else:
        words.append(_DIGITS[units])
    return words


def _words(number: int) -> list[str]:
    """Words of 0 < number < 10^18: groups of 3 digits from the top, skipping empty groups; above a
    billion (tỷ) the part before it is read as a number of tỷ."""
    if number >= 10**9:
        high, low = divmod(number, 10**9)
        words = [*_words(high), "tỷ"]
        return words + _low_words(low, full=True) if low else words
    return _low_words(number, full=False)


def _low_words(number: int, full: bool) -> list[str]:
    """Words of 0 < number < 10^9. `full`: a higher part was read before (e.g. tỷ)."""
    groups = [(number // 10**6) % 1000, (number // 1000) % 1000, number % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        unit = _UNITS[2 - index]
        words += _three(group, full or bool(words))
        if unit:
            words.append(unit)
    return words


def amount_in_words(amount: int, currency: str = "đồng") -> str:
    """The amount as Vietnamese invoices write it: "Một triệu không trăm hai mươi lăm nghìn đồng".
    Negative amounts (decrease adjustments) start with "Âm"."""
    if not -MAX_WORDS_AMOUNT <= amount <= MAX_WORDS_AMOUNT:
        raise ValueError("amount out of range")
    words = ["không"] if amount == 0 else _words(abs(amount))
    if amount < 0:
        words = ["âm", *words]
    text = " ".join([*words, currency] if currency else words)
    return text[0].upper() + text[1:]


_VALUES = {word: value for value, word in enumerate(_DIGITS)} | {"mốt": 1, "lăm": 5, "tư": 4}


def words_to_amount(text: str) -> int:
    """The number an amount in words says (the inverse of amount_in_words; also reads the variants
    "ngàn", "lẻ", "tư"). For checking documents, not for parsing user input."""
    words = text.lower().replace(",", " ").split()
    if words and words[-1] == "đồng":
        words = words[:-1]
    negative = bool(words) and words[0] == "âm"
    total = section = small = last = 0
    for word in words[1:] if negative else words:
        if word in _VALUES:
            last = _VALUES[word]
            small += last
        elif word == "trăm":
            small += last * 99
        elif word == "mươi":
            small += last * 9
        elif word == "mười":
            small += 10
        elif word in ("linh", "lẻ"):
            continue
        elif word in ("nghìn", "ngàn"):
            section, small = section + small * 1000, 0
        elif word == "triệu":
            section, small = section + small * 10**6, 0
        elif word == "tỷ":
            total, section, small = total + (section + small) * 10**9, 0, 0
        else:
            raise ValueError(f"not an amount word: {word}")
    amount = total + section + small
    return -amount if negative else amount
