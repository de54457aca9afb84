"""One transition-table shape for every lifecycle, and one apply_transition."""

from __future__ import annotations

from enum import StrEnum

import pytest

from app.errors import Conflict, Noun
from app.states import Lifecycle, apply_transition, table
from catalog.requests.states import REQUEST_LIFECYCLE
from catalog.states import PLAN_LIFECYCLE, SERVICE_LIFECYCLE
from projects.states import MILESTONE_LIFECYCLE, PROJECT_LIFECYCLE


class Door(StrEnum):
    OPEN = "open"
    SHUT = "shut"
    LOCKED = "locked"


class Act(StrEnum):
    CLOSE = "close"
    OPEN = "open"
    LOCK = "lock"


DOOR = Lifecycle(
    Noun("cửa", "door"),
    table(
        [
            (Door.OPEN, Act.CLOSE, Door.SHUT),
            (Door.SHUT, Act.OPEN, Door.OPEN),
            (Door.SHUT, Act.LOCK, Door.LOCKED, "keeper"),
        ]
    ),
)


def test_a_step_is_found_by_its_action_or_by_its_target() -> None:
    assert apply_transition(DOOR, Door.OPEN, action=Act.CLOSE).target is Door.SHUT
    assert apply_transition(DOOR, Door.SHUT, target=Door.LOCKED).action is Act.LOCK
    assert DOOR.actions_from(Door.SHUT) == [Act.OPEN, Act.LOCK]
    assert DOOR.performer(Act.LOCK) == "keeper" and DOOR.performer(Act.OPEN) == ""


def test_a_step_not_in_the_table_is_an_invalid_transition_with_one_wording() -> None:
    with pytest.raises(Conflict) as by_action:
        apply_transition(DOOR, Door.LOCKED, action=Act.OPEN)
    assert (by_action.value.code, by_action.value.field) == ("INVALID_TRANSITION", "action")
    assert by_action.value.message_en == "A door that is 'locked' cannot take the step 'open'."
    assert by_action.value.message_vi == "Cửa đang ở trạng thái 'locked' không thể thực hiện bước 'open'."
    with pytest.raises(Conflict) as by_target:
        apply_transition(DOOR, Door.OPEN, target=Door.LOCKED, field="to")
    assert (by_target.value.field, by_target.value.message_en) == (
        "to",
        "A door that is 'open' cannot take the step '→ locked'.",
    )


def test_exactly_one_of_action_and_target() -> None:
    with pytest.raises(TypeError):
        apply_transition(DOOR, Door.OPEN)
    with pytest.raises(TypeError):
        apply_transition(DOOR, Door.OPEN, action=Act.CLOSE, target=Door.SHUT)


def test_an_ambiguous_table_is_refused_when_it_is_built() -> None:
    with pytest.raises(ValueError, match="ambiguous"):
        Lifecycle(Noun("x", "x"), table([(Door.OPEN, Act.CLOSE, Door.SHUT), (Door.OPEN, Act.CLOSE, Door.LOCKED)]))


def test_two_actions_to_one_target_are_found_by_action_only() -> None:
    both = Lifecycle(Noun("x", "x"), table([(Door.OPEN, Act.CLOSE, Door.SHUT), (Door.OPEN, Act.LOCK, Door.SHUT)]))
    assert apply_transition(both, Door.OPEN, action=Act.LOCK).target is Door.SHUT
    assert both.step_to(Door.OPEN, Door.SHUT) is None  # the target alone does not say which step


@pytest.mark.parametrize(
    ("lifecycle", "steps"),
    [
        (SERVICE_LIFECYCLE, 4),
        (PLAN_LIFECYCLE, 2),
        (REQUEST_LIFECYCLE, 16),
        (PROJECT_LIFECYCLE, 8),
        (MILESTONE_LIFECYCLE, 14),
    ],
)
def test_every_lifecycle_of_the_project_uses_the_one_shape(lifecycle: Lifecycle, steps: int) -> None:
    assert len(lifecycle.steps) == steps
    assert all(step.source != step.target for step in lifecycle.steps)
