"""Fixtures of the billing tests: the seeded catalog, people of every role (requests' people plus finance)."""

from __future__ import annotations

import pytest

from app.auth.enums import Role
from tests.billing.helpers import Billing
from tests.requests.helpers import make_people
from tests.support import Api


@pytest.fixture
async def billing(client: Api, catalog: dict[str, int]) -> Billing:
    people = await make_people(client)
    finance = await client.staff("ke.toan@ttcntt.vn", Role.FINANCE)
    return Billing(people, finance)
