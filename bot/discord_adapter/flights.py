"""Running a command's body under the student's single flight, when the bot has one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.core.flight import Job, SingleFlight


@asynccontextmanager
async def single_flight(
    flights: SingleFlight | None, student_id: int, kind: str, what: str
) -> AsyncIterator[Job]:
    """Enter before the first answer: a refusal (AlreadyRunning, a CoachError) then goes out
    as the interaction's ephemeral reply through the usual error handler."""
    if flights is None:
        yield Job()
        return
    async with flights.hold(student_id, kind, what) as job:
        yield job
