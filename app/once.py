"""Once per HTTP request: an effect that must not be repeated when the request is executed twice.

The read path (app/api/read_cache.py) runs a registered document through the compiled executor and, when
that one cannot answer exactly (an error among them), hands the same request to strawberry's standard
executor, which calls the same resolvers again. A resolver that counts something (a failed tracking
lookup counts against the limits) would count twice. Wrapped in `once`, its outcome, result or error, is
computed on the first run and replayed on the second. Outside a `request()` block (tests calling a
service directly, strawberry alone) it simply runs."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Hashable, Iterator
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_outcomes: ContextVar[dict[Hashable, tuple[bool, Any]] | None] = ContextVar("once_outcomes", default=None)


@contextlib.contextmanager
def request() -> Iterator[None]:
    """Around everything that executes one HTTP request."""
    token = _outcomes.set({})
    try:
        yield
    finally:
        _outcomes.reset(token)


async def once(key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
    """compute()'s result, or its exception raised again, for every call with this key in the request."""
    outcomes = _outcomes.get()
    if outcomes is None:
        return await compute()
    if key in outcomes:
        ok, value = outcomes[key]
        if ok:
            return value
        raise value
    try:
        result = await compute()
    except Exception as error:
        outcomes[key] = (False, error)
        raise
    outcomes[key] = (True, result)
    return result
