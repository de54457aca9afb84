"""The one GraphQL schema: each domain's Query and Mutation merged, with guards and error shaping."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.extensions import MaxAliasesLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from app.api.errors import ErrorShaping, log_errors
from app.api.scalars import SCALARS
from app.auth.api.resolvers import AuthMutation, AuthQuery
from app.config import get_settings
from billing.api.mutations import BillingMutation
from billing.api.queries import BillingQuery
from catalog.api.mutations import CatalogMutation
from catalog.api.queries import CatalogQuery
from catalog.requests.api.mutations import RequestsMutation
from catalog.requests.api.queries import RequestsQuery
from graphql import GraphQLError
from projects.api.mutations import ProjectsMutation
from projects.api.queries import ProjectsQuery

Query = merge_types("Query", (CatalogQuery, AuthQuery, ProjectsQuery, RequestsQuery, BillingQuery))
Mutation = merge_types("Mutation", (AuthMutation, CatalogMutation, ProjectsMutation, RequestsMutation, BillingMutation))


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        # Expected refusals are not crashes: log them without tracebacks (NOTES-stack).
        log_errors(errors)


def build_schema() -> Schema:
    depth = get_settings().graphql_max_depth
    extensions: list[Any] = [
        ErrorShaping,
        lambda: QueryDepthLimiter(max_depth=depth),
        lambda: MaxAliasesLimiter(max_alias_count=30),
        ParserCache,
        ValidationCache,
    ]
    return Schema(query=Query, mutation=Mutation, extensions=extensions, config=StrawberryConfig(scalar_map=SCALARS))


schema = build_schema()
