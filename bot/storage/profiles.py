"""SqliteProfileRepository: each student's own details for drafts."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.core.models import Profile
from bot.storage.rows import to_db_time

_COLUMNS = (
    "name",
    "school",
    "stage",
    "interests",
    "pitch",
    "signoff",
    "contact_line",
    "follow_up_delay_days",
    "english",
)


class SqliteProfileRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def get(self, student_id: int) -> Profile | None:
        async with self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM profiles WHERE student_id = ?", (student_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return Profile(*row) if row else None

    async def save(self, student_id: int, profile: Profile, *, now: datetime) -> Profile:
        values = [getattr(profile, column) for column in _COLUMNS]
        updates = ", ".join(f"{column} = excluded.{column}" for column in _COLUMNS)
        await self._db.execute(
            f"INSERT INTO profiles (student_id, {', '.join(_COLUMNS)}, updated_at) "
            f"VALUES (?, {', '.join('?' for _ in _COLUMNS)}, ?) "
            f"ON CONFLICT (student_id) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
            (student_id, *values, to_db_time(now)),
        )
        return profile
