"""Fixtures of the auth tests."""

from __future__ import annotations

import pytest

from app.auth.enums import Role
from tests.auth.helpers import ADMIN_EMAIL
from tests.support import Api


@pytest.fixture
async def admin(client: Api) -> str:
    """Bearer token of an admin (created directly, as the CLI would)."""
    return await client.staff(ADMIN_EMAIL, Role.ADMIN)
