"""Keyset pagination shared by every list: page-size cap and opaque, validated cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.config import get_settings
from app.errors import ValidationFailed
from app.input import MAX_ID

T = TypeVar("T")


def page_size(first: int | None) -> int:
    settings = get_settings()
    if first is None:
        return settings.page_size_default
    if first < 1:
        raise ValidationFailed(
            "INVALID_PAGE_SIZE",
            "Số bản ghi mỗi trang phải từ 1 trở lên.",
            "Page size must be at least 1.",
            "first",
        )
    if first > settings.page_size_max:
        raise ValidationFailed(
            "PAGE_SIZE_TOO_LARGE",
            f"Mỗi trang tối đa {settings.page_size_max} bản ghi.",
            f"A page holds at most {settings.page_size_max} items.",
            "first",
        )
    return first


def encode_cursor(kind: str, key: Any, row_id: int) -> str:
    raw = json.dumps([kind, key, row_id], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_BAD_CURSOR = (
    "INVALID_CURSOR",
    "Con trỏ phân trang không hợp lệ.",
    "The pagination cursor is not valid.",
    "after",
)


MAX_CURSOR_LENGTH = 2_000  # a sort key (a name of at most 300 characters) and an id, base64
MAX_KEY = 2**53 - 1  # integer sort keys (prices) are exact in every client


def _key_in_range(key: Any) -> bool:
    if isinstance(key, int):
        return -MAX_KEY <= key <= MAX_KEY
    return isinstance(key, str) and len(key) <= 400 and "\x00" not in key


def decode_cursor(cursor: str, kind: str, key_type: type) -> tuple[Any, int]:
    """Returns (key, id); refuses cursors that are malformed, made for another ordering, or that carry
    values no row can have (ids outside the column's range, huge integers, NUL)."""
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise ValidationFailed(*_BAD_CURSOR)
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise ValidationFailed(*_BAD_CURSOR) from None
    if (
        not isinstance(decoded, list)
        or len(decoded) != 3
        or decoded[0] != kind
        or not isinstance(decoded[1], key_type)
        or isinstance(decoded[1], bool)
        or not _key_in_range(decoded[1])
        or not isinstance(decoded[2], int)
        or isinstance(decoded[2], bool)
        or not 1 <= decoded[2] <= MAX_ID
    ):
        raise ValidationFailed(*_BAD_CURSOR)
    return decoded[1], decoded[2]


@dataclass
class Page(Generic[T]):
    items: list[T]
    cursors: list[str]
    has_next_page: bool
    has_previous_page: bool
    count: Callable[[], Awaitable[int]]


def id_page(
    kind: str, rows: list[dict[str, Any]], limit: int, after: str | None, count: Callable[[], Awaitable[int]]
) -> Page[dict[str, Any]]:
    """A page of rows fetched in id order with limit + 1 (the extra row only tells there is more)."""
    return Page(
        items=rows[:limit],
        cursors=[encode_cursor(kind, row["id"], row["id"]) for row in rows[:limit]],
        has_next_page=len(rows) > limit,
        has_previous_page=after is not None,
        count=count,
    )
