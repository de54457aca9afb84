"""Versions of what public reads show (the catalog, public projects): bumped in the transaction of every
change, read by the response cache (app/api/read_cache.py) before it answers. The SQL lives here only.

A domain's repository calls `changed(scope)` after each write; the bump itself runs once, as the last
statement of the transaction (app.db.before_commit), so the new version commits with the change or not
at all, and a cached answer keyed on the old version can never be served after the change commits."""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import ParamSpec, TypeVar

from piccolo.querystring import QueryString

from app.db import before_commit, engine

P = ParamSpec("P")
T = TypeVar("T")


class Scope(StrEnum):
    CATALOG = "catalog"  # services, plans, prices, channels, categories, departments
    PROJECTS = "projects"  # projects, milestones and what hangs on them


_BUMP = (
    "INSERT INTO app_cache_version (scope, version, token) VALUES ({}, 1, {}) "
    "ON CONFLICT (scope) DO UPDATE SET version = app_cache_version.version + 1, token = excluded.token"
)
_CURRENT = "SELECT scope, version, token FROM app_cache_version ORDER BY scope"


async def bump(scope: Scope) -> None:
    await engine().run_querystring(QueryString(_BUMP, scope.value, secrets.token_hex(16)))


async def changed(scope: Scope) -> None:
    """Call after writing what `scope` covers: bumps before the transaction commits, or now outside one."""
    if not before_commit(("cache_version", scope), lambda: bump(scope)):
        await bump(scope)


async def current() -> str:
    """Every scope's token, as one string: a cache key part that changes with any change."""
    rows = await engine().run_querystring(QueryString(_CURRENT))
    return ",".join(f"{row['scope']}:{row['token']}" for row in rows)


async def versions() -> dict[str, int]:
    rows = await engine().run_querystring(QueryString(_CURRENT))
    return {row["scope"]: int(row["version"]) for row in rows}


def changes(scope: Scope) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Marks a repository write: after it, `changed(scope)` (the bump follows the write, never precedes it:
    outside a transaction a reader between the two would cache the old rows under the new version)."""

    def decorate(write: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(write)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            result = await write(*args, **kwargs)
            await changed(scope)
            return result

        return wrapper

    return decorate
