"""Keeping proactive sends under Telegram's limits: about 30 messages a second overall, and no
more than one a second to any one chat (Bot API FAQ, "My bot is hitting limits").

Each send reserves its start time before it waits: the next overall slot (1/rate after the
last one) and the chat's next slot (a second after the chat's last message), whichever is
later. Reserving first means no lock is held while waiting, so a chat that must wait a second
never holds up the others. A 429 pauses every send for its `retry_after`: Telegram does not
say whether the flood was the chat's or the bot's, so the safe reading is the bot's.
Plain asyncio, with the clock and sleep injectable so tests never wait on wall time.
"""

from __future__ import annotations

import asyncio
import math
import time
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

PER_CHAT_SECONDS = 1.0  # Telegram: avoid more than one message per second in a chat
# Sends in flight: enough to keep the rate when Telegram answers in up to half a second.
COVER_SECONDS = 0.5
MIN_IN_FLIGHT = 2
PRUNE_AT = 4096  # chats remembered before the ones whose second has passed are forgotten


class TelegramPacer:
    def __init__(
        self,
        rate: float,
        *,
        per_chat_seconds: float = PER_CHAT_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("a TelegramPacer needs rate > 0")
        self.rate = rate
        self._interval = 1.0 / rate
        self._per_chat = per_chat_seconds
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_start = -math.inf
        self._chat_next: dict[int, float] = {}
        self._paused_until = -math.inf

    @property
    def concurrency(self) -> int:
        return max(MIN_IN_FLIGHT, math.ceil(self.rate * COVER_SECONDS))

    async def turn(self, chat_id: int) -> None:
        """Wait until a message to `chat_id` may start, keeping both limits."""
        while True:
            now = self._monotonic()
            start = max(
                now, self._next_start, self._chat_next.get(chat_id, -math.inf), self._paused_until
            )
            # Reserved before waiting: the next sender queues behind this one, not beside it.
            self._next_start = start + self._interval
            self._chat_next[chat_id] = start + self._per_chat
            if len(self._chat_next) > PRUNE_AT:
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
            if start > now:
                await self._sleep(start - now)
            # A 429 that came while this send waited moves it behind the pause.
            if self._paused_until <= self._monotonic():
                return

    def pause(self, seconds: float) -> None:
        """Telegram answered 429 with retry_after: nothing starts for that long."""
        until = self._monotonic() + seconds
        self._paused_until = max(self._paused_until, until)


def retry_seconds(error: RetryAfter) -> float:
    # python-telegram-bot 22 gives an int (deprecated, with a warning) unless PTB_TIMEDELTA is
    # set, a timedelta after that: either is read, and the deprecation is not ours to show.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
