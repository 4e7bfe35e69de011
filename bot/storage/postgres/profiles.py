"""PgProfileRepository: each student's own details for drafts (bot/storage/profiles.py on
PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from bot.core.models import Profile
from bot.storage.postgres.database import Conn
from bot.storage.postgres.rows import Pool
from bot.storage.profiles import _COLUMNS
from bot.storage.rows import to_db_time

_MARKS = ", ".join(f"${i}" for i in range(2, len(_COLUMNS) + 2))
_UPSERT = (
    f"INSERT INTO profiles (student_id, {', '.join(_COLUMNS)}, updated_at) "
    f"VALUES ($1, {_MARKS}, ${len(_COLUMNS) + 2}) ON CONFLICT (student_id) DO UPDATE SET "
    + ", ".join(f"{column} = excluded.{column}" for column in _COLUMNS)
    + ", updated_at = excluded.updated_at"
)


async def save_profile(db: Pool | Conn, student_id: int, profile: Profile, now: datetime) -> None:
    """The profile's upsert, on the pool or on a transaction's connection (a restore)."""
    values = [getattr(profile, column) for column in _COLUMNS]
    await db.execute(_UPSERT, student_id, *values, to_db_time(now))


class PgProfileRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def get(self, student_id: int) -> Profile | None:
        row = await self._pool.fetchrow(
            f"SELECT {', '.join(_COLUMNS)} FROM profiles WHERE student_id = $1", student_id
        )
        return Profile(*row) if row else None

    async def save(self, student_id: int, profile: Profile, *, now: datetime) -> Profile:
        await save_profile(self._pool, student_id, profile, now)
        return profile
