"""Trusted documents: the operations in graphql/operations/, registered by the SHA-256 of their text at
start. A client may send only the hash (`extensions.persistedQuery.sha256Hash`, version 1, the automatic
persisted query convention); with PARTNER_DOCUMENTS=registered a partner key may run nothing else.

New documents are never registered from requests (no APQ registration): a hash sent with its text runs
that text once, as any query would, and is not kept. Registering what callers send would let anyone
fill the registry, and the partner restriction would then restrict nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from app.api.errors import QueryRefused
from app.config import ROOT

OPERATIONS = ROOT / "graphql" / "operations"
_SHA256 = re.compile(r"[0-9a-f]{64}")


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@lru_cache(maxsize=1)
def registered() -> Mapping[str, str]:
    """SHA-256 of each file's exact text (`sha256sum graphql/operations/x.graphql`) → the text."""
    texts = (path.read_text(encoding="utf-8") for path in sorted(OPERATIONS.glob("*.graphql")))
    return {digest(text): text for text in texts}


@lru_cache(maxsize=256)
def is_registered(text: str) -> bool:
    return digest(text) in registered()


def _refused(code: str, vi: str, en: str) -> QueryRefused:
    return QueryRefused(code, vi, en)


def not_found() -> QueryRefused:
    return _refused(
        "PERSISTED_QUERY_NOT_FOUND",
        "Không có tài liệu truy vấn nào được đăng ký với mã băm này; hãy gửi kèm nội dung truy vấn.",
        "No document is registered under this hash; send the query text.",
    )


def not_registered() -> QueryRefused:
    return _refused(
        "DOCUMENT_NOT_REGISTERED",
        "Khóa API của đối tác chỉ được chạy các truy vấn đã đăng ký (graphql/operations).",
        "Partner keys may run registered documents only (graphql/operations).",
    )


def resolve(request: Mapping[str, Any]) -> str | None:
    """The query text a GraphQL request runs: its `query`, or the registered document its persisted
    query hash names. Raises QueryRefused for an unknown hash, a hash not matching the text, or another
    version of the convention."""
    query = request.get("query")
    extensions = request.get("extensions")
    persisted = extensions.get("persistedQuery") if isinstance(extensions, Mapping) else None
    if persisted is None:
        return query if isinstance(query, str) else None
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise _refused(
            "PERSISTED_QUERY_VERSION_NOT_SUPPORTED",
            "Chỉ hỗ trợ truy vấn lưu sẵn phiên bản 1 (persistedQuery.version = 1).",
            "Only version 1 of persisted queries is supported (persistedQuery.version = 1).",
        )
    sha = persisted.get("sha256Hash")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise _refused(
            "PERSISTED_QUERY_INVALID_HASH",
            "Mã băm phải là SHA-256 dạng 64 chữ số hex viết thường.",
            "The hash must be a SHA-256 in 64 lowercase hex digits.",
        )
    if isinstance(query, str):
        if digest(query) != sha:
            raise _refused(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "Mã băm không khớp với nội dung truy vấn.",
                "The hash does not match the query text.",
            )
        return query
    text = registered().get(sha)
    if text is None:
        raise not_found()
    return text
