"""PgCoachRepository: each student's weekly goal and the last tip they were shown
(bot/storage/coaching.py on PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from bot.core.progress import WeeklyGoal
from bot.storage.postgres.rows import Pool
from bot.storage.rows import to_db_time


class PgCoachRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def goal(self, student_id: int) -> WeeklyGoal | None:
        row = await self._pool.fetchrow(
            "SELECT goal_contacts, goal_follow_ups, goal_check_ins FROM coach_state "
            "WHERE student_id = $1 AND goal_contacts IS NOT NULL",
            student_id,
        )
        return WeeklyGoal(*row) if row else None

    async def set_goal(self, student_id: int, goal: WeeklyGoal, *, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO coach_state (student_id, goal_contacts, goal_follow_ups, "
            "goal_check_ins, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (student_id) "
            "DO UPDATE SET goal_contacts = excluded.goal_contacts, "
            "goal_follow_ups = excluded.goal_follow_ups, goal_check_ins = excluded.goal_check_ins, "
            "updated_at = excluded.updated_at",
            student_id,
            goal.new_contacts,
            goal.follow_ups,
            goal.check_ins,
            to_db_time(now),
        )

    async def last_tip(self, student_id: int) -> str | None:
        tip: str | None = await self._pool.fetchval(
            "SELECT last_tip FROM coach_state WHERE student_id = $1", student_id
        )
        return tip

    async def set_last_tip(self, student_id: int, tip_key: str, *, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO coach_state (student_id, last_tip, updated_at) VALUES ($1, $2, $3) "
            "ON CONFLICT (student_id) DO UPDATE SET last_tip = excluded.last_tip, "
            "updated_at = excluded.updated_at",
            student_id,
            tip_key,
            to_db_time(now),
        )
