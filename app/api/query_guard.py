"""No query may stall the server: every document is measured before it runs, and the work of measuring
is itself bounded and cached.

In order, each step refusing with a typed error (`QUERY_TOO_…`, figures in `extensions`):
1. the text's size in bytes, before anything reads it;
2. its tokens, counted by the lexer before parsing (which stops at the limit), then its selections
   (fields, fragment spreads, inline fragments): graphql-core's overlapping-fields rule is quadratic in
   them, so this bounds validation;
3. validation, with the rules built once here so the cache key repeats;
4. depth, aliases and cost of the operation to run (app/api/cost.py, linear in the document), the cost
   against the caller's budget.
Before all of them, with PARTNER_DOCUMENTS=registered, a partner key's document must be a registered one
(app/api/trusted_documents.py), whatever the transport (GET, POST, multipart, batch).
Parsing is cached per distinct text, and validation and measures (per operation and page-size variables)
with the parse, so a repeated query pays for none of it twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql.language import Lexer
from graphql.validation import ASTValidationRule, MaxIntrospectionDepthRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from app.api.cost import INVALID, OMITTED, CostModel, Measures, Pages, measure, size_variables
from app.api.errors import QueryRefused
from app.api.trusted_documents import is_registered, not_registered
from app.auth.principal import ANONYMOUS, Principal
from app.config import Settings, get_settings
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Source,
    TokenKind,
    get_operation_ast,
    parse,
    specified_rules,
)

# Built once: strawberry's limiters made a new rule class per request, so the validation cache's key
# (schema, document, rules) never repeated. MaxIntrospectionDepthRule bounds nested introspection
# (`fields { type { fields … } } }`), which the depth limit leaves alone.
RULES: tuple[type[ASTValidationRule], ...] = (*specified_rules, MaxIntrospectionDepthRule)


@dataclass(eq=False)
class Parsed:
    """A parsed document with what is known of it: its validation errors and the measures of its
    operations, computed once each and kept here so they live exactly as long as the cached parse."""

    document: DocumentNode
    fragments: dict[str, FragmentDefinitionNode]
    size_variables: tuple[str, ...]
    errors: dict[GraphQLSchema, tuple[GraphQLError, ...]] = field(default_factory=dict)
    measures: dict[tuple[Any, ...], Measures | None] = field(default_factory=dict)


# --- the refusals ----------------------------------------------------------------------------------


def too_large(size: int, limit: int) -> QueryRefused:
    return QueryRefused(
        "QUERY_TOO_LARGE",
        f"Truy vấn quá dài ({size} byte, tối đa {limit}).",
        f"The query is too long ({size} bytes, at most {limit}).",
        bytes=size,
        limit=limit,
    )


def too_many_tokens(limit: int) -> QueryRefused:
    return QueryRefused(
        "QUERY_TOO_MANY_TOKENS",
        f"Truy vấn có quá nhiều ký hiệu (hơn {limit}).",
        f"The query has too many tokens (more than {limit}).",
        limit=limit,
    )


def too_many_selections(count: int, limit: int) -> QueryRefused:
    return QueryRefused(
        "QUERY_TOO_MANY_SELECTIONS",
        f"Truy vấn chọn quá nhiều trường và fragment ({count}, tối đa {limit}).",
        f"The query has too many selections, fields and fragment spreads ({count}, at most {limit}).",
        selections=count,
        limit=limit,
    )


def too_deep(depth: int, limit: int) -> QueryRefused:
    return QueryRefused(
        "QUERY_TOO_DEEP",
        f"Truy vấn lồng quá sâu (độ sâu {depth}, tối đa {limit}).",
        f"The query is nested too deeply (depth {depth}, at most {limit}).",
        depth=depth,
        limit=limit,
    )


def too_many_aliases(count: int, limit: int) -> QueryRefused:
    return QueryRefused(
        "QUERY_TOO_MANY_ALIASES",
        f"Truy vấn dùng quá nhiều bí danh ({count}, tối đa {limit}).",
        f"The query uses too many aliases ({count}, at most {limit}).",
        aliases=count,
        limit=limit,
    )


def too_costly(cost: int, budget: int) -> QueryRefused:
    return QueryRefused(
        "QUERY_TOO_COSTLY",
        f"Truy vấn quá tốn kém (chi phí ước tính {cost}, tối đa {budget}); hãy yêu cầu ít bản ghi hơn "
        "mỗi trang (first) hoặc bớt các danh sách lồng nhau.",
        f"The query is too costly (estimated cost {cost}, at most {budget}); ask for fewer items per "
        "page (first) or fewer nested lists.",
        cost=cost,
        budget=budget,
    )


# --- the steps, cached -------------------------------------------------------------------------------


def check_size(query: str, settings: Settings) -> None:
    limit = settings.graphql_max_bytes
    if len(query) > limit:  # characters never outnumber bytes: refuse without encoding a huge text
        raise too_large(len(query.encode()), limit)
    size = len(query.encode())
    if size > limit:
        raise too_large(size, limit)


# Bounded: a cached entry holds the text (at most GRAPHQL_MAX_BYTES) and its tree (a few hundred kB at
# most, given the token limit), so even a cache filled on purpose stays within tens of MB.
@lru_cache(maxsize=128)
def parse_checked(query: str, max_tokens: int, max_selections: int) -> Parsed | None:
    """The parsed document, or None for a syntax error (strawberry parses the text again and reports
    it as it always has). Refusals raise and are not cached: the size check keeps them cheap."""
    try:
        _count_tokens(query, max_tokens)
        document = parse(query)
    except GraphQLSyntaxError:
        return None
    count = _selections(document)
    if count > max_selections:
        raise too_many_selections(count, max_selections)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return Parsed(document, fragments, size_variables(operations, list(fragments.values())))


def _count_tokens(query: str, limit: int) -> None:
    """Lexes before parsing, stopping past the limit: lexing is a fraction of parsing, so a text with
    too many tokens costs little, and the refusal is ours to type (graphql-core's own limit raises a
    syntax error told apart only by its message). Comments are not counted; the size limit bounds them."""
    lexer = Lexer(Source(query))
    for _ in range(limit):
        if lexer.advance().kind is TokenKind.EOF:
            return
    if lexer.advance().kind is not TokenKind.EOF:
        raise too_many_tokens(limit)


def _selections(document: DocumentNode) -> int:
    """Fields, fragment spreads and inline fragments as written (not expanded)."""
    count = 0
    stack = [d.selection_set for d in document.definitions if hasattr(d, "selection_set")]
    while stack:
        selection_set = stack.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            count += 1
            if isinstance(selection, FieldNode | InlineFragmentNode):
                stack.append(selection.selection_set)
    return count


def validation_errors(schema: GraphQLSchema, parsed: Parsed) -> tuple[GraphQLError, ...]:
    """Validated once per document; the rules are built once (RULES), so nothing varies per request."""
    if schema not in parsed.errors:
        parsed.errors[schema] = tuple(validate_document(schema, parsed.document, RULES))
    return parsed.errors[schema]


MEASURES_PER_DOCUMENT = 32  # operations × page sizes asked for; beyond, start again (rare, never unbounded)


def operation_measures(
    schema: GraphQLSchema,
    parsed: Parsed,
    operation_name: str | None,
    sizes: tuple[tuple[str, Any], ...],
    model: CostModel,
    pages: Pages,
) -> Measures | None:
    """Measures of the operation that will run; None when there is none to run (execution says why).
    `sizes` are the page-size variables' values: the only variables the measures depend on."""
    key = (schema, operation_name, sizes, model, pages)
    if key not in parsed.measures:
        if len(parsed.measures) >= MEASURES_PER_DOCUMENT:
            parsed.measures.clear()
        operation = get_operation_ast(parsed.document, operation_name)
        variables = {name: value for name, value in sizes if value is not OMITTED}
        parsed.measures[key] = (
            None if operation is None else measure(schema, parsed.fragments, operation, variables, model, pages)
        )
    return parsed.measures[key]


def _size_value(value: Any) -> Any:
    """A page-size variable as a cache key: an integer, null, omitted, or invalid (coercion refuses it)."""
    if value is None or value is OMITTED or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return INVALID


def budget(principal: Principal, settings: Settings) -> int:
    if principal.api_key_id is not None:
        return settings.graphql_cost_partner
    if principal.is_staff:
        return settings.graphql_cost_staff
    if principal.is_customer:
        return settings.graphql_cost_customer
    return settings.graphql_cost_anonymous


def _placeholder(operation_name: str | None) -> DocumentNode:
    """Strawberry needs a document naming the requested operation to reach the point where it returns
    the errors set before validation; the refused text itself is never parsed."""
    return DocumentNode(
        definitions=(
            OperationDefinitionNode(
                operation=OperationType.QUERY,
                name=NameNode(value=operation_name) if operation_name else None,
                selection_set=SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),)),
            ),
        )
    )


def _is_partner(context: Any) -> bool:
    return getattr(getattr(context, "principal", ANONYMOUS), "api_key_id", None) is not None


def _error(refusal: QueryRefused) -> GraphQLError:
    # ErrorShaping (app/api/errors.py) turns it into the client's language, code and figures.
    return GraphQLError(refusal.message_en, original_error=refusal)


class QueryGuard(SchemaExtension):
    """Replaces strawberry's ParserCache, ValidationCache, QueryDepthLimiter and MaxAliasesLimiter."""

    def __init__(self, model: CostModel) -> None:
        super().__init__()
        self.model = model
        self.parsed: Parsed | None = None

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        settings = get_settings()
        query = context.query or ""
        try:
            check_size(query, settings)
            if settings.partner_documents == "registered" and _is_partner(context.context) and not is_registered(query):
                raise not_registered()
            self.parsed = parse_checked(query, settings.graphql_max_tokens, settings.graphql_max_selections)
        except QueryRefused as refusal:
            context.graphql_document = _placeholder(context.operation_name)
            context.pre_execution_errors = [_error(refusal)]
        else:
            if self.parsed is not None:
                context.graphql_document = self.parsed.document
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and self.parsed is not None:
            errors = list(validation_errors(context.schema._schema, self.parsed))
            if not errors:
                errors = [_error(refusal) for refusal in self._refusals(self.parsed)]
            # Set (even empty): strawberry then skips its own, uncached validation.
            context.pre_execution_errors = errors
        yield

    def _refusals(self, parsed: Parsed) -> list[QueryRefused]:
        context = self.execution_context
        variables = context.variables if isinstance(context.variables, dict) else {}
        if getattr(context.context, "auth_error", None) is not None:
            principal = None  # refused before execution for its credentials (ErrorShaping): that answer comes first
        else:
            principal = getattr(context.context, "principal", ANONYMOUS)
        return refusals(context.schema._schema, parsed, context.operation_name, variables, principal, self.model)


def refusals(
    schema: GraphQLSchema,
    parsed: Parsed,
    operation_name: str | None,
    variables: dict[str, Any],
    principal: Principal | None,
    model: CostModel,
) -> list[QueryRefused]:
    """Depth, aliases, then cost against the principal's budget (none checked without a principal)."""
    settings = get_settings()
    sizes = tuple((name, _size_value(variables.get(name, OMITTED))) for name in parsed.size_variables)
    pages = Pages(settings.page_size_default, settings.page_size_max)
    measures = operation_measures(schema, parsed, operation_name, sizes, model, pages)
    if measures is None:
        return []
    if measures.depth > settings.graphql_max_depth:
        return [too_deep(measures.depth, settings.graphql_max_depth)]
    if measures.aliases > settings.graphql_max_aliases:
        return [too_many_aliases(measures.aliases, settings.graphql_max_aliases)]
    if principal is None:
        return []
    limit = budget(principal, settings)
    if measures.cost > limit:
        return [too_costly(measures.cost, limit)]
    return []
