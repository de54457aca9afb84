"""The contract value split over milestones: whole đồng that add up to the total when the shares make 100%."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.shares import allocate, amounts


@st.composite
def full_shares(draw: st.DrawFn) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, 10_000), min_size=0, max_size=8)))
    bounds = [0, *cuts, 10_000]
    return [b - a for a, b in pairwise(bounds)]


@settings(suppress_health_check=[HealthCheck.too_slow])  # the machine may be busy; the inputs are small
@given(total=st.integers(0, 10**15), shares=full_shares())
def test_shares_of_100_percent_sum_to_the_total_within_one_dong_each(total: int, shares: list[int]) -> None:
    split = allocate(total, shares)
    assert sum(split) == total
    assert all(0 <= got - total * bp // 10_000 <= 1 for got, bp in zip(split, shares, strict=True))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(total=st.integers(0, 10**15), shares=st.lists(st.integers(0, 1_000), max_size=8))
def test_shares_below_100_percent_are_rounded_down(total: int, shares: list[int]) -> None:
    if sum(shares) == 10_000:
        return
    assert allocate(total, shares) == [total * bp // 10_000 for bp in shares]


def test_the_rounding_dong_go_to_the_largest_remainders_then_the_earlier_milestone() -> None:
    assert allocate(100, [3_333, 3_333, 3_334]) == [33, 33, 34]
    assert allocate(10, [3_333, 3_333, 3_334]) == [3, 3, 4]
    assert allocate(2, [5_000, 5_000]) == [1, 1] and allocate(1, [5_000, 5_000]) == [1, 0]
    milestones = [
        {"id": 1, "position": 1, "share_bp": 5_000, "status": "accepted"},
        {"id": 2, "position": 2, "share_bp": 2_500, "status": "cancelled"},
        {"id": 3, "position": 3, "share_bp": 5_000, "status": "planned"},
    ]
    assert amounts(3, milestones) == {1: 2, 2: 0, 3: 1}  # the cancelled one is out of the split
