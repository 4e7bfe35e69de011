"""PgSeasonRepository: each student's application plan, letters ledger and interviews
(bot/storage/season.py on PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, datetime

from bot.core.letters import LetterRequest
from bot.core.season import Interview, Route, SeasonPlan
from bot.storage.postgres.rows import Pool, affected
from bot.storage.rows import to_db_day, to_db_time
from bot.storage.season import LETTER_COLUMNS, letter_row


class PgSeasonRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def plan(self, student_id: int) -> SeasonPlan | None:
        row = await self._pool.fetchrow(
            "SELECT cycle, route, graduation_year, specialties FROM season_plans "
            "WHERE student_id = $1",
            student_id,
        )
        if row is None:
            return None
        specialties = tuple(str(s) for s in json.loads(row[3]))
        return SeasonPlan(student_id, row[0], Route(row[1]), row[2], specialties)

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO season_plans (student_id, cycle, route, graduation_year, specialties, "
            "updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (student_id) DO UPDATE "
            "SET cycle = excluded.cycle, route = excluded.route, "
            "graduation_year = excluded.graduation_year, specialties = excluded.specialties, "
            "updated_at = excluded.updated_at",
            plan.student_id,
            plan.cycle,
            plan.route.value,
            plan.graduation_year,
            json.dumps(list(plan.specialties)),
            to_db_time(now),
        )

    async def letters(self, owner_id: int) -> list[LetterRequest]:
        rows = await self._pool.fetch(
            f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = $1 "
            "ORDER BY asked_on, id",
            owner_id,
        )
        return [letter_row(tuple(row)) for row in rows]

    async def letter(self, owner_id: int, letter_id: int) -> LetterRequest | None:
        row = await self._pool.fetchrow(
            f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = $1 AND id = $2",
            owner_id,
            letter_id,
        )
        return letter_row(tuple(row)) if row else None

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
        status = await self._pool.execute(
            "INSERT INTO letter_requests (owner_id, contact_id, stage, asked_on, deadline, "
            "programs, created_at, updated_at) SELECT $1, id, 'asked', $2, $3, $4, $5, $5 "
            "FROM contacts WHERE id = $6 AND owner_id = $1 "
            "ON CONFLICT (owner_id, contact_id) DO NOTHING",
            owner_id,
            to_db_day(asked_on),
            to_db_day(deadline),
            programs,
            stamp,
            contact_id,
        )
        created = affected(status) == 1
        if not created:
            await self._pool.execute(
                "UPDATE letter_requests SET deadline = $1, programs = $2, updated_at = $3 "
                "WHERE owner_id = $4 AND contact_id = $5",
                to_db_day(deadline),
                programs,
                stamp,
                owner_id,
                contact_id,
            )
        row = await self._pool.fetchrow(
            f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = $1 AND contact_id = $2",
            owner_id,
            contact_id,
        )
        if row is None:
            raise LookupError("no such contact for this owner")
        return letter_row(tuple(row)), created

    async def move_letter(
        self, owner_id: int, letter: LetterRequest, to: LetterRequest, *, now: datetime
    ) -> bool:
        status = await self._pool.execute(
            "UPDATE letter_requests SET stage = $1, submitted_on = $2, snoozed_until = $3, "
            "updated_at = $4 WHERE owner_id = $5 AND id = $6 AND stage = $7",
            to.stage.value,
            to_db_day(to.submitted_on),
            to_db_day(to.snoozed_until),
            to_db_time(now),
            owner_id,
            letter.id,
            letter.stage.value,
        )
        return affected(status) == 1

    async def snooze_letter(self, owner_id: int, letter_id: int, until: date) -> bool:
        status = await self._pool.execute(
            "UPDATE letter_requests SET snoozed_until = $1 WHERE owner_id = $2 AND id = $3",
            to_db_day(until),
            owner_id,
            letter_id,
        )
        return affected(status) == 1

    async def remove_letter(self, owner_id: int, letter_id: int) -> bool:
        status = await self._pool.execute(
            "DELETE FROM letter_requests WHERE owner_id = $1 AND id = $2", owner_id, letter_id
        )
        return affected(status) == 1

    async def put_interview(
        self, owner_id: int, event_id: int, program: str, *, no_contact: bool, now: datetime
    ) -> None:
        await self._pool.execute(
            "INSERT INTO interviews (event_id, owner_id, program, no_contact, created_at) "
            "SELECT id, owner_id, $1, $2, $3 FROM events WHERE id = $4 AND owner_id = $5 "
            "ON CONFLICT (event_id) DO UPDATE SET program = excluded.program, "
            "no_contact = excluded.no_contact",
            program,
            int(no_contact),
            to_db_time(now),
            event_id,
            owner_id,
        )

    async def interview(self, owner_id: int, event_id: int) -> Interview | None:
        row = await self._pool.fetchrow(
            "SELECT event_id, owner_id, program, no_contact FROM interviews "
            "WHERE owner_id = $1 AND event_id = $2",
            owner_id,
            event_id,
        )
        return Interview(row[0], row[1], row[2], bool(row[3])) if row else None
