"""PgStudentRepository: one row per Discord user who has used the bot (bot/storage/students.py
on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from bot.core.models import Student
from bot.storage.postgres.rows import Pool, affected
from bot.storage.rows import from_db_time, to_db_time

_STUDENT = (
    "SELECT id, timezone, welcomed_at, created_at, unreachable_since, guild_id "
    "FROM students WHERE id = $1"
)


class PgStudentRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def _read(self, student_id: int) -> Student | None:
        row = await self._pool.fetchrow(_STUDENT, student_id)
        if row is None:
            return None
        return Student(
            id=row[0],
            timezone=row[1],
            welcomed=row[2] is not None,
            created_at=from_db_time(row[3]),
            unreachable_since=from_db_time(row[4]) if row[4] else None,
            guild_id=row[5],
        )

    async def get_or_create(self, student_id: int, *, now: datetime) -> tuple[Student, bool]:
        # Read first, as on SQLite: the student nearly always exists.
        found = await self._read(student_id)
        if found is not None:
            return found, False
        status = await self._pool.execute(
            "INSERT INTO students (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
            student_id,
            to_db_time(now),
        )
        student = await self._read(student_id)
        assert student is not None
        return student, affected(status) == 1

    async def mark_welcomed(self, student_id: int) -> bool:
        status = await self._pool.execute(
            "UPDATE students SET welcomed_at = created_at WHERE id = $1 AND welcomed_at IS NULL",
            student_id,
        )
        return affected(status) == 1

    async def set_timezone(self, student_id: int, timezone: str | None) -> None:
        await self._pool.execute(
            "UPDATE students SET timezone = $1 WHERE id = $2", timezone, student_id
        )

    async def dm_channel(self, student_id: int) -> int | None:
        """The Discord adapter's DmChannelBook: the student's DM channel, if one is known."""
        value: int | None = await self._pool.fetchval(
            "SELECT dm_channel_id FROM students WHERE id = $1", student_id
        )
        return value

    async def set_dm_channel(self, student_id: int, channel_id: int | None) -> None:
        await self._pool.execute(
            "UPDATE students SET dm_channel_id = $1 WHERE id = $2", channel_id, student_id
        )

    async def set_unreachable(self, student_id: int, since: datetime | None) -> None:
        await self._pool.execute(
            "UPDATE students SET unreachable_since = $1 WHERE id = $2",
            to_db_time(since) if since else None,
            student_id,
        )

    async def set_guild(self, student_id: int, guild_id: int) -> None:
        # Written only when it changes: this runs on every interaction in a server.
        await self._pool.execute(
            "UPDATE students SET guild_id = $1 WHERE id = $2 AND guild_id IS DISTINCT FROM $1",
            guild_id,
            student_id,
        )
