"""Opaque secrets: bearer tokens and partner API keys.

Opaque tokens rather than JWTs: sign-out and key revocation must take effect at once,
which a stateless JWT cannot do without a deny-list lookup anyway.
"""

from __future__ import annotations

import hashlib
import secrets

API_KEY_MARK = "ttk"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    # The secrets have 256 bits of entropy, so a fast hash is enough (no dictionary to attack).
    return hashlib.sha256(secret.encode()).hexdigest()


def new_api_key() -> tuple[str, str]:
    """Returns (prefix, full key). The prefix identifies the key in lists and logs."""
    prefix = secrets.token_hex(4)
    return prefix, f"{API_KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}"


def looks_like_api_key(value: str) -> bool:
    return value.startswith(f"{API_KEY_MARK}_")
