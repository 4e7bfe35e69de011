"""RoutedNotifier: one Notifier for a process that serves several front ends.

Each student is reached on one platform: `route(student_id)` names it (the composition root
decides how: a Telegram student on Telegram, a linked student where they chose). The core sees
one Notifier and never a platform's name; each send and each idempotency window is the routed
platform's own.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.core.errors import DeliveryFailed
from bot.core.models import Digest, DueItem, MessageRef
from bot.core.ports import Notifier


class RoutedNotifier:
    def __init__(self, route: Callable[[int], Awaitable[str]]) -> None:
        self._route = route
        self._notifiers: dict[str, Notifier] = {}

    def serve(self, front_end: str, notifier: Notifier) -> None:
        """Students routed to `front_end` are reached through `notifier`."""
        self._notifiers[front_end] = notifier

    async def _for(self, student_id: int) -> Notifier:
        front_end = await self._route(student_id)
        notifier = self._notifiers.get(front_end)
        if notifier is None:
            # Retried later: this process (or the next to hold the sender lease) may serve it.
            raise DeliveryFailed(f"{front_end} is not served by this process")
        return notifier

    @property
    def concurrency(self) -> int:
        """Every platform's senders: a tick's queue mixes their students."""
        return max(1, sum(n.concurrency for n in self._notifiers.values()))

    @property
    def idempotency_window(self) -> timedelta:
        """The shortest of the platforms' (for a caller that can't say whose send it is)."""
        return min((n.idempotency_window for n in self._notifiers.values()), default=timedelta(0))

    async def idempotency_window_for(self, student_id: int) -> timedelta:
        front_end = await self._route(student_id)
        notifier = self._notifiers.get(front_end)
        if notifier is None:
            return self.idempotency_window
        return await notifier.idempotency_window_for(student_id)

    async def send_welcome(self, student_id: int, *, key: str) -> MessageRef:
        return await (await self._for(student_id)).send_welcome(student_id, key=key)

    async def send_digest(self, student_id: int, digest: Digest, *, key: str) -> MessageRef:
        return await (await self._for(student_id)).send_digest(student_id, digest, key=key)

    async def send_item(
        self, student_id: int, item: DueItem, *, key: str, late: bool
    ) -> MessageRef:
        notifier = await self._for(student_id)
        return await notifier.send_item(student_id, item, key=key, late=late)
