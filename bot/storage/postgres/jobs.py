"""PgJobLedger: the heavy jobs per student and kind on PostgreSQL (bot/storage/jobs.py's
statements and steps, numbered). INSERT … ON CONFLICT DO UPDATE … WHERE takes the row lock, so
two processes claiming one slot at once are serialised by the server: one wins."""

from __future__ import annotations

from typing import Any

from bot.storage.jobs import JobLedgerRules
from bot.storage.postgres.rows import Pool, numbered


class PgJobLedger(JobLedgerRules):
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def _one(self, sql: str, params: tuple[object, ...]) -> tuple[Any, ...] | None:
        row = await self._pool.fetchrow(numbered(sql), *params)
        return None if row is None else tuple(row)

    async def _run(self, sql: str, params: tuple[object, ...]) -> None:
        await self._pool.execute(numbered(sql), *params)
