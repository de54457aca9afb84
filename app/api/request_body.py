"""The GraphQL endpoint's HTTP body, read strictly: anything that is not one operation as a JSON object
(or a GraphQL multipart request whose `map` points at files that came and at variables that exist) is a
`BadRequest`, answered HTTP 400 with a code, never a crash (fuzzing found 500s for each case below).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from app.errors import DomainError

# A JSON body the read cache (app/api/read_cache.py) has already read and parsed, with what it parsed to:
# the endpoint takes the object instead of parsing the same bytes again.
handed_over: ContextVar[tuple[bytes, dict[str, Any]] | None] = ContextVar("handed_over", default=None)

# Deeper than any variables our schema takes (inputs nest three or four levels); Python's json parser
# itself fails with RecursionError near 1,000 levels, and later passes recurse again.
MAX_JSON_DEPTH = 32


class BadRequest(DomainError):
    """The HTTP request itself is malformed: no operation was run."""


def not_utf8() -> BadRequest:
    return BadRequest(
        "BODY_NOT_UTF8",
        "Nội dung yêu cầu phải là văn bản UTF-8.",
        "The request body must be UTF-8 text.",
    )


def not_json(part: str = "body") -> BadRequest:
    return BadRequest(
        "BODY_NOT_JSON",
        f"Phần '{part}' của yêu cầu không phải JSON hợp lệ.",
        f"The request's {part} is not valid JSON.",
        None if part == "body" else part,
    )


def not_object(part: str = "body") -> BadRequest:
    return BadRequest(
        "BODY_NOT_OBJECT",
        f"Phần '{part}' của yêu cầu phải là một đối tượng JSON (không gửi nhiều thao tác cùng lúc).",
        f"The request's {part} must be a JSON object (batched operations are not accepted).",
        None if part == "body" else part,
    )


def too_deep(part: str = "body") -> BadRequest:
    return BadRequest(
        "BODY_TOO_DEEP",
        f"JSON của yêu cầu lồng quá sâu (tối đa {MAX_JSON_DEPTH} cấp).",
        f"The request's JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels).",
        None if part == "body" else part,
    )


def invalid_multipart(message_vi: str, message_en: str, field: str | None = None) -> BadRequest:
    return BadRequest("MULTIPART_INVALID", message_vi, message_en, field)


def too_many_files(limit: int) -> BadRequest:
    return BadRequest(
        "TOO_MANY_FILES",
        f"Một yêu cầu mang tối đa {limit} tệp.",
        f"A request may carry at most {limit} files.",
        "map",
    )


def bad_request(reason: str) -> BadRequest:
    """Strawberry's own refusals (unsupported content type, GET mutation, missing query…) in our shape."""
    return BadRequest("BAD_REQUEST", f"Yêu cầu không hợp lệ: {reason}", f"Bad request: {reason}")


def _walk(value: Any, check_strings: bool) -> int:
    """Nesting depth, without recursion (a recursive walk is what the attacker wants to overflow); with
    `check_strings`, -1 as soon as a key or string holds a lone surrogate ("\\ud800" is valid JSON, but no
    UTF-8 text can hold it, and the first `.encode()` downstream would crash)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            if check_strings and not _encodable(item):
                return -1
            continue
        if isinstance(item, dict):
            children: Any = [*item.keys(), *item.values()] if check_strings else item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def json_object(raw: str | bytes, part: str = "body") -> dict[str, Any]:
    """One JSON object from the body (or a multipart field): UTF-8, well-formed, not too deep."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise not_utf8() from error
    elif not _encodable(raw):
        raise not_utf8()
    try:
        value = json.loads(raw)
    except RecursionError as error:
        raise too_deep(part) from error
    except ValueError as error:  # JSONDecodeError
        raise not_json(part) from error
    if not isinstance(value, dict):
        raise not_object(part)
    depth = _walk(value, check_strings=SURROGATE_ESCAPE.search(raw) is not None)
    if depth < 0:
        raise not_utf8()
    if depth > MAX_JSON_DEPTH:
        raise too_deep(part)
    return value


def _target(operations: dict[str, Any], path: str) -> bool:
    """True when `path` (e.g. variables.input.documents.0.file) names an existing null slot."""
    parts = path.split(".")
    if len(parts) < 2 or parts[0] != "variables":
        return False
    node: Any = operations
    for key in parts[:-1]:
        node = _child(node, key)
        if node is None:
            return False
    last = parts[-1]
    if isinstance(node, dict):
        return last in node and node[last] is None
    if isinstance(node, list) and last.isascii() and last.isdigit():
        return int(last) < len(node) and node[int(last)] is None
    return False


def _child(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, list) and key.isascii() and key.isdigit() and int(key) < len(node):
        return node[int(key)]
    return None


def check_files_map(
    operations: dict[str, Any], files_map: dict[str, Any], files: Mapping[str, Any], limit: int
) -> None:
    """The multipart `map`: at most `limit` files, each one sent, each mapped to null variables that exist
    (a file mapped to `query` or to a missing path would otherwise crash or be ignored)."""
    if len(files_map) > limit or len(files) > limit:
        raise too_many_files(limit)
    for name, paths in files_map.items():
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) for p in paths):
            raise invalid_multipart(
                f"'map' phải gán mỗi tệp cho một danh sách đường dẫn; '{name}' thì không.",
                f"'map' must give each file a list of paths; '{name}' does not.",
                "map",
            )
        if name not in files:
            raise invalid_multipart(
                f"Tệp '{name}' có trong 'map' nhưng không được gửi.",
                f"The file '{name}' is in 'map' but was not sent.",
                "map",
            )
        for path in paths:
            if not _target(operations, path):
                raise invalid_multipart(
                    f"Đường dẫn '{path}' trong 'map' không trỏ tới một biến đang để null.",
                    f"The path '{path}' in 'map' does not point at a null variable.",
                    "map",
                )
