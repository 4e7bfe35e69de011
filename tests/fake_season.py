"""InMemorySeasonRepository: the season port's hand-written fake, for the service's unit tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from bot.core.letters import LetterRequest, LetterStage
from bot.core.season import Interview, PlannedStudent, Route, SeasonPlan
from tests.fakes import (
    InMemoryContactRepository,
    InMemoryEventRepository,
    InMemoryReminderRepository,
)

_OPEN = {LetterStage.ASKED, LetterStage.AGREED, LetterStage.SUBMITTED, LetterStage.THANKED}


class InMemorySeasonRepository:
    """Reads the reminder fake it may be given (the delivery tick's scan joins the reminder
    settings, as the SQL does)."""

    def __init__(
        self,
        contacts: InMemoryContactRepository,
        events: InMemoryEventRepository | None = None,
        reminders: InMemoryReminderRepository | None = None,
    ) -> None:
        self._contacts = contacts
        self._events = events
        self._reminders = reminders
        self.interviews: dict[int, Interview] = {}
        self.plans: dict[int, SeasonPlan] = {}
        self.rows: dict[int, LetterRequest] = {}
        self._ids = itertools.count(1)

    async def plan(self, student_id: int) -> SeasonPlan | None:
        return self.plans.get(student_id)

    async def set_plan(self, plan: SeasonPlan, *, now: datetime) -> None:
        old = self.plans.get(plan.student_id)
        if old is not None and old.cycle == plan.cycle:  # the ask's state stays with its cycle
            plan = replace(
                plan, ask_done_on=old.ask_done_on, ask_snoozed_until=old.ask_snoozed_until
            )
        else:
            plan = replace(plan, ask_done_on=None, ask_snoozed_until=None)
        self.plans[plan.student_id] = plan

    async def set_ask(
        self, student_id: int, cycle: str, *, done_on: date | None, snoozed_until: date | None
    ) -> bool:
        plan = self.plans.get(student_id)
        if plan is None or plan.cycle != cycle:
            return False
        self.plans[student_id] = replace(plan, ask_done_on=done_on, ask_snoozed_until=snoozed_until)
        return True

    async def planned(self, *, after: int, limit: int) -> list[PlannedStudent]:
        assert self._reminders is not None, "give the fake the reminder repository to scan"
        found = []
        for student_id, settings in sorted(self._reminders.settings.items()):
            plan = self.plans.get(student_id)
            planned = plan is not None and plan.route is Route.ERAS_NRMP
            if not planned and not await self.open_letters([student_id]):
                continue
            if student_id > after and self._reminders._active(student_id):
                zone = self._zone(student_id)
                found.append(PlannedStudent(student_id, settings.digest_hour, plan, zone))
        return found[:limit]

    def _zone(self, student_id: int) -> str | None:
        """As the SQL: the student's zone, else their server's, else None."""
        assert self._reminders is not None
        row = self._reminders._students.rows.get(student_id)
        if row is None:
            return None
        if row.timezone:
            return row.timezone
        guild = self._reminders.guilds.get(row.guild_id) if row.guild_id else None
        return guild or None

    async def open_letters(self, owner_ids: Sequence[int]) -> list[LetterRequest]:
        owners = set(owner_ids)
        rows = [r for r in self.rows.values() if r.owner_id in owners and r.stage in _OPEN]
        return sorted(rows, key=lambda r: (r.owner_id, r.id))

    async def check_letter(self, owner_id: int, letter_id: int, on: date) -> bool:
        row = await self.letter(owner_id, letter_id)
        if row is None:
            return False
        self.rows[letter_id] = replace(row, checked_on=on, snoozed_until=None)
        return True

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
