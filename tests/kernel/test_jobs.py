"""A notification queued by a transition is sent in process without REDIS_URL, and by a separate
`python -m app.cli worker` process with it (against this test database and Redis, on a queue of this
test's own). The Redis tests skip when Redis does not answer, unless REQUIRE_REDIS=1 (CI) fails them."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from app import jobs
from app.config import ROOT, get_settings
from app.tables import OutboxMessage
from tests.kernel.smtp_sink import smtp_sink
from tests.requests.helpers import guest_input, plan_id, submit
from tests.support import Api

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def _redis_answers() -> bool:
    from redis.asyncio import Redis

    try:
        async with Redis.from_url(REDIS_URL, socket_connect_timeout=1) as redis:
            return bool(await redis.ping())
    except OSError:
        return False


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    with smtp_sink() as server:
        monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("SMTP_PORT", str(server.server_address[1]))
        get_settings.cache_clear()
        yield server
    get_settings.cache_clear()


@pytest.fixture
async def queue(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """REDIS_URL set and a queue name of this test's own; the stream is deleted afterwards."""
    if not await _redis_answers():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    from redis.asyncio import Redis

    name = f"ttcntt-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    monkeypatch.setenv("JOB_BROKER", "auto")
    monkeypatch.setenv("JOB_QUEUE_NAME", name)
    get_settings.cache_clear()
    yield name
    await jobs.shutdown()
    async with Redis.from_url(REDIS_URL) as redis:
        await redis.delete(name, f"{name}:sweep", f"{name}:overdue")
    for variable in ("REDIS_URL", "JOB_BROKER", "JOB_QUEUE_NAME"):
        monkeypatch.delenv(variable, raising=False)
    get_settings.cache_clear()


async def _submit_as_guest(client: Api) -> str:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    result = await submit(client, guest_input(plan))
    assert result.data["submitServiceRequest"]["errors"] == []
    return str(result.data["submitServiceRequest"]["request"]["code"])


async def _statuses() -> list[tuple[str, str, int]]:
    rows = await OutboxMessage.select().order_by(OutboxMessage.id)
    return [(r["recipient"], r["status"], r["attempts"]) for r in rows]


@pytest.fixture
def worker(queue: str, sink: Any) -> Iterator[Any]:
    """Starts `python -m app.cli worker` (the test database, Redis, this queue, the SMTP sink; no sweep,
    so only the queued job can send). Call the yielded function to start it; stopped with SIGTERM."""
    started: list[subprocess.Popen[bytes]] = []

    def start(**extra: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "REDIS_URL": REDIS_URL,
            "JOB_BROKER": "auto",
            "JOB_QUEUE_NAME": queue,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(sink.server_address[1]),
            "JOB_SWEEP_SECONDS": "0",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"], cwd=ROOT, env=env, stderr=subprocess.PIPE
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stderr is not None:
            process.stderr.close()


async def test_without_redis_the_notification_is_sent_in_process_before_the_answer(
    client: Api, catalog: Any, sink: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("JOB_BROKER", "auto")
    get_settings.cache_clear()
    code = await _submit_as_guest(client)
    assert type(jobs.broker()).__name__ == "InMemoryBroker"
    assert await _statuses() == [("hoa@example.vn", "sent", 1)]
    [mail] = sink.received
    assert (mail["To"], mail["Subject"]) == ("hoa@example.vn", f"Đã nhận hồ sơ {code} / Request {code} submitted")


async def test_with_redis_a_separate_worker_process_sends_the_notification(
    client: Api, catalog: Any, sink: Any, queue: str, worker: Any
) -> None:
    # given: the server queues the job on Redis and does not send itself
    code = await _submit_as_guest(client)
    assert type(jobs.broker()).__name__ == "RedisStreamBroker"
    await asyncio.sleep(0.5)
    assert await _statuses() == [("hoa@example.vn", "pending", 0)]
    assert sink.received == []
    # when: a worker process starts
    process = worker()
    # then: it takes the queued job and sends the message (bounded wait)
    deadline = time.monotonic() + 60
    while await _statuses() != [("hoa@example.vn", "sent", 1)]:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, await _statuses()
        await asyncio.sleep(0.2)
    [mail] = sink.received
    assert mail["Subject"] == f"Đã nhận hồ sơ {code} / Request {code} submitted"
    # and it stops cleanly on SIGTERM
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


async def test_a_worker_sweeps_messages_that_were_never_queued(db: None, sink: Any, queue: str, worker: Any) -> None:
    # given: a message left pending (its job was lost, e.g. Redis was down when the change committed)
    from app import outbox
    from app.db import transaction

    async with transaction():
        await outbox.enqueue("invoice", 9, "kt@example.vn", "Hóa đơn / Invoice", "Nội dung")
    # when: a worker runs with its periodic sweep on
    process = worker(JOB_SWEEP_SECONDS="1")
    # then: the sweep sends it, though no job named it
    deadline = time.monotonic() + 60
    while await _statuses() != [("kt@example.vn", "sent", 1)]:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, await _statuses()
        await asyncio.sleep(0.2)
    assert [m["Subject"] for m in sink.received] == ["Hóa đơn / Invoice"]


async def test_when_redis_is_unreachable_the_change_commits_and_the_message_waits_for_the_sweep(
    client: Api, catalog: Any, sink: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    monkeypatch.setenv("JOB_BROKER", "redis")
    get_settings.cache_clear()
    try:
        code = await _submit_as_guest(client)
    finally:
        await jobs.shutdown()
    assert code.startswith(get_settings().receipt_prefix)
    assert await _statuses() == [("hoa@example.vn", "pending", 0)]
    assert sink.received == []
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("JOB_BROKER", "memory")
    get_settings.cache_clear()
    from app import outbox

    assert await outbox.retry_unsent() == {"sent": 1, "failed": 0, "skipped": 0}
    assert len(sink.received) == 1


def test_the_worker_command_refuses_to_start_without_redis() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "JOB_BROKER")}
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "worker"], cwd=ROOT, env=env, capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert b"REDIS_URL is not set" in done.stderr


def test_the_job_broker_setting_is_checked() -> None:
    from app.config import Settings

    assert Settings(redis_url="redis://r:6379/0").jobs_on_redis is True
    assert Settings(redis_url="redis://r:6379/0", job_broker="memory").jobs_on_redis is False
    assert Settings().jobs_on_redis is False
    with pytest.raises(ValueError, match="JOB_BROKER=redis needs REDIS_URL"):
        _ = Settings(job_broker="redis").jobs_on_redis
    with pytest.raises(ValueError, match="JOB_BROKER must be auto, memory or redis"):
        _ = Settings(job_broker="kafka").jobs_on_redis
