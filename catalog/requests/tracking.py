"""Public tracking by receipt code + the phone or e-mail given at submission, without signing in.

Wrong pairs and unknown codes get the same NOT_FOUND. Every lookup is counted first, under the code
and under the client address (app.limits: one atomic statement per counter, in the database, so
parallel lookups and every app process share the count); a lookup that finds its request is given back
in the same transaction, so lookups of one key take turns and a correct one is never refused for the
attempts of others still in flight.
Past TRACKING_MAX_FAILURES within TRACKING_WINDOW_MINUTES for the same code or the same client
address, lookups are refused with RATE_LIMITED (even a correct pair) before any lookup, until the
window passes.
Tracking only reads: acting on a request takes an account, or a guest's secret link (guest_links).
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from app import limits
from app.config import get_settings
from app.contact import phone_form
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
    """The request whose receipt code and contact (phone or e-mail) match; NOT_FOUND otherwise (the
    attempt stays counted under the code and the client address); RATE_LIMITED before any lookup once
    either key has counted too many failures."""
    settings = get_settings()
    c = Checker()  # control characters and over-long values are refused; anything else is looked up
    normalized = c.check(clean_optional, code, "code", max_length=40)
    given = c.check(clean_optional, contact, "contact", max_length=254)
    c.done()
    normalized = normalized.upper()
    window = timedelta(minutes=settings.tracking_window_minutes)
    keys = [("tracking-code", normalized)] + ([("tracking-client", client[:100])] if client else [])
    found: dict[str, Any] | None = None
    # Counted, looked up and (when found) given back in one transaction that holds the counters' rows:
    # lookups of one code or from one address take turns, so each sees the exact count of failures before
    # it. Counted outside it, parallel correct lookups from one office were refused: each saw the others'
    # attempts still counted, not yet given back.
    async with limits.counting():
        verdicts = await limits.hit_all([limits.Limit(s, k, settings.tracking_max_failures, window) for s, k in keys])
        if all(v.allowed for v in verdicts):
            row = await repository.request_by_code(normalized) if codes.looks_like_code(normalized) else None
            if row is not None and given and _same_contact(row, given):
                found = row
                await limits.give_back(verdicts)  # found: not a failure
    limits.refuse_if_exceeded(verdicts, "code")  # after the commit: a refused attempt stays counted
    if found is None:
        raise request_not_found()
    return found
