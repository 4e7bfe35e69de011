"""SqliteSeasonRepository: each student's application plan, letters-of-recommendation ledger and
interviews; the statements and row readers here serve the PostgreSQL twin too."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.core.letters import LetterRequest, LetterStage
from bot.core.season import Interview, PlannedStudent, Route, SeasonPlan
from bot.storage.rows import from_db_day, to_db_day, to_db_time

LETTER_COLUMNS = (
    "id, owner_id, contact_id, stage, asked_on, deadline, programs, submitted_on, snoozed_until, "
    "checked_on"
)


def letter_row(row: Sequence[Any]) -> LetterRequest:
    return LetterRequest(
        id=row[0],
        owner_id=row[1],
        contact_id=row[2],
        stage=LetterStage(row[3]),
        asked_on=date.fromisoformat(row[4]),
        deadline=from_db_day(row[5]),
        programs=row[6],
        submitted_on=from_db_day(row[7]),
        snoozed_until=from_db_day(row[8]),
        checked_on=from_db_day(row[9]),
    )


# The statements, written once with `?` placeholders: the PostgreSQL repository runs the same
# text through `postgres.rows.numbered` with the same parameters.
PLAN_COLUMNS = (
    "cycle, route, graduation_year, specialties, ask_done_on, ask_snoozed_until, student_id"
)
PLAN = f"SELECT {PLAN_COLUMNS} FROM season_plans WHERE student_id = ?"
# The reminder to ask writers belongs to a cycle: a plan moved to another cycle starts afresh.
SET_PLAN = (
    "INSERT INTO season_plans (student_id, cycle, route, graduation_year, specialties, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (student_id) DO UPDATE SET "
    "ask_done_on = CASE WHEN season_plans.cycle = excluded.cycle "
    "THEN season_plans.ask_done_on END, "
    "ask_snoozed_until = CASE WHEN season_plans.cycle = excluded.cycle "
    "THEN season_plans.ask_snoozed_until END, "
    "cycle = excluded.cycle, route = excluded.route, "
    "graduation_year = excluded.graduation_year, specialties = excluded.specialties, "
    "updated_at = excluded.updated_at"
)
SET_ASK = (
    "UPDATE season_plans SET ask_done_on = ?, ask_snoozed_until = ? "
    "WHERE student_id = ? AND cycle = ?"
)
OPEN_STAGES = "('asked', 'agreed', 'submitted', 'thanked')"  # may still owe a reminder
# The delivery tick's scan: students with reminder DMs on, not paused and reachable (as for
# every other reminder) who plan through ERAS/NRMP or have a letter still open (a deadline of
# their own schedules its check without a plan), a page at a time by student id.
PLANNED = (
    "SELECT p.cycle, p.route, p.graduation_year, p.specialties, p.ask_done_on, "
    "p.ask_snoozed_until, s.student_id, s.digest_hour, "
    "COALESCE(NULLIF(st.timezone, ''), NULLIF(g.timezone, '')) FROM reminder_settings s "
    "JOIN students st ON st.id = s.student_id "
    "LEFT JOIN guild_settings g ON g.guild_id = st.guild_id "
    "LEFT JOIN season_plans p ON p.student_id = s.student_id "
    "WHERE s.student_id > ? AND s.enabled = 1 AND s.paused = 0 "
    "AND st.unreachable_since IS NULL AND (p.route = 'eras_nrmp' OR EXISTS "
    "(SELECT 1 FROM letter_requests l WHERE l.owner_id = s.student_id "
    f"AND l.stage IN {OPEN_STAGES})) ORDER BY s.student_id LIMIT ?"
)
CHECK_LETTER = (
    "UPDATE letter_requests SET checked_on = ?, snoozed_until = NULL WHERE owner_id = ? AND id = ?"
)
LETTERS = f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ? ORDER BY asked_on, id"
LETTER = f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ? AND id = ?"
LETTER_OF = f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ? AND contact_id = ?"
# The contact must be the owner's: the join makes another student's id a no-op.
ADD_LETTER = (
    "INSERT INTO letter_requests (owner_id, contact_id, stage, asked_on, deadline, programs, "
    "created_at, updated_at) SELECT ?, id, ?, ?, ?, ?, ?, ? FROM contacts "
    "WHERE id = ? AND owner_id = ? ON CONFLICT (owner_id, contact_id) DO NOTHING"
)
UPDATE_LETTER = (
    "UPDATE letter_requests SET deadline = ?, programs = ?, updated_at = ? "
    "WHERE owner_id = ? AND contact_id = ?"
)
MOVE_LETTER = (
    "UPDATE letter_requests SET stage = ?, submitted_on = ?, snoozed_until = ?, updated_at = ? "
    "WHERE owner_id = ? AND id = ? AND stage = ?"
)
SNOOZE_LETTER = "UPDATE letter_requests SET snoozed_until = ? WHERE owner_id = ? AND id = ?"
REMOVE_LETTER = "DELETE FROM letter_requests WHERE owner_id = ? AND id = ?"
# Only onto the owner's own event: another student's event id inserts nothing.
PUT_INTERVIEW = (
    "INSERT INTO interviews (event_id, owner_id, program, no_contact, created_at) "
    "SELECT id, owner_id, ?, ?, ? FROM events WHERE id = ? AND owner_id = ? "
    "ON CONFLICT (event_id) DO UPDATE SET program = excluded.program, "
    "no_contact = excluded.no_contact"
)
INTERVIEW = (
    "SELECT event_id, owner_id, program, no_contact FROM interviews "
    "WHERE owner_id = ? AND event_id = ?"
)


def plan_row(row: Sequence[Any]) -> SeasonPlan:
    """A plan from PLAN_COLUMNS (the student id last)."""
    specialties = tuple(str(s) for s in json.loads(row[3]))
    return SeasonPlan(
        row[6],
        row[0],
        Route(row[1]),
        row[2],
        specialties,
        ask_done_on=from_db_day(row[4]),
        ask_snoozed_until=from_db_day(row[5]),
    )


def planned_row(row: Sequence[Any]) -> PlannedStudent:
    plan = plan_row(row) if row[0] is not None else None
    return PlannedStudent(row[6], int(row[7]), plan, row[8])


def open_letters_sql(count: int) -> str:
    """The open letters of `count` owners (SQLite: one `?` per owner)."""
    marks = ", ".join("?" * count)
    return (
        f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id IN ({marks}) "
        f"AND stage IN {OPEN_STAGES} ORDER BY owner_id, id"
    )


def plan_params(plan: SeasonPlan, now: datetime) -> tuple[Any, ...]:
    return (
        plan.student_id,
        plan.cycle,
        plan.route.value,
        plan.graduation_year,
        json.dumps(list(plan.specialties)),
        to_db_time(now),
    )


def add_letter_params(
    owner_id: int,
    contact_id: int,
    asked_on: date,
    deadline: date | None,
    programs: str | None,
    stamp: str,
) -> tuple[Any, ...]:
    return (
        owner_id,
        LetterStage.ASKED.value,
        to_db_day(asked_on),
        to_db_day(deadline),
        programs,
        stamp,
        stamp,
        contact_id,
        owner_id,
    )


def move_params(
    owner_id: int, letter: LetterRequest, to: LetterRequest, now: datetime
) -> tuple[Any, ...]:
    return (
        to.stage.value,
        to_db_day(to.submitted_on),
        to_db_day(to.snoozed_until),
        to_db_time(now),
        owner_id,
        letter.id,
        letter.stage.value,
    )


def interview_row(row: Sequence[Any]) -> Interview:
    return Interview(row[0], row[1], row[2], bool(row[3]))


class SqliteSeasonRepository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def _one(self, sql: str, params: tuple[Any, ...]) -> Sequence[Any] | None:
        async with self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return None if row is None else tuple(row)

    async def plan(self, student_id: int) -> SeasonPlan | None:
        row = await self._one(PLAN, (student_id,))
        return None if row is None else plan_row(row)

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None:
        await self._db.execute(SET_PLAN, plan_params(plan, now))

    async def letters(self, owner_id: int) -> list[LetterRequest]:
        async with self._db.execute(LETTERS, (owner_id,)) as cursor:
            return [letter_row(row) for row in await cursor.fetchall()]

    async def letter(self, owner_id: int, letter_id: int) -> LetterRequest | None:
        row = await self._one(LETTER, (owner_id, letter_id))
        return None if row is None else letter_row(row)

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
        cursor = await self._db.execute(
            ADD_LETTER, add_letter_params(owner_id, contact_id, asked_on, deadline, programs, stamp)
        )
        created = cursor.rowcount == 1
        if not created:
            await self._db.execute(
                UPDATE_LETTER, (to_db_day(deadline), programs, stamp, owner_id, contact_id)
            )
        row = await self._one(LETTER_OF, (owner_id, contact_id))
        if row is None:
            raise LookupError("no such contact for this owner")
        return letter_row(row), created

    async def move_letter(
        self, owner_id: int, letter: LetterRequest, to: LetterRequest, *, now: datetime
    ) -> bool:
        cursor = await self._db.execute(MOVE_LETTER, move_params(owner_id, letter, to, now))
        return cursor.rowcount == 1

    async def snooze_letter(self, owner_id: int, letter_id: int, until: date) -> bool:
        cursor = await self._db.execute(SNOOZE_LETTER, (to_db_day(until), owner_id, letter_id))
        return cursor.rowcount == 1

    async def remove_letter(self, owner_id: int, letter_id: int) -> bool:
        cursor = await self._db.execute(REMOVE_LETTER, (owner_id, letter_id))
        return cursor.rowcount == 1

    async def check_letter(self, owner_id: int, letter_id: int, on: date) -> bool:
        cursor = await self._db.execute(CHECK_LETTER, (to_db_day(on), owner_id, letter_id))
        return cursor.rowcount == 1

    async def set_ask(
        self, student_id: int, cycle: str, *, done_on: date | None, snoozed_until: date | None
    ) -> bool:
        cursor = await self._db.execute(
            SET_ASK, (to_db_day(done_on), to_db_day(snoozed_until), student_id, cycle)
        )
        return cursor.rowcount == 1

    async def planned(self, *, after: int, limit: int) -> list[PlannedStudent]:
        async with self._db.execute(PLANNED, (after, limit)) as cursor:
            return [planned_row(row) for row in await cursor.fetchall()]

    async def open_letters(self, owner_ids: Sequence[int]) -> list[LetterRequest]:
        found: list[LetterRequest] = []
        # SQLite caps the parameters of one statement (32,766 since 3.32; 999 before).
        for start in range(0, len(owner_ids), 500):
            chunk = list(owner_ids[start : start + 500])
            async with self._db.execute(open_letters_sql(len(chunk)), chunk) as cursor:
                found.extend(letter_row(row) for row in await cursor.fetchall())
        return found

    async def put_interview(
        self, owner_id: int, event_id: int, program: str, *, no_contact: bool, now: datetime
    ) -> None:
        await self._db.execute(
            PUT_INTERVIEW, (program, int(no_contact), to_db_time(now), event_id, owner_id)
        )

    async def interview(self, owner_id: int, event_id: int) -> Interview | None:
        row = await self._one(INTERVIEW, (owner_id, event_id))
        return None if row is None else interview_row(row)
