"""Secret links for guests: a request submitted without an account is answered for (cancelled, or
resubmitted after a supplement request) by whoever holds the link sent to the e-mail given at
submission. Only the token's SHA-256 is stored; a link expires after GUEST_LINK_DAYS.

A link is issued with the receipt (so a guest can cancel before processing starts) and with every
supplement request. What a link allows is what the transition table allows the customer at that moment.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from app import clock
from app.config import get_settings
from app.errors import Unauthenticated
from catalog.requests import repository

PREFIX = "grl_"
_TOKEN = re.compile(r"^grl_[A-Za-z0-9_-]{43}$")  # 32 random bytes, URL-safe base64


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def url_of(token: str) -> str:
    settings = get_settings()
    base = settings.guest_link_url or f"{settings.public_base_url.rstrip('/')}/guest"
    return f"{base}?{urlencode({'token': token})}"


async def issue(request_id: int, purpose: str) -> tuple[str, datetime]:
    """Inside the transaction of the step: a new link for the request; returns (token, expiry)."""
    token = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    expires_at = now + timedelta(days=get_settings().guest_link_days)
    await repository.insert_guest_link(
        {
            "request": request_id,
            "token_hash": digest(token),
            "purpose": purpose,
            "created_at": now,
            "expires_at": expires_at,
        }
    )
    return token, expires_at


def _invalid() -> Unauthenticated:
    return Unauthenticated(
        "LINK_INVALID",
        "Đường dẫn không hợp lệ; hãy dùng đường dẫn trong e-mail gần nhất của Trung tâm.",
        "The link is not valid; use the link in the center's latest e-mail.",
        "token",
    )


async def redeem(token: str) -> tuple[dict[str, Any], int]:
    """The request the link belongs to, and the link's id (a step records its use); LINK_INVALID for an
    unknown or malformed token, LINK_EXPIRED once it has expired."""
    token = token.strip()
    if not _TOKEN.match(token):
        raise _invalid()
    link = await repository.guest_link_by_hash(digest(token))
    if link is None:
        raise _invalid()
    now = clock.now()
    if link["expires_at"] <= now:
        raise Unauthenticated(
            "LINK_EXPIRED",
            "Đường dẫn đã hết hạn; hãy liên hệ Trung tâm hoặc bổ sung hồ sơ tại quầy.",
            "The link has expired; contact the center or bring the documents to the counter.",
            "token",
        )
    request = await repository.request_by_id(link["request"])
    if request is None:  # pragma: no cover - the link is deleted with its request
        raise _invalid()
    return request, int(link["id"])
