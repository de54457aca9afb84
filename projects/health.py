"""Project health and slippage: pure functions of the plan, the progress and today's date.

The rule (also in the README):
- Only open milestones count (planned, in progress, submitted, returned, blocked); accepted and
  cancelled ones are done with.
- LATE when any open milestone is past its due date (due date < today).
- AT RISK when any open milestone
  * is blocked, or
  * lags its expected progress by more than 15 points, the expected progress growing linearly
    from 0 on the planned start to 100 on the due date, or
  * is due within 7 days (due date - today <= 7) with progress below 80.
- ON TRACK otherwise (also for a project without open milestones).
Slippage of a milestone = current due date - baseline (first planned) due date, in days; a
project's slippage is the largest slippage of its milestones that are not cancelled (0 if none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from projects.enums import Health, MilestoneStatus
from projects.states import OPEN

LAG_POINTS = 15
SOON_DAYS = 7
SOON_MIN_PROGRESS = 80


@dataclass(frozen=True)
class MilestonePlan:
    status: MilestoneStatus
    planned_start: date
    due_date: date
    progress: int
    baseline_due: date | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> MilestonePlan:
        return cls(
            MilestoneStatus(row["status"]), row["planned_start"], row["due_date"], row["progress"], row["baseline_due"]
        )


def expected_progress(planned_start: date, due_date: date, today: date) -> int:
    """0 before the start, 100 from the due date, linear in between (rounded down)."""
    if today <= planned_start:
        return 0
    if today >= due_date:
        return 100
    return (today - planned_start).days * 100 // (due_date - planned_start).days


def milestone_health(m: MilestonePlan, today: date) -> Health:
    if m.status not in OPEN:
        return Health.ON_TRACK
    if m.due_date < today:
        return Health.LATE
    if m.status is MilestoneStatus.BLOCKED:
        return Health.AT_RISK
    if expected_progress(m.planned_start, m.due_date, today) - m.progress > LAG_POINTS:
        return Health.AT_RISK
    if (m.due_date - today).days <= SOON_DAYS and m.progress < SOON_MIN_PROGRESS:
        return Health.AT_RISK
    return Health.ON_TRACK


_RANK = {Health.ON_TRACK: 0, Health.AT_RISK: 1, Health.LATE: 2}


def project_health(milestones: Iterable[MilestonePlan], today: date) -> Health:
    """The worst health of its milestones."""
    return max((milestone_health(m, today) for m in milestones), key=_RANK.__getitem__, default=Health.ON_TRACK)


def slippage_days(baseline_due: date, due_date: date) -> int:
    return (due_date - baseline_due).days


def project_slippage(milestones: Iterable[MilestonePlan]) -> int:
    return max(
        (
            slippage_days(m.baseline_due, m.due_date)
            for m in milestones
            if m.status is not MilestoneStatus.CANCELLED and m.baseline_due is not None
        ),
        default=0,
    )
