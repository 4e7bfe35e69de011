"""Students: the first-interaction welcome and the timezone their dates are read in."""

from __future__ import annotations

from bot.core.models import Student
from bot.core.ports import Clock, StudentRepository

FALLBACK_TIMEZONE = "UTC"


class StudentService:
    def __init__(self, students: StudentRepository, clock: Clock) -> None:
        self._students = students
        self._clock = clock

    async def get(self, student_id: int) -> Student:
        student, _ = await self._students.get_or_create(student_id, now=self._clock.now())
        return student

    async def claim_welcome(self, student_id: int) -> bool:
        """True exactly once per student: the first time they finish an interaction."""
        await self.get(student_id)
        return await self._students.mark_welcomed(student_id)

    async def timezone_for(self, student_id: int) -> str:
        student = await self.get(student_id)
        return student.timezone or FALLBACK_TIMEZONE
