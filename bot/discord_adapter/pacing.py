"""Keeping bulk sends under Discord's global rate limit (50 requests per second per bot token).

Two rules, checked together right before each request starts:
- spacing: starts are 1/rate apart on a drift-free schedule (a late wake-up does not push every
  later start back), never closer than half an interval, and a stall of the event loop is
  never followed by a burst of catch-up starts;
- window: never more than floor(rate) starts in any one second, a backstop that matches how
  Discord counts (a count per second, not a spacing) whatever the loop does.
How many requests may be in flight at once follows from the rate and Discord's answer time
(`sends_in_flight`, Little's law): keeping 48 starts a second while each send takes 250 ms
needs 12 in flight, at 500 ms 24. A fixed bound of 8 capped fan-out at 32/s once Discord took
250 ms to answer. The bound is sized for at least COVER_SECONDS of answer time, and grows
when the answers observed (a moving average) are slower than that. Plain asyncio, with the
clock and sleep injectable so tests never wait on wall time.

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

# 2 requests a second of Discord's 50 stay free: for requests that reach Discord closer together
# than they left (at 48/s starts may arrive ~40 ms out of step before a one-second window counts
# 51) and for the bot's few unpaced requests (a welcome DM, command sync). Interaction responses
# and follow-ups need no room: Discord exempts interaction endpoints from the global limit. 48 is
# the lowest rate at which a school's digests finish within 1.05x of the 50/s floor (2,000 at
# 47/s cannot take less than 1.064x); a rare global 429 costs a pause of its retry_after (the
# library waits it out before any other request), never a lost or doubled digest. At 45/s the
# 10,000-digest bench missed even 1.15x, as the pipeline rarely reaches the pacer's full rate.
DEFAULT_RATE = 48.0
WINDOW_SECONDS = 1.0
# Discord answers a message send in 100-300 ms, more during incidents: enough in flight to keep
# the rate up to half a second per answer without measuring anything first.
COVER_SECONDS = 0.5
# Room above Little's law for answers that vary around their average and for the database
# work each sender does between two requests.
MARGIN = 1.25
MIN_IN_FLIGHT = 4
MAX_IN_FLIGHT = 100  # a stalled Discord (answers of seconds) must not open hundreds of sends
ANSWER_WEIGHT = 0.1  # of the newest answer time in the moving average


def sends_in_flight(rate: float, answer_seconds: float) -> int:
    """Requests in flight needed to start `rate` a second when each takes `answer_seconds`
    (never sized for less than COVER_SECONDS)."""
    needed = rate * max(answer_seconds, COVER_SECONDS) * MARGIN
    return max(MIN_IN_FLIGHT, min(MAX_IN_FLIGHT, math.ceil(needed)))


class Pacer:
    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        concurrency: int | None = None,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """`concurrency` fixes the requests in flight; None sizes them from the answer time."""
        if rate <= 0 or (concurrency is not None and concurrency < 1):
            raise ValueError("a Pacer needs rate > 0 and concurrency >= 1")
        self.rate = rate
        self._fixed = concurrency
        self.answer_seconds = 0.0  # moving average of the answers observed so far
        self._interval = 1.0 / rate
        self._per_window = max(1, math.floor(rate * WINDOW_SECONDS))
        self._starts: deque[float] = deque()
        self._in_flight = 0
        self._began: dict[asyncio.Task[object] | None, list[float]] = {}
        self._room = asyncio.Condition()
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_start = -math.inf
        self._lock = asyncio.Lock()

    @property
    def concurrency(self) -> int:
        """How many requests may be in flight now (and how many senders a fan-out runs)."""
        if self._fixed is not None:
            return self._fixed
        return sends_in_flight(self.rate, self.answer_seconds)

    async def __aenter__(self) -> None:
        async with self._room:
            await self._room.wait_for(lambda: self._in_flight < self.concurrency)
            self._in_flight += 1
        try:
            # The lock is held while waiting: after a stall, waiters leave one interval apart
            # instead of all together.
            async with self._lock:
                await self._wait_turn()
        except BaseException:
            await self._leave()
            raise
        self._began.setdefault(asyncio.current_task(), []).append(self._monotonic())

    async def _leave(self) -> None:
        async with self._room:
            self._in_flight -= 1
            self._room.notify()

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
        task = asyncio.current_task()
        began = self._began[task].pop()
        if not self._began[task]:
            del self._began[task]
        if exc_type is None:
            answer = self._monotonic() - began
            self.answer_seconds += ANSWER_WEIGHT * (answer - self.answer_seconds)
        await self._leave()
