"""Contracts with the outside: the committed SDL and the migrations match the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.api.schema import schema

ROOT = Path(__file__).resolve().parent.parent


def test_committed_sdl_matches_the_code() -> None:
    committed = (ROOT / "graphql" / "schema.graphql").read_text(encoding="utf-8")
    assert committed == str(schema) + "\n", "graphql/schema.graphql is stale: run `make schema` and commit it"


def test_graphql_folder_holds_no_python() -> None:
    # A Python file there would shadow graphql-core (shared/NOTES-stack.md).
    assert list((ROOT / "graphql").rglob("*.py")) == []


APPS = ["audit", "auth", "billing", "catalog", "kernel", "projects", "requests"]


@pytest.mark.parametrize("app_name", APPS)
async def test_tables_match_migrations(app_name: str) -> None:
    """Fails when a table changed without a migration (the auto-migration would have work to do)."""
    from piccolo.apps.migrations.commands.new import AutoMigrationManager
    from piccolo.conf.apps import Finder

    app_config = Finder().get_app_config(app_name)
    statements = await AutoMigrationManager(auto_input="n").get_alter_statements(app_config=app_config)
    assert [s for group in statements for s in group.statements] == []


def test_every_app_is_checked() -> None:
    from piccolo.conf.apps import Finder

    assert sorted(Finder().get_app_names()) == sorted(APPS)
