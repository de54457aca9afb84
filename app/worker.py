"""`python -m app.cli worker`: runs the jobs queued on Redis (app.jobs), and the periodic sweeps.

Any number of workers may run, on any machine that reaches the database and Redis. Each takes jobs from
the stream's consumer group (one job goes to one worker). The sweeps (unsent messages and events every
JOB_SWEEP_SECONDS; overdue requests, quotes and invoices hourly) run in whichever worker first takes a
Redis lock for the period, so many workers do not repeat them; each sweep is idempotent anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from app.config import Settings

log = logging.getLogger("app.worker")

OVERDUE_EVERY_SECONDS = 3600


def _import_job_owners() -> None:
    """The modules that register jobs and bus subscribers, as the server imports them."""
    from app import bus, outbox  # noqa: F401
    from billing import subscriptions  # noqa: F401
    from projects import subscriptions as project_subscriptions  # noqa: F401


async def _sweep(settings: Settings) -> None:
    from redis.asyncio import Redis

    from app.cli import daily_command

    async with Redis.from_url(settings.redis_url) as redis:
        while True:
            key = f"{settings.job_queue_name}:sweep"
            try:
                if await redis.set(key, "1", nx=True, ex=max(settings.job_sweep_seconds - 1, 1)):
                    log.info("sweep", extra={"outcome": await daily_command("send-notifications")})
                if await redis.set(f"{settings.job_queue_name}:overdue", "1", nx=True, ex=OVERDUE_EVERY_SECONDS):
                    log.info("overdue sweep", extra={"outcome": await daily_command("mark-overdue")})
            except Exception:  # a failed sweep must not stop the worker; the next period tries again
                log.exception("sweep failed")
            await asyncio.sleep(settings.job_sweep_seconds)


async def run(settings: Settings) -> None:
    from taskiq.acks import AcknowledgeType
    from taskiq.api import run_receiver_task

    from app import jobs, runtime
    from app.db import database_lifespan

    _import_job_owners()
    async with database_lifespan():
        broker = jobs.broker()
        broker.is_worker_process = True
        await broker.startup()
        runtime.tune_gc(settings)
        log.info("worker started", extra={"queue": settings.job_queue_name})
        # JOB_SWEEP_SECONDS=0: no sweeps (another worker or the cron commands do them)
        sweeper = asyncio.create_task(_sweep(settings)) if settings.job_sweep_seconds > 0 else None
        try:
            # Acknowledged after the job ran: a worker killed mid-job leaves it to be handed out again.
            await run_receiver_task(broker, max_async_tasks=20, ack_time=AcknowledgeType.WHEN_EXECUTED)
        finally:
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper
            await broker.shutdown()


def main(settings: Settings) -> int:
    async def until_stopped() -> None:
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await run(settings)

    asyncio.run(until_stopped())
    return 0
