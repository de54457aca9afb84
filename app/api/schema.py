"""The one GraphQL schema: each domain's Query and Mutation merged, with guards and error shaping."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.api.compiled import PREFETCHERS
from app.api.cost import CostModel
from app.api.errors import ErrorShaping, log_errors
from app.api.introspection import IntrospectionGate
from app.api.query_guard import QueryGuard
from app.api.scalars import SCALARS
from app.auth.api.resolvers import AuthMutation, AuthQuery
from billing.api.mutations import BillingMutation
from billing.api.queries import BillingQuery
from catalog.api.mutations import CatalogMutation
from catalog.api.prefetch import prefetch_services
from catalog.api.queries import CatalogQuery
from catalog.enums import Channel
from catalog.requests.api.mutations import RequestsMutation
from catalog.requests.api.prefetch import prefetch_tracking
from catalog.requests.api.queries import RequestsQuery
from graphql import GraphQLError
from projects.api.mutations import ProjectsMutation
from projects.api.queries import ProjectsQuery
from projects.inputs import MAX_HISTORY

Query = merge_types("Query", (CatalogQuery, AuthQuery, ProjectsQuery, RequestsQuery, BillingQuery))
Mutation = merge_types("Mutation", (AuthMutation, CatalogMutation, ProjectsMutation, RequestsMutation, BillingMutation))


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected refusals are not crashes: log them without tracebacks (NOTES-stack).
        log_errors(errors)


# Lists the code keeps shorter than CostModel.default_size, and the most a `last` argument may ask for
# (app/api/cost.py); other lists of objects count the default, connections the page they ask for.
# Larger hard bounds (100 milestones per project, 100 evidence files per milestone) are left out on
# purpose: they are worst cases, and their products would price an ordinary project view as 100 × 200.
COST_MODEL = CostModel(
    bounds={
        "Service.channels": len(Channel),  # one row per channel (unique index)
        "Milestone.history": MAX_HISTORY,
        "Project.history": MAX_HISTORY,
    }
)


def build_schema() -> Schema:
    # QueryGuard replaces strawberry's parser and validation caches and its depth and alias limiters:
    # they walked every fragment path (10⁸ for a 600-byte document) and rebuilt their rules per request.
    extensions: list[Any] = [ErrorShaping, IntrospectionGate, lambda: QueryGuard(COST_MODEL)]
    return Schema(query=Query, mutation=Mutation, extensions=extensions, config=StrawberryConfig(scalar_map=SCALARS))


schema = build_schema()
# What the compiled executor (app/api/compiled.py) loads up front for a page of each type.
PREFETCHERS["Service"] = prefetch_services
PREFETCHERS["RequestTracking"] = prefetch_tracking
