"""One heavy job per student at a time, and a pause after each: `/progress`, export, import.

Each of these reads the student's whole account (thousands of contacts at the cap) and builds a
file or a chart; a student who clicks again while the first is still running would only queue
the same work twice, and one who repeats it every few seconds makes the bot do it for nothing
(the result is already in their chat). So a second job of a kind is refused while the first
runs, and for a short cooldown after it succeeded; a job that failed (a rejected file) leaves no
cooldown, so the student can correct it and try again at once. A job that never finished (a
crash mid-way) stops blocking after `stale_after`. Times are on the injected clock.

The jobs are held in the store (a JobLedger), not in one process's memory: any process of
the bot may answer a student's next click.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import timedelta

from bot.core.errors import CoachError
from bot.core.ports import Clock, JobLedger

STALE_AFTER = timedelta(minutes=5)  # far beyond any real run: Discord's token lasts 15 min
# After a job succeeded: long enough that repeating it is pointless, short enough never to be in
# the way of a student who changed something (an export is the whole account; the chart is
# cached for the week; an import preview is redone when a corrected file comes).
COOLDOWNS: Mapping[str, timedelta] = {
    "export": timedelta(minutes=2),
    "progress": timedelta(seconds=20),
    "import": timedelta(seconds=5),
}


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
    """The rule, over a JobLedger that every process of the bot shares: a second process
    answering the same student sees the first one's job."""

    def __init__(
        self,
        ledger: JobLedger,
        clock: Clock,
        *,
        stale_after: timedelta = STALE_AFTER,
        cooldowns: Mapping[str, timedelta] = COOLDOWNS,
    ) -> None:
        self._ledger = ledger
        self._clock = clock
        self._stale_after = stale_after
        self._cooldowns = cooldowns

    @asynccontextmanager
    async def hold(self, student_id: int, kind: str, what: str) -> AsyncIterator[Job]:
        """Run the body as the student's only job of `kind`, or raise AlreadyRunning (one is
        running) or CoolingDown (one succeeded within the kind's cooldown).

        The checks and the claim are one step of the ledger's, so two interactions (in one
        process or in two) can't both pass.
        """
        now, token = self._clock.now(), secrets.token_hex(8)
        cooldown = self._cooldowns.get(kind, timedelta())
        held = await self._ledger.claim(
            student_id,
            kind,
            token,
            now=now,
            stale_before=now - self._stale_after,
            free_after=now - cooldown,
        )
        if held is not None:
            if held.finished_at is None:
                raise AlreadyRunning(what)
            raise CoolingDown(what, held.finished_at + cooldown - now)
        job = Job()
        try:
            yield job
        except BaseException:
            await self._ledger.finish(student_id, kind, token, finished_at=None)
            raise
        # Reached only when the body succeeded: a failed job leaves no cooldown.
        finished_at = self._clock.now() if job.cools_down and cooldown else None
        await self._ledger.finish(student_id, kind, token, finished_at=finished_at)
