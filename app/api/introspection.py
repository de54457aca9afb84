"""Who may ask for the schema (`__schema`, `__type`): INTROSPECTION=on (anyone), staff, or off.
`__typename` is not introspection of the schema and stays open. Production defaults to staff: the
public and partners use the documented operations in graphql/operations/."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from app.config import get_settings
from app.errors import PermissionDenied
from graphql import FieldNode, GraphQLError, Node, SelectionSetNode

SCHEMA_FIELDS = frozenset({"__schema", "__type"})


def introspection_off() -> PermissionDenied:
    return PermissionDenied(
        "INTROSPECTION_DISABLED",
        "Máy chủ này không cho xem lược đồ GraphQL; hãy dùng tệp graphql/schema.graphql.",
        "Schema introspection is turned off on this server; use graphql/schema.graphql.",
    )


def asks_for_schema(document: Node) -> bool:
    """Any `__schema` or `__type` field anywhere in the document (operations and fragments), without
    recursion."""
    stack: list[Node] = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, FieldNode) and node.name.value in SCHEMA_FIELDS:
            return True
        for key in node.keys:
            child = getattr(node, key, None)
            if isinstance(child, (tuple, list)):
                stack.extend(item for item in child if isinstance(item, Node))
            elif isinstance(child, (Node, SelectionSetNode)):
                stack.append(child)
    return False


def may_introspect(principal: object, mode: str) -> bool:
    if mode == "on":
        return True
    if mode == "staff":
        return bool(getattr(principal, "is_staff", False)) and getattr(principal, "account_id", None) is not None
    return False


class IntrospectionGate(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        mode = get_settings().introspection
        document = execution.graphql_document
        if (
            mode != "on"
            and execution.result is None
            and document is not None
            and not may_introspect(getattr(execution.context, "principal", None), mode)
            and asks_for_schema(document)
        ):
            error = introspection_off()
            execution.result = ExecutionResult(data=None, errors=[GraphQLError(str(error), original_error=error)])
        yield
