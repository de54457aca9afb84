"""The outbox: messages to people, keyed by the entity they are about (entity type and id), written
inside the transaction of the change and sent after it commits.

Sending never breaks the change: a failure is recorded on the row (status failed, attempts, last_error)
and `python -m app.cli send-notifications` (cron) retries pending and failed rows. Without SMTP_HOST
messages are marked `skipped` and stay readable in the outbox.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from enum import StrEnum
from typing import Any

from app import clock, jobs
from app.config import Settings, get_settings
from app.tables import OutboxMessage

log = logging.getLogger("app.outbox")

MAX_ATTEMPTS = 10  # a message failing this often is left for a person to look at
SEND_JOB = "outbox.send"


class MessageStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


async def enqueue(entity_type: str, entity_id: int, recipient: str, subject: str, body: str) -> int | None:
    """Call inside the transaction of the change. No recipient: nothing to send, no row."""
    if not recipient:
        return None
    rows = await OutboxMessage.insert(
        OutboxMessage(
            entity_type=entity_type,
            entity_id=entity_id,
            recipient=recipient,
            subject=subject[:300],
            body=body,
            status=MessageStatus.PENDING.value,
        )
    ).returning(OutboxMessage.id)
    return int(rows[0]["id"])


def _send(settings: Settings, row: dict[str, Any]) -> None:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = row["recipient"]
    message["Subject"] = row["subject"]
    message.set_content(row["body"])
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_user:
            smtp.starttls()
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)


async def _update(message_id: int, values: dict[Any, Any]) -> None:
    await OutboxMessage.update(values).where(OutboxMessage.id == message_id)


async def _deliver_rows(rows: list[dict[str, Any]]) -> dict[str, int]:
    settings = get_settings()
    outcome = {"sent": 0, "failed": 0, "skipped": 0}
    for row in rows:
        if not settings.smtp_host:
            await _update(row["id"], {OutboxMessage.status: MessageStatus.SKIPPED.value})
            outcome["skipped"] += 1
            continue
        try:
            await asyncio.to_thread(_send, settings, row)
        except (OSError, smtplib.SMTPException) as error:
            await _update(
                row["id"],
                {
                    OutboxMessage.status: MessageStatus.FAILED.value,
                    OutboxMessage.attempts: row["attempts"] + 1,
                    OutboxMessage.last_error: str(error)[:500],
                },
            )
            outcome["failed"] += 1
        else:
            await _update(
                row["id"],
                {
                    OutboxMessage.status: MessageStatus.SENT.value,
                    OutboxMessage.attempts: row["attempts"] + 1,
                    OutboxMessage.sent_at: clock.now(),
                    OutboxMessage.last_error: "",
                },
            )
            outcome["sent"] += 1
    return outcome


async def deliver(ids: Sequence[int | None]) -> None:
    """After commit: send these messages, in process or by a worker (app.jobs). Never raises (the outbox
    keeps them for a retry)."""
    wanted = [i for i in ids if i is not None]
    if wanted:
        await jobs.submit(SEND_JOB, wanted)


async def send_now(ids: list[int]) -> None:
    """The job: send the messages still unsent (a job handed out twice sends nothing twice)."""
    try:
        statuses = [MessageStatus.PENDING.value, MessageStatus.FAILED.value]
        await _deliver_rows(
            await OutboxMessage.select().where(OutboxMessage.id.is_in(ids) & OutboxMessage.status.is_in(statuses))
        )
    except Exception:  # the change is committed; the retry command picks the message up
        log.exception("outbox delivery failed")


jobs.register(SEND_JOB, send_now)


async def retry_unsent(limit: int = 100) -> dict[str, int]:
    """Pending and failed messages (under MAX_ATTEMPTS), oldest first: the send-notifications command."""
    statuses = [MessageStatus.PENDING.value, MessageStatus.FAILED.value]
    rows = await (
        OutboxMessage.select()
        .where(OutboxMessage.status.is_in(statuses) & (OutboxMessage.attempts < MAX_ATTEMPTS))
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return await _deliver_rows(rows)


async def messages_about(entity_type: str, entity_id: int) -> list[dict[str, Any]]:
    """Every message about one entity, oldest first (staff views, tests)."""
    return await (
        OutboxMessage.select()
        .where((OutboxMessage.entity_type == entity_type) & (OutboxMessage.entity_id == entity_id))
        .order_by(OutboxMessage.id)
    )
