"""Public tracking by receipt code + the phone or e-mail given at submission, without signing in.

Wrong pairs and unknown codes get the same NOT_FOUND. Every failed lookup is counted, under the code
and under the client address (app.limits: one atomic statement for the counters, in the database, so
parallel lookups and every app process share the count); a lookup that finds its request is judged
against the committed counts, read without writing.
Past TRACKING_MAX_FAILURES within TRACKING_WINDOW_MINUTES for the same code or the same client
address, lookups are refused with RATE_LIMITED (even a correct pair), until the window passes: the
lookup's result is only revealed when allowed.
Tracking only reads: acting on a request takes an account, or a guest's secret link (guest_links).
"""

from __future__ import annotations

import asyncio
import hmac
from datetime import timedelta
from typing import Any

from app import limits, once
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
    attempt stays counted under the code and the client address); RATE_LIMITED, whatever the lookup
    found, once either key has counted too many failures. One attempt per HTTP request, however often the
    request is executed (app.once: the compiled executor, then the standard one)."""
    return await once.once(("track", code, contact, client), lambda: _track(code, contact, client))


async def _lookup(code: str) -> dict[str, Any] | None:
    return await repository.request_by_code(code) if codes.looks_like_code(code) else None


async def _track(code: str, contact: str, client: str | None) -> dict[str, Any]:
    settings = get_settings()
    c = Checker()  # control characters and over-long values are refused; anything else is looked up
    normalized = c.check(clean_optional, code, "code", max_length=40)
    given = c.check(clean_optional, contact, "contact", max_length=254)
    c.done()
    normalized = normalized.upper()
    window = timedelta(minutes=settings.tracking_window_minutes)
    keys = [("tracking-code", normalized)] + ([("tracking-client", client[:100])] if client else [])
    # Looked up, revealed only if allowed: a correct pair is judged against the failures committed so far
    # without adding to them (a read, side by side with the lookup: the usual case waits for one round
    # trip, not two), a wrong one then counted in one atomic statement and judged by it. Parallel
    # wrong guesses: exactly `limit` answered NOT_FOUND, the rest refused (a right guess among them too,
    # once the count is reached); parallel correct lookups from one office are all answered.
    counters = [limits.Limit(s, k, settings.tracking_max_failures, window) for s, k in keys]
    row, judged = await asyncio.gather(_lookup(normalized), limits.hit_all(counters, counts=False))
    found = row if row is not None and given and _same_contact(row, given) else None
    verdicts = judged if found is not None else await limits.hit_all(counters)
    limits.refuse_if_exceeded(verdicts, "code")
    if found is None:
        raise request_not_found()
    return found
