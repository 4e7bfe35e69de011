"""SqliteSenderLease: which process of the bot sends proactive messages (core/delivery.py),
as one row of `sender_leases` (migration 0015) that every process shares; and SqliteRateSlots,
turns at an outside rate limit (the adapter's gateway identifies) as more rows of the same
table, named `slot:<name>`.

The statements are written once, with `?`, for both stores: PostgreSQL's lease
(bot/storage/postgres/sender_lease.py) numbers them.
"""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.storage.rows import to_db_time

NAME = "proactive"  # the one lease: digests, reminders, nudges and event DMs
SLOT_PREFIX = "slot:"  # a rate slot's row: never the sender lease's name
# Taken or renewed in one upsert: the row changes hands only when it is ours or has run out.
HOLD = """
INSERT INTO sender_leases (name, holder, expires_at) VALUES (?, ?, ?)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
 WHERE sender_leases.holder = excluded.holder OR sender_leases.expires_at <= ?
RETURNING holder
"""
RELEASE = "DELETE FROM sender_leases WHERE name = ? AND holder = ?"


def hold_params(holder: str, now: datetime, until: datetime) -> tuple[str, str, str, str]:
    return (NAME, holder, to_db_time(until), to_db_time(now))


class SqliteSenderLease:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def hold(self, holder: str, *, now: datetime, until: datetime) -> bool:
        async with self._db.execute(HOLD, hold_params(holder, now, until)) as cursor:
            return await cursor.fetchone() is not None

    async def release(self, holder: str) -> None:
        await self._db.execute(RELEASE, (NAME, holder))


def slot_params(name: str, holder: str, now: datetime, until: datetime) -> tuple[str, ...]:
    return (SLOT_PREFIX + name, holder, to_db_time(until), to_db_time(now))


class SqliteRateSlots:
    """The sender lease's upsert under another name: a holder names one attempt, so the row
    changes hands only once it is free or has run out."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def take(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        async with self._db.execute(HOLD, slot_params(name, holder, now, until)) as cursor:
            return await cursor.fetchone() is not None
