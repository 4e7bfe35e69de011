"""PgSeasonRepository: each student's application plan, letters ledger and interviews
(bot/storage/season.py on PostgreSQL, with the same statements and row readers)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.core.letters import LetterRequest
from bot.core.season import Interview, PlannedStudent, SeasonPlan
from bot.storage.postgres.rows import Pool, affected, numbered
from bot.storage.rows import to_db_day, to_db_time
from bot.storage.season import (
    ADD_LETTER,
    CHECK_LETTER,
    INTERVIEW,
    LETTER,
    LETTER_COLUMNS,
    LETTER_OF,
    LETTERS,
    MOVE_LETTER,
    OPEN_STAGES,
    PLAN,
    PLANNED,
    PUT_INTERVIEW,
    REMOVE_LETTER,
    SET_ASK,
    SET_PLAN,
    SNOOZE_LETTER,
    UPDATE_LETTER,
    add_letter_params,
    interview_row,
    letter_row,
    move_params,
    plan_params,
    plan_row,
    planned_row,
)

OPEN_LETTERS = (
    f"SELECT {LETTER_COLUMNS} FROM letter_requests WHERE owner_id = ANY($1::bigint[]) "
    f"AND stage IN {OPEN_STAGES} ORDER BY owner_id, id"
)


class PgSeasonRepository:
    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    async def plan(self, student_id: int) -> SeasonPlan | None:
        row = await self._pool.fetchrow(numbered(PLAN), student_id)
        return None if row is None else plan_row(tuple(row))

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None:
        await self._pool.execute(numbered(SET_PLAN), *plan_params(plan, now))

    async def letters(self, owner_id: int) -> list[LetterRequest]:
        rows = await self._pool.fetch(numbered(LETTERS), owner_id)
        return [letter_row(tuple(row)) for row in rows]

    async def letter(self, owner_id: int, letter_id: int) -> LetterRequest | None:
        row = await self._pool.fetchrow(numbered(LETTER), owner_id, letter_id)
        return None if row is None else letter_row(tuple(row))

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
            numbered(ADD_LETTER),
            *add_letter_params(owner_id, contact_id, asked_on, deadline, programs, stamp),
        )
        created = affected(status) == 1
        if not created:
            await self._pool.execute(
                numbered(UPDATE_LETTER), to_db_day(deadline), programs, stamp, owner_id, contact_id
            )
        row = await self._pool.fetchrow(numbered(LETTER_OF), owner_id, contact_id)
        if row is None:
            raise LookupError("no such contact for this owner")
        return letter_row(tuple(row)), created

    async def move_letter(
        self, owner_id: int, letter: LetterRequest, to: LetterRequest, *, now: datetime
    ) -> bool:
        status = await self._pool.execute(
            numbered(MOVE_LETTER), *move_params(owner_id, letter, to, now)
        )
        return affected(status) == 1

    async def snooze_letter(self, owner_id: int, letter_id: int, until: date) -> bool:
        status = await self._pool.execute(
            numbered(SNOOZE_LETTER), to_db_day(until), owner_id, letter_id
        )
        return affected(status) == 1

    async def remove_letter(self, owner_id: int, letter_id: int) -> bool:
        status = await self._pool.execute(numbered(REMOVE_LETTER), owner_id, letter_id)
        return affected(status) == 1

    async def check_letter(self, owner_id: int, letter_id: int, on: date) -> bool:
        status = await self._pool.execute(
            numbered(CHECK_LETTER), to_db_day(on), owner_id, letter_id
        )
        return affected(status) == 1

    async def set_ask(
        self, student_id: int, cycle: str, *, done_on: date | None, snoozed_until: date | None
    ) -> bool:
        status = await self._pool.execute(
            numbered(SET_ASK), to_db_day(done_on), to_db_day(snoozed_until), student_id, cycle
        )
        return affected(status) == 1

    async def planned(self, *, after: int, limit: int) -> list[PlannedStudent]:
        rows = await self._pool.fetch(numbered(PLANNED), after, limit)
        return [planned_row(tuple(row)) for row in rows]

    async def open_letters(self, owner_ids: Sequence[int]) -> list[LetterRequest]:
        rows = await self._pool.fetch(OPEN_LETTERS, list(owner_ids))
        return [letter_row(tuple(row)) for row in rows]

    async def put_interview(
        self, owner_id: int, event_id: int, program: str, *, no_contact: bool, now: datetime
    ) -> None:
        await self._pool.execute(
            numbered(PUT_INTERVIEW), program, int(no_contact), to_db_time(now), event_id, owner_id
        )

    async def interview(self, owner_id: int, event_id: int) -> Interview | None:
        row = await self._pool.fetchrow(numbered(INTERVIEW), owner_id, event_id)
        return None if row is None else interview_row(tuple(row))
