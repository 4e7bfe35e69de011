"""PgSenderLease and PgRateSlots: the sender lease and the rate slots on PostgreSQL
(bot/storage/sender_lease.py's statements, numbered). The upsert takes the row's lock, so two
processes renewing at once are serialised by the server and one of them holds the lease."""

from __future__ import annotations

from datetime import datetime

from bot.storage.postgres.rows import Pool, numbered
from bot.storage.sender_lease import HOLD, NAME, RELEASE, hold_params, slot_params

_HOLD, _RELEASE = numbered(HOLD), numbered(RELEASE)


class PgSenderLease:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def hold(self, holder: str, *, now: datetime, until: datetime) -> bool:
        return await self._pool.fetchval(_HOLD, *hold_params(holder, now, until)) is not None

    async def release(self, holder: str) -> None:
        await self._pool.execute(_RELEASE, NAME, holder)


class PgRateSlots:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def take(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        return await self._pool.fetchval(_HOLD, *slot_params(name, holder, now, until)) is not None
