"""Background jobs on taskiq: work that runs after a change commits (sending the outbox, handing domain
events to their subscribers; later webhooks, exports, document rendering).

Why taskiq: asyncio-native (our code is async end to end), one API whatever the broker, and an
in-memory broker of its own, so the embedded default needs nothing else, while REDIS_URL switches the
same jobs to Redis (a Redis stream with a consumer group: a job a dead worker had taken is handed to
another) without touching a caller. saq and arq only speak Redis; procrastinate wants psycopg and its
own schema beside asyncpg and Piccolo.

- Without REDIS_URL, a job runs in process, right after the commit that queued it and before the
  response (as sending did before): `make run` needs nothing else, and the answer reflects the attempt.
- With REDIS_URL (JOB_BROKER=auto, the default; `memory` keeps jobs in process even then, as the tests
  do), the server only puts the job on the stream JOB_QUEUE_NAME; `python -m app.cli worker`
  (one or many, anywhere) runs it.

A job only names rows (outbox message ids, event ids) that the committed change wrote, so submitting is
allowed to fail: the rows stay pending and the worker's periodic sweep (or the send-notifications cron)
picks them up. Jobs must therefore be idempotent, as the outbox and the bus already are.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from taskiq import AsyncBroker, InMemoryBroker
from taskiq.kicker import AsyncKicker

from app.config import Settings, get_settings

log = logging.getLogger("app.jobs")

Job = Callable[..., Awaitable[Any]]
_jobs: dict[str, Job] = {}
_current: dict[tuple[str, str], AsyncBroker] = {}  # at most one: the broker of the current settings
_started: set[int] = set()  # brokers whose startup ran (by id), so it runs once each


def register(name: str, job: Job) -> None:
    """At import time of the module that owns the job (every process imports the same modules)."""
    _jobs[name] = job
    for made in _current.values():
        made.register_task(job, task_name=name)


def build_broker(settings: Settings) -> AsyncBroker:
    made: AsyncBroker
    if settings.jobs_on_redis:
        from taskiq_redis import RedisStreamBroker

        made = RedisStreamBroker(
            settings.redis_url,
            queue_name=settings.job_queue_name,
            consumer_group_name=settings.job_queue_name,
            consumer_id="0",  # a new group reads what was queued before any worker started
            maxlen=100_000,  # the stream is trimmed (approximately) past this many entries
            idle_timeout=300_000,  # ms: a job taken by a worker that died is handed out again after this
        )
    else:
        made = InMemoryBroker(await_inplace=True)
    for name, job in _jobs.items():
        made.register_task(job, task_name=name)
    return made


def broker() -> AsyncBroker:
    """The broker for the current settings (tests switch REDIS_URL and the queue name)."""
    settings = get_settings()
    key = (settings.redis_url if settings.jobs_on_redis else "", settings.job_queue_name)
    if key not in _current:
        _current.clear()
        _current[key] = build_broker(settings)
    return _current[key]


async def started_broker() -> AsyncBroker:
    current = broker()
    if id(current) not in _started:
        await current.startup()
        _started.add(id(current))
    return current


async def submit(name: str, *args: Any) -> None:
    """After commit: run (embedded) or queue (Redis) the job. Never raises: the rows it names stay
    pending for the sweep."""
    try:
        current = await started_broker()
        await AsyncKicker(task_name=name, broker=current, labels={}).kiq(*args)
    except Exception:
        log.exception("job not submitted; the sweep will retry it", extra={"job": name})


async def shutdown() -> None:
    for made in _current.values():
        if id(made) in _started:
            _started.discard(id(made))
            await made.shutdown()
    _current.clear()
