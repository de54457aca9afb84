"""Password hashing with Argon2id (pwdlib): the current OWASP recommendation.

A hash takes tens of milliseconds of CPU and 64 MiB: run on the event loop it stalls every other
request for that long (30 concurrent sign-ins took /health from 10 ms to 6 s). So the hashing runs in
worker threads (argon2-cffi releases the GIL), at most PASSWORD_HASH_WORKERS at once so a burst of
sign-ins cannot take every core and all the memory; the others wait their turn without blocking.
"""

from __future__ import annotations

import asyncio
import weakref
from functools import lru_cache

import anyio.to_thread
from anyio import CapacityLimiter
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(memory_cost=get_settings().argon2_memory_kib),))


# One limiter per event loop: a limiter's waiters belong to the loop they wait in.
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = weakref.WeakKeyDictionary()


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = CapacityLimiter(get_settings().password_hash_workers)
    return limiter


def _hash_now(password: str) -> str:
    return _hasher().hash(password)


def _verify_now(password: str, password_hash: str) -> bool:
    return _hasher().verify(password, password_hash)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hash_now, password, limiter=_limiter())


async def verify_password(password: str, password_hash: str) -> bool:
    return await anyio.to_thread.run_sync(_verify_now, password, password_hash, limiter=_limiter())


# Verified when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY: list[str] = []


async def burn_time(password: str) -> None:
    if not _DUMMY:
        _DUMMY.append(await hash_password("dummy-password-for-timing"))
    await verify_password(password, _DUMMY[0])
