"""Updates from different chats are handled at once; each chat's own, in the order sent.

python-telegram-bot handles updates one at a time by default, so one student's slow answer
would hold up every other student. Fully concurrent, a student's quick `/profile` then
`/followup` could run out of order. This processor is both: up to `max_concurrent_updates`
at once, one at a time per chat.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates handled at once across all chats: each mostly waits on the database.
CONCURRENT_UPDATES = 64


class PerChatOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        # chat id → its lock and how many updates hold or wait for it (dropped at zero, so
        # the map holds only chats with something in flight).
        self._chats: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        key = chat.id if chat is not None else 0
        lock, users = self._chats.get(key, (asyncio.Lock(), 0))
        self._chats[key] = (lock, users + 1)
        try:
            async with lock:
                await coroutine
        finally:
            lock, users = self._chats[key]
            if users == 1:
                del self._chats[key]
            else:
                self._chats[key] = (lock, users - 1)

    @property
    def chats_in_flight(self) -> int:
        return len(self._chats)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for the updates in flight."""
