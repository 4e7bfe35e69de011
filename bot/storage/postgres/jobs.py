"""PgJobLedger: the heavy jobs per student and kind on PostgreSQL (bot/storage/jobs.py's
statements, numbered). INSERT … ON CONFLICT DO UPDATE … WHERE takes the row lock, so two
processes claiming one slot at once are serialised by the server: one wins."""

from __future__ import annotations

from datetime import datetime

from bot.core.ports import JobSlot
from bot.storage.jobs import (
    CLAIM,
    CLAIM_ROUNDS,
    FINISH,
    HOLDER,
    RELEASE,
    claim_params,
    slot,
)
from bot.storage.postgres.rows import Pool, numbered
from bot.storage.rows import to_db_time

_CLAIM, _HOLDER, _FINISH = numbered(CLAIM), numbered(HOLDER), numbered(FINISH)
_RELEASE = numbered(RELEASE)


class PgJobLedger:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

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
            if await self._pool.fetchval(_CLAIM, *params) is not None:
                return None
            row = await self._pool.fetchrow(_HOLDER, student_id, kind)
            if row is not None:
                return slot(row[0], row[1])
        raise RuntimeError("a job slot kept changing under its claim")

    async def finish(
        self, student_id: int, kind: str, token: str, *, finished_at: datetime | None
    ) -> None:
        if finished_at is None:
            await self._pool.execute(_RELEASE, student_id, kind, token)
        else:
            await self._pool.execute(_FINISH, to_db_time(finished_at), student_id, kind, token)
