"""The one source of "now": UTC for storage, Asia/Ho_Chi_Minh for what people see and for dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.config import get_settings


def now() -> datetime:
    return datetime.now(UTC)


def local_now() -> datetime:
    return now().astimezone(get_settings().timezone)


def local_today() -> date:
    return local_now().date()
