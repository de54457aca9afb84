"""Fixtures of the document tests: the center's bank in the settings (a contract needs it), and people."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.auth.enums import Role
from tests.billing.helpers import Billing
from tests.requests.helpers import make_people
from tests.support import Api, env_settings, shared_state

BANK = {"SELLER_BANK_ACCOUNT": "12010000123456", "SELLER_BANK_NAME": "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"}


@pytest.fixture
def seller_bank(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with env_settings(monkeypatch, **BANK):
        yield


@pytest.fixture
async def billing(client: Api, catalog: dict[str, int]) -> Billing:
    async def build() -> Billing:
        people = await make_people(client)
        return Billing(people, await client.staff("ke.toan@ttcntt.vn", Role.FINANCE))

    return await shared_state("billing_people", build)
