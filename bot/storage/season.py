"""SqliteSeasonRepository: each student's application plan and letters-of-recommendation ledger."""

from __future__ import annotations

import json
from datetime import date, datetime

import aiosqlite

from bot.core.letters import LetterRequest, LetterStage
from bot.core.season import Interview, Route, SeasonPlan
from bot.storage.rows import from_db_day, to_db_day, to_db_time

LETTER_COLUMNS = (
    "id, owner_id, contact_id, stage, asked_on, deadline, programs, submitted_on, snoozed_until"
)


def letter_row(row: aiosqlite.Row | tuple[object, ...]) -> LetterRequest:
    asked_on = from_db_day(str(row[4]))
    assert asked_on is not None
    return LetterRequest(
        id=int(str(row[0])),
        owner_id=int(str(row[1])),
        contact_id=int(str(row[2])),
        stage=LetterStage(str(row[3])),
        asked_on=asked_on,
        deadline=from_db_day(row[5] if isinstance(row[5], str) else None),
        programs=row[6] if isinstance(row[6], str) else None,
        submitted_on=from_db_day(row[7] if isinstance(row[7], str) else None),
        snoozed_until=from_db_day(row[8] if isinstance(row[8], str) else None),
    )


class SqliteSeasonRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def plan(self, student_id: int) -> SeasonPlan | None:
        async with self._db.execute(
            "SELECT cycle, route, graduation_year, specialties FROM season_plans "
            "WHERE student_id = ?",
            (student_id,),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        specialties = tuple(str(s) for s in json.loads(row[3]))
        return SeasonPlan(student_id, row[0], Route(row[1]), row[2], specialties)

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO season_plans (student_id, cycle, route, graduation_year, specialties, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student_id) DO UPDATE SET "
            "cycle = excluded.cycle, route = excluded.route, "
            "graduation_year = excluded.graduation_year, specialties = excluded.specialties, "
            "updated_at = excluded.updated_at",
            (
                plan.student_id,
                plan.cycle,
                plan.route.value,
                plan.graduation_year,
                json.dumps(list(plan.specialties)),
                to_db_time(now),
            ),
        )

    async def letters(self, owner_id: int) -> list[LetterRequest]:
        async with self._db.execute(
            f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ? "
            "ORDER BY asked_on, id",
            (owner_id,),
        ) as cursor:
            return [letter_row(row) for row in await cursor.fetchall()]

    async def letter(self, owner_id: int, letter_id: int) -> LetterRequest | None:
        async with self._db.execute(
            f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ? AND id = ?",
            (owner_id, letter_id),
        ) as cursor:
            row = await cursor.fetchone()
        return letter_row(row) if row else None

    async def put_letter(
        self,
        owner_id: int,
        contact_id: int,
        *,
        asked_on: date,
        deadline: date | None,
        programs: str | None,
        now: datetime,
    ) -> tuple[LetterRequest, bool]:
        stamp = to_db_time(now)
        # The contact must be the owner's: the join makes another student's id a no-op.
        cursor = await self._db.execute(
            "INSERT INTO letter_requests (owner_id, contact_id, stage, asked_on, deadline, "
            "programs, created_at, updated_at) SELECT ?, id, ?, ?, ?, ?, ?, ? FROM contacts "
            "WHERE id = ? AND owner_id = ? ON CONFLICT (owner_id, contact_id) DO NOTHING",
            (
                owner_id,
                LetterStage.ASKED.value,
                to_db_day(asked_on),
                to_db_day(deadline),
                programs,
                stamp,
                stamp,
                contact_id,
                owner_id,
            ),
        )
        created = cursor.rowcount == 1
        if not created:
            await self._db.execute(
                "UPDATE letter_requests SET deadline = ?, programs = ?, updated_at = ? "
                "WHERE owner_id = ? AND contact_id = ?",
                (to_db_day(deadline), programs, stamp, owner_id, contact_id),
            )
        async with self._db.execute(
            f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ? AND contact_id = ?",
            (owner_id, contact_id),
        ) as found:
            row = await found.fetchone()
        if row is None:
            raise LookupError("no such contact for this owner")
        return letter_row(row), created

    async def move_letter(
        self, owner_id: int, letter: LetterRequest, to: LetterRequest, *, now: datetime
    ) -> bool:
        cursor = await self._db.execute(
            "UPDATE letter_requests SET stage = ?, submitted_on = ?, snoozed_until = ?, "
            "updated_at = ? WHERE owner_id = ? AND id = ? AND stage = ?",
            (
                to.stage.value,
                to_db_day(to.submitted_on),
                to_db_day(to.snoozed_until),
                to_db_time(now),
                owner_id,
                letter.id,
                letter.stage.value,
            ),
        )
        return cursor.rowcount == 1

    async def snooze_letter(self, owner_id: int, letter_id: int, until: date) -> bool:
        cursor = await self._db.execute(
            "UPDATE letter_requests SET snoozed_until = ? WHERE owner_id = ? AND id = ?",
            (to_db_day(until), owner_id, letter_id),
        )
        return cursor.rowcount == 1

    async def remove_letter(self, owner_id: int, letter_id: int) -> bool:
        cursor = await self._db.execute(
            "DELETE FROM letter_requests WHERE owner_id = ? AND id = ?", (owner_id, letter_id)
        )
        return cursor.rowcount == 1

    async def put_interview(
        self, owner_id: int, event_id: int, program: str, *, no_contact: bool, now: datetime
    ) -> None:
        # Only onto the owner's own event: another student's event id inserts nothing.
        await self._db.execute(
            "INSERT INTO interviews (event_id, owner_id, program, no_contact, created_at) "
            "SELECT id, owner_id, ?, ?, ? FROM events WHERE id = ? AND owner_id = ? "
            "ON CONFLICT (event_id) DO UPDATE SET program = excluded.program, "
            "no_contact = excluded.no_contact",
            (program, int(no_contact), to_db_time(now), event_id, owner_id),
        )

    async def interview(self, owner_id: int, event_id: int) -> Interview | None:
        async with self._db.execute(
            "SELECT event_id, owner_id, program, no_contact FROM interviews "
            "WHERE owner_id = ? AND event_id = ?",
            (owner_id, event_id),
        ) as cursor:
            row = await cursor.fetchone()
        return Interview(row[0], row[1], row[2], bool(row[3])) if row else None
