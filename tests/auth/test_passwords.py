"""Argon2 runs in its own pool of PASSWORD_HASH_WORKERS threads at a lower priority, never on the event loop."""

from __future__ import annotations

import os
import threading

import anyio
import pytest

from app.auth import passwords
from app.config import get_settings


async def test_hashing_and_verifying_run_in_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []
    real = passwords._hasher()

    class Recording:
        def hash(self, password: str) -> str:
            seen.append(threading.get_ident())
            return real.hash(password)

        def verify(self, password: str, password_hash: str) -> bool:
            seen.append(threading.get_ident())
            return real.verify(password, password_hash)

    monkeypatch.setattr(passwords, "_hasher", Recording)
    hashed = await passwords.hash_password("mat-khau-dung-1")
    assert await passwords.verify_password("mat-khau-dung-1", hashed) is True
    assert await passwords.verify_password("mat-khau-sai-12", hashed) is False
    await passwords.burn_time("mat-khau-bat-ky")
    assert len(seen) >= 4
    assert loop_thread not in seen
    assert {thread.name.split("_")[0] for thread in threading.enumerate() if thread.ident in seen} == {"argon2"}
    if hasattr(os, "getpriority"):  # Linux: the pool's threads are niced
        assert {
            os.getpriority(os.PRIO_PROCESS, t.native_id or 0) for t in threading.enumerate() if t.ident in seen
        } == {min(19, os.getpriority(os.PRIO_PROCESS, 0) + passwords.NICE)}


async def test_at_most_the_configured_number_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    workers = get_settings().password_hash_workers
    assert workers == 2
    running, most, lock = 0, 0, threading.Lock()
    all_waiting = threading.Barrier(workers, timeout=30)

    def busy(password: str) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        all_waiting.wait()  # the first `workers` calls meet here: that many can run together
        with lock:
            running -= 1
        return password

    monkeypatch.setattr(passwords, "_hash_now", busy)
    async with anyio.create_task_group() as group:
        for i in range(3 * workers):
            group.start_soon(passwords.hash_password, f"mat-khau-{i}")
    assert most == workers
