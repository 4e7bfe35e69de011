"""The worker pool that takes CPU-heavy work off the event loop."""

from __future__ import annotations

import asyncio
import os

from bot.workers import WORKER_NICENESS, ExecutorOffload, worker_pool


def _niceness() -> int:
    return os.nice(0)


async def test_workers_yield_the_core_to_the_bot() -> None:
    """A worker runs at a lower priority than the bot's own process, so an export or a chart
    drawing on a core the bot shares waits for the bot's answers rather than slowing them."""
    pool = worker_pool(workers=1)
    try:
        niceness = await asyncio.wait_for(ExecutorOffload(pool).run(_niceness), timeout=60)
    finally:
        pool.shutdown()
    assert niceness == min(19, os.nice(0) + WORKER_NICENESS)
