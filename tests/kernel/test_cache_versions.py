"""Versions of public reads: bumped once per transaction, with it or not at all; every write of the
catalog and projects repositories bumps its scope."""

from __future__ import annotations

import inspect
import re

import pytest

from app import cache_versions
from app.cache_versions import Scope
from app.db import transaction
from catalog import repository as catalog_repository
from projects import repository as projects_repository

WRITES = re.compile(r"\.(insert|update|delete)\(")


async def rows() -> dict[str, tuple[int, str]]:
    from app.tables import CacheVersion

    found = await CacheVersion.select(CacheVersion.scope, CacheVersion.version, CacheVersion.token)
    return {row["scope"]: (row["version"], row["token"]) for row in found}


async def test_a_transaction_bumps_each_changed_scope_once_just_before_it_commits(db: None) -> None:
    async with transaction():
        for _ in range(3):
            await cache_versions.changed(Scope.CATALOG)
        assert await rows() == {}  # not yet: last in the transaction
    first = await rows()
    assert list(first) == ["catalog"]
    assert first["catalog"][0] == 1
    async with transaction():
        await cache_versions.changed(Scope.CATALOG)
        await cache_versions.changed(Scope.PROJECTS)
    second = await rows()
    assert (second["catalog"][0], second["projects"][0]) == (2, 1)
    assert second["catalog"][1] != first["catalog"][1]  # a new token with every bump
    assert await cache_versions.versions() == {"catalog": 2, "projects": 1}


async def test_a_rolled_back_transaction_bumps_nothing(db: None) -> None:
    await cache_versions.bump(Scope.CATALOG)
    before = await rows()
    with pytest.raises(RuntimeError):
        async with transaction():
            await cache_versions.changed(Scope.CATALOG)
            raise RuntimeError("refused")
    assert await rows() == before


async def test_outside_a_transaction_the_bump_is_immediate(db: None) -> None:
    await cache_versions.changed(Scope.PROJECTS)
    assert (await rows())["projects"][0] == 1
    assert await cache_versions.current() == f"projects:{(await rows())['projects'][1]}"


@pytest.mark.parametrize(("module", "scope"), [(catalog_repository, "CATALOG"), (projects_repository, "PROJECTS")])
def test_every_repository_write_bumps_its_scope(module: object, scope: str) -> None:
    writers = []
    for name, function in inspect.getmembers(module, inspect.iscoroutinefunction):
        if function.__module__ != module.__name__:  # type: ignore[attr-defined]
            continue
        source = inspect.getsource(getattr(function, "__wrapped__", function))
        if WRITES.search(source):
            writers.append(name)
            assert hasattr(function, "__wrapped__"), f"{name} writes but is not marked @changes(Scope.{scope})"
            assert f"@changes(Scope.{scope})" in inspect.getsource(function), name
    assert len(writers) >= 7  # the scan found the writes it guards
