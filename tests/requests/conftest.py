"""Fixtures of the request tests: the seeded catalog, people of every role (uploads: tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.requests.helpers import People, make_people
from tests.support import Api, shared_state


@pytest.fixture
async def people(client: Api, catalog: dict[str, int]) -> People:
    return await shared_state("requests_people", lambda: make_people(client))
