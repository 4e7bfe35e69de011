"""Keeping bulk sends under Discord's global rate limit (50 requests per second per bot).

A token bucket paces request starts; a semaphore bounds how many are in flight. Both are
plain asyncio, with the clock and sleep injectable so tests never wait on wall time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import TracebackType

# Below Discord's 50/s global limit, leaving room for interaction responses.
DEFAULT_RATE = 40.0
DEFAULT_CONCURRENCY = 8


class Pacer:
    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        concurrency: int = DEFAULT_CONCURRENCY,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._semaphore = asyncio.Semaphore(concurrency)
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_start = 0.0
        self._lock = asyncio.Lock()

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()
        async with self._lock:
            now = self._monotonic()
            start = max(now, self._next_start)
            self._next_start = start + self._interval
        if start > now:
            await self._sleep(start - now)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._semaphore.release()
