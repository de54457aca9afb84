"""The price in force at submission is captured; outbox rows per customer-visible step; a failing
SMTP server never breaks a transition."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from app.config import get_settings
from app.tables import OutboxMessage as Notification
from tests.requests.helpers import ONE, People, guest_input, local, move, plan_id, submit
from tests.support import Api

SCHEDULE = """
mutation ($planId: ID!, $price: PriceInput!) {
  schedulePriceChange(planId: $planId, price: $price) { plan { code } errors { code } }
}
"""


async def test_the_captured_price_does_not_change_after_a_price_change(
    client: Api, people: People, frozen_now: Callable[[Any], None]
) -> None:
    frozen_now(local(2026, 3, 13, 10, 0))
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan, quantity=3))).data["submitServiceRequest"]["request"]["code"]
    changed = await client.gql(
        SCHEDULE, {"planId": plan, "price": {"amount": 1_500_000, "vatRate": "RATE_8", "effectiveFrom": "2026-03-14"}},
        token=people.manager,
    )  # fmt: skip
    assert changed.data["schedulePriceChange"]["errors"] == [], changed.body
    frozen_now(local(2026, 3, 16, 9, 0))
    later = (await submit(client, guest_input(plan, quantity=3))).data["submitServiceRequest"]["request"]
    assert (later["unitAmount"], later["vatRate"], later["totalAmount"]) == (1_500_000, "8%", 4_860_000)
    first = (await client.gql(ONE, {"code": code}, token=people.operator)).data["serviceRequest"]
    assert (first["unitAmount"], first["vatRate"], first["amount"], first["vatAmount"], first["totalAmount"]) == (
        1_200_000,
        "10%",
        3_600_000,
        360_000,
        3_960_000,
    )


@pytest.fixture
def broken_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", "9")  # discard port: nothing listens, the connection is refused
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("SMTP_HOST")
    monkeypatch.delenv("SMTP_PORT")
    get_settings.cache_clear()


async def test_a_failing_smtp_server_does_not_break_the_transition(
    client: Api, people: People, broken_smtp: None
) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    received = await move(client, people.operator, code, "RECEIVE")
    assert received["status"] == "RECEIVED"
    rows = await Notification.select().order_by(Notification.id)
    assert [(r["recipient"], r["status"], r["attempts"]) for r in rows] == [
        ("hoa@example.vn", "failed", 1),
        ("hoa@example.vn", "failed", 1),
    ]
    assert all(r["last_error"] for r in rows)
    assert rows[1]["subject"] == f"Hồ sơ {code} đã được tiếp nhận / Request {code} received"


async def test_smtp_delivers_after_commit(client: Api, people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import outbox

    sent: list[str] = []
    monkeypatch.setenv("SMTP_HOST", "mail.example.vn")
    get_settings.cache_clear()
    monkeypatch.setattr(outbox, "_send", lambda settings, row: sent.append(row["recipient"]))
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    await submit(client, guest_input(plan))
    rows = await Notification.select()
    assert [(r["status"], r["attempts"], r["sent_at"] is not None) for r in rows] == [("sent", 1, True)]
    assert sent == ["hoa@example.vn"]
    monkeypatch.delenv("SMTP_HOST")
    get_settings.cache_clear()


async def test_internal_steps_send_nothing(client: Api, people: People) -> None:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    code = (await submit(client, guest_input(plan))).data["submitServiceRequest"]["request"]["code"]
    await move(client, people.operator, code, "RECEIVE")
    before = await Notification.count()
    await move(client, people.operator, code, "START")
    assert await Notification.count() == before
