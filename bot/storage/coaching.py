"""SqliteCoachRepository: each student's weekly goal and the last tip they were shown."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.core.progress import WeeklyGoal
from bot.storage.rows import to_db_time


class SqliteCoachRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def goal(self, student_id: int) -> WeeklyGoal | None:
        async with self._db.execute(
            "SELECT goal_contacts, goal_follow_ups, goal_check_ins FROM coach_state "
            "WHERE student_id = ? AND goal_contacts IS NOT NULL",
            (student_id,),
        ) as cursor:
            row = await cursor.fetchone()
        return WeeklyGoal(*row) if row else None

    async def set_goal(self, student_id: int, goal: WeeklyGoal, *, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO coach_state (student_id, goal_contacts, goal_follow_ups, "
            "goal_check_ins, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (student_id) DO "
            "UPDATE SET goal_contacts = excluded.goal_contacts, "
            "goal_follow_ups = excluded.goal_follow_ups, goal_check_ins = excluded.goal_check_ins, "
            "updated_at = excluded.updated_at",
            (student_id, goal.new_contacts, goal.follow_ups, goal.check_ins, to_db_time(now)),
        )

    async def last_tip(self, student_id: int) -> str | None:
        async with self._db.execute(
            "SELECT last_tip FROM coach_state WHERE student_id = ?", (student_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return row[0] if row else None

    async def set_last_tip(self, student_id: int, tip_key: str, *, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO coach_state (student_id, last_tip, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (student_id) DO UPDATE SET last_tip = excluded.last_tip, "
            "updated_at = excluded.updated_at",
            (student_id, tip_key, to_db_time(now)),
        )
