"""Fixtures of the catalog tests."""

from __future__ import annotations

import pytest

from app.auth.enums import Role
from tests.catalog.helpers import MANAGER_EMAIL
from tests.support import Api


@pytest.fixture
async def manager(client: Api) -> str:
    """Bearer token of a catalog manager."""
    return await client.staff(MANAGER_EMAIL, Role.CATALOG_MANAGER)
