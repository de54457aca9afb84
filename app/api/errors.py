"""Errors as clients see them: typed `UserError`s in payloads, shaped GraphQL errors for queries,
and "Unexpected error" for anything that is not a domain error (the details stay in the logs)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult, Info

from app.errors import DomainError, ErrorDetail
from app.requestid import current_request_id
from graphql import GraphQLError

log = logging.getLogger("app.api")
T = TypeVar("T")


@strawberry.type(description="An expected failure: which field, a stable code, and the message in both languages.")
class UserError:
    field: str | None = strawberry.field(description="The input field at fault (camelCase path), if any.")
    code: str = strawberry.field(description="Stable machine-readable code, e.g. INVALID_TAX_CODE.")
    message: str = strawberry.field(description="Message in the request's language.")
    message_vi: str
    message_en: str
    retry_after: int | None = strawberry.field(
        default=None, description="Seconds to wait before trying again (rate limits only)."
    )

    @classmethod
    def from_detail(cls, detail: ErrorDetail, lang: str) -> UserError:
        return cls(
            field=detail.field,
            code=detail.code,
            message=detail.message_en if lang == "en" else detail.message_vi,
            message_vi=detail.message_vi,
            message_en=detail.message_en,
            retry_after=detail.retry_after,
        )


def user_errors(error: DomainError, info: Info) -> list[UserError]:
    lang = getattr(info.context, "lang", "vi")
    return [UserError.from_detail(detail, lang) for detail in error.details]


async def attempt(info: Info, action: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    """Run a mutation's use case; expected failures become the payload's errors."""
    try:
        return await action(), []
    except DomainError as error:
        return None, user_errors(error, info)


class QueryRefused(DomainError):
    """A document refused before it runs (too long, too deep, too costly…). Its `figures` (what was
    measured and the limit) reach the client in `extensions`, so a client can tell how far off it is."""

    def __init__(self, code: str, message_vi: str, message_en: str, **figures: int) -> None:
        super().__init__(code, message_vi, message_en)
        self.figures = figures


def _extensions(error: DomainError, lang: str) -> dict[str, Any]:
    first = error.details[0]
    figures = error.figures if isinstance(error, QueryRefused) else {}
    if first.retry_after is not None:
        figures = {**figures, "retryAfter": first.retry_after}
    return {
        **figures,
        "code": first.code,
        "field": first.field,
        "messageVi": first.message_vi,
        "messageEn": first.message_en,
        "errors": [
            {"code": d.code, "field": d.field, "messageVi": d.message_vi, "messageEn": d.message_en}
            for d in error.details
        ],
        "requestId": current_request_id(),
    }


def shape_error(error: GraphQLError, lang: str) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        message = original.message_en if lang == "en" else original.message_vi
        return GraphQLError(message, nodes=error.nodes, path=error.path, extensions=_extensions(original, lang))
    if original is None or isinstance(original, GraphQLError) or error.path is None:
        # Syntax, validation, variable coercion and limiter errors happen before execution
        # (no path) and are meant for the client.
        return error
    return GraphQLError(
        "Unexpected error",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": "INTERNAL_ERROR", "requestId": current_request_id()},
    )


class ErrorShaping(SchemaExtension):
    """Refuses requests with bad credentials before execution, then shapes every error."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context.context
        auth_error = getattr(context, "auth_error", None)
        if auth_error is not None:
            # Early result: strawberry skips execution when the result is already set.
            self.execution_context.result = ExecutionResult(
                data=None, errors=[GraphQLError(str(auth_error), original_error=auth_error)]
            )
        yield

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        lang = getattr(self.execution_context.context, "lang", "vi")
        result.errors = [shape_error(error, lang) for error in result.errors]


def log_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        original = error.original_error
        if isinstance(original, DomainError):
            log.info("refused", extra={"code": original.code, "path": error.path})
        elif original is None or isinstance(original, GraphQLError):
            log.info("invalid query", extra={"error": error.message})
        else:
            log.error("unexpected error", exc_info=original, extra={"path": error.path})
