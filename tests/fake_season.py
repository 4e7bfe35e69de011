"""InMemorySeasonRepository: the season port's hand-written fake, for the service's unit tests."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime

from bot.core.letters import LetterRequest, LetterStage
from bot.core.season import Interview, SeasonPlan
from tests.fakes import InMemoryContactRepository, InMemoryEventRepository


class InMemorySeasonRepository:
    def __init__(
        self,
        contacts: InMemoryContactRepository,
        events: InMemoryEventRepository | None = None,
    ) -> None:
        self._contacts = contacts
        self._events = events
        self.interviews: dict[int, Interview] = {}
        self.plans: dict[int, SeasonPlan] = {}
        self.rows: dict[int, LetterRequest] = {}
        self._ids = itertools.count(1)

    async def plan(self, student_id: int) -> SeasonPlan | None:
        return self.plans.get(student_id)

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None:
        self.plans[plan.student_id] = plan

    async def letters(self, owner_id: int) -> list[LetterRequest]:
        mine = [r for r in self.rows.values() if r.owner_id == owner_id]
        return sorted(mine, key=lambda r: (r.asked_on, r.id))

    async def letter(self, owner_id: int, letter_id: int) -> LetterRequest | None:
        row = self.rows.get(letter_id)
        return row if row is not None and row.owner_id == owner_id else None

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
        if await self._contacts.get(owner_id, contact_id) is None:
            raise LookupError("no such contact for this owner")
        for row in self.rows.values():
            if row.owner_id == owner_id and row.contact_id == contact_id:
                updated = replace(row, deadline=deadline, programs=programs)
                self.rows[row.id] = updated
                return updated, False
        letter_id = next(self._ids)
        row = LetterRequest(
            letter_id, owner_id, contact_id, LetterStage.ASKED, asked_on, deadline, programs
        )
        self.rows[letter_id] = row
        return row, True

    async def move_letter(
        self, owner_id: int, letter: LetterRequest, to: LetterRequest, *, now: datetime
    ) -> bool:
        row = await self.letter(owner_id, letter.id)
        if row is None or row.stage != letter.stage:
            return False
        self.rows[letter.id] = replace(
            row, stage=to.stage, submitted_on=to.submitted_on, snoozed_until=to.snoozed_until
        )
        return True

    async def snooze_letter(self, owner_id: int, letter_id: int, until: date) -> bool:
        row = await self.letter(owner_id, letter_id)
        if row is None:
            return False
        self.rows[letter_id] = replace(row, snoozed_until=until)
        return True

    async def remove_letter(self, owner_id: int, letter_id: int) -> bool:
        if await self.letter(owner_id, letter_id) is None:
            return False
        del self.rows[letter_id]
        return True

    async def put_interview(
        self, owner_id: int, event_id: int, program: str, *, no_contact: bool, now: datetime
    ) -> None:
        if self._events is None or await self._events.get(owner_id, event_id) is None:
            return  # only onto the owner's own event, as the SQLite store does
        self.interviews[event_id] = Interview(event_id, owner_id, program, no_contact)

    async def interview(self, owner_id: int, event_id: int) -> Interview | None:
        found = self.interviews.get(event_id)
        return found if found is not None and found.owner_id == owner_id else None
