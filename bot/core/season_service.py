"""SeasonService: a student's application plan, what their cycle asks this week, and their
letters-of-recommendation ledger.

The rules live beside it (`season.py`: what a week names; `letters.py`: how a letter moves and
what it is owed); this service reads and stores, in the student's own time zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.content.season import CYCLE_KEY, Calendar, SeasonLibrary
from bot.core.contacts import ContactService
from bot.core.dates import local_today, parse_future_time
from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.letters import (
    PROGRAMS_MAX,
    LetterDue,
    LetterRequest,
    LetterStage,
    advance,
    ask_warning,
    next_due,
)
from bot.core.models import Contact
from bot.core.ports import Clock, SeasonRepository
from bot.core.season import (
    SPECIALTIES_MAX,
    SPECIALTY_MAX_CHARS,
    Route,
    SeasonPlan,
    SeasonStatus,
    season_status,
)
from bot.core.students import StudentService
from bot.core.text import clean_line

LETTERS_MAX = 30  # writers asked in one cycle; far above the four to six most programs want
_SPLIT = re.compile(r"[,;\n]+")


@dataclass(frozen=True, slots=True)
class CycleChoice:
    key: str
    title: str
    confirmed: bool


@dataclass(frozen=True, slots=True)
class LetterLine:
    """One letter as the ledger shows it: the request, its writer, and what it is owed next."""

    letter: LetterRequest
    writer: Contact
    due: LetterDue | None


@dataclass(frozen=True, slots=True)
class LetterAsked:
    line: LetterLine
    created: bool
    warning: str | None


class SeasonService:
    def __init__(
        self,
        repo: SeasonRepository,
        library: SeasonLibrary,
        contacts: ContactService,
        students: StudentService,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self.library = library
        self._contacts = contacts
        self._students = students
        self._clock = clock
        self._listeners: list[Callable[[int], None]] = []

    def on_change(self, listener: Callable[[int], None]) -> None:
        """Call `listener(student_id)` after the student's plan or letters change (the season's
        reminders look at them again at once)."""
        self._listeners.append(listener)

    def _changed(self, student_id: int) -> None:
        for listener in self._listeners:
            listener(student_id)

    def cycles(self) -> list[CycleChoice]:
        return [
            CycleChoice(c.key, c.title, c.confirmed)
            for c in sorted(self.library.calendars.values(), key=lambda c: c.key)
        ]

    async def _today(self, student_id: int) -> date:
        zone = await self._students.timezone_for(student_id)
        return local_today(self._clock.now(), zone)

    async def setup(
        self,
        student_id: int,
        *,
        cycle: str,
        route: Route = Route.ERAS_NRMP,
        graduation_year: int | None = None,
        specialties: str | None = None,
    ) -> tuple[SeasonPlan, SeasonStatus]:
        """Store the plan (replacing any earlier one) and say what its cycle holds this week.
        A cycle with no calendar yet is stored too: the status says so, and the season section
        starts as soon as the operator adds the file."""
        key = " ".join(cycle.split()).lower()
        if not CYCLE_KEY.match(key):
            raise InvalidInput(
                "Pick your cycle from the list, or type it like `us-2027` (the year of the "
                "Match you apply to). Nothing was saved."
            )
        today = await self._today(student_id)
        year = int(key.rsplit("-", 1)[1])
        if not today.year - 1 <= year <= today.year + 8:
            raise InvalidInput(
                f"{year} is not a Match year I can plan for: choose one from {today.year - 1} "
                f"to {today.year + 8}. Nothing was saved."
            )
        if graduation_year is not None and not today.year - 2 <= graduation_year <= today.year + 8:
            raise InvalidInput(
                f"{graduation_year} doesn't look like a graduation year: choose one from "
                f"{today.year - 2} to {today.year + 8}. Nothing was saved."
            )
        plan = SeasonPlan(student_id, key, route, graduation_year, parse_specialties(specialties))
        await self._contacts.ensure_student(student_id)
        await self._repo.set_plan(plan, now=self._clock.now())
        self._changed(student_id)
        return plan, season_status(self.library, plan, today=today)

    async def plan(self, student_id: int) -> SeasonPlan | None:
        return await self._repo.plan(student_id)

    async def this_week(self, student_id: int, *, english: str = "us") -> SeasonStatus:
        """What the student's cycle asks of them in the seven days from their local today."""
        plan = await self._repo.plan(student_id)
        today = await self._today(student_id)
        return season_status(self.library, plan, today=today, english=english)

    def status_for(
        self, plan: SeasonPlan | None, *, today: date, english: str = "us"
    ) -> SeasonStatus:
        """What the plan's cycle asks in the seven days from `today` (plan already read)."""
        return season_status(self.library, plan, today=today, english=english)

    async def ask_letter(
        self,
        owner_id: int,
        contact_id: int,
        *,
        deadline: str | None = None,
        programs: str | None = None,
    ) -> LetterAsked:
        """Record a letter asked of a contact (or update its deadline and programs)."""
        writer = await self._contacts.get(owner_id, contact_id)
        zone = await self._students.timezone_for(owner_id)
        now = self._clock.now()
        today = local_today(now, zone)
        due_day: date | None = None
        if deadline and deadline.strip():
            due_day = local_today(parse_future_time(deadline, now=now, timezone=zone), zone)
        listed = clean_line(programs)
        if listed is not None and len(listed) > PROGRAMS_MAX:
            raise InvalidInput(
                f"The programs are {len(listed):,} characters; the limit is {PROGRAMS_MAX}. "
                "Nothing was saved."
            )
        existing = await self._repo.letters(owner_id)
        if len(existing) >= LETTERS_MAX and all(e.contact_id != contact_id for e in existing):
            raise InvalidInput(
                f"You're tracking {LETTERS_MAX} letters already; remove one you no longer need "
                "with `/letters remove`. Nothing was saved."
            )
        try:
            letter, created = await self._repo.put_letter(
                owner_id, contact_id, asked_on=today, deadline=due_day, programs=listed, now=now
            )
        except LookupError:
            raise ContactNotFound() from None  # removed between the look-up and the save
        self._changed(owner_id)
        calendar = await self.calendar_for(owner_id)
        warning = ask_warning(calendar, due_day, today=today) if created else None
        return LetterAsked(LetterLine(letter, writer, next_due(letter, calendar)), created, warning)

    async def letters(self, owner_id: int) -> list[LetterLine]:
        calendar = await self.calendar_for(owner_id)
        lines = []
        for letter in await self._repo.letters(owner_id):
            writer = await self._contacts.get(owner_id, letter.contact_id)
            lines.append(LetterLine(letter, writer, next_due(letter, calendar)))
        return lines

    async def mark(self, owner_id: int, letter_id: int, to: LetterStage) -> LetterLine:
        """Move a letter on. A step back is refused; two clicks at once store once."""
        letter = await self._repo.letter(owner_id, letter_id)
        if letter is None:
            raise ExpiredAction()
        today = await self._today(owner_id)
        moved = advance(letter, to, today=today)
        if moved is not letter and not await self._repo.move_letter(
            owner_id, letter, moved, now=self._clock.now()
        ):
            current = await self._repo.letter(owner_id, letter_id)
            if current is None or current.stage != to:
                raise ExpiredAction()
            moved = current
        self._changed(owner_id)
        writer = await self._contacts.get(owner_id, moved.contact_id)
        return LetterLine(moved, writer, next_due(moved, await self.calendar_for(owner_id)))

    async def snooze(self, owner_id: int, letter_id: int, days: int = 7) -> LetterLine:
        """The letter's next reminder waits `days` days."""
        until = await self._today(owner_id) + timedelta(days=days)
        if not await self._repo.snooze_letter(owner_id, letter_id, until):
            raise ExpiredAction()
        self._changed(owner_id)
        letter = await self._repo.letter(owner_id, letter_id)
        if letter is None:
            raise ExpiredAction()
        writer = await self._contacts.get(owner_id, letter.contact_id)
        return LetterLine(letter, writer, next_due(letter, await self.calendar_for(owner_id)))

    async def remove(self, owner_id: int, letter_id: int) -> None:
        if not await self._repo.remove_letter(owner_id, letter_id):
            raise ExpiredAction()

    async def letters_due(self, owner_id: int, *, horizon_days: int = 7) -> list[LetterLine]:
        """The letters owed a reminder on or before the end of the coming week."""
        today = await self._today(owner_id)
        last = today + timedelta(days=horizon_days - 1)
        return [
            line for line in await self.letters(owner_id) if line.due and line.due.due_on <= last
        ]

    async def calendar_for(self, owner_id: int) -> Calendar | None:
        """The calendar of the cycle the student applies in through ERAS/NRMP, if any."""
        plan = await self._repo.plan(owner_id)
        if plan is None or plan.route is not Route.ERAS_NRMP:
            return None
        return self.library.calendar(plan.cycle)


def parse_specialties(text: str | None) -> tuple[str, ...]:
    """Comma-separated specialties, cleaned, deduplicated in order."""
    if not text:
        return ()
    found: list[str] = []
    for part in _SPLIT.split(text):
        name = clean_line(part)
        if name is None:
            continue
        if len(name) > SPECIALTY_MAX_CHARS:
            raise InvalidInput(
                f"“{name[:30]}…” is over {SPECIALTY_MAX_CHARS} characters; name the specialty "
                "briefly. Nothing was saved."
            )
        if name.casefold() not in (f.casefold() for f in found):
            found.append(name)
    if len(found) > SPECIALTIES_MAX:
        raise InvalidInput(
            f"That's {len(found)} specialties; list up to {SPECIALTIES_MAX}. Nothing was saved."
        )
    return tuple(found)
