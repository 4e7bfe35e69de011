"""SeasonReminderService: the residency season in the weekly digest, and each letter reminder on
its own day.

- The digest's season section (`section`): the week's tasks from the student's calendar, the
  season tip that replaces the usual one while it is live (the Match rules in interview season),
  and the letter reminders due within the week as digest items (kind `letter`).
- Each letter reminder (ask writers, check a letter is in, thank its writer, tell them the
  outcome: `bot.core.letters`) is also sent once on its own, on its local day at the hour the
  student chose for the coach's DMs. A delivery-tick step (`claim_due`) claims it in the same
  delivery ledger as every other DM: one row per reminder and day (kind "letter"), so a
  reminder snoozed to another day comes back once, that day. `send_claimed` re-reads it and
  sends it only if it is still owed.
- The buttons of a letter item: draft the fitting message, mark it done, snooze it a week.

A reminder's hour starts on a quarter hour in every time zone, so the tick reads all the
students with a season only when a quarter hour has begun since its last scan; in between it
looks only at the students whose plan or letters just changed in this process (a thank-you owed
the moment a letter is marked submitted goes out at the next tick, not a quarter hour later).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.content.season import Calendar, SeasonLibrary, fill_dates, shown_day
from bot.core.contacts import ContactService
from bot.core.dates import local_today
from bot.core.drafts import FIELD_LIMITS, DraftRequest
from bot.core.errors import InvalidInput
from bot.core.letters import (
    LETTERS_WANTED,
    LetterDue,
    LetterRequest,
    LetterStage,
    LetterTask,
    ask_due,
    effective_deadline,
    next_due,
)
from bot.core.models import Contact, Delivery, DueItem, ItemKind, LetterReminder, MessageRef, Role
from bot.core.ports import Clock, Notifier, ReminderRepository, SeasonRepository
from bot.core.schedule import local_instant
from bot.core.season import PlannedStudent, Route, SeasonPlan, SeasonStatus, letter_ask_by
from bot.core.season_service import SeasonService
from bot.core.students import FALLBACK_TIMEZONE, StudentService

log = logging.getLogger(__name__)

DELIVERY_KIND = "letter"
# What a letter item's Done says, by task (both front ends; Telegram drops the code spans).
DONE_SAID = {
    LetterTask.ASK: (
        "Done: no more reminders to ask this cycle. Record each writer you ask with "
        "`/letters ask`, and I'll remind you to check, thank and update them."
    ),
    LetterTask.CHECK: (
        "Noted that you checked in. If the letter still isn't marked in after its deadline, "
        "I'll ask you once more."
    ),
    LetterTask.THANK: "Marked as thanked. After Match Day I'll remind you to share your news.",
    LetterTask.OUTCOME: "Marked as told: this letter's story is complete. Well done.",
}
ALREADY_DONE = "That's already done (or no longer due), so nothing changed."
SNOOZE_DAYS = 7
SCAN_PAGE = 500  # students read per query while the tick scans
WEEK_DAYS = 7  # the digest's horizon
LATE_LIMIT = timedelta(hours=24)  # as the delivery tick's: later than this, it was not "down"
LATE_NOTICE = timedelta(minutes=10)  # the delivery tick's: later than this says "sent late"
_QUARTER = timedelta(minutes=15)
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
TEMPLATES = {
    LetterTask.ASK: "outreach_letter",
    LetterTask.CHECK: "outreach_letter_check",
    LetterTask.THANK: "outreach_letter_thanks",
    LetterTask.OUTCOME: "outreach_match_outcome",
}
# Who is offered as a writer when the student drafts an ask from the reminder: people who have
# seen their clinical or research work. Discord shows at most 25 options in a menu.
WRITER_ROLES = frozenset(
    {
        Role.FACULTY,
        Role.ATTENDING,
        Role.PROGRAM_DIRECTOR,
        Role.RESEARCHER,
        Role.FELLOW,
        Role.CLINICIAN,
        Role.RESIDENT,
    }
)
WRITERS_OFFERED = 25
NO_LONGER_DUE = "That reminder is no longer due, so nothing was changed. `/due` shows what is."


@dataclass(frozen=True, slots=True)
class Owed:
    """One reminder a student is owed: for a letter, or (letter None) to ask writers."""

    letter: LetterRequest | None
    due: LetterDue

    @property
    def letter_id(self) -> int:
        return self.letter.id if self.letter is not None else 0

    @property
    def occurrence(self) -> str:
        """The delivery ledger's ref: one send per reminder and day."""
        return f"{self.letter_id}:{self.due.task.value}:{self.due.due_on.isoformat()}"


@dataclass(frozen=True, slots=True)
class SeasonSection:
    """The digest's season section: the week's tasks and tip, and the letter items."""

    status: SeasonStatus
    items: tuple[DueItem, ...]


def owed_reminders(
    plan: SeasonPlan | None,
    calendar: Calendar | None,
    letters: Sequence[LetterRequest],
    *,
    today: date,
) -> list[Owed]:
    """Every reminder the student is owed now or later: the ask, then one per open letter."""
    found: list[Owed] = []
    if plan is not None and calendar is not None:
        ask = ask_due(
            calendar,
            list(letters),
            done_on=plan.ask_done_on,
            snoozed_until=plan.ask_snoozed_until,
            today=today,
        )
        if ask is not None:
            found.append(Owed(None, ask))
    for letter in letters:
        due = next_due(letter, calendar)
        if due is not None:
            found.append(Owed(letter, due))
    return found


def fire_at(day: date, hour: int, zone: str) -> datetime:
    """The instant a reminder of local `day` is sent: the student's hour for the coach's DMs."""
    return local_instant(datetime.combine(day, time()), hour, ZoneInfo(zone))


def parse_occurrence(ref: str) -> tuple[int, LetterTask, date] | None:
    try:
        letter_id, task, day = ref.split(":")
        return int(letter_id), LetterTask(task), date.fromisoformat(day)
    except ValueError:
        return None


class SeasonReminderService:
    def __init__(
        self,
        repo: SeasonRepository,
        season: SeasonService,
        contacts: ContactService,
        students: StudentService,
        ledger: ReminderRepository,
        notifier: Notifier,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._season = season
        self._contacts = contacts
        self._students = students
        self._ledger = ledger
        self._notifier = notifier
        self._clock = clock
        self._last_scan: datetime | None = None
        self._changed: set[int] = set()
        self._claimed: set[tuple[int, str]] = set()  # refs this process knows are in the ledger
        season.on_change(self.changed)

    @property
    def library(self) -> SeasonLibrary:
        return self._season.library

    def changed(self, student_id: int) -> None:
        """The student's plan or letters changed: look at them at the next tick."""
        self._changed.add(student_id)

    def _calendar(self, plan: SeasonPlan | None) -> Calendar | None:
        if plan is None or plan.route is not Route.ERAS_NRMP:
            return None
        return self.library.calendar(plan.cycle)

    # -- what is owed, as digest items -------------------------------------------------------

    def _said(
        self,
        owed: Owed,
        calendar: Calendar | None,
        letters: Sequence[LetterRequest],
        english: str,
    ) -> str:
        key = owed.due.task.value
        values = {"wanted": str(LETTERS_WANTED)}
        if owed.letter is None:
            assert calendar is not None  # the ask is owed only within a calendar
            tracked = sum(1 for letter in letters if letter.stage is not LetterStage.DECLINED)
            values |= {
                "ask_by": shown_day(letter_ask_by(calendar), english),
                "tracked": str(tracked),
            }
        else:
            deadline = effective_deadline(owed.letter, calendar)
            if deadline is not None:
                values["deadline"] = shown_day(deadline, english)
                if owed.due.task is LetterTask.CHECK and owed.due.due_on > deadline:
                    key = "letter_check_late"
        return fill_dates(self.library.reminders[key], calendar, values, english)

    async def _items(
        self,
        owner_id: int,
        plan: SeasonPlan | None,
        letters: Sequence[LetterRequest],
        *,
        today: date,
        english: str = "us",
    ) -> list[DueItem]:
        calendar = self._calendar(plan)
        owed = owed_reminders(plan, calendar, letters, today=today)
        writers = {
            contact.id: contact
            for contact in await self._contacts.get_many(
                owner_id, sorted({o.letter.contact_id for o in owed if o.letter is not None})
            )
        }
        items = []
        for one in owed:
            writer: Contact | None = None
            if one.letter is not None:
                writer = writers.get(one.letter.contact_id)
                if writer is None:
                    continue  # removed meanwhile (its letters go with it)
            said = self._said(one, calendar, letters, english)
            items.append(
                DueItem(
                    ItemKind.LETTER,
                    one.due.due_on,
                    writer,
                    letter=LetterReminder(one.due.task.value, one.letter_id, said),
                )
            )
        return items

    async def section(self, owner_id: int, *, today: date, english: str = "us") -> SeasonSection:
        """The digest's season section for the student's local `today`."""
        plan = await self._repo.plan(owner_id)
        letters = await self._repo.letters(owner_id)
        status = self._season.status_for(plan, today=today, english=english)
        last = today + timedelta(days=WEEK_DAYS - 1)
        items = await self._items(owner_id, plan, letters, today=today, english=english)
        return SeasonSection(status, tuple(i for i in items if i.due_on <= last))

    async def item(self, owner_id: int, task: LetterTask, letter_id: int) -> DueItem:
        """The reminder a button names, if the student is still owed it."""
        found = await self._find(owner_id, task, letter_id)
        if found is None:
            raise InvalidInput(NO_LONGER_DUE)
        return found

    async def _find(self, owner_id: int, task: LetterTask, letter_id: int) -> DueItem | None:
        today = await self._today(owner_id)
        plan = await self._repo.plan(owner_id)
        letters = await self._repo.letters(owner_id)
        for item in await self._items(owner_id, plan, letters, today=today):
            assert item.letter is not None
            if item.letter.task == task.value and item.letter.letter_id == letter_id:
                return item
        return None

    async def _today(self, owner_id: int) -> date:
        zone = await self._students.timezone_for(owner_id)
        return local_today(self._clock.now(), zone)

    # -- the buttons ---------------------------------------------------------------------------

    async def done(self, owner_id: int, task: LetterTask, letter_id: int) -> bool:
        """The student did what the reminder asked; False when it was no longer owed (a second
        click, or done another way meanwhile)."""
        if await self._find(owner_id, task, letter_id) is None:
            return False
        today = await self._today(owner_id)
        if task is LetterTask.ASK:
            plan = await self._repo.plan(owner_id)
            if plan is None:
                return False
            await self._repo.set_ask(owner_id, plan.cycle, done_on=today, snoozed_until=None)
        elif task is LetterTask.CHECK:
            await self._repo.check_letter(owner_id, letter_id, today)
        else:
            stage = LetterStage.THANKED if task is LetterTask.THANK else LetterStage.TOLD
            await self._season.mark(owner_id, letter_id, stage)
        log.info("season reminder done owner=%s task=%s letter=%s", owner_id, task, letter_id)
        return True

    async def snooze(self, owner_id: int, task: LetterTask, letter_id: int) -> date:
        """Not again for a week (from its day, when that is later than today)."""
        item = await self.item(owner_id, task, letter_id)
        until = max(item.due_on, await self._today(owner_id)) + timedelta(days=SNOOZE_DAYS)
        if task is LetterTask.ASK:
            plan = await self._repo.plan(owner_id)
            stored = plan is not None and await self._repo.set_ask(
                owner_id, plan.cycle, done_on=None, snoozed_until=until
            )
        else:
            stored = await self._repo.snooze_letter(owner_id, letter_id, until)
        if not stored:
            raise InvalidInput(NO_LONGER_DUE)
        self.changed(owner_id)
        return until

    async def draft_request(
        self, owner_id: int, task: LetterTask, letter_id: int, *, writer_id: int | None = None
    ) -> DraftRequest:
        """The draft a letter reminder calls for. The ask needs the writer the student picked
        (`writer_id`, one of `writer_choices`)."""
        item = await self.item(owner_id, task, letter_id)
        template = TEMPLATES[task]
        if task is LetterTask.ASK:
            if writer_id is None:
                raise InvalidInput("Pick who to ask from the list.")
            plan = await self._repo.plan(owner_id)
            calendar = self._calendar(plan)
            fields = {}
            if calendar is not None:
                fields["deadline"] = calendar.on("submissions_open").isoformat()
            return DraftRequest("outreach", (writer_id,), template, fields=fields)
        assert item.contact is not None
        letter = await self._repo.letter(owner_id, letter_id)
        if letter is None:
            raise InvalidInput(NO_LONGER_DUE)
        fields = {}
        programs = letter.programs
        if programs and len(programs) <= FIELD_LIMITS["program"]:
            fields["program"] = programs
        deadline = effective_deadline(letter, self._calendar(await self._repo.plan(owner_id)))
        if task is LetterTask.CHECK and deadline is not None:
            fields["deadline"] = deadline.isoformat()
        return DraftRequest("outreach", (item.contact.id,), template, fields=fields)

    async def writer_choices(self, owner_id: int) -> list[Contact]:
        """Who the student might ask for a letter: people who have seen their work, not yet
        asked, the most recently added first."""
        asked = {letter.contact_id for letter in await self._repo.letters(owner_id)}
        found = [
            contact
            for contact in await self._contacts.plain_contacts(owner_id)
            if contact.role in WRITER_ROLES and contact.id not in asked
        ]
        found.sort(key=lambda c: c.id, reverse=True)
        return found[:WRITERS_OFFERED]

    # -- the delivery tick ---------------------------------------------------------------------

    async def claim_due(self, now: datetime) -> list[Delivery]:
        """The tick step: claim every letter reminder whose hour has come and that this process
        has not seen claimed, for every student on a new quarter hour, else for those whose
        season just changed."""
        quarter = (now - _EPOCH) // _QUARTER
        full = self._last_scan is None or (self._last_scan - _EPOCH) // _QUARTER < quarter
        changed, self._changed = self._changed, set()
        claims: list[Delivery] = []
        if full:
            seen: set[tuple[int, str]] = set()
            after = 0
            while True:
                page = await self._repo.planned(after=after, limit=SCAN_PAGE)
                claims += await self._claim_page(page, now, seen)
                if len(page) < SCAN_PAGE:
                    break
                after = page[-1].student_id
            self._claimed &= seen  # forget what is no longer owed (done, snoozed, moved on)
            self._last_scan = now
        elif changed:
            claims += await self._claim_page(await self._planned_among(changed), now, set())
        return claims

    async def _planned_among(self, owners: set[int]) -> list[PlannedStudent]:
        """The changed students who may be sent reminders. They are few (this process's
        clicks and commands since the last tick), each read as a page of one from its id."""
        found = []
        for owner in sorted(owners):
            page = await self._repo.planned(after=owner - 1, limit=1)
            if page and page[0].student_id == owner:
                found.append(page[0])
        return found

    async def _claim_page(
        self, page: Sequence[PlannedStudent], now: datetime, seen: set[tuple[int, str]]
    ) -> list[Delivery]:
        if not page:
            return []
        by_owner: dict[int, list[LetterRequest]] = {}
        for letter in await self._repo.open_letters([p.student_id for p in page]):
            by_owner.setdefault(letter.owner_id, []).append(letter)
        claims = []
        for planned in page:
            owner = planned.student_id
            letters = by_owner.get(owner, [])
            plan = planned.plan
            calendar = self._calendar(plan)
            if calendar is None and not letters:
                continue
            zone = planned.timezone or FALLBACK_TIMEZONE
            today = local_today(now, zone)
            if calendar is not None and len(letters) < LETTERS_WANTED:
                # Whether the ask is owed counts every writer tracked, told ones too (the
                # open letters are not all of them): read the whole ledger only then.
                letters = await self._repo.letters(owner)
            for one in owed_reminders(plan, calendar, letters, today=today):
                fire = fire_at(one.due.due_on, planned.digest_hour, zone)
                if fire > now:
                    continue
                key = (owner, one.occurrence)
                seen.add(key)
                if key in self._claimed:
                    continue
                claim = await self._ledger.claim(
                    owner, DELIVERY_KIND, one.occurrence, due_at=self._due_at(fire, now), now=now
                )
                self._claimed.add(key)
                if claim is not None:
                    claims.append(claim)
        return claims

    def _due_at(self, fire: datetime, now: datetime) -> datetime:
        """When the claim says it was due: its hour when the clock just reached it (or the bot
        was down then), else now, so that a reminder owed since a change made after its hour
        is not sent as "late"."""
        if self._last_scan is not None:
            return fire if fire > self._last_scan else now
        return fire if now - fire <= LATE_LIMIT else now

    async def send_claimed(self, delivery: Delivery) -> MessageRef | None:
        """Send one claimed letter reminder, if it is still owed as claimed (else nothing)."""
        parsed = parse_occurrence(delivery.ref)
        if parsed is None:
            return None
        letter_id, task, day = parsed
        item = await self._find(delivery.student_id, task, letter_id)
        if item is None or item.due_on != day:
            return None  # done, snoozed or moved on since the claim
        late = self._clock.now() - delivery.due_at > LATE_NOTICE
        return await self._notifier.send_item(
            delivery.student_id, item, key=delivery.key, late=late
        )
