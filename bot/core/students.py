"""Students: the first-interaction welcome and the timezone their dates are read in."""

from __future__ import annotations

from bot.core.models import Student
from bot.core.ports import Clock, GuildTimezones, StudentRepository

FALLBACK_TIMEZONE = "UTC"


class StudentService:
    def __init__(
        self, students: StudentRepository, clock: Clock, guilds: GuildTimezones | None = None
    ) -> None:
        self._students = students
        self._clock = clock
        self._guilds = guilds

    async def get(self, student_id: int) -> Student:
        student, _ = await self._students.get_or_create(student_id, now=self._clock.now())
        return student

    async def claim_welcome(self, student_id: int) -> bool:
        """True exactly once per student: the first time they finish an interaction."""
        await self.get(student_id)
        return await self._students.mark_welcomed(student_id)

    async def timezone_for(self, student_id: int) -> str:
        """The student's own timezone, else their server's default, else UTC."""
        student = await self.get(student_id)
        if student.timezone:
            return student.timezone
        if student.guild_id and self._guilds is not None:
            guild_zone = await self._guilds.guild_timezone(student.guild_id)
            if guild_zone:
                return guild_zone
        return FALLBACK_TIMEZONE

    async def seen_in_guild(self, student_id: int, guild_id: int) -> None:
        """Remember where the student uses the bot, for that server's default timezone."""
        await self.get(student_id)
        await self._students.set_guild(student_id, guild_id)
