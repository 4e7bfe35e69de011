"""Keeping bulk sends under Discord's global rate limit (50 requests per second per bot token).

Two rules, checked together right before each request starts:
- spacing: starts are 1/rate apart on a drift-free schedule (a late wake-up does not push every
  later start back), never closer than half an interval, and a stall of the event loop is
  never followed by a burst of catch-up starts;
- window: never more than floor(rate) starts in any one second, a backstop that matches how
  Discord counts (a count per second, not a spacing) whatever the loop does.
A semaphore bounds how many requests are in flight. Plain asyncio, with the clock and sleep
injectable so tests never wait on wall time.

The rate is a setting (DISCORD_SEND_RATE) because the margin under 50/s depends on the
deployment: network jitter between the bot and Discord, and other processes sharing the token.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType

# 3 requests a second of Discord's 50 stay free: for requests that reach Discord closer together
# than they left (at 47/s starts may arrive ~60 ms out of step before a one-second window counts
# 51) and for the bot's few unpaced requests (a welcome DM, command sync). Interaction responses
# and follow-ups need no room: Discord exempts interaction endpoints from the global limit. The
# 10,000-digest bench (bench/digests.py) met no global 429 at 47/s; at 45/s it missed the
# 1.15x-of-the-floor target in some runs, as the pipeline rarely reaches the pacer's full rate.
DEFAULT_RATE = 47.0
DEFAULT_CONCURRENCY = 8
WINDOW_SECONDS = 1.0


class Pacer:
    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        concurrency: int = DEFAULT_CONCURRENCY,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or concurrency < 1:
            raise ValueError("a Pacer needs rate > 0 and concurrency >= 1")
        self.rate = rate
        self.concurrency = concurrency
        self._interval = 1.0 / rate
        self._per_window = max(1, math.floor(rate * WINDOW_SECONDS))
        self._starts: deque[float] = deque()
        self._semaphore = asyncio.Semaphore(concurrency)
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_start = -math.inf
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        try:
            # The lock is held while waiting: after a stall, waiters leave one interval apart
            # instead of all together.
            async with self._lock:
                await self._wait_turn()
        except BaseException:
            self._semaphore.release()
            raise

    async def _wait_turn(self) -> None:
        while True:
            now = self._monotonic()
            while self._starts and self._starts[0] <= now - WINDOW_SECONDS:
                self._starts.popleft()
            start = max(now, self._next_start)
            if len(self._starts) >= self._per_window:
                start = max(start, self._starts[0] + WINDOW_SECONDS)
            if start <= now:
                break
            await self._sleep(start - now)
        self._starts.append(now)
        # On schedule (woken a little late), the next start keeps to the schedule, so wake-up
        # overshoot does not lower the rate; after a pause the schedule restarts from now, and
        # no two starts are ever closer than half an interval.
        on_schedule = now - self._next_start < self._interval
        base = self._next_start if on_schedule else now
        self._next_start = max(base + self._interval, now + self._interval / 2)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._semaphore.release()
