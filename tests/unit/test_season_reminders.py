"""The season's reminders on fakes with an injected clock: one student walked through a whole
cycle, from June to the March after Match Day, gets every letter reminder once, on the right
local day; the digest carries the season section and, in interview season, the Match rules as
its tip; the buttons' service calls act once and only on what is still owed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.content.season import SeasonLibrary
from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.delivery import DeliveryService
from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.letters import LetterStage, LetterTask
from bot.core.models import ContactDraft, Digest, ItemKind
from bot.core.reminders import ReminderService
from bot.core.season_reminders import DELIVERY_KIND, SeasonReminderService
from bot.core.season_service import SeasonService
from bot.core.students import StudentService
from bot.settings import PROJECT_ROOT
from tests.fake_season import InMemorySeasonRepository
from tests.fakes import (
    FakeClock,
    InMemoryCoachRepository,
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryEventRepository,
    InMemoryPendingRepository,
    InMemoryProfileRepository,
    InMemoryReminderRepository,
    InMemoryStudentRepository,
    RecordingNotifier,
    shipped_catalogue,
    shipped_coach_library,
)

ME, OTHER = 101, 202
LA = "America/Los_Angeles"  # 18:00 there is the next day in UTC: the local day matters
SUNDAY, HOUR = 6, 18
# The walk's tick, at these local hours each day (a real tick runs every minute): enough to see
# a reminder arrive at the student's hour, or the same evening when a change made it owed later.
TICK_HOURS = (0, 6, 12, 18, 21)
LIBRARY = SeasonLibrary.load(PROJECT_ROOT / "calendars", PROJECT_ROOT / "prompts" / "season.toml")
MATCH_RULES = LIBRARY.tips[0].text


@dataclass
class World:
    clock: FakeClock
    reminders_repo: InMemoryReminderRepository
    notifier: RecordingNotifier
    contacts: ContactService
    season: SeasonService
    letters: SeasonReminderService
    reminders: ReminderService
    delivery: DeliveryService

    def local(self) -> datetime:
        return self.clock.now().astimezone(ZoneInfo(LA))

    async def writer(self, name: str, owner: int = ME) -> int:
        outcome = await self.contacts.add(owner, ContactDraft(name=name, role="attending"))
        assert outcome.contact is not None
        return outcome.contact.id


def make_world(start: datetime) -> World:
    clock = FakeClock(start)
    students_repo = InMemoryStudentRepository()
    contacts_repo = InMemoryContactRepository()
    drafts_repo = InMemoryDraftRepository(contacts_repo)
    reminders_repo = InMemoryReminderRepository(students_repo, contacts_repo, drafts_repo)
    events = InMemoryEventRepository()
    pending = InMemoryPendingRepository()
    notifier = RecordingNotifier(concurrency=1)  # one sender: the walk has one student
    students = StudentService(students_repo, clock, guilds=reminders_repo)
    contacts = ContactService(contacts_repo, pending, students, clock)
    drafts = DraftService(
        contacts,
        InMemoryProfileRepository(),
        drafts_repo,
        pending,
        shipped_catalogue(),
        clock,
        meetings=events,
    )
    coaching = CoachingService(
        shipped_coach_library(), InMemoryCoachRepository(), contacts, drafts, pending, clock
    )
    season_repo = InMemorySeasonRepository(contacts_repo, events, reminders_repo)
    season = SeasonService(season_repo, LIBRARY, contacts, students, clock)
    letters = SeasonReminderService(
        season_repo, season, contacts, students, reminders_repo, notifier, clock
    )
    reminders = ReminderService(
        reminders_repo,
        students_repo,
        students,
        contacts,
        notifier,
        clock,
        coaching=coaching,
        meetings=events,
        season=letters,
    )
    delivery = DeliveryService(reminders_repo, students_repo, reminders, contacts, notifier, clock)
    delivery.add_kind(DELIVERY_KIND, letters.claim_due, letters.send_claimed)
    return World(clock, reminders_repo, notifier, contacts, season, letters, reminders, delivery)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time in Los Angeles, as the aware UTC instant the clock holds."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(LA)).astimezone(UTC)


Action = Callable[[World, dict[str, int]], Awaitable[object]]


async def _open_letter(world: World, name: str, ids: dict[str, int]) -> int:
    for line in await world.season.letters(ME):
        if line.writer.id == ids[name]:
            return line.letter.id
    raise AssertionError(name)


async def _act(world: World, ids: dict[str, int], name: str, action: str, task: LetterTask) -> None:
    letter = 0 if name == "" else await _open_letter(world, name, ids)
    if action == "done":
        assert await world.letters.done(ME, task, letter)
    else:
        await world.letters.snooze(ME, task, letter)


async def test_one_student_through_a_whole_cycle_gets_every_reminder_once_on_its_day() -> None:
    """June to the March after Match Day (us-2027), a tick through each day, a student in LA
    whose coach DMs come at 18:00: each reminder is sent once, on its local day, and a Done or
    a Snooze does what it says (nothing again, or once more a week later)."""
    world = make_world(at(date(2026, 6, 1), 9))
    await world.reminders.setup(ME, timezone=LA, weekday=SUNDAY, hour=HOUR)
    await world.season.setup(ME, cycle="us-2027", specialties="Internal Medicine")
    ids = {name: await world.writer(name) for name in ("Dr. Ana Lee", "Dr. Ben Roy", "Dr. Cy Fox")}

    async def ask(name: str, deadline: str | None = None) -> None:
        await world.season.ask_letter(ME, ids[name], deadline=deadline)

    async def mark(name: str, stage: LetterStage) -> None:
        await world.season.mark(ME, await _open_letter(world, name, ids), stage)

    ana, ben, cy = "Dr. Ana Lee", "Dr. Ben Roy", "Dr. Cy Fox"
    # What the student does, at local times (the tick runs each hour at :00:30).
    plan: list[tuple[datetime, Callable[[], Awaitable[object]]]] = [
        (at(date(2026, 6, 10), 12), lambda: ask(ana)),  # due on submission day (Sept 2)
        (at(date(2026, 7, 10), 9), lambda: _act(world, ids, "", "snooze", LetterTask.ASK)),
        (at(date(2026, 7, 18), 9), lambda: _act(world, ids, "", "done", LetterTask.ASK)),
        (at(date(2026, 7, 19), 10), lambda: ask(ben, "2026-08-15")),
        (at(date(2026, 7, 19), 11), lambda: ask(cy)),
        (at(date(2026, 7, 25), 10), lambda: mark(cy, LetterStage.DECLINED)),
        (at(date(2026, 8, 2), 8), lambda: _act(world, ids, ben, "done", LetterTask.CHECK)),
        (at(date(2026, 8, 10), 9), lambda: mark(ben, LetterStage.SUBMITTED)),
        (at(date(2026, 8, 12), 9), lambda: mark(ben, LetterStage.THANKED)),
        # Marked in after the day's 18:00: its thank-you still comes that same evening.
        (at(date(2026, 8, 20), 20, 15), lambda: mark(ana, LetterStage.SUBMITTED)),
        (at(date(2026, 8, 21), 8), lambda: _act(world, ids, ana, "done", LetterTask.THANK)),
        (at(date(2027, 3, 20), 10), lambda: _act(world, ids, ana, "done", LetterTask.OUTCOME)),
        (at(date(2027, 3, 20), 11), lambda: _act(world, ids, ben, "snooze", LetterTask.OUTCOME)),
        (at(date(2027, 3, 28), 10), lambda: _act(world, ids, ben, "done", LetterTask.OUTCOME)),
    ]
    expected = [
        (LetterTask.ASK, None, date(2026, 7, 8)),  # two weeks before the six-week mark
        (LetterTask.ASK, None, date(2026, 7, 17)),  # snoozed a week from July 10
        (LetterTask.CHECK, ben, date(2026, 8, 1)),  # two weeks before his Aug 15 deadline
        (LetterTask.THANK, ben, date(2026, 8, 10)),  # the day it was marked submitted
        (LetterTask.CHECK, ana, date(2026, 8, 19)),  # two weeks before submissions open
        (LetterTask.THANK, ana, date(2026, 8, 20)),
        (LetterTask.OUTCOME, ana, date(2027, 3, 19)),  # Match Day
        (LetterTask.OUTCOME, ben, date(2027, 3, 19)),
        (LetterTask.OUTCOME, ben, date(2027, 3, 27)),  # snoozed a week from March 20
    ]
    names = {contact_id: name for name, contact_id in ids.items()}
    fired: list[tuple[LetterTask, str | None, date]] = []
    hours: list[int] = []
    digests: list[Digest] = []
    seen = 0
    day = date(2026, 6, 1)
    while day <= date(2027, 3, 31):
        for hour in TICK_HOURS:
            world.clock.set(at(day, hour, 0) + timedelta(seconds=30))
            while plan and plan[0][0] <= world.clock.now():
                await plan.pop(0)[1]()
            await world.delivery.deliver_due()
            for message in world.notifier.messages[seen:]:
                if message.kind == "item":
                    assert message.item is not None and message.item.letter is not None
                    assert message.item.kind is ItemKind.LETTER
                    assert not message.late  # on time, or owed since a change: never "late"
                    who = names[message.item.contact.id] if message.item.contact else None
                    task = LetterTask(message.item.letter.task)
                    fired.append((task, who, world.local().date()))
                    hours.append(world.local().hour)
                elif message.kind == "digest":
                    assert message.digest is not None
                    digests.append(message.digest)
            seen = len(world.notifier.messages)
        day += timedelta(days=1)
    assert not plan
    assert fired == expected
    # At the student's 18:00, except Ana's thank-you: owed from her mark at 20:15, sent then.
    assert hours == [HOUR, HOUR, HOUR, HOUR, HOUR, 21, HOUR, HOUR, HOUR]
    assert sorted({row.delivery.kind for row in world.reminders_repo.deliveries.values()}) == [
        "digest",
        DELIVERY_KIND,
    ]

    # The digests: every week, with the season's section and items.
    by_day = {d.today: d for d in digests}
    assert len(by_day) == len(digests) and all(d.today.weekday() == SUNDAY for d in digests)
    july_5 = by_day[date(2026, 7, 5)]  # the week the ask falls due
    assert [i.letter.task for i in july_5.items if i.letter] == [LetterTask.ASK.value]
    assert july_5.season is not None
    assert [t.key for t in july_5.season.items] == ["choose_writers", "on_rotation"]
    assert july_5.tip != MATCH_RULES
    interview_season = [d for d in digests if date(2026, 10, 1) <= d.today <= date(2027, 2, 24)]
    assert interview_season and all(d.tip == MATCH_RULES for d in interview_season)
    assert by_day[date(2027, 3, 7)].tip != MATCH_RULES


async def test_a_late_plan_still_gets_its_ask_once_without_a_late_notice() -> None:
    """Set up after the ask's day: the reminder comes at the next tick, once, not "late"."""
    world = make_world(at(date(2026, 7, 15), 10))
    await world.reminders.setup(ME, timezone=LA, weekday=SUNDAY, hour=HOUR)
    await world.season.setup(ME, cycle="us-2027")
    for _ in range(3):
        await world.delivery.deliver_due()
        world.clock.advance(hours=1)
    items = world.notifier.items(ME)
    assert len(items) == 1 and not items[0].late
    assert items[0].item is not None and items[0].item.letter is not None
    assert items[0].item.letter.task == LetterTask.ASK.value
    assert "you're tracking 0 of the 3" in items[0].item.letter.said


async def test_reminders_wait_for_consent_and_stop_when_paused() -> None:
    """No reminder DMs without `/reminders setup`; none while paused."""
    world = make_world(at(date(2026, 7, 8), 17))
    await world.season.setup(ME, cycle="us-2027")
    world.clock.advance(hours=2)
    await world.delivery.deliver_due()
    assert world.notifier.items(ME) == []
    await world.reminders.setup(ME, timezone=LA, weekday=SUNDAY, hour=HOUR)
    await world.reminders.pause(ME)
    world.clock.advance(hours=1)
    await world.delivery.deliver_due()
    assert world.notifier.items(ME) == []
    await world.reminders.resume(ME)
    world.clock.advance(minutes=16)  # a new quarter hour: the tick scans everyone again
    await world.delivery.deliver_due()
    assert len(world.notifier.items(ME)) == 1


async def test_a_restarted_process_does_not_send_again() -> None:
    """The ledger, not the process's memory, makes a reminder once: new services over the
    same repositories send nothing more for a reminder already sent."""
    world = make_world(at(date(2026, 7, 8), 18, 5))
    await world.reminders.setup(ME, timezone=LA, weekday=SUNDAY, hour=HOUR)
    await world.season.setup(ME, cycle="us-2027")
    await world.delivery.deliver_due()
    assert len(world.notifier.items(ME)) == 1
    world.letters._claimed.clear()  # as a fresh process would start
    world.letters._last_scan = None
    world.clock.advance(hours=1)
    await world.delivery.deliver_due()
    assert len(world.notifier.items(ME)) == 1


async def test_the_buttons_act_once_and_only_for_their_owner() -> None:
    """Done twice marks once; another student's click is "no longer due"; a reminder that
    moved on refuses a Draft or Snooze left on an old message."""
    world = make_world(at(date(2026, 8, 20), 9))
    await world.season.setup(ME, cycle="us-2027")
    writer = await world.writer("Dr. Ana Lee")
    letter = (await world.season.ask_letter(ME, writer)).line.letter.id
    await world.season.mark(ME, letter, LetterStage.SUBMITTED)
    request = await world.letters.draft_request(ME, LetterTask.THANK, letter)
    assert request.template_id == "outreach_letter_thanks" and request.people == (writer,)
    with pytest.raises(InvalidInput):
        await world.letters.draft_request(OTHER, LetterTask.THANK, letter)
    assert not await world.letters.done(OTHER, LetterTask.THANK, letter)
    assert await world.letters.done(ME, LetterTask.THANK, letter)
    assert not await world.letters.done(ME, LetterTask.THANK, letter)
    (line,) = await world.season.letters(ME)
    assert line.letter.stage is LetterStage.THANKED
    with pytest.raises(InvalidInput):
        await world.letters.snooze(ME, LetterTask.THANK, letter)
    with pytest.raises(InvalidInput):  # a letter item's id through the generic buttons
        await world.reminders.done(ME, ItemKind.LETTER, letter)


async def test_the_ask_draft_offers_likely_writers_and_fills_the_deadline() -> None:
    """The ask's Draft: faculty and clinicians not yet asked, newest first; the draft request
    is the letter template with submission day as the deadline."""
    world = make_world(at(date(2026, 7, 9), 9))
    await world.season.setup(ME, cycle="us-2027")
    asked = await world.writer("Dr. Ana Lee")
    await world.season.ask_letter(ME, asked)
    offered = await world.writer("Dr. Ben Roy")
    await world.contacts.add(ME, ContactDraft(name="Sam Classmate", role="classmate"))
    choices = await world.letters.writer_choices(ME)
    assert [c.id for c in choices] == [offered]
    request = await world.letters.draft_request(ME, LetterTask.ASK, 0, writer_id=offered)
    assert request.template_id == "outreach_letter"
    assert request.fields == {"deadline": "2026-09-02"}
    with pytest.raises(InvalidInput):
        await world.letters.draft_request(ME, LetterTask.ASK, 0)  # no writer picked


async def test_quiet_weeks_still_bring_the_season() -> None:
    """A student who wants no digest on empty weeks still gets one that has season tasks."""
    world = make_world(at(date(2026, 9, 5), 10))  # a Saturday: submissions have opened
    await world.reminders.setup(ME, timezone=LA, weekday=SUNDAY, hour=HOUR, quiet_when_empty=True)
    await world.season.setup(ME, cycle="us-2027")
    world.clock.set(at(date(2026, 9, 6), 18, 1))
    await world.delivery.deliver_due()
    (digest,) = world.notifier.digests(ME)
    assert digest.digest is not None and not digest.digest.items
    assert digest.digest.season is not None
    assert [t.key for t in digest.digest.season.items] == ["submit"]
