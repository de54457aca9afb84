"""Custom scalars. GraphQL's Int is 32-bit; VND totals pass 2^31, so money has its own scalar."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from app.money import VatRate
from graphql import GraphQLError

# The kernel's enum shared by every domain's types (catalog prices, request lines, invoices), registered
# once here, before any domain's API module uses it.
strawberry.enum(VatRate, description="VAT category of a line: 10%, 8%, 5%, 0%, KCT, KKKNT.")

MAX_SAFE = 2**53 - 1  # largest integer a JSON number carries exactly in every client

Vnd = NewType("Vnd", int)


def _parse_vnd(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_SAFE:
        # A GraphQLError, not a ValueError: graphql-core keeps a ValueError as the original error of a
        # literal's validation error, and the error shaping then masks it as an unexpected crash.
        raise GraphQLError(f"Vnd must be a whole number of đồng, found {value!r}.")
    return value


SCALARS: dict[object, ScalarDefinition] = {
    Vnd: strawberry.scalar(
        name="Vnd",
        description="An amount in Vietnamese đồng: a whole number (VND has no minor unit).",
        serialize=int,
        parse_value=_parse_vnd,
    )
}
