"""IdentifyGate: gateway IDENTIFYs taken in turn by every process sharing the bot token.

Discord lets a bot start `max_concurrency` sessions per 5 seconds (GET /gateway/bot,
`session_start_limit`): shard `id` identifies in bucket `id % max_concurrency`, one IDENTIFY
per bucket per 5 s. discord.py spaces the shards of one client itself; processes that each run
some shards of one bot would not know of each other's, so each IDENTIFY first takes its
bucket's slot in the shared store (the RateSlots port) for the 5 s.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from bot.core.ports import RateSlots

log = logging.getLogger(__name__)

# docs: Gateway > Sharding > Max Concurrency: "max_concurrency" IDENTIFY per 5 seconds per bucket.
IDENTIFY_WINDOW = timedelta(seconds=5)
# Hosts' clocks differ a little (NTP keeps them within milliseconds); the slot covers it.
CLOCK_MARGIN = timedelta(milliseconds=250)
POLL_SECONDS = 0.25  # how often a waiting IDENTIFY asks again for its slot


def wall_clock() -> datetime:
    # Discord's window is real time: not the services' clock, which tests move.
    return datetime.now(UTC)


class IdentifyGate:
    """Waits until this shard's bucket is free, then holds it for the window."""

    def __init__(
        self,
        slots: RateSlots,
        max_concurrency: Callable[[], Awaitable[int]],
        *,
        now: Callable[[], datetime] = wall_clock,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self._slots = slots
        self._max_concurrency = max_concurrency
        self._concurrency: int | None = None
        self._now = now
        self._sleep = sleep
        self._process = secrets.token_hex(4)
        self._attempts = itertools.count(1)

    async def concurrency(self) -> int:
        """Discord's max_concurrency, asked once (1, the strictest, if the answer fails)."""
        if self._concurrency is None:
            try:
                self._concurrency = max(1, await self._max_concurrency())
            except Exception:
                log.exception("could not read the session start limit; identifying one at a time")
                self._concurrency = 1
        return self._concurrency

    async def wait_turn(self, shard_id: int) -> None:
        bucket = shard_id % await self.concurrency()
        # One holder per attempt: a process's second shard in a bucket waits like anyone's.
        holder = f"{self._process}:{shard_id}:{next(self._attempts)}"
        waited = 0.0
        while True:
            now = self._now()
            until = now + IDENTIFY_WINDOW + CLOCK_MARGIN
            if await self._slots.take(f"identify/{bucket}", holder, now=now, until=until):
                log.info("shard %d identifies (bucket %d, waited %.1f s)", shard_id, bucket, waited)
                return
            await self._sleep(POLL_SECONDS)
            waited += POLL_SECONDS
