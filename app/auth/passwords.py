"""Password hashing with Argon2id (pwdlib): the current OWASP recommendation."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(memory_cost=get_settings().argon2_memory_kib),))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    return _hasher().verify(password, password_hash)


# Verified when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY: list[str] = []


def burn_time(password: str) -> None:
    if not _DUMMY:
        _DUMMY.append(hash_password("dummy-password-for-timing"))
    verify_password(password, _DUMMY[0])
