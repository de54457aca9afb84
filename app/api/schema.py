"""The one GraphQL schema: each domain's Query and Mutation merged, with guards and error shaping."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.api.cost import CostModel
from app.api.errors import ErrorShaping, log_errors
from app.api.query_guard import QueryGuard
from app.api.scalars import SCALARS
from app.auth.api.resolvers import AuthMutation, AuthQuery
from billing.api.mutations import BillingMutation
from billing.api.queries import BillingQuery
from catalog.api.mutations import CatalogMutation
from catalog.api.queries import CatalogQuery
from catalog.enums import Channel
from catalog.requests.api.mutations import RequestsMutation
from catalog.requests.api.queries import RequestsQuery
from graphql import GraphQLError
from projects.api.mutations import ProjectsMutation
from projects.api.queries import ProjectsQuery
from projects.inputs import MAX_EVIDENCE_PER_MILESTONE, MAX_HISTORY, MAX_MILESTONES, MAX_PEOPLE

Query = merge_types("Query", (CatalogQuery, AuthQuery, ProjectsQuery, RequestsQuery, BillingQuery))
Mutation = merge_types("Mutation", (AuthMutation, CatalogMutation, ProjectsMutation, RequestsMutation, BillingMutation))


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected refusals are not crashes: log them without tracebacks (NOTES-stack).
        log_errors(errors)


# The lists whose length the code bounds, for the cost of a query (app/api/cost.py); other lists of
# objects count CostModel.default_size items, connections the page they ask for.
COST_MODEL = CostModel(
    bounds={
        "Service.channels": len(Channel),  # one row per channel (unique index)
        "Project.milestones": MAX_MILESTONES,
        "PublicProject.milestones": MAX_MILESTONES,
        "Project.managers": MAX_PEOPLE,
        "Project.partners": MAX_PEOPLE,
        "PublicProject.partners": MAX_PEOPLE,
        "Milestone.evidence": MAX_EVIDENCE_PER_MILESTONE,
        "Milestone.history": MAX_HISTORY,  # `last` asks for fewer
        "Project.history": MAX_HISTORY,
        "WorkingCalendar.days": 366,
        "Query.workingDayOverrides": 366,
    }
)


def build_schema() -> Schema:
    # QueryGuard replaces strawberry's parser and validation caches and its depth and alias limiters:
    # they walked every fragment path (10⁸ for a 600-byte document) and rebuilt their rules per request.
    extensions: list[Any] = [ErrorShaping, lambda: QueryGuard(COST_MODEL)]
    return Schema(query=Query, mutation=Mutation, extensions=extensions, config=StrawberryConfig(scalar_map=SCALARS))


schema = build_schema()
