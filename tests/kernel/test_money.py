"""Money: integer đồng, VAT per line rounded half up, totals per rate equal the sums of their lines."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.money import RATE_ORDER, Line, Totals, VatRate, vat_amount


@pytest.mark.parametrize(
    ("amount", "rate", "vat"),
    [
        (100, VatRate.RATE_10, 10),
        (5, VatRate.RATE_10, 1),  # 0.5 rounds half up
        (4, VatRate.RATE_10, 0),  # 0.4 rounds down
        (15, VatRate.RATE_8, 1),  # 1.2
        (19, VatRate.RATE_8, 2),  # 1.52
        (10, VatRate.RATE_5, 1),  # 0.5 rounds up
        (999_999_999_999, VatRate.RATE_10, 100_000_000_000),  # 99 999 999 999.9
        (1_000_000, VatRate.RATE_0, 0),
        (1_000_000, VatRate.KCT, 0),
        (1_000_000, VatRate.KKKNT, 0),
    ],
)
def test_vat_of_a_line_is_rounded_half_up_to_the_dong(amount: int, rate: VatRate, vat: int) -> None:
    assert vat_amount(amount, rate) == vat


def test_invoice_labels_and_percents() -> None:
    assert [(r.invoice_label, r.percent) for r in RATE_ORDER] == [
        ("10%", 10), ("8%", 8), ("5%", 5), ("0%", 0), ("KCT", 0), ("KKKNT", 0),
    ]  # fmt: skip


def test_a_line_is_quantity_times_price_less_its_discount_plus_vat() -> None:
    line = Line(quantity=3, unit_amount=1_234_567, vat_rate=VatRate.RATE_8, discount_amount=4_567)
    assert (line.gross_amount, line.amount, line.vat_amount, line.total_amount) == (
        3_703_701, 3_699_134, 295_931, 3_995_065,
    )  # fmt: skip


def test_a_discount_never_exceeds_its_line_and_nothing_is_negative() -> None:
    with pytest.raises(ValueError, match="discount"):
        Line(quantity=2, unit_amount=100, vat_rate=VatRate.RATE_10, discount_amount=201)
    with pytest.raises(ValueError, match="non-negative"):
        Line(quantity=-1, unit_amount=100, vat_rate=VatRate.RATE_10)
    with pytest.raises(ValueError, match="non-negative"):
        vat_amount(-1, VatRate.RATE_10)
    assert Line(quantity=2, unit_amount=100, vat_rate=VatRate.RATE_10, discount_amount=200).total_amount == 0


def test_totals_group_by_rate_in_invoice_order() -> None:
    totals = Totals.of(
        [
            Line(1, 1_000, VatRate.KCT),
            Line(2, 1_005, VatRate.RATE_10),
            Line(1, 15, VatRate.RATE_8),
            Line(3, 5, VatRate.RATE_10, discount_amount=5),
        ]
    )
    assert [(r.vat_rate, r.amount, r.vat_amount) for r in totals.by_rate] == [
        (VatRate.RATE_10, 2_020, 202),  # 2010 → 201; 10 → 1 (each line rounded on its own)
        (VatRate.RATE_8, 15, 1),
        (VatRate.KCT, 1_000, 0),
    ]
    assert (totals.amount, totals.vat_amount, totals.total_amount, totals.discount_amount) == (3_035, 203, 3_238, 5)
    assert Totals.of([]).by_rate == () and Totals.of([]).total_amount == 0


lines = st.lists(
    st.builds(
        lambda q, p, r, d: Line(q, p, r, min(d, q * p)),
        st.integers(0, 10_000),
        st.integers(0, 10**9),
        st.sampled_from(list(VatRate)),
        st.integers(0, 10**12),
    ),
    max_size=30,
)


@given(lines)
def test_totals_equal_the_sums_of_their_rounded_lines(items: list[Line]) -> None:
    totals = Totals.of(items)
    assert totals.amount == sum(line.amount for line in items)
    assert totals.vat_amount == sum(line.vat_amount for line in items)
    assert totals.total_amount == sum(line.total_amount for line in items)
    for group in totals.by_rate:
        mine = [line for line in items if line.vat_rate is group.vat_rate]
        assert (group.amount, group.vat_amount) == (sum(x.amount for x in mine), sum(x.vat_amount for x in mine))
    assert [g.vat_rate for g in totals.by_rate] == [r for r in RATE_ORDER if any(x.vat_rate is r for x in items)]


@given(st.integers(0, 10**15), st.sampled_from(list(VatRate)))
def test_vat_is_exact_integer_half_up(amount: int, rate: VatRate) -> None:
    # Against exact rational arithmetic: floor(amount * p / 100 + 1/2).
    from fractions import Fraction

    exact = Fraction(amount * rate.percent, 100)
    assert vat_amount(amount, rate) == int(exact + Fraction(1, 2))
