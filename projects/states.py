"""The two state machines of the domain, each as one transition table: (from, to) -> the action's name."""

from projects.enums import MilestoneStatus as M
from projects.enums import ProjectStatus as P

PROJECT_TRANSITIONS: dict[tuple[P, P], str] = {
    (P.IDENTIFICATION, P.PREPARATION): "prepare",
    (P.PREPARATION, P.IMPLEMENTATION): "implement",
    (P.IMPLEMENTATION, P.COMPLETION): "complete",
    (P.COMPLETION, P.COMPLETED): "close",
    (P.IDENTIFICATION, P.CANCELLED): "cancel",
    (P.PREPARATION, P.CANCELLED): "cancel",
    (P.IMPLEMENTATION, P.CANCELLED): "cancel",
    (P.COMPLETION, P.CANCELLED): "cancel",
}

MILESTONE_TRANSITIONS: dict[tuple[M, M], str] = {
    (M.PLANNED, M.IN_PROGRESS): "start",
    (M.IN_PROGRESS, M.SUBMITTED): "submit",
    (M.SUBMITTED, M.ACCEPTED): "accept",
    (M.SUBMITTED, M.RETURNED): "return",
    (M.RETURNED, M.IN_PROGRESS): "resume",
    (M.PLANNED, M.BLOCKED): "block",
    (M.IN_PROGRESS, M.BLOCKED): "block",
    (M.RETURNED, M.BLOCKED): "block",
    (M.BLOCKED, M.PLANNED): "unblock",
    (M.BLOCKED, M.IN_PROGRESS): "unblock",
    (M.PLANNED, M.CANCELLED): "cancel",
    (M.IN_PROGRESS, M.CANCELLED): "cancel",
    (M.RETURNED, M.CANCELLED): "cancel",
    (M.BLOCKED, M.CANCELLED): "cancel",
}

# Actions that need a written reason (comment).
REASON_REQUIRED = frozenset({"return", "block", "cancel"})
# Reviews of a submission: four-eyes (not by the account that submitted it).
REVIEWS = frozenset({"accept", "return"})
# Entering IN_PROGRESS requires every predecessor to be accepted.
STARTS = frozenset({(M.PLANNED, M.IN_PROGRESS), (M.BLOCKED, M.IN_PROGRESS)})
# Milestones whose fields can no longer change.
CLOSED = frozenset({M.ACCEPTED, M.CANCELLED})
# Milestones still expected to be delivered (count for health and shares).
OPEN = frozenset({M.PLANNED, M.IN_PROGRESS, M.SUBMITTED, M.RETURNED, M.BLOCKED})
# Projects whose fields can no longer change.
FINAL_PROJECT = frozenset({P.COMPLETED, P.CANCELLED})
