"""Histories (one writer, one reader) and the outbox (keyed by entity, sent after commit, retried)."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest

from app import events, outbox
from app.audit.service import Actor
from app.config import get_settings
from app.db import transaction
from app.tables import OutboxMessage


async def test_histories_are_read_per_entity_oldest_first(db: None) -> None:
    async with transaction():
        await events.record(
            Actor(7, "a@b.vn"), "milestone", 1, "milestone.start", from_status="planned", to_status="in_progress"
        )
        await events.record(
            Actor.system(), "project", 1, "project.update", changes={"name_vi": {"from": "A", "to": "B"}}
        )
        await events.record(Actor(None, "guest:g@b.vn"), "milestone", 1, "milestone.submit", comment="xong")
        await events.record(Actor.system(), "milestone", 2, "milestone.cancel")
    grouped = await events.histories("milestone", [1, 2, 3])
    assert [(e["action"], e["actor_label"], e["from_status"], e["to_status"], e["comment"]) for e in grouped[1]] == [
        ("milestone.start", "a@b.vn", "planned", "in_progress", ""),
        ("milestone.submit", "guest:g@b.vn", "", "", "xong"),
    ]
    assert [e["action"] for e in grouped[2]] == ["milestone.cancel"] and 3 not in grouped
    project = (await events.histories("project", [1]))[1]
    assert project[0]["changes"] == {"name_vi": {"from": "A", "to": "B"}} and project[0]["actor_id"] is None


async def test_without_smtp_messages_are_kept_as_skipped(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTP_HOST", raising=False)
    get_settings.cache_clear()
    async with transaction():
        first = await outbox.enqueue("invoice", 5, "kh@example.vn", "Hóa đơn / Invoice", "Nội dung")
        nobody = await outbox.enqueue("invoice", 5, "", "x", "y")
    assert nobody is None
    await outbox.deliver([first, None])
    [row] = await outbox.messages_about("invoice", 5)
    assert (row["status"], row["attempts"], row["recipient"]) == ("skipped", 0, "kh@example.vn")


async def test_a_failed_send_is_recorded_and_retried_until_it_goes(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_HOST", "smtp.invalid")
    get_settings.cache_clear()
    sent: list[dict[str, Any]] = []
    failing = {"on": True}

    def fake_send(settings: Any, row: dict[str, Any]) -> None:
        if failing["on"]:
            raise smtplib.SMTPException("421 try later")
        sent.append(row)

    monkeypatch.setattr(outbox, "_send", fake_send)
    async with transaction():
        message = await outbox.enqueue("service_request", 3, "kh@example.vn", "S", "B")
    await outbox.deliver([message])
    [row] = await OutboxMessage.select()
    assert (row["status"], row["attempts"], row["last_error"]) == ("failed", 1, "421 try later")
    failing["on"] = False
    assert await outbox.retry_unsent() == {"sent": 1, "failed": 0, "skipped": 0}
    [row] = await OutboxMessage.select()
    assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, "")
    assert [r["subject"] for r in sent] == ["S"]
    assert await outbox.retry_unsent() == {"sent": 0, "failed": 0, "skipped": 0}  # nothing left
    monkeypatch.delenv("SMTP_HOST")
    get_settings.cache_clear()
