"""Custom scalars. GraphQL's Int is 32-bit; VND totals pass 2^31, so money has its own scalar."""

from __future__ import annotations

from typing import Any, NewType

import strawberry
from strawberry.file_uploads import Upload
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


def _parse_upload(value: Any) -> Any:
    """Only a file sent as a multipart part: strawberry's Upload took any JSON value, and a string then
    reached `.read()` in a resolver and crashed."""
    if not (hasattr(value, "read") and hasattr(value, "filename")):
        raise GraphQLError(
            "Upload expects a file sent as a part of a multipart request (GraphQL multipart request spec).",
            extensions={
                "code": "UPLOAD_EXPECTED",
                "messageVi": "Trường này cần một tệp gửi kèm theo dạng multipart, không phải một giá trị JSON.",
                "messageEn": "This field needs a file sent as a multipart part, not a JSON value.",
            },
        )
    return value


SCALARS: dict[object, ScalarDefinition] = {
    Upload: strawberry.scalar(
        name="Upload",
        description="Represents a file upload.",
        serialize=lambda value: value,
        parse_value=_parse_upload,
    ),
    Vnd: strawberry.scalar(
        name="Vnd",
        description="An amount in Vietnamese đồng: a whole number (VND has no minor unit).",
        serialize=int,
        parse_value=_parse_vnd,
    ),
}
