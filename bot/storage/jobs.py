"""SqliteJobLedger: the heavy jobs running or cooling down, per student and kind
(core/flight.py), in the table every process of the bot shares (migration 0014).

The statements are written once, with `?`, for both stores: PostgreSQL's ledger
(bot/storage/postgres/jobs.py) numbers them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot.core.ports import JobSlot
from bot.storage.rows import from_db_time, to_db_time

# Taking the slot is one upsert: a row that is free to take (cooled down, or stale) is
# overwritten by this job, and any other row stays; RETURNING says which happened.
CLAIM = """
INSERT INTO job_claims (student_id, kind, token, started_at, finished_at)
VALUES (?, ?, ?, ?, NULL)
ON CONFLICT (student_id, kind) DO UPDATE
   SET token = excluded.token, started_at = excluded.started_at, finished_at = NULL
 WHERE (job_claims.finished_at IS NOT NULL AND job_claims.finished_at <= ?)
    OR (job_claims.finished_at IS NULL AND job_claims.started_at <= ?)
RETURNING token
"""
HOLDER = "SELECT started_at, finished_at FROM job_claims WHERE student_id = ? AND kind = ?"
FINISH = (
    "UPDATE job_claims SET finished_at = ? WHERE student_id = ? AND kind = ? AND token = ? "
    "AND finished_at IS NULL"
)
RELEASE = "DELETE FROM job_claims WHERE student_id = ? AND kind = ? AND token = ?"
# Slots hold no more than ids and times, but they go with the account all the same.
FORGET = "DELETE FROM job_claims WHERE student_id = ?"


def claim_params(
    student_id: int,
    kind: str,
    token: str,
    *,
    stale_before: datetime,
    free_after: datetime,
    now: datetime,
) -> tuple[object, ...]:
    return (
        student_id,
        kind,
        token,
        to_db_time(now),
        to_db_time(free_after),
        to_db_time(stale_before),
    )


# A refused claim reads the holder; if that job ended (and left no trace) in between, the
# claim is tried again: a few rounds at most, since each round the slot was held by another.
CLAIM_ROUNDS = 3


def slot(started: str, finished: str | None) -> JobSlot:
    return JobSlot(from_db_time(started), from_db_time(finished) if finished else None)


class JobLedgerRules:
    """The ledger's steps, written once over a store's two primitives: one row of a
    statement, and a statement run for its effect (both with `?` parameters)."""

    async def _one(self, sql: str, params: tuple[object, ...]) -> tuple[Any, ...] | None:
        raise NotImplementedError

    async def _run(self, sql: str, params: tuple[object, ...]) -> None:
        raise NotImplementedError

    async def claim(
        self,
        student_id: int,
        kind: str,
        token: str,
        *,
        now: datetime,
        stale_before: datetime,
        free_after: datetime,
    ) -> JobSlot | None:
        params = claim_params(
            student_id, kind, token, now=now, stale_before=stale_before, free_after=free_after
        )
        for _ in range(CLAIM_ROUNDS):
            if await self._one(CLAIM, params) is not None:
                return None
            row = await self._one(HOLDER, (student_id, kind))
            if row is not None:
                return slot(row[0], row[1])
        raise RuntimeError("a job slot kept changing under its claim")

    async def finish(
        self, student_id: int, kind: str, token: str, *, finished_at: datetime | None
    ) -> None:
        if finished_at is None:
            await self._run(RELEASE, (student_id, kind, token))
        else:
            await self._run(FINISH, (to_db_time(finished_at), student_id, kind, token))


class SqliteJobLedger(JobLedgerRules):
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _one(self, sql: str, params: tuple[object, ...]) -> tuple[Any, ...] | None:
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return None if row is None else tuple(row)

    async def _run(self, sql: str, params: tuple[object, ...]) -> None:
        await self._db.execute(sql, params)
