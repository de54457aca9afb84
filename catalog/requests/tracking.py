"""Public tracking by receipt code + the phone or e-mail given at submission, without signing in.

Wrong pairs and unknown codes get the same NOT_FOUND. Failed lookups are stored in
tracking_attempt (the database, so every app process shares the count): after
TRACKING_MAX_FAILURES failures within TRACKING_WINDOW_MINUTES for the same code or the same
client address, lookups are refused with RATE_LIMITED (even a correct pair) until the window passes.

The same proof lets a guest answer a supplement request or cancel (workflow.guest_transition): there
only requests submitted without an account qualify; one owned by an account answers NOT_FOUND
exactly like a wrong pair (and counts as a failure), since its holder signs in instead.
"""

from __future__ import annotations

import hmac
import re
from datetime import timedelta
from typing import Any

from app import clock
from app.config import get_settings
from app.errors import RateLimited, not_found
from catalog.requests import codes, repository


def _same_contact(row: dict[str, Any], contact: str) -> bool:
    given = contact.strip().lower()
    phone = re.sub(r"[\s.-]", "", given)
    candidates = [row["contact_email"].lower(), row["contact_phone"]]
    return any(c and (hmac.compare_digest(c, given) or hmac.compare_digest(c, phone)) for c in candidates)


def rate_limited() -> RateLimited:
    return RateLimited(
        "RATE_LIMITED",
        "Bạn đã tra cứu sai quá nhiều lần; hãy thử lại sau.",
        "Too many failed lookups; try again later.",
        "code",
    )


async def prove(code: str, contact: str, client: str | None, *, guests_only: bool = False) -> dict[str, Any]:
    """The request whose receipt code and contact (phone or e-mail) match; NOT_FOUND otherwise, after
    recording a failed attempt under the code and the client address; RATE_LIMITED before any lookup
    once either key has too many recent failures. guests_only: a request owned by an account fails too."""
    settings = get_settings()
    normalized = codes.normalize(code)[:40]
    keys = [f"code:{normalized}"] + ([f"client:{client[:100]}"] if client else [])
    now = clock.now()
    since = now - timedelta(minutes=settings.tracking_window_minutes)
    if await repository.max_attempts_per_key(keys, since) >= settings.tracking_max_failures:
        raise rate_limited()
    row = await repository.request_by_code(normalized) if codes.looks_like_code(normalized) else None
    if (
        row is None
        or not contact.strip()
        or not _same_contact(row, contact)
        or (guests_only and row["customer"] is not None)
    ):
        await repository.record_attempt(keys, now, forget_before=since)
        raise not_found("hồ sơ", "Request", "code")
    return row


async def track(code: str, contact: str, client: str | None) -> dict[str, Any]:
    return await prove(code, contact, client)
