"""A project's contract value split over its milestones, in whole đồng. Pure.

Each milestone's share is `total × basis points ÷ 10000`, rounded down. When the shares of the
non-cancelled milestones make exactly 100%, the đồng lost to rounding are handed out one by one to the
largest remainders (ties: the earlier milestone), so the amounts add up to the contract value exactly:
the appendix's schedule, each milestone's `shareAmount` and the invoice of its acceptance show the same
number (a retyped or re-rounded number would be a wrong one).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from projects.enums import MilestoneStatus
from projects.inputs import FULL_SHARE_BP


def allocate(total: int, shares_bp: Sequence[int]) -> list[int]:
    floors = [total * bp // FULL_SHARE_BP for bp in shares_bp]
    if sum(shares_bp) != FULL_SHARE_BP:
        return floors
    left = total - sum(floors)  # fewer than len(shares_bp): each remainder is under one đồng
    order = sorted(range(len(shares_bp)), key=lambda i: (-(total * shares_bp[i] % FULL_SHARE_BP), i))
    for index in order[:left]:
        floors[index] += 1
    return floors


def amounts(total: int, milestones: Sequence[Mapping[str, Any]]) -> dict[int, int]:
    """Milestone id → its amount; the project's milestones in their order (cancelled ones take their
    rounded-down share and are left out of the split)."""
    ordered = sorted(milestones, key=lambda m: (m["position"], m["id"]))
    live = [m for m in ordered if m["status"] != MilestoneStatus.CANCELLED.value]
    split = dict(zip([m["id"] for m in live], allocate(total, [int(m["share_bp"]) for m in live]), strict=True))
    return {m["id"]: split.get(m["id"], total * int(m["share_bp"]) // FULL_SHARE_BP) for m in ordered}
