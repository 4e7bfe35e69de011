"""build_scheduler: one APScheduler job that ticks the reminder service.

There are no per-student jobs: due work is a SQL query, so start-up time does not grow with the
number of students and nothing is lost when the process restarts.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JOB_ID = "deliver-due-reminders"
# Ticks fall on a fixed grid (multiples of the interval since this instant) rather than
# `interval` after start-up: digests are due on the hour, which is on the grid of any interval
# dividing an hour, so a whole school's digests start going out at the due instant, not up to
# one interval later.
GRID_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)


def build_scheduler(tick: Callable[[], Awaitable[object]], seconds: float) -> AsyncIOScheduler:
    """A scheduler (not started) with one interval job calling `tick`."""

    running = asyncio.Lock()

    # APScheduler 3 runs a job on the event loop only if it is a coroutine function; anything
    # else (a lambda returning a coroutine) goes to a thread pool and is never awaited.
    async def deliver_due() -> None:
        # One tick at a time, kept here rather than by APScheduler's max_instances=1, which
        # logs a WARNING for every tick it skips: a whole school due at once drains for
        # minutes, and that is expected, not a fault (the tick logs its report when done).
        if running.locked():
            log.debug("tick skipped: the previous one is still sending")
            return
        async with running:
            try:
                await tick()
            except asyncio.CancelledError:
                # APScheduler 3's shutdown cancels a running coroutine job (it cannot wait for
                # one) and logs the cancellation as a failure with a traceback. Stopping is not
                # a failure: what the tick claimed and had not sent is retried by the next tick,
                # here or in another process, under the same idempotency key.
                log.info("reminder tick stopped: the bot is shutting down")
            except Exception:
                log.exception("reminder tick failed")

    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        deliver_due,
        IntervalTrigger(seconds=seconds, start_date=GRID_ORIGIN, timezone=UTC),
        id=JOB_ID,
        coalesce=True,  # a late tick runs once, not once per missed interval
        max_instances=2,  # the second only returns at once: see `running` above
        misfire_grace_time=None,
        replace_existing=True,
    )
    return scheduler
