"""The one GraphQL type for histories (request steps, project and milestone changes, invoices…)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON


@strawberry.type(
    description="One event in the history of a request, project, milestone or invoice: when, what, from "
    "which status to which, and (for those who may see it) who and why."
)
class HistoryEvent:
    row: strawberry.Private[dict[str, Any]]
    public: strawberry.Private[bool] = False  # the public tracking view: nobody's name, no comment

    @strawberry.field
    def at(self) -> datetime:
        return self.row["at"]

    @strawberry.field(description="What happened, e.g. receive, milestone.accept, project.update.")
    def action(self) -> str:
        return str(self.row["action"])

    @strawberry.field(description="The status before; empty when the status did not change or at creation.")
    def from_status(self) -> str:
        return str(self.row["from_status"])

    @strawberry.field(description="The status after; empty when the status did not change.")
    def to_status(self) -> str:
        return str(self.row["to_status"])

    @strawberry.field(description="Who: an e-mail, guest:<e-mail>, api-key:<id> or system; null in public views.")
    def actor(self) -> str | None:
        return None if self.public else str(self.row["actor_label"])

    @strawberry.field(description="Why, as written by whoever acted; null in public views.")
    def comment(self) -> str | None:
        return None if self.public else str(self.row["comment"])

    @strawberry.field(description="What changed (field: value or {from, to}); null in public views.")
    def changes(self) -> JSON | None:
        return None if self.public else self.row["changes"]


def history(rows: list[dict[str, Any]], public: bool = False) -> list[HistoryEvent]:
    return [HistoryEvent(row=row, public=public) for row in rows]
