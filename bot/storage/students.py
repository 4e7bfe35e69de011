"""SqliteStudentRepository: one row per Discord user who has used the bot.

It also keeps each student's DM channel for the Discord adapter (its `DmChannelBook`): the
core never sees channels, but the column lives with the student so that a privacy deletion
takes it along."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.core.models import Student
from bot.storage.rows import from_db_time, to_db_time


class SqliteStudentRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _read(self, student_id: int) -> Student | None:
        async with self._db.execute(
            "SELECT id, timezone, welcomed_at, created_at, unreachable_since, guild_id "
            "FROM students WHERE id = ?",
            (student_id,),
        ) as rows:
            row = await rows.fetchone()
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
        # Read first: every interaction asks several times for a student who nearly always
        # exists, and the INSERT would take the write lock each time only to do nothing.
        found = await self._read(student_id)
        if found is not None:
            return found, False
        cursor = await self._db.execute(
            "INSERT INTO students (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            (student_id, to_db_time(now)),
        )
        student = await self._read(student_id)
        assert student is not None
        return student, cursor.rowcount == 1

    async def mark_welcomed(self, student_id: int) -> bool:
        cursor = await self._db.execute(
            "UPDATE students SET welcomed_at = created_at WHERE id = ? AND welcomed_at IS NULL",
            (student_id,),
        )
        return cursor.rowcount == 1

    async def set_timezone(self, student_id: int, timezone: str | None) -> None:
        await self._db.execute(
            "UPDATE students SET timezone = ? WHERE id = ?", (timezone, student_id)
        )

    async def dm_channel(self, student_id: int) -> int | None:
        async with self._db.execute(
            "SELECT dm_channel_id FROM students WHERE id = ?", (student_id,)
        ) as rows:
            row = await rows.fetchone()
        return None if row is None else row[0]

    async def set_dm_channel(self, student_id: int, channel_id: int | None) -> None:
        await self._db.execute(
            "UPDATE students SET dm_channel_id = ? WHERE id = ?", (channel_id, student_id)
        )

    async def set_unreachable(self, student_id: int, since: datetime | None) -> None:
        await self._db.execute(
            "UPDATE students SET unreachable_since = ? WHERE id = ?",
            (to_db_time(since) if since else None, student_id),
        )

    async def set_guild(self, student_id: int, guild_id: int) -> None:
        # Written only when it changes: this runs on every interaction in a server.
        await self._db.execute(
            "UPDATE students SET guild_id = ? WHERE id = ? AND guild_id IS NOT ?",
            (guild_id, student_id, guild_id),
        )
