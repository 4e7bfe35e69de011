"""One heavy job per student at a time, and a pause after each: `/progress`, export, import.

Each of these reads the student's whole account (thousands of contacts at the cap) and builds a
file or a chart; a student who clicks again while the first is still running would only queue
the same work twice, and one who repeats it every few seconds makes the bot do it for nothing
(the result is already in their chat). So a second job of a kind is refused while the first
runs, and for a short cooldown after it succeeded; a job that failed (a rejected file) leaves no
cooldown, so the student can correct it and try again at once. A job that never finished (a
crash mid-way) stops blocking after `stale_after`. Times are on the injected clock.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from bot.core.errors import CoachError
from bot.core.ports import Clock

STALE_AFTER = timedelta(minutes=5)  # far beyond any real run: Discord's token lasts 15 min
# After a job succeeded: long enough that repeating it is pointless, short enough never to be in
# the way of a student who changed something (an export is the whole account; the chart is
# cached for the week; an import preview is redone when a corrected file comes).
COOLDOWNS: Mapping[str, timedelta] = {
    "export": timedelta(minutes=2),
    "progress": timedelta(seconds=20),
    "import": timedelta(seconds=5),
}
_FORGET_AFTER = 4096  # finished jobs remembered before the expired ones are swept


class AlreadyRunning(CoachError):
    """The student's previous job of this kind has not finished yet."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"I'm still working on your last {what}. It will appear here when it's ready; "
            "try again after that."
        )


class CoolingDown(CoachError):
    """The student's last job of this kind finished moments ago."""

    def __init__(self, what: str, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        after = f"{seconds} seconds" if seconds <= 90 else f"{math.ceil(seconds / 60)} minutes"
        super().__init__(f"Your last {what} is just above. You can ask for another in {after}.")


class Job:
    """A held job: its body may say that what it did does not end the kind's work (one part of
    an export in several parts), so no cooldown follows it."""

    def __init__(self) -> None:
        self.cools_down = True


class SingleFlight:
    def __init__(
        self,
        clock: Clock,
        *,
        stale_after: timedelta = STALE_AFTER,
        cooldowns: Mapping[str, timedelta] = COOLDOWNS,
    ) -> None:
        self._clock = clock
        self._stale_after = stale_after
        self._cooldowns = cooldowns
        self._running: dict[tuple[int, str], tuple[datetime, object]] = {}
        self._finished: dict[tuple[int, str], datetime] = {}

    def running(self, student_id: int, kind: str) -> bool:
        held = self._running.get((student_id, kind))
        return held is not None and self._clock.now() - held[0] < self._stale_after

    @asynccontextmanager
    async def hold(self, student_id: int, kind: str, what: str) -> AsyncIterator[Job]:
        """Run the body as the student's only job of `kind`, or raise AlreadyRunning (one is
        running) or CoolingDown (one succeeded within the kind's cooldown).

        The checks and the claim happen with no await between them, so two interactions on one
        event loop can't both pass.
        """
        if self.running(student_id, kind):
            raise AlreadyRunning(what)
        key, token, now = (student_id, kind), object(), self._clock.now()
        finished = self._finished.get(key)
        if finished is not None:
            wait = finished + self._cooldowns.get(kind, timedelta()) - now
            if wait > timedelta():
                raise CoolingDown(what, wait)
        self._running[key] = (now, token)
        job = Job()
        try:
            yield job
        finally:
            if self._running.get(key, (None, None))[1] is token:
                del self._running[key]
        # Reached only when the body succeeded: a failed job leaves no cooldown.
        if job.cools_down:
            self._remember(key)

    def _remember(self, key: tuple[int, str]) -> None:
        now = self._clock.now()
        if len(self._finished) >= _FORGET_AFTER:
            longest = max(self._cooldowns.values(), default=timedelta())
            self._finished = {k: t for k, t in self._finished.items() if now - t < longest}
        self._finished[key] = now
