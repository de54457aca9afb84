"""Public tracking by receipt code + the phone or e-mail given at submission, without signing in.

Wrong pairs and unknown codes get the same NOT_FOUND. Failed lookups are stored in
tracking_attempt (the database, so every app process shares the count): after
TRACKING_MAX_FAILURES failures within TRACKING_WINDOW_MINUTES for the same code or the same
client address, lookups are refused with RATE_LIMITED (even a correct pair) until the window passes.
Tracking only reads: acting on a request takes an account, or a guest's secret link (guest_links).
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from app import clock
from app.config import get_settings
from app.contact import phone_form
from app.errors import rate_limited
from app.input import Checker, clean_optional
from catalog.requests import codes, repository
from catalog.requests.access import request_not_found


def _same_contact(row: dict[str, Any], contact: str) -> bool:
    """The e-mail (any case) or the phone number (any spelling of the same number) given at submission."""
    given = contact.strip().lower()
    phone = phone_form(given)
    candidates = [row["contact_email"].lower(), row["contact_phone"]]
    return any(c and (hmac.compare_digest(c, given) or hmac.compare_digest(c, phone)) for c in candidates)


async def track(code: str, contact: str, client: str | None) -> dict[str, Any]:
    """The request whose receipt code and contact (phone or e-mail) match; NOT_FOUND otherwise, after
    recording a failed attempt under the code and the client address; RATE_LIMITED before any lookup
    once either key has too many recent failures."""
    settings = get_settings()
    c = Checker()  # control characters and over-long values are refused; anything else is looked up
    normalized = c.check(clean_optional, code, "code", max_length=40)
    given = c.check(clean_optional, contact, "contact", max_length=254)
    c.done()
    normalized = normalized.upper()
    keys = [f"code:{normalized}"] + ([f"client:{client[:100]}"] if client else [])
    now = clock.now()
    since = now - timedelta(minutes=settings.tracking_window_minutes)
    if await repository.max_attempts_per_key(keys, since) >= settings.tracking_max_failures:
        raise rate_limited("code")
    row = await repository.request_by_code(normalized) if codes.looks_like_code(normalized) else None
    if row is None or not given or not _same_contact(row, given):
        await repository.record_attempt(keys, now, forget_before=since)
        raise request_not_found()
    return row
