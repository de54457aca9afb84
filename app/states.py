"""One shape for every lifecycle (services, plans, requests, projects, milestones, quotes, invoices):
a table of steps `(source, action, target)`, read whole in one place, and one `apply_transition`.

A step is found by the action (requests name the action) or by the target (projects name the status
to move to); a step that is not in the table is INVALID_TRANSITION, with one wording everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from app.errors import Noun, invalid_transition

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=StrEnum)


@dataclass(frozen=True)
class Step(Generic[S, A]):
    source: S
    action: A
    target: S
    by: str = ""  # who may take it, where a lifecycle distinguishes (e.g. "staff", "customer")


@dataclass(frozen=True)
class Lifecycle(Generic[S, A]):
    noun: Noun
    steps: tuple[Step[S, A], ...]
    _by_action: dict[tuple[S, A], Step[S, A]] = field(init=False, repr=False, compare=False)
    _by_target: dict[tuple[S, S], Step[S, A]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_action: dict[tuple[S, A], Step[S, A]] = {}
        by_target: dict[tuple[S, S], Step[S, A]] = {}
        ambiguous: set[tuple[S, S]] = set()
        for step in self.steps:
            if (step.source, step.action) in by_action:
                raise ValueError(f"ambiguous step {step}")  # one step per (source, action)
            by_action[(step.source, step.action)] = step
            if (step.source, step.target) in by_target:
                ambiguous.add((step.source, step.target))  # two actions lead there: a target does not say which
            by_target[(step.source, step.target)] = step
        for pair in ambiguous:
            del by_target[pair]
        object.__setattr__(self, "_by_action", by_action)
        object.__setattr__(self, "_by_target", by_target)

    def step(self, source: S, action: A) -> Step[S, A] | None:
        return self._by_action.get((source, action))

    def step_to(self, source: S, target: S) -> Step[S, A] | None:
        """The step to `target`, when exactly one action leads there (lifecycles driven by target)."""
        return self._by_target.get((source, target))

    def actions_from(self, source: S) -> list[A]:
        return [step.action for step in self.steps if step.source == source]

    def performer(self, action: A) -> str:
        """Who takes `action` anywhere in the table ("" when the lifecycle does not say)."""
        return next((step.by for step in self.steps if step.action == action), "")

    def states(self) -> set[S]:
        return {s for step in self.steps for s in (step.source, step.target)}


def apply_transition(
    lifecycle: Lifecycle[S, A],
    current: S,
    *,
    action: A | None = None,
    target: S | None = None,
    field: str = "action",
) -> Step[S, A]:
    """The step from `current` by `action` or to `target`; INVALID_TRANSITION when the table has none."""
    if action is not None and target is None:
        found, name = lifecycle.step(current, action), action.value
    elif target is not None and action is None:
        found, name = lifecycle.step_to(current, target), f"→ {target.value}"
    else:
        raise TypeError("give exactly one of action and target")
    if found is None:
        raise invalid_transition(lifecycle.noun, current.value, name, field)
    return found


def table(rows: Iterable[tuple[S, A, S] | tuple[S, A, S, str]]) -> tuple[Step[S, A], ...]:
    """Steps from plain tuples, so a lifecycle's table reads as one block."""
    return tuple(Step(*row) for row in rows)
