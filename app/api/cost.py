"""What an operation would cost before it runs: depth, aliases and an estimate of the fields it resolves.

The cost is the number of fields the operation would resolve if every list came back as long as it may:
a leaf field costs 1; a field with a selection costs 1 + (items it returns) × (cost of its selection).
A list's length is, in this order:
- the field's own `first`/`last` argument (variables resolved, the schema's default when omitted), at
  most the field's bound;
- for the lists of a connection (`edges`), the page its field asked for with `first` (the default page
  size when omitted, at most PAGE_SIZE_MAX: a larger `first` is refused by the resolver before it
  fetches anything);
- the list's known bound where it is smaller than the default (`CostModel.bounds`, e.g. three channels
  per service) and, for introspection, the schema's own sizes (where an `ofType` chain runs deeper than
  any type is wrapped, it is null and costs 1);
- otherwise `CostModel.default_size`: a typical length, not a worst case, since worst cases multiply
  along a path (100 milestones × 200 events each would price an ordinary project view at 20,000).
Fragments are walked once per page size and their results reused, so a fragment spread a million times
through nested fragments costs one walk per fragment: the time is linear in the document, while the
numbers it computes may be astronomically large (they are Python integers and are compared, never
materialised). Depth and aliases come from the same walk, with the meaning strawberry's limiters gave
them: depth counts fields with a selection along a path (introspection excluded), aliases are counted
through every fragment spread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
)

INTROSPECTION_ROOTS = ("__schema", "__type")
SIZE_ARGUMENTS = ("first", "last")


class _Omitted:
    """An argument or variable the operation did not give (not the same as an explicit null)."""


OMITTED = _Omitted()
INVALID = "invalid"  # a size variable that is not an integer: execution refuses it, cost it at its bound


@dataclass(frozen=True, eq=False)
class CostModel:
    """How long lists may be. One per schema; compared by identity (it keys the caches)."""

    # "Type.field" -> the most items the field returns, where the code bounds it.
    bounds: Mapping[str, int] = field(default_factory=dict)
    # Lists nothing bounds (a category's children, a service's plans…): a sensible guess, not a guarantee.
    default_size: int = 10


@dataclass(frozen=True)
class Pages:
    """The page sizes of connections (PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX)."""

    default: int
    maximum: int


@dataclass(frozen=True)
class Measures:
    depth: int
    aliases: int
    cost: int
    fragment_walks: int  # fragment bodies walked: at most one per fragment and page size


@lru_cache(maxsize=8)
def introspection_bounds(schema: GraphQLSchema) -> dict[str, int]:
    """Introspection lists by the schema's own sizes: `types` has every type, and a type's `fields` count
    the average per type, so `types { fields }` costs what it returns."""
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    fields = [f for t in with_fields for f in t.fields.values()]
    inputs = [t for t in types if isinstance(t, GraphQLInputObjectType)]
    enums = [t for t in types if isinstance(t, GraphQLEnumType)]
    abstract = [t for t in types if isinstance(t, GraphQLInterfaceType | GraphQLUnionType)]
    directives = list(schema.directives)

    def average(total: int, over: int) -> int:
        return max(1, math.ceil(total / max(1, over)))

    def wrappers(type_: Any) -> int:
        count = 0
        while isinstance(type_, GraphQLNonNull | GraphQLList):
            count, type_ = count + 1, type_.of_type
        return count

    references = [
        *(f.type for f in fields),
        *(a.type for f in fields for a in f.args.values()),
        *(f.type for t in inputs for f in t.fields.values()),
        *(a.type for d in directives for a in d.args.values()),
    ]
    return {
        # `ofType` chains (GraphiQL asks for eight levels) are null past the deepest wrapping, `[X!]!`.
        "__Type.ofType": max(map(wrappers, references), default=0),
        "__Schema.types": len(types),
        "__Schema.directives": len(directives),
        "__Type.fields": average(len(fields), len(types)),
        "__Type.inputFields": average(sum(len(t.fields) for t in inputs), len(types)),
        "__Type.enumValues": average(sum(len(t.values) for t in enums), len(types)),
        "__Type.interfaces": average(sum(len(t.interfaces) for t in with_fields), len(types)),
        "__Type.possibleTypes": average(sum(len(schema.get_possible_types(t)) for t in abstract), len(types)),
        "__Field.args": average(sum(len(f.args) for f in fields), len(fields)),
        "__Directive.args": average(sum(len(d.args) for d in directives), len(directives)),
    }


def measure(
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any],
    model: CostModel,
    pages: Pages,
) -> Measures:
    """Depth, aliases and cost of one operation of a validated document."""
    walk = _Walk(schema, fragments, operation, variables, model, pages)
    root = schema.get_root_type(operation.operation)
    if root is None:  # validation refuses an operation type the schema lacks
        return Measures(0, 0, 0, 0)
    depth, aliases, cost = walk.selections(operation.selection_set, root, None)
    return Measures(depth, aliases, cost, walk.fragment_walks)


def size_variables(
    document_operations: list[OperationDefinitionNode], fragments: list[FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Names of the variables given to `first`/`last` anywhere: the only ones the cost depends on."""
    names: set[str] = set()
    stack: list[SelectionSetNode] = [d.selection_set for d in (*document_operations, *fragments)]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                names.update(
                    a.value.name.value
                    for a in selection.arguments or ()
                    if a.name.value in SIZE_ARGUMENTS and isinstance(a.value, VariableNode)
                )
            if isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                stack.append(selection.selection_set)
    return tuple(sorted(names))


def _unwrap(type_: Any) -> tuple[GraphQLNamedType, bool]:
    """The named type under the wrappers, and whether a list is among them."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        operation: OperationDefinitionNode,
        variables: Mapping[str, Any],
        model: CostModel,
        pages: Pages,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.variable_defaults = {
            d.variable.name.value: d.default_value for d in operation.variable_definitions or () if d.default_value
        }
        self.bounds = {**introspection_bounds(schema), **model.bounds}
        self.default_size = model.default_size
        self.pages = pages
        self.memo: dict[tuple[str, int | None, int], tuple[int, int, int]] = {}
        self.of_type_levels = self.bounds["__Type.ofType"]
        self.active: set[str] = set()
        self.fragment_walks = 0

    def selections(
        self, selection_set: SelectionSetNode, parent: Any, page: int | None, of_type: int = 0
    ) -> tuple[int, int, int]:
        """(depth, aliases, cost) of a selection set on `parent`; `page` is the page a connection's lists
        hold, `of_type` how many `ofType` levels of an introspected type lead here. Fields, spreads and
        inline fragments are handled here, in one frame per level of nesting, so deep documents stay far
        from the recursion limit."""
        depth = aliases = cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                d, a, c = self.field(selection, parent, page, of_type)
            elif isinstance(selection, FragmentSpreadNode):
                d, a, c = self.fragment(selection.name.value, page, of_type)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                d, a, c = self.selections(selection.selection_set, inner, page, of_type)
            else:  # pragma: no cover - the three kinds of selection
                continue
            depth = max(depth, d)
            aliases += a
            cost += c
        return depth, aliases, cost

    def fragment(self, name: str, page: int | None, of_type: int) -> tuple[int, int, int]:
        key = (name, page, of_type)
        if key in self.memo:
            return self.memo[key]
        definition = self.fragments.get(name)
        if definition is None or name in self.active:  # unknown or cyclic: validation refuses both
            return 0, 0, 0
        self.active.add(name)
        self.fragment_walks += 1
        on = self.schema.get_type(definition.type_condition.name.value)
        result = self.selections(definition.selection_set, on, page, of_type)
        self.active.discard(name)
        self.memo[key] = result
        return result

    def field(self, node: FieldNode, parent: Any, page: int | None, of_type: int) -> tuple[int, int, int]:
        alias = 1 if node.alias else 0
        name = node.name.value
        definition = self._definition(parent, name)
        if node.selection_set is None or definition is None:
            return 0, alias, 1
        inner_of_type = of_type + 1 if name == "ofType" and parent.name == "__Type" else 0
        if inner_of_type > self.of_type_levels:
            return 0, alias, 1  # null: no type is wrapped that deep, so nothing under it resolves
        named, is_list = _unwrap(definition.type)
        items = self._list_size(f"{parent.name}.{name}", node, definition, page) if is_list else 1
        inner_page = self._page(node, definition) if "first" in definition.args and not is_list else None
        depth, aliases, cost = self.selections(node.selection_set, named, inner_page, inner_of_type)
        if name in INTROSPECTION_ROOTS:
            depth = -1  # strawberry's depth limit never counted introspection; its own rule bounds it
        return depth + 1, alias + aliases, 1 + items * cost

    def _definition(self, parent: Any, name: str) -> GraphQLField | None:
        if name == "__schema" and parent is self.schema.query_type:
            return SchemaMetaFieldDef
        if name == "__type" and parent is self.schema.query_type:
            return TypeMetaFieldDef
        fields = getattr(parent, "fields", None)
        return fields.get(name) if fields else None

    def _page(self, node: FieldNode, definition: GraphQLField) -> int:
        """The items a connection's lists hold for this field's `first`."""
        requested = self._argument(node, definition, "first")
        if requested is None:
            requested = self.pages.default
        return self._clamp(requested, self.pages.maximum)

    def _list_size(self, key: str, node: FieldNode, definition: GraphQLField, page: int | None) -> int:
        bound = self.bounds.get(key)
        for argument in SIZE_ARGUMENTS:
            if argument in definition.args:
                limit = bound if bound is not None else self.pages.maximum
                requested = self._argument(node, definition, argument)
                return self._clamp(self.pages.default if requested is None else requested, limit)
        if page is not None:
            return page
        return bound if bound is not None else self.default_size

    @staticmethod
    def _clamp(requested: int | str, limit: int) -> int:
        if isinstance(requested, str):  # INVALID
            return limit
        return max(0, min(requested, limit))

    def _argument(self, node: FieldNode, definition: GraphQLField, name: str) -> int | str | None:
        """The argument's integer value; None when null or omitted without a default; INVALID otherwise."""
        given = next((a.value for a in node.arguments or () if a.name.value == name), None)
        value = self._value(given) if given is not None else OMITTED
        if value is OMITTED:
            default = definition.args[name].default_value
            value = None if default is Undefined else default
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        return INVALID

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, NullValueNode):
            return None
        if isinstance(node, VariableNode):
            name = node.name.value
            if name in self.variables:
                return self.variables[name]
            default = self.variable_defaults.get(name)
            return self._value(default) if default is not None else OMITTED
        return INVALID
