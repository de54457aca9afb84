"""Password hashing with Argon2id (pwdlib): the current OWASP recommendation.

A hash takes tens of milliseconds of CPU and 64 MiB: run on the event loop it stalls every other
request for that long (30 concurrent sign-ins took /health from 10 ms to 6 s). So hashing runs in a
pool of its own, PASSWORD_HASH_WORKERS threads (argon2-cffi releases the GIL), so a burst of sign-ins
cannot take every core and all the memory; the others queue without blocking the loop. The pool's
threads run at a lower CPU priority (nice 10, inherited by Argon2's own lane threads): when the cores
are busy, the event loop (health checks, every other request) is served first and sign-ins wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from app.config import get_settings

MIN_LENGTH = 10
MAX_LENGTH = 128
NICE = 10  # added to the process's nice value


@lru_cache(maxsize=1)
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(memory_cost=get_settings().argon2_memory_kib),))


def _lower_priority() -> None:
    """Linux: a thread's nice value is its own (setpriority on its thread id) and threads it starts
    inherit it. Elsewhere, or when refused, hashing simply runs at the normal priority."""
    with contextlib.suppress(AttributeError, OSError):
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + NICE))


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    workers = get_settings().password_hash_workers
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2", initializer=_lower_priority)


def _hash_now(password: str) -> str:
    return _hasher().hash(password)


def _verify_now(password: str, password_hash: str) -> bool:
    return _hasher().verify(password, password_hash)


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool(), _hash_now, password)


async def verify_password(password: str, password_hash: str) -> bool:
    return await asyncio.get_running_loop().run_in_executor(_pool(), _verify_now, password, password_hash)


# Verified when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY: list[str] = []


async def burn_time(password: str) -> None:
    if not _DUMMY:
        _DUMMY.append(await hash_password("dummy-password-for-timing"))
    await verify_password(password, _DUMMY[0])
