"""Who may see the documents of a subject (a quote, a project, a milestone) is the subject's domain's
business: each domain registers a reader at import time (the composition root imports it), and the
kernel asks it. The kernel imports no domain.

A reader answers True only for callers who may see the subject itself (e.g. the customer who owns the
quote, finance, the project's managers); `token` is a guest's secret link when the caller has one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.auth.principal import Principal

Reader = Callable[[Principal, int, str | None], Awaitable[bool]]
_readers: dict[str, Reader] = {}


def register(subject_type: str, reader: Reader) -> None:
    _readers[subject_type] = reader


def registered() -> frozenset[str]:
    return frozenset(_readers)


async def may_read(principal: Principal, subject_type: str, subject_id: int, token: str | None = None) -> bool:
    """False for a subject type nobody registered (a document of it is then seen by no one)."""
    reader = _readers.get(subject_type)
    return reader is not None and await reader(principal, subject_id, token)
