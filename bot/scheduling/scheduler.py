"""build_scheduler: one APScheduler job that ticks the reminder service.

There are no per-student jobs: due work is a SQL query, so start-up time does not grow with the
number of students and nothing is lost when the process restarts.
"""

from __future__ import annotations

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

    # APScheduler 3 runs a job on the event loop only if it is a coroutine function; anything
    # else (a lambda returning a coroutine) goes to a thread pool and is never awaited.
    async def deliver_due() -> None:
        try:
            await tick()
        except Exception:
            log.exception("reminder tick failed")

    scheduler = AsyncIOScheduler(timezone="UTC")
    scheduler.add_job(
        deliver_due,
        IntervalTrigger(seconds=seconds, start_date=GRID_ORIGIN, timezone=UTC),
        id=JOB_ID,
        coalesce=True,  # a late tick runs once, not once per missed interval
        max_instances=1,  # a slow tick is never overlapped by the next
        misfire_grace_time=None,
        replace_existing=True,
    )
    return scheduler
