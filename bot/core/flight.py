"""One heavy job per student at a time: a second `/progress`, export or import is refused.

Each of these reads the student's whole account (thousands of contacts at the cap) and builds a
file or a chart; a student who clicks again while the first is still running would only queue
the same work twice. A job that never finished (a crash mid-way) stops blocking after
`stale_after`, measured on the injected clock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.core.errors import CoachError
from bot.core.ports import Clock

STALE_AFTER = timedelta(minutes=5)  # far beyond any real run: Discord's token lasts 15 min


class AlreadyRunning(CoachError):
    """The student's previous job of this kind has not finished yet."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"I'm still working on your last {what}. It will appear here when it's ready; "
            "try again after that."
        )


class SingleFlight:
    def __init__(self, clock: Clock, *, stale_after: timedelta = STALE_AFTER) -> None:
        self._clock = clock
        self._stale_after = stale_after
        self._running: dict[tuple[int, str], tuple[datetime, object]] = {}

    def running(self, student_id: int, kind: str) -> bool:
        held = self._running.get((student_id, kind))
        return held is not None and self._clock.now() - held[0] < self._stale_after

    @asynccontextmanager
    async def hold(self, student_id: int, kind: str, what: str) -> AsyncIterator[None]:
        """Run the body as the student's only job of `kind`, or raise AlreadyRunning.

        The check and the claim happen with no await between them, so two interactions on one
        event loop can't both pass.
        """
        if self.running(student_id, kind):
            raise AlreadyRunning(what)
        key, token = (student_id, kind), object()
        self._running[key] = (self._clock.now(), token)
        try:
            yield
        finally:
            if self._running.get(key, (None, None))[1] is token:
                del self._running[key]
