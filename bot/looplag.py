"""An optional event-loop lag monitor: how late the bot's own loop wakes up, logged periodically.

Everything the bot does shares one asyncio loop, so a slow callback (a long digest build, a big
JSON payload) delays every interaction behind it. The monitor sleeps SAMPLE_SECONDS again and
again and records how much later than asked it woke up; every `report_seconds` it logs
``loop lag n=… p50_ms=… p99_ms=… max_ms=…`` for that window (numbers only, no ids). Off unless
LOOP_LAG_REPORT_SECONDS is set: 100 wake-ups a second cost about a percent of a core.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

SAMPLE_SECONDS = 0.01


def lag_summary(samples: list[float]) -> tuple[float, float, float]:
    """(p50, p99, max) of lag samples in seconds; nearest-rank percentiles."""
    ordered = sorted(samples)
    last = len(ordered) - 1
    return ordered[int(0.50 * last)], ordered[round(0.99 * last)], ordered[last]


class LoopLagMonitor:
    def __init__(
        self,
        report_seconds: float,
        *,
        sample_seconds: float = SAMPLE_SECONDS,
        monotonic: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._report_seconds = report_seconds
        self._sample_seconds = sample_seconds
        self._monotonic = monotonic
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="loop-lag")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        samples: list[float] = []
        window_end = self._monotonic() + self._report_seconds
        while True:
            asked = self._monotonic()
            await asyncio.sleep(self._sample_seconds)
            woke = self._monotonic()
            samples.append(max(0.0, woke - asked - self._sample_seconds))
            if woke >= window_end:
                p50, p99, worst = lag_summary(samples)
                log.info(
                    "loop lag n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f",
                    len(samples),
                    p50 * 1000,
                    p99 * 1000,
                    worst * 1000,
                )
                samples = []
                window_end = woke + self._report_seconds
