"""Customer messages: an outbox row written inside the transaction of the change, sent after commit.

Sending never breaks the change: a failure is recorded on the row (status failed, attempts,
last_error) and `python -m app.cli send-notifications` retries pending and failed rows.
Without SMTP_HOST messages are marked `skipped` (they stay readable in the outbox).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from email.message import EmailMessage
from typing import Any

from app import clock
from app.config import Settings, get_settings
from catalog.requests import repository
from catalog.requests.enums import NotificationStatus

log = logging.getLogger("catalog.requests.notifications")

SUBJECTS = {
    "submit": ("Đã nhận hồ sơ {code}", "Request {code} submitted"),
    "receive": ("Hồ sơ {code} đã được tiếp nhận", "Request {code} received"),
    "request_supplement": ("Hồ sơ {code} cần bổ sung", "Request {code} needs more information"),
    "mark_result_ready": ("Hồ sơ {code} đã có kết quả", "Result of request {code} is ready"),
    "complete": ("Hồ sơ {code} đã hoàn thành", "Request {code} completed"),
    "reject": ("Hồ sơ {code} bị từ chối", "Request {code} rejected"),
    "cancel": ("Hồ sơ {code} đã hủy", "Request {code} cancelled"),
    "overdue": ("Xin lỗi: hồ sơ {code} bị chậm hạn", "Apology: request {code} is late"),
}


async def enqueue(request: dict[str, Any], event: str, detail: str = "") -> int | None:
    """Call inside the transaction. No e-mail on the request: nothing to send, no row."""
    recipient = request.get("contact_email") or ""
    if not recipient:
        return None
    vi, en = SUBJECTS[event]
    subject = f"{vi.format(code=request['code'])} / {en.format(code=request['code'])}"
    body = (
        f"Mã hồ sơ / Receipt code: {request['code']}\n"
        f"Trạng thái / Status: {request['status']}\n"
        f"Hạn giải quyết / Due date: {request.get('promised_date') or request.get('due_date') or '-'}\n"
        + (f"\n{detail}\n" if detail else "")
    )
    return await repository.insert_notification(
        {
            "request": request["id"],
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "status": NotificationStatus.PENDING.value,
        }
    )


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


async def deliver(ids: list[int | None]) -> None:
    """After commit. Never raises."""
    try:
        rows = await repository.notifications_by_ids([i for i in ids if i is not None])
        await _deliver_rows(rows)
    except Exception:  # the change is committed; the outbox keeps the message for a retry
        log.exception("notification delivery failed")


async def _deliver_rows(rows: list[dict[str, Any]]) -> dict[str, int]:
    settings = get_settings()
    outcome = {"sent": 0, "failed": 0, "skipped": 0}
    for row in rows:
        if not settings.smtp_host:
            await repository.update_notification(row["id"], {"status": NotificationStatus.SKIPPED.value})
            outcome["skipped"] += 1
            continue
        try:
            await asyncio.to_thread(_send, settings, row)
        except (OSError, smtplib.SMTPException) as error:
            await repository.update_notification(
                row["id"],
                {
                    "status": NotificationStatus.FAILED.value,
                    "attempts": row["attempts"] + 1,
                    "last_error": str(error)[:500],
                },
            )
            outcome["failed"] += 1
        else:
            await repository.update_notification(
                row["id"],
                {
                    "status": NotificationStatus.SENT.value,
                    "attempts": row["attempts"] + 1,
                    "sent_at": clock.now(),
                    "last_error": "",
                },
            )
            outcome["sent"] += 1
    return outcome


async def retry_unsent(limit: int = 100) -> dict[str, int]:
    """The CLI's send-notifications: pending and failed rows, oldest first."""
    return await _deliver_rows(await repository.unsent_notifications(limit))
