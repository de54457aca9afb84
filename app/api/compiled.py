"""Compiled execution of registered public reads, in the spirit of graphql-jit.

graphql-core and strawberry spend a few µs of machinery on every field (paths, infos, argument
conversion, awaitable checks) and start a task per async field: on a 20-row catalog page that is most of
the request's CPU. For a registered document (graphql/operations/), the selection set is analysed once per
(document, operation, values of the @skip/@include variables) into a plan; each request then walks the
plan over the resolvers' results and builds the answer's dict directly:
- the same resolvers are called (a plain attribute read, the resolver function itself, or for fields
  with arguments strawberry's own resolver wrapper), so every field means what it means to the standard
  executor; variables go through graphql-core's own coercion, arguments through its own evaluation;
- leaves are serialized by their GraphQL type's own `coerce_output_value` (enums as names, scalars);
- async resolvers are awaited in place, no task each: the rows they ask their DataLoaders for were
  loaded up front by a prefetcher (PREFETCHERS) over everything a resolver's result reaches through plain
  attributes (a connection's edges' nodes), so the SQL count stays constant in the page size.
Anything it cannot do exactly answers None and the standard executor answers instead: shapes it does
not compile (abstract types, introspection, fragment variables, `is_type_of` checks), invalid variables,
and any error at all while running (a refusal, a null in a non-null field…): the standard executor then
produces the error as it always has. Reads only (queries of public fields, app/api/read_cache.py), so a
run abandoned half-way changed nothing."""

from __future__ import annotations

import inspect
import types
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql.execution.collect_fields import FieldDetails, collect_fields, collect_subfields
from graphql.execution.values import get_argument_values
from graphql.language import ArgumentNode, DirectiveNode, Node, VariableNode
from graphql.pyutils import Path
from strawberry.types.field import StrawberryField

from app.api.query_guard import Parsed
from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationType,
    Undefined,
    is_leaf_type,
)

DEFINITION = "strawberry-definition"  # strawberry's back reference from a GraphQLField to its field
PLANS_MAX = 64  # registered documents × operations × @skip/@include values: few; beyond, start again


class NotCompiled(Exception):
    """This document, or this run of it, is left to the standard executor."""


Prefetcher = Callable[[list[Any], "ObjectPlan", "Run"], Awaitable[None]]
# GraphQL object type name → loads, for every object of that type a resolver's result reaches, what the
# selected fields will ask their DataLoaders for (see catalog/api/prefetch.py). Filled at import by the
# composition root (app/api/schema.py).
PREFETCHERS: dict[str, Prefetcher] = {}

ATTRIBUTE, CALL, WRAPPER, TYPENAME = range(4)


@dataclass(eq=False)
class FieldPlan:
    key: str  # the response key (alias or name)
    name: str
    definition: GraphQLField | None
    details: list[FieldDetails]
    parent_type: GraphQLObjectType
    strawberry_field: StrawberryField | None
    mode: int
    resolve: Callable[[Run, Any], Any] = field(default=lambda run, source: None)
    is_async: bool = False  # the resolver is a coroutine function: its value is always awaited
    leaf: Callable[[Any], Any] | None = None  # completion of a type without objects in it
    complete: Callable[[Run, Any], Awaitable[Any]] | None = None  # completion of one with objects
    object_plan: ObjectPlan | None = None  # the plan of the object type inside the field's type
    # Paths of attribute fields from this field's value to objects some prefetcher loads for.
    prefetch: list[tuple[tuple[FieldPlan, ...], ObjectPlan, Prefetcher]] = field(default_factory=list)


@dataclass(eq=False)
class ObjectPlan:
    type: GraphQLObjectType
    fields: list[FieldPlan]

    def selected(self, name: str) -> list[FieldPlan]:
        """The selections of a field by its schema name (several when aliased with other arguments)."""
        return [f for f in self.fields if f.name == name]


class Run:
    """One request's walk over a plan: its executor (variables, operation, fragments), its context."""

    def __init__(self, executor: Any, context: Any, info_class: type) -> None:
        self.executor = executor
        self.context = context
        self.info_class = info_class
        self._infos: dict[int, Any] = {}
        self._arguments: dict[int, dict[str, Any]] = {}

    def arguments(self, plan: FieldPlan) -> dict[str, Any]:
        """The field's arguments, coerced by graphql-core as the standard executor does (once per run)."""
        found = self._arguments.get(id(plan))
        if found is None:
            assert plan.definition is not None
            details = plan.details[0]
            if plan.definition.args or details.node.arguments:
                found = get_argument_values(
                    plan.definition,
                    details.node,
                    self.executor.variable_values,
                    details.fragment_variable_values,
                    self.executor.hide_suggestions,
                )
            else:
                found = {}
            self._arguments[id(plan)] = found
        return found

    def raw_info(self, plan: FieldPlan) -> Any:
        """graphql-core's info for the field, built as the executor builds it. One per field of the plan,
        not per object: the resolvers read the context from it, and an error (whose path would differ)
        sends the whole request to the standard executor anyway."""
        found = self._infos.get(id(plan))
        if found is None:
            assert plan.definition is not None
            path = Path(None, plan.key, plan.parent_type.name)
            nodes = [d.node for d in plan.details]
            found = self.executor.build_resolve_info(plan.definition, nodes, plan.parent_type, path)
            self._infos[id(plan)] = found
        return found

    async def object(self, plan: ObjectPlan, source: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for f in plan.fields:
            value = f.resolve(self, source)
            if f.is_async or _awaitable(value):
                value = await value
            if f.prefetch and value is not None:
                await self._prefetch(f, value)
            if f.leaf is not None:
                result[f.key] = f.leaf(value)
            else:
                assert f.complete is not None
                result[f.key] = await f.complete(self, value)
        return result

    def info_of(self, plan: FieldPlan) -> Any:
        """strawberry's Info for a resolver that asks for it (kept apart from graphql-core's, same plan)."""
        key = -id(plan)
        found = self._infos.get(key)
        if found is None:
            found = self._infos[key] = self.info_class(_raw_info=self.raw_info(plan), _field=plan.strawberry_field)
        return found

    async def _prefetch(self, plan: FieldPlan, value: Any) -> None:
        for path, target, prefetcher in plan.prefetch:
            objects = _flatten(value)
            for step in path:
                assert step.strawberry_field is not None
                name = step.strawberry_field.python_name
                objects = [item for obj in objects for item in _flatten(getattr(obj, name))]
            if objects:
                await prefetcher(objects, target, self)


def _awaitable(value: Any) -> bool:
    """inspect.isawaitable without its ABC check on every value: an instance of a type that is not a
    coroutine or generator and has no __await__ never is, so the answer is remembered per type."""
    kind = type(value)
    known = _AWAITABLE.get(kind)
    if known is None:
        if kind in (types.CoroutineType, types.GeneratorType) or hasattr(kind, "__await__"):
            return inspect.isawaitable(value)
        known = _AWAITABLE[kind] = False
    return known


_AWAITABLE: dict[type, bool] = {}


def _flatten(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [item for element in value for item in _flatten(element)]
    return [value]


# --- compiling ------------------------------------------------------------------------------------------


def _directive_variables(document: Node) -> tuple[str, ...]:
    """Variables that @skip or @include read: the plan depends on their values."""
    names: set[str] = set()
    stack: list[Any] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, DirectiveNode) and node.name.value in ("skip", "include"):
            for argument in node.arguments or ():
                if isinstance(argument, ArgumentNode) and isinstance(argument.value, VariableNode):
                    names.add(argument.value.name.value)
        if isinstance(node, Node):
            for key in node.keys:
                child = getattr(node, key, None)
                if isinstance(child, tuple | list):
                    stack.extend(child)
                elif isinstance(child, Node):
                    stack.append(child)
    return tuple(sorted(names))


class Compiler:
    def __init__(self, schema: Any, executor: Any) -> None:
        self.strawberry_schema = schema
        self.schema = schema._schema
        self.executor = executor
        # Field exception handlers turn errors into results: the plan would have to mirror them. None here.
        if getattr(schema.schema_converter, "_exception_handler_specs", None):
            raise NotCompiled("exception handlers")

    def root(self) -> ObjectPlan:
        executor = self.executor
        if executor.operation.operation is not OperationType.QUERY:
            raise NotCompiled("not a query")
        root_type = self.schema.query_type
        collected = collect_fields(
            self.schema, executor.fragments, executor.variable_values, root_type, executor.operation
        )
        return self._object(root_type, collected)

    def _object(self, type_: GraphQLObjectType, collected: Any) -> ObjectPlan:
        if collected.new_defer_usages or collected.forbidden_directive_instances or type_.is_type_of is not None:
            raise NotCompiled("defer, or a type checked at run time")
        return ObjectPlan(
            type_, [self._field(type_, key, details) for key, details in collected.grouped_field_set.items()]
        )

    def _field(self, parent: GraphQLObjectType, key: str, details: list[FieldDetails]) -> FieldPlan:
        node = details[0].node
        name = node.name.value
        if any(d.fragment_variable_values is not None or d.defer_usage is not None for d in details):
            raise NotCompiled("fragment variables or defer")
        if name == "__typename":
            type_name = parent.name
            return FieldPlan(
                key, name, None, details, parent, None, TYPENAME, resolve=lambda run, source: type_name, leaf=_same
            )
        definition = parent.fields.get(name)
        strawberry_field = definition.extensions.get(DEFINITION) if definition is not None else None
        if definition is None or not isinstance(strawberry_field, StrawberryField) or definition.resolve is None:
            raise NotCompiled(f"field {parent.name}.{name}")  # introspection, or not strawberry's
        plan = FieldPlan(
            key, name, definition, details, parent, strawberry_field, self._mode(definition, strawberry_field)
        )
        plan.resolve, plan.is_async = _resolver(plan)
        plan.leaf, plan.complete, plan.object_plan = self._completion(definition.type, details)
        if plan.mode != ATTRIBUTE and plan.object_plan is not None:
            plan.prefetch = _prefetch_paths(plan.object_plan)
        return plan

    def _mode(self, definition: GraphQLField, strawberry_field: StrawberryField) -> int:
        resolver = strawberry_field.base_resolver
        if getattr(definition.resolve, "_is_default", False):
            if strawberry_field.default_resolver is not getattr:
                return WRAPPER
            return ATTRIBUTE
        if (
            resolver is not None
            and not strawberry_field.extensions
            and not definition.args
            and resolver.parent_parameter is None
            and resolver.root_parameter is None
        ):
            return CALL  # what strawberry's wrapper would do: the function, with self and info
        return WRAPPER

    def _completion(
        self, type_: GraphQLOutputType, details: list[FieldDetails]
    ) -> tuple[Callable[[Any], Any] | None, Callable[[Run, Any], Awaitable[Any]] | None, ObjectPlan | None]:
        """(sync completion, async completion, object plan): exactly one completion is set."""
        if isinstance(type_, GraphQLNonNull):
            leaf, complete, plan = self._completion(type_.of_type, details)
            if leaf is not None:
                return _non_null_leaf(leaf), None, plan
            assert complete is not None
            return None, _non_null(complete), plan
        if isinstance(type_, GraphQLList):
            leaf, complete, plan = self._completion(type_.of_type, details)
            if leaf is not None:
                return _list_leaf(leaf), None, plan
            assert complete is not None
            return None, _list(complete), plan
        if is_leaf_type(type_):
            return _leaf(type_), None, None
        if isinstance(type_, GraphQLObjectType):
            collected = collect_subfields(
                self.schema,
                self.executor.fragments,
                self.executor.variable_values,
                self.executor.operation,
                type_,
                details,
            )
            plan = self._object(type_, collected)
            return None, _object(plan), plan
        raise NotCompiled(f"abstract type {type_}")


def _same(value: Any) -> Any:
    return value


def _resolver(plan: FieldPlan) -> tuple[Callable[[Run, Any], Any], bool]:
    """How the field's value is had, decided once: (resolve(run, source), whether it is always awaited)."""
    field_ = plan.strawberry_field
    assert field_ is not None and plan.definition is not None
    if plan.mode == ATTRIBUTE:
        name = field_.python_name
        return (lambda run, source: getattr(source, name)), False
    if plan.mode == CALL:
        resolver = field_.base_resolver
        assert resolver is not None
        function = resolver.wrapped_func
        info = resolver.info_parameter.name if resolver.info_parameter is not None else None
        if not resolver.self_parameter or not callable(function):
            plan.mode = WRAPPER
        elif info is None:
            return (lambda run, source: function(source)), resolver.is_async
        else:
            return (lambda run, source: function(source, **{info: run.info_of(plan)})), resolver.is_async
    resolve = plan.definition.resolve
    assert resolve is not None
    return (lambda run, source: resolve(source, run.raw_info(plan), **run.arguments(plan))), False


def _prefetch_paths(plan: ObjectPlan) -> list[tuple[tuple[FieldPlan, ...], ObjectPlan, Prefetcher]]:
    found: list[tuple[tuple[FieldPlan, ...], ObjectPlan, Prefetcher]] = []
    prefetcher = PREFETCHERS.get(plan.type.name)
    if prefetcher is not None:
        found.append(((), plan, prefetcher))
    for f in plan.fields:
        if f.mode == ATTRIBUTE and f.object_plan is not None:
            found.extend(((f, *path), target, p) for path, target, p in _prefetch_paths(f.object_plan))
    return found


def _leaf(type_: GraphQLLeafType) -> Callable[[Any], Any]:
    coerce = type_.coerce_output_value

    def complete(value: Any) -> Any:
        if value is None:
            return None
        if _awaitable(value):
            raise NotCompiled("an awaitable value")
        coerced = coerce(value)
        if coerced is Undefined or coerced is None:
            raise NotCompiled("a leaf that does not serialize")
        return coerced

    return complete


def _non_null_leaf(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def complete(value: Any) -> Any:
        completed = inner(value)
        if completed is None:
            raise NotCompiled("null in a non-null field")
        return completed

    return complete


def _non_null(inner: Callable[[Run, Any], Awaitable[Any]]) -> Callable[[Run, Any], Awaitable[Any]]:
    async def complete(run: Run, value: Any) -> Any:
        completed = await inner(run, value)
        if completed is None:
            raise NotCompiled("null in a non-null field")
        return completed

    return complete


def _items(value: Any) -> Iterable[Any]:
    if type(value) is list:
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise NotCompiled("not a list")
    return value


def _list_leaf(inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def complete(value: Any) -> Any:
        return None if value is None else [inner(item) for item in _items(value)]

    return complete


def _list(inner: Callable[[Run, Any], Awaitable[Any]]) -> Callable[[Run, Any], Awaitable[Any]]:
    async def complete(run: Run, value: Any) -> Any:
        if value is None:
            return None
        return [await inner(run, item) for item in _items(value)]

    return complete


def _object(plan: ObjectPlan) -> Callable[[Run, Any], Awaitable[Any]]:
    async def complete(run: Run, value: Any) -> Any:
        if value is None:
            return None
        if _awaitable(value):
            raise NotCompiled("an awaitable value")
        return await run.object(plan, value)

    return complete


# --- running --------------------------------------------------------------------------------------------

_plans: dict[tuple[Any, ...], ObjectPlan | None] = {}
_directives: dict[str, tuple[str, ...]] = {}


def _executor(schema: Any, parsed: Parsed, variables: dict[str, Any], operation_name: str | None, context: Any) -> Any:
    """graphql-core's executor as strawberry builds it: the operation, the fragments, and the variables
    coerced by the same code (None when they do not coerce: the standard executor says why)."""
    executor = schema.execution_context_class.build(
        schema._schema, parsed.document, None, context, variables, operation_name
    )
    return None if isinstance(executor, list) else executor


async def execute(
    schema: Any,
    query: str,
    parsed: Parsed,
    operation_name: str | None,
    variables: dict[str, Any],
    context: Any,
) -> dict[str, Any] | None:
    """The answer's `data`, or None when the standard executor must answer."""
    try:
        executor = _executor(schema, parsed, variables, operation_name, context)
        if executor is None:
            return None
        names = _directives.get(query)
        if names is None:
            names = _directives[query] = _directive_variables(parsed.document)
        coerced = executor.variable_values.coerced
        key = (query, operation_name, tuple(coerced.get(name) for name in names))
        if key not in _plans:
            if len(_plans) >= PLANS_MAX:
                _plans.clear()
                _directives.clear()
            try:
                _plans[key] = Compiler(schema, executor).root()
            except NotCompiled:
                _plans[key] = None
        plan = _plans[key]
        if plan is None:
            return None
        return await Run(executor, context, schema.config.info_class).object(plan, None)
    except Exception:  # NotCompiled, an argument's GraphQLError, a resolver's error: the standard executor
        return None  # reports it (and logs it) as it always has
