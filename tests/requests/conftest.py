"""Fixtures of the request tests: the seeded catalog, people of every role, uploads in a temp folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.config import get_settings
from tests.requests.helpers import People, make_people
from tests.support import Api


@pytest.fixture(autouse=True)
def upload_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "uploads"
    monkeypatch.setenv("UPLOAD_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    monkeypatch.delenv("UPLOAD_DIR")
    get_settings.cache_clear()


@pytest.fixture
async def people(client: Api, catalog: dict[str, int]) -> People:
    return await make_people(client)
