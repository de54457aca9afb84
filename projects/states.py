"""The two lifecycles of the domain, each as one transition table: (from, action, to).

Callers name the status to move to (moveProject / moveMilestone `to`); the table gives the action,
which is what the history records.
"""

from app.errors import Noun
from app.states import Lifecycle, table
from projects.enums import MilestoneAction as MA
from projects.enums import MilestoneStatus as M
from projects.enums import ProjectAction as PA
from projects.enums import ProjectStatus as P

PROJECT = Noun("dự án", "project")
MILESTONE = Noun("mốc", "milestone")

PROJECT_LIFECYCLE: Lifecycle[P, PA] = Lifecycle(
    PROJECT,
    table(
        [
            (P.IDENTIFICATION, PA.PREPARE, P.PREPARATION),
            (P.PREPARATION, PA.IMPLEMENT, P.IMPLEMENTATION),
            (P.IMPLEMENTATION, PA.COMPLETE, P.COMPLETION),
            (P.COMPLETION, PA.CLOSE, P.COMPLETED),
            (P.IDENTIFICATION, PA.CANCEL, P.CANCELLED),
            (P.PREPARATION, PA.CANCEL, P.CANCELLED),
            (P.IMPLEMENTATION, PA.CANCEL, P.CANCELLED),
            (P.COMPLETION, PA.CANCEL, P.CANCELLED),
        ]
    ),
)

MILESTONE_LIFECYCLE: Lifecycle[M, MA] = Lifecycle(
    MILESTONE,
    table(
        [
            (M.PLANNED, MA.START, M.IN_PROGRESS),
            (M.IN_PROGRESS, MA.SUBMIT, M.SUBMITTED),
            (M.SUBMITTED, MA.ACCEPT, M.ACCEPTED),
            (M.SUBMITTED, MA.RETURN, M.RETURNED),
            (M.RETURNED, MA.RESUME, M.IN_PROGRESS),
            (M.PLANNED, MA.BLOCK, M.BLOCKED),
            (M.IN_PROGRESS, MA.BLOCK, M.BLOCKED),
            (M.RETURNED, MA.BLOCK, M.BLOCKED),
            (M.BLOCKED, MA.UNBLOCK, M.PLANNED),
            (M.BLOCKED, MA.RESUME, M.IN_PROGRESS),
            (M.PLANNED, MA.CANCEL, M.CANCELLED),
            (M.IN_PROGRESS, MA.CANCEL, M.CANCELLED),
            (M.RETURNED, MA.CANCEL, M.CANCELLED),
            (M.BLOCKED, MA.CANCEL, M.CANCELLED),
        ]
    ),
)

# Actions that need a written reason (comment).
REASON_REQUIRED = frozenset({MA.RETURN, MA.BLOCK, MA.CANCEL, PA.CANCEL})
# Reviews of a submission: four-eyes (not by the account that submitted it).
REVIEWS = frozenset({MA.ACCEPT, MA.RETURN})
# Entering IN_PROGRESS requires every predecessor to be accepted.
STARTS = frozenset({MA.START, MA.RESUME})
# Milestones whose fields can no longer change.
CLOSED = frozenset({M.ACCEPTED, M.CANCELLED})
# Milestones still expected to be delivered (count for health and shares).
OPEN = frozenset({M.PLANNED, M.IN_PROGRESS, M.SUBMITTED, M.RETURNED, M.BLOCKED})
# Projects whose fields can no longer change.
FINAL_PROJECT = frozenset({P.COMPLETED, P.CANCELLED})
