"""ReminderService with a fake clock, the in-memory fakes and a recording notifier: consent and
settings, one-off reminders, what the digest holds, and the exactly-once delivery tick."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import bot.core.delivery as delivery_module
from bot.core.attention import most_due_first
from bot.core.delivery import MAX_ATTEMPTS, RETRY_AFTER, SENDER_LEASE
from bot.core.digest import DUE_LOADED
from bot.core.drafts import DraftRequest
from bot.core.errors import CoachError, ContactNotFound, InvalidInput
from bot.core.models import ContactDraft, ExchangeKind, ItemKind, Role
from bot.core.reminders import DMS_CLOSED, DMS_WERE_CLOSED, NOT_SET_UP
from bot.core.services import Services
from bot.discord_adapter import presenters
from bot.discord_adapter.presenters import DIGEST_LIST_MAX
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.sender_lease import SqliteSenderLease
from bot.storage.students import SqliteStudentRepository
from tests.fakes import (
    FakeClock,
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryPendingRepository,
    InMemoryProfileRepository,
    InMemoryReminderRepository,
    InMemoryStudentRepository,
    RecordingNotifier,
    build_services,
)

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
GUILD = 999_000_000_000_000_001
NY = "America/New_York"
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
# Wednesday 4 March 2026, 10:00 in New York (EST); DST starts there on Sunday 8 March.
START = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@dataclass
class World:
    clock: FakeClock
    students: InMemoryStudentRepository
    contacts: InMemoryContactRepository
    drafts: InMemoryDraftRepository
    profiles: InMemoryProfileRepository
    pending: InMemoryPendingRepository
    reminders: InMemoryReminderRepository
    notifier: RecordingNotifier
    services: Services

    def restart(self) -> Services:
        """New services over the same repositories and Discord, as after a redeploy."""
        self.services = build_services(
            self.clock,
            students=self.students,
            contacts=self.contacts,
            pending=self.pending,
            profiles=self.profiles,
            drafts=self.drafts,
            reminders=self.reminders,
            notifier=self.notifier,
        )
        return self.services

    @property
    def svc(self):
        return self.services.reminders

    async def tick(self):
        return await self.services.delivery.deliver_due()

    async def next_digest_at(self, student: int = A) -> datetime | None:
        settings = await self.reminders.get_settings(student)
        return settings.next_digest_at if settings else None

    def outcomes(self, kind: str | None = None) -> list[str | None]:
        return [
            row.outcome
            for row in self.reminders.deliveries.values()
            if kind is None or row.delivery.kind == kind
        ]


def make_world(start: datetime = START) -> World:
    clock = FakeClock(start)
    students = InMemoryStudentRepository()
    contacts = InMemoryContactRepository()
    drafts = InMemoryDraftRepository(contacts)
    reminders = InMemoryReminderRepository(students, contacts, drafts)
    world = World(
        clock,
        students,
        contacts,
        drafts,
        InMemoryProfileRepository(),
        InMemoryPendingRepository(),
        reminders,
        RecordingNotifier(),
        None,  # type: ignore[arg-type]
    )
    world.restart()
    return world


@pytest.fixture
def world() -> World:
    return make_world()


async def set_up(world: World, student: int = A, **options: Any):
    options.setdefault("timezone", NY)
    options.setdefault("weekday", SUN)
    options.setdefault("hour", 18)
    return await world.svc.setup(student, **options)


async def add_contact(world: World, name: str, owner: int = A, **fields: Any):
    outcome = await world.services.contacts.add(
        owner, ContactDraft(name=name, **fields), allow_duplicate=True
    )
    return outcome.contact


async def send_draft(world: World, contact_id: int, owner: int = A, delay: int = 7):
    """Draft a follow-up for the contact and mark it sent now (nudge due `delay` days on)."""
    if await world.services.drafts.profile(owner) is None:
        await world.services.drafts.save_profile(
            owner,
            {"name": "Sam", "school": "State Med", "stage": "MS2", "follow_up_delay_days": delay},
        )
    results = await world.services.drafts.start(
        owner,
        DraftRequest(kind="followup", people=(contact_id,), template_id="followup_office_hours"),
    )
    return (await world.services.drafts.mark_sent(owner, results[0].draft.id)).draft


def kinds(digest) -> list[tuple[ItemKind, str | None]]:
    return [(i.kind, i.contact.name if i.contact else i.reminder.note) for i in digest.items]


# -- consent and settings ---------------------------------------------------------------------


async def test_setup_welcomes_once(world: World) -> None:
    """Opting in sends one welcome, under a key of its own; changing settings later does not
    welcome again."""
    settings = await set_up(world)
    assert settings.enabled and not settings.paused and settings.consented_at == START
    [welcome] = world.notifier.messages
    assert (welcome.kind, welcome.student_id) == ("welcome", A)
    await set_up(world, hour=9, quiet_when_empty=True)
    assert world.notifier.messages == [welcome]
    assert len(world.notifier.attempts) == 1
    stored = await world.reminders.get_settings(A)
    assert stored.digest_hour == 9 and stored.quiet_when_empty
    assert stored.consented_at == START


async def test_setup_with_closed_dms_enables_nothing(world: World) -> None:
    """DMs closed at setup: a CoachError explaining how to open them, and nothing enabled."""
    world.notifier.close_dms(A)
    with pytest.raises(CoachError) as error:
        await set_up(world)
    assert error.value.user_message == DMS_CLOSED
    assert "Privacy Settings" in error.value.user_message
    assert await world.reminders.get_settings(A) is None
    assert world.notifier.messages == []
    assert world.students.rows[A].timezone is None


@pytest.mark.parametrize(
    ("zone", "weekday", "hour"),
    [
        (NY, SUN, 18),
        ("Europe/London", MON, 7),
        ("Australia/Sydney", FRI, 0),
        ("Asia/Kolkata", WED, 23),
        ("UTC", WED, 15),
    ],
)
async def test_next_digest_at_is_the_chosen_local_time(
    world: World, zone: str, weekday: int, hour: int
) -> None:
    """The next digest falls on the chosen weekday and hour in the chosen zone, within a week."""
    settings = await set_up(world, timezone=zone, weekday=weekday, hour=hour)
    local = settings.next_digest_at.astimezone(ZoneInfo(zone))
    assert (local.weekday(), local.hour, local.minute) == (weekday, hour, 0)
    assert START < settings.next_digest_at <= START + timedelta(days=7)
    assert world.students.rows[A].timezone == zone
    assert await world.svc.describe_next(A) == f"{local:%A} {hour:02d}:00 ({zone})"


async def test_server_default_timezone_until_the_student_picks(world: World) -> None:
    """Without their own timezone, a student's digest follows their server's default."""
    await world.svc.set_server_timezone(GUILD, "Asia/Kolkata")
    await world.services.students.seen_in_guild(A, GUILD)
    settings = await world.svc.setup(A, weekday=MON, hour=9)
    local = settings.next_digest_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert (local.weekday(), local.hour) == (MON, 9)
    assert await world.svc.timezone_for(A) == "Asia/Kolkata"
    settings = await world.svc.setup(A, timezone="Europe/London")
    local = settings.next_digest_at.astimezone(ZoneInfo("Europe/London"))
    assert (local.weekday(), local.hour) == (MON, 9)
    # Without a server default either, it is UTC.
    settings = await world.svc.setup(B, weekday=MON, hour=9)
    assert settings.next_digest_at == datetime(2026, 3, 9, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    "options",
    [
        {"timezone": "Mars/Olympus"},
        {"timezone": "US/Eastern"},
        {"weekday": 7},
        {"weekday": -1},
        {"hour": 24},
        {"hour": -1},
        {"cadence": {"tutor": 0}},
        {"cadence": {"tutor": 100_000}},
    ],
)
async def test_setup_refuses_bad_settings(world: World, options: dict[str, Any]) -> None:
    """Unknown zones, days, hours and cadences are refused before anything happens."""
    with pytest.raises(InvalidInput):
        await world.svc.setup(A, **options)
    assert world.notifier.attempts == []
    assert await world.reminders.get_settings(A) is None


async def test_setup_refuses_unknown_role(world: World) -> None:
    """A cadence for a role that does not exist is refused."""
    with pytest.raises(ValueError):
        await world.svc.setup(A, cadence={"wizard": 30})


async def test_pause_resume_off(world: World) -> None:
    """Pause and off clear the next digest time; resume and setup bring it back."""
    for action in (world.svc.pause, world.svc.resume, world.svc.turn_off):
        with pytest.raises(InvalidInput, match="aren't set up"):
            await action(A)
    assert NOT_SET_UP.startswith("Reminders aren't set up")
    first = (await set_up(world)).next_digest_at
    paused = await world.svc.pause(A)
    assert paused.paused and paused.next_digest_at is None
    assert await world.svc.describe_next(A) is None
    world.clock.advance(days=1)
    resumed = await world.svc.resume(A)
    assert not resumed.paused and resumed.next_digest_at == first
    off = await world.svc.turn_off(A)
    assert not off.enabled and off.next_digest_at is None
    with pytest.raises(InvalidInput):
        await world.svc.pause(A)
    # Nothing is due for a student who turned reminders off.
    world.clock.set(first + timedelta(minutes=1))
    assert (await world.tick()).sent == 0
    again = await set_up(world)
    assert again.enabled and again.next_digest_at is not None
    assert again.consented_at == world.clock.now()


# -- one-off reminders ------------------------------------------------------------------------


async def test_remind_reads_time_in_the_students_zone(world: World) -> None:
    """`tomorrow` is 09:00 the next day in the student's own timezone."""
    await world.services.students.get(A)
    await world.students.set_timezone(A, NY)
    reminder = await world.svc.remind(A, None, "tomorrow", "  Call the lab  ")
    assert reminder.due_at == datetime(2026, 3, 5, 14, tzinfo=UTC)
    assert reminder.note == "Call the lab"
    await world.students.set_timezone(A, "Australia/Sydney")
    reminder = await world.svc.remind(A, None, "tomorrow", "x")
    assert reminder.due_at == datetime(2026, 3, 5, 22, tzinfo=UTC)


async def test_remind_scopes_contact_ownership(world: World) -> None:
    """A reminder may name one's own contact, never another student's."""
    mine = await add_contact(world, "Ada Lovelace")
    theirs = await add_contact(world, "Grace Hopper", owner=B)
    with pytest.raises(ContactNotFound):
        await world.svc.remind(A, theirs.id, "tomorrow", None)
    reminder = await world.svc.remind(A, mine.id, "tomorrow", None)
    assert reminder.contact_id == mine.id and reminder.owner_id == A
    assert await world.reminders.open_reminders(B, until=START + timedelta(days=30)) == []


@pytest.mark.parametrize(
    ("contact", "when", "note"),
    [(None, "tomorrow", None), (None, "tomorrow", "x" * 301), (None, "yesterday", "x")],
)
async def test_remind_refuses(world: World, contact: Any, when: str, note: str | None) -> None:
    """No subject, an over-long note, or a past time is refused."""
    with pytest.raises(InvalidInput):
        await world.svc.remind(A, contact, when, note)


# -- the digest -------------------------------------------------------------------------------


async def test_digest_follow_ups_check_ins_reminders_in_order(world: World) -> None:
    """Follow-ups, check-ins by cadence and reminders within the week, soonest first."""
    await set_up(world)
    today = date(2026, 3, 4)
    await add_contact(world, "Fresh", met_on=date(2026, 3, 3))
    tutor = await add_contact(world, "Tutor", role=Role.TUTOR)
    faculty = await add_contact(world, "Faculty", role=Role.FACULTY)
    for contact in (tutor, faculty):
        await world.services.contacts.log_exchange(
            A, contact.id, ExchangeKind.EMAILED, when="2026-01-25"
        )
    await add_contact(world, "Old friend", met_on=date(2026, 3, 1))  # followed up below
    soon = await world.svc.remind(A, None, "in 3 days", "Call the lab")
    await world.svc.remind(A, None, "in 10 days", "Too far")
    digest = await world.svc.digest_for(A)
    assert digest.today == today and digest.student_id == A
    # Fresh: met 3 March, follow up 2 days later; tutor: 25 Jan + 42 days = 8 March.
    assert kinds(digest) == [
        (ItemKind.FOLLOW_UP, "Old friend"),
        (ItemKind.FOLLOW_UP, "Fresh"),
        (ItemKind.REMINDER, "Call the lab"),
        (ItemKind.CHECK_IN, "Tutor"),
    ]
    assert [i.due_on for i in digest.items] == [
        date(2026, 3, 3),
        date(2026, 3, 5),
        date(2026, 3, 7),
        date(2026, 3, 8),
    ]
    assert digest.items[2].reminder.id == soon.id
    assert all(i.due_on <= today + timedelta(days=6) for i in digest.items)
    assert digest.activity.contacts_added == 4 and digest.activity.messages_sent == 0
    assert digest.tip


async def test_digest_uses_the_students_cadence(world: World) -> None:
    """A per-role cadence override brings a check-in forward; the contact's own wins over it."""
    faculty = await add_contact(world, "Faculty", role=Role.FACULTY)
    own = await add_contact(world, "Own cadence", role=Role.FACULTY, cadence_days=200)
    for contact in (faculty, own):
        await world.services.contacts.log_exchange(
            A, contact.id, ExchangeKind.EMAILED, when="2026-01-25"
        )
    await set_up(world)
    assert kinds(await world.svc.digest_for(A)) == []
    await set_up(world, cadence={"faculty": 30})
    digest = await world.svc.digest_for(A)
    assert kinds(digest) == [(ItemKind.CHECK_IN, "Faculty")]
    assert digest.items[0].due_on == date(2026, 2, 24)


async def test_digest_of_a_heavy_student_loads_the_most_due_and_counts_the_rest(
    world: World,
) -> None:
    """A student with more due than a digest can list: the most due are read (in the Python
    rule's order), a contact awaiting a reply still comes as its nudge, the rest are counted."""
    await set_up(world)
    quiet = await add_contact(world, "Quiet one")
    world.clock.set(datetime(2026, 2, 20, 15, tzinfo=UTC))
    await send_draft(world, quiet.id, delay=5)
    world.clock.set(START)
    extra = DUE_LOADED + 15
    for n in range(extra):
        await add_contact(world, f"Person {n:02d}", met_on=date(2026, 2, 25 + n % 4))
    digest = await world.svc.digest_for(A)
    assert kinds(digest)[0] == (ItemKind.NUDGE, "Quiet one")
    listed = [i for i in digest.items if i.kind is ItemKind.FOLLOW_UP]
    # The waiting contact is read as its nudge, apart: 25 of the 40 others are loaded.
    assert len(listed) == DUE_LOADED
    assert digest.more == extra - len(listed)
    everyone = [c for c in await world.services.contacts.all_contacts(A) if c.id != quiet.id]
    assert [i.contact.id for i in listed] == [c.id for c in most_due_first(everyone)][: len(listed)]
    embed = presenters.digest_embed(digest, empty_text="-", title="Due")
    assert f"…and {1 + extra - DIGEST_LIST_MAX} more" in (embed.description or "")


async def test_digest_nudges_until_a_reply(world: World) -> None:
    """A sent draft past the follow-up delay with no reply is a nudge; a reply clears it."""
    await set_up(world)
    contact = await add_contact(world, "Quiet one")
    world.clock.set(datetime(2026, 2, 20, 15, tzinfo=UTC))
    await send_draft(world, contact.id, delay=5)
    world.clock.set(START)
    digest = await world.svc.digest_for(A)
    assert kinds(digest) == [(ItemKind.NUDGE, "Quiet one")]
    assert digest.items[0].due_on == date(2026, 2, 25)
    assert digest.items[0].sent_at == datetime(2026, 2, 20, 15, tzinfo=UTC)
    await world.services.contacts.log_exchange(A, contact.id, ExchangeKind.REPLIED)
    assert kinds(await world.svc.digest_for(A)) == []


async def test_digest_nudge_waits_for_the_delay(world: World) -> None:
    """Before the follow-up delay has passed (beyond this week), no nudge and no follow-up."""
    await set_up(world)
    contact = await add_contact(world, "Just written")
    await send_draft(world, contact.id, delay=14)
    assert kinds(await world.svc.digest_for(A)) == []
    world.clock.advance(days=9)
    assert kinds(await world.svc.digest_for(A)) == [(ItemKind.NUDGE, "Just written")]


async def test_five_contacts_met_together_are_spread(world: World) -> None:
    """Five people added together get their first follow-ups over at least three days."""
    met = date(2026, 3, 4)
    added = [await add_contact(world, f"Person {i}", met_on=met) for i in range(5)]
    days = Counter(c.follow_up_on for c in added)
    assert len(days) >= 3
    assert max(days.values()) <= 2
    assert min(days) == met + timedelta(days=2)
    await set_up(world)
    due = Counter(i.due_on for i in (await world.svc.digest_for(A)).items)
    assert due == days


async def test_snooze_and_done_follow_up(world: World) -> None:
    """Snoozing a follow-up hides it for a week; done logs the exchange and clears it."""
    await set_up(world)
    contact = await add_contact(world, "Fresh", met_on=date(2026, 3, 3))
    await world.svc.snooze(A, ItemKind.FOLLOW_UP, contact.id)
    assert kinds(await world.svc.digest_for(A)) == []
    world.clock.advance(days=7)
    assert kinds(await world.svc.digest_for(A)) == [(ItemKind.FOLLOW_UP, "Fresh")]
    await world.svc.done(A, ItemKind.FOLLOW_UP, contact.id)
    assert kinds(await world.svc.digest_for(A)) == []
    history = await world.services.contacts.history(A, contact.id)
    assert [e.kind for e in history] == [ExchangeKind.MESSAGED]
    assert history[0].note == "Follow up: done."


async def test_snooze_and_done_check_in(world: World) -> None:
    """A check-in done is logged (e-mailed when there is an address) and not due for a cadence."""
    await set_up(world)
    tutor = await add_contact(world, "Tutor", role=Role.TUTOR, email="t@example.org")
    await world.services.contacts.log_exchange(A, tutor.id, ExchangeKind.CALLED, when="2026-01-01")
    assert kinds(await world.svc.digest_for(A)) == [(ItemKind.CHECK_IN, "Tutor")]
    await world.svc.snooze(A, ItemKind.CHECK_IN, tutor.id)
    assert kinds(await world.svc.digest_for(A)) == []
    await world.svc.done(A, ItemKind.CHECK_IN, tutor.id)
    history = await world.services.contacts.history(A, tutor.id)
    assert history[0].kind is ExchangeKind.EMAILED
    world.clock.advance(days=30)
    assert kinds(await world.svc.digest_for(A)) == []


async def test_snooze_and_done_nudge(world: World) -> None:
    """A nudge snoozed or done is not due again for a week."""
    await set_up(world)
    contact = await add_contact(world, "Quiet one")
    world.clock.set(datetime(2026, 2, 20, 15, tzinfo=UTC))
    await send_draft(world, contact.id)
    world.clock.set(START)
    await world.svc.snooze(A, ItemKind.NUDGE, contact.id)
    assert kinds(await world.svc.digest_for(A)) == []
    world.clock.advance(days=7)
    assert kinds(await world.svc.digest_for(A)) == [(ItemKind.NUDGE, "Quiet one")]
    await world.svc.done(A, ItemKind.NUDGE, contact.id)
    assert kinds(await world.svc.digest_for(A)) == []
    history = await world.services.contacts.history(A, contact.id)
    assert history[0].note == "Nudge: done."


async def test_snooze_and_done_reminder(world: World) -> None:
    """A reminder snoozed moves a week on; done closes it; another student's is not found."""
    await set_up(world)
    reminder = await world.svc.remind(A, None, "tomorrow", "Call the lab")
    await world.svc.snooze(A, ItemKind.REMINDER, reminder.id)
    moved = await world.reminders.get_reminder(A, reminder.id)
    assert moved.due_at == reminder.due_at + timedelta(days=7)
    assert kinds(await world.svc.digest_for(A)) == []
    for action in (world.svc.snooze, world.svc.done):
        with pytest.raises(InvalidInput, match="couldn't find that reminder"):
            await action(B, ItemKind.REMINDER, reminder.id)
    await world.svc.done(A, ItemKind.REMINDER, reminder.id)
    assert (await world.reminders.get_reminder(A, reminder.id)).done_at == START
    world.clock.advance(days=8)
    assert kinds(await world.svc.digest_for(A)) == []


async def test_snooze_overdue_reminder_is_a_week_from_now(world: World) -> None:
    """Snoozing a reminder that is already overdue moves it a week from now, not from then."""
    reminder = await world.svc.remind(A, None, "tomorrow", "x")
    world.clock.advance(days=10)
    await world.svc.snooze(A, ItemKind.REMINDER, reminder.id)
    moved = await world.reminders.get_reminder(A, reminder.id)
    assert moved.due_at == world.clock.now() + timedelta(days=7)


async def test_snooze_and_done_someone_elses_contact(world: World) -> None:
    """Contact items of another student behave as if the contact did not exist."""
    theirs = await add_contact(world, "Grace Hopper", owner=B)
    for kind in (ItemKind.FOLLOW_UP, ItemKind.NUDGE, ItemKind.CHECK_IN):
        with pytest.raises(ContactNotFound):
            await world.svc.snooze(A, kind, theirs.id)
        with pytest.raises(ContactNotFound):
            await world.svc.done(A, kind, theirs.id)
        with pytest.raises(ContactNotFound):
            await world.svc.draft_request(A, kind, theirs.id)
    assert await world.services.contacts.history(B, theirs.id) == []


async def test_draft_request_per_kind(world: World) -> None:
    """Each due item opens the draft that fits it."""
    tutor = await add_contact(world, "Tutor", role=Role.TUTOR)
    mentor = await add_contact(world, "Mentor", role=Role.PEER_MENTOR)
    faculty = await add_contact(world, "Faculty", role=Role.FACULTY)
    request = await world.svc.draft_request(A, ItemKind.FOLLOW_UP, tutor.id)
    assert (request.kind, request.people, request.template_id) == ("followup", (tutor.id,), None)
    request = await world.svc.draft_request(A, ItemKind.NUDGE, tutor.id)
    assert (request.kind, request.template_id) == ("followup", "followup_nudge")
    for contact, template in [
        (tutor, "outreach_progress_update"),
        (mentor, "outreach_progress_update"),
        (faculty, "outreach_reconnect"),
    ]:
        request = await world.svc.draft_request(A, ItemKind.CHECK_IN, contact.id)
        assert (request.kind, request.people, request.template_id) == (
            "outreach",
            (contact.id,),
            template,
        )
    about = await world.svc.remind(A, faculty.id, "tomorrow", None)
    request = await world.svc.draft_request(A, ItemKind.REMINDER, about.id)
    assert (request.kind, request.people, request.template_id) == (
        "outreach",
        (faculty.id,),
        "outreach_reconnect",
    )
    note_only = await world.svc.remind(A, None, "tomorrow", "Study")
    with pytest.raises(InvalidInput, match="nothing to draft"):
        await world.svc.draft_request(A, ItemKind.REMINDER, note_only.id)
    catalogue = world.services.drafts.catalogue
    for template in ("followup_nudge", "outreach_progress_update", "outreach_reconnect"):
        assert catalogue.get(template) is not None


# -- delivery ---------------------------------------------------------------------------------


async def test_on_time_digest_is_sent_once_and_advances(world: World) -> None:
    """At the digest time one digest goes out and the next is a week later; reruns send nothing."""
    due = (await set_up(world)).next_digest_at
    assert due == datetime(2026, 3, 8, 22, tzinfo=UTC)  # Sunday 18:00 EDT
    world.clock.set(due - timedelta(seconds=1))
    assert (await world.tick()).sent == 0
    world.clock.set(due)
    report = await world.tick()
    assert (report.sent, report.late, report.failed) == (1, 0, 0)
    [message] = world.notifier.digests(A)
    assert message.digest.late_by_hours == 0 and message.digest.student_id == A
    [row] = [r for r in world.reminders.deliveries.values() if r.delivery.kind == "digest"]
    assert message.key == row.delivery.key
    assert await world.next_digest_at() == due + timedelta(days=7)
    assert world.outcomes("digest") == ["sent"]
    for _ in range(3):
        world.clock.advance(minutes=5)
        report = await world.tick()
        assert report.sent == 0 and report.retried == 0
    assert len(world.notifier.digests(A)) == 1


async def test_restart_sends_nothing_twice(world: World) -> None:
    """A new service over the same database sends nothing already sent."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due)
    await world.tick()
    world.restart()
    world.clock.advance(minutes=2)
    report = await world.tick()
    assert report.sent == 0 and report.retried == 0
    assert len(world.notifier.digests(A)) == 1
    world.clock.set(due + timedelta(days=7))
    assert (await world.tick()).sent == 1
    assert len(world.notifier.digests(A)) == 2


async def test_lost_response_is_resent_with_the_same_key(world: World) -> None:
    """Sent but unrecorded (crash or lost response): the retry reuses the key; one message."""
    due = (await set_up(world)).next_digest_at
    world.notifier.lose_next_response()
    world.clock.set(due)
    report = await world.tick()
    assert report.failed == 1
    assert len(world.notifier.digests(A)) == 1  # Discord has it
    # Not retried before RETRY_AFTER, even by a restarted process.
    world.restart()
    world.clock.advance(RETRY_AFTER - timedelta(seconds=1))
    assert (await world.tick()).retried == 0
    world.clock.advance(seconds=2)
    report = await world.tick()
    assert (report.retried, report.sent) == (1, 1)
    digest_attempts = [a for a in world.notifier.attempts if a[0] == "digest"]
    assert len(digest_attempts) == 2 and digest_attempts[0] == digest_attempts[1]
    assert len(world.notifier.digests(A)) == 1
    assert world.outcomes("digest") == ["sent"]
    world.clock.advance(minutes=10)
    assert (await world.tick()).retried == 0


async def test_claim_left_open_by_a_crash_is_delivered_once(world: World) -> None:
    """A claim with no send (the process died) is sent by a later tick, under its key."""
    due = (await set_up(world)).next_digest_at
    claim = await world.reminders.claim(A, "digest", due.isoformat(), due_at=due, now=due)
    world.clock.set(due + timedelta(seconds=5))
    report = await world.tick()
    assert report.sent == 0  # the schedule moved on, but the claim is not ours to send yet
    assert await world.next_digest_at() == due + timedelta(days=7)
    world.restart()
    world.clock.set(due + RETRY_AFTER + timedelta(seconds=1))
    report = await world.tick()
    assert (report.retried, report.sent) == (1, 1)
    [message] = world.notifier.digests(A)
    assert message.key == claim.key
    world.clock.advance(minutes=5)
    assert (await world.tick()).sent == 0
    assert len(world.notifier.digests(A)) == 1


async def test_notifier_error_after_claim_is_retried(world: World) -> None:
    """An unexpected error in the send counts as an attempt; the next tick delivers once."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due)
    world.notifier.fail_next()
    report = await world.tick()
    assert (report.failed, report.sent) == (1, 0)
    assert world.notifier.digests(A) == []
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    report = await world.tick()
    assert (report.retried, report.sent) == (1, 1)
    assert len(world.notifier.digests(A)) == 1


async def test_gives_up_after_max_attempts(world: World) -> None:
    """A send that keeps failing is tried MAX_ATTEMPTS times, then recorded as failed."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due)
    world.notifier.fail_next(100)
    for _ in range(MAX_ATTEMPTS + 3):
        await world.tick()
        world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    assert len([a for a in world.notifier.attempts if a[0] == "digest"]) == MAX_ATTEMPTS
    assert world.outcomes("digest") == ["failed"]
    assert world.notifier.messages == [m for m in world.notifier.messages if m.kind == "welcome"]


async def test_late_digest_is_marked_late(world: World) -> None:
    """Down for five hours: the digest still comes, saying it is five hours late."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due + timedelta(hours=5, minutes=3))
    report = await world.tick()
    assert (report.late, report.sent, report.skipped) == (1, 0, 0)
    [message] = world.notifier.digests(A)
    assert message.digest.late_by_hours >= 5
    assert world.outcomes("digest") == ["late"]
    assert await world.next_digest_at() == due + timedelta(days=7)


async def test_slightly_late_digest_is_not_marked(world: World) -> None:
    """A few minutes late (a slow tick) is not worth mentioning."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due + timedelta(minutes=5))
    assert (await world.tick()).sent == 1
    assert world.notifier.digests(A)[0].digest.late_by_hours == 0


async def test_very_late_digest_is_skipped_and_next_week_comes(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Down for 30 hours: that digest is skipped and logged; next week's still comes."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due + timedelta(hours=30))
    with caplog.at_level(logging.WARNING, logger="bot.core.delivery"):
        report = await world.tick()
    assert (report.skipped, report.sent, report.late) == (1, 0, 0)
    assert world.notifier.digests(A) == []
    assert "skipped late delivery" in caplog.text and "late_hours=30" in caplog.text
    assert world.outcomes("digest") == ["skipped"]
    assert await world.next_digest_at() == due + timedelta(days=7)
    world.clock.set(due + timedelta(days=7))
    assert (await world.tick()).sent == 1
    assert len(world.notifier.digests(A)) == 1


async def test_down_for_weeks_sends_one_catch_up(world: World) -> None:
    """After three weeks down, the missed digests are skipped once and the schedule resumes."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due + timedelta(days=21, hours=3))
    report = await world.tick()
    assert report.skipped == 1 and report.sent == 0
    following = await world.next_digest_at()
    assert following == due + timedelta(days=28)
    world.clock.set(following)
    assert (await world.tick()).sent == 1


DST_CASES = [
    pytest.param(NY, date(2026, 3, 8), 2, id="new-york-spring"),
    pytest.param(NY, date(2026, 11, 1), 1, id="new-york-autumn"),
    pytest.param("Europe/London", date(2026, 3, 29), 1, id="london-spring"),
    pytest.param("Europe/London", date(2026, 10, 25), 1, id="london-autumn"),
    pytest.param("Australia/Sydney", date(2026, 4, 5), 2, id="sydney-autumn"),
    pytest.param("Australia/Sydney", date(2026, 10, 4), 2, id="sydney-spring"),
]


@pytest.mark.parametrize(("zone", "transition", "hour"), DST_CASES)
async def test_dst_hourly_ticks_deliver_once_a_week(zone: str, transition: date, hour: int) -> None:
    """Ticking every hour across a DST change at its odd hour: exactly one digest a week."""
    start = datetime(transition.year, transition.month, transition.day, tzinfo=UTC)
    world = make_world(start - timedelta(days=10))
    await set_up(world, timezone=zone, weekday=SUN, hour=hour)
    end = start + timedelta(days=16)
    while world.clock.now() < end:
        world.clock.advance(hours=1)
        await world.tick()
    tz = ZoneInfo(zone)
    sent = [row.delivery for row in world.reminders.deliveries.values()]
    assert [row.outcome for row in world.reminders.deliveries.values()] == ["sent"] * 4
    local_days = [d.due_at.astimezone(tz).date() for d in sent]
    assert local_days == [transition + timedelta(days=7 * k) for k in (-1, 0, 1, 2)]
    weeks = [d.isocalendar()[:2] for d in local_days]
    assert len(set(weeks)) == len(weeks)
    assert len(world.notifier.digests(A)) == 4
    # Each went out within the hour after it fell due.
    assert all(timedelta(0) <= d.sent_at - d.due_at < timedelta(hours=1) for d in sent)


async def test_closed_dms_marks_unreachable_until_noticed(world: World) -> None:
    """Discord 50007: one attempt, the student is marked unreachable, nothing more is sent."""
    due = (await set_up(world)).next_digest_at
    await world.svc.remind(A, None, "tomorrow", "Call the lab")
    world.notifier.close_dms(A)
    world.clock.set(due)
    report = await world.tick()
    assert report.unreachable == 1
    attempts = len(world.notifier.attempts)
    assert attempts == 1 + 1  # the welcome, and the one digest attempt
    assert world.students.rows[A].unreachable_since == due
    for _ in range(3):
        world.clock.advance(days=7)
        report = await world.tick()
        assert report.sent == 0 and report.unreachable == 0
    assert len(world.notifier.attempts) == attempts
    assert await world.svc.reachability_notice(A) == DMS_WERE_CLOSED
    assert "Privacy Settings" in DMS_WERE_CLOSED
    assert await world.svc.reachability_notice(A) is None
    assert world.students.rows[A].unreachable_since is None


async def test_reachable_again_gets_the_next_digest(world: World) -> None:
    """After the notice, with DMs open again, the next digest is delivered."""
    due = (await set_up(world)).next_digest_at
    world.notifier.close_dms(A)
    world.clock.set(due)
    await world.tick()
    world.notifier.open_dms(A)
    world.clock.advance(days=2)
    await world.svc.reachability_notice(A)
    report = await world.tick()
    assert report.sent == 0  # that week's time has passed: not a stale catch-up later
    world.clock.set(due + timedelta(days=7))
    assert (await world.tick()).sent == 1
    assert len(world.notifier.digests(A)) == 1


async def test_setup_again_after_closed_dms_clears_unreachable(world: World) -> None:
    """Running setup again marks the student reachable: the next digest goes out."""
    due = (await set_up(world)).next_digest_at
    world.notifier.close_dms(A)
    world.clock.set(due)
    await world.tick()
    world.notifier.open_dms(A)
    await set_up(world)
    assert world.students.rows[A].unreachable_since is None
    assert [m.kind for m in world.notifier.to(A)] == ["welcome"]  # not welcomed twice
    world.clock.set(due + timedelta(days=7))
    assert (await world.tick()).sent == 1


async def test_one_off_reminder_delivered_once(world: World) -> None:
    """A one-off reminder is DMed once when due, to its owner, about the right contact."""
    await set_up(world, weekday=SAT)
    contact = await add_contact(world, "Ada Lovelace")
    reminder = await world.svc.remind(A, contact.id, "tomorrow", "Ask about research")
    world.clock.set(reminder.due_at - timedelta(minutes=1))
    await world.tick()
    assert world.notifier.items(A) == []
    world.clock.set(reminder.due_at)
    assert (await world.tick()).sent == 1
    [message] = world.notifier.items(A)
    assert message.item.kind is ItemKind.REMINDER and message.item.reminder.id == reminder.id
    assert message.item.contact.id == contact.id and not message.late
    for _ in range(3):
        world.clock.advance(hours=1)
        await world.tick()
    assert len(world.notifier.items(A)) == 1
    world.restart()
    await world.tick()
    assert len(world.notifier.items(A)) == 1


async def test_snoozed_reminder_is_delivered_again(world: World) -> None:
    """A reminder snoozed after its DM comes again a week later, once."""
    await set_up(world, weekday=SAT)
    reminder = await world.svc.remind(A, None, "tomorrow", "Study")
    world.clock.set(reminder.due_at)
    await world.tick()
    await world.svc.snooze(A, ItemKind.REMINDER, reminder.id)
    world.clock.advance(days=7)
    await world.tick()
    await world.tick()
    assert len(world.notifier.items(A)) == 2


async def test_reminder_done_before_due_is_not_sent(world: World) -> None:
    """A reminder closed before it falls due is never DMed."""
    await set_up(world, weekday=SAT)
    reminder = await world.svc.remind(A, None, "tomorrow", "Study")
    await world.svc.done(A, ItemKind.REMINDER, reminder.id)
    world.clock.set(reminder.due_at + timedelta(minutes=1))
    await world.tick()
    assert world.notifier.items(A) == []


async def test_paused_student_gets_no_reminder_dm(world: World) -> None:
    """While paused, neither digests nor one-off reminders are sent."""
    await set_up(world)
    reminder = await world.svc.remind(A, None, "tomorrow", "Study")
    await world.svc.pause(A)
    world.clock.advance(days=8)
    await world.tick()
    assert world.notifier.items(A) == [] and world.notifier.digests(A) == []
    assert reminder.due_at < world.clock.now()


async def test_nudge_delivered_once_when_due(world: World) -> None:
    """A nudge is DMed once when the unanswered message's delay has passed."""
    await set_up(world, weekday=SAT)
    contact = await add_contact(world, "Quiet one")
    draft = await send_draft(world, contact.id, delay=5)
    world.clock.set(draft.nudge_due_at - timedelta(seconds=1))
    await world.tick()
    assert world.notifier.items(A) == []
    world.clock.set(draft.nudge_due_at)
    await world.tick()
    [message] = world.notifier.items(A)
    assert message.item.kind is ItemKind.NUDGE and message.item.contact.id == contact.id
    assert message.item.sent_at == draft.sent_at
    world.clock.advance(hours=2)
    await world.tick()
    world.restart()
    await world.tick()
    assert len(world.notifier.items(A)) == 1


async def test_nudge_reads_its_own_draft_not_every_waiting_one(world: World) -> None:
    """Sending a nudge looks its draft up by id: the student's other unanswered messages (a
    student who writes a lot has hundreds) are not read for it."""
    await set_up(world, weekday=SAT)
    contact = await add_contact(world, "Quiet one")
    draft = await send_draft(world, contact.id, delay=5)
    world.clock.advance(days=2)  # the others were sent later: their nudges are not due yet
    for n in range(5):
        await send_draft(world, (await add_contact(world, f"Waiting {n}")).id)
    world.clock.set(draft.nudge_due_at)
    before = (world.reminders.awaiting_reply_calls, world.reminders.awaiting_replies_calls)
    await world.tick()  # the nudge (Saturday's digest, two days late, is skipped unbuilt)
    after = (world.reminders.awaiting_reply_calls, world.reminders.awaiting_replies_calls)
    assert (after[0] - before[0], after[1] - before[1]) == (1, 0)
    [message] = world.notifier.items(A)
    assert message.item.contact.id == contact.id


async def test_answered_nudge_is_not_sent(world: World) -> None:
    """A reply logged before the nudge falls due means no nudge DM."""
    await set_up(world, weekday=SAT)
    contact = await add_contact(world, "Replies fast")
    draft = await send_draft(world, contact.id, delay=5)
    world.clock.advance(days=1)
    await world.services.contacts.log_exchange(A, contact.id, ExchangeKind.REPLIED)
    world.clock.set(draft.nudge_due_at + timedelta(minutes=1))
    await world.tick()
    assert world.notifier.items(A) == []


async def test_quiet_when_empty(world: World) -> None:
    """With quiet_when_empty, an empty week sends nothing; a week with items sends the digest."""
    due = (await set_up(world, quiet_when_empty=True)).next_digest_at
    world.clock.set(due)
    report = await world.tick()
    assert (report.quiet, report.sent) == (1, 0)
    assert world.notifier.digests(A) == []
    assert world.outcomes("digest") == ["quiet"]
    await add_contact(world, "Fresh", met_on=date(2026, 3, 9))
    world.clock.set(due + timedelta(days=7))
    assert (await world.tick()).sent == 1
    [message] = world.notifier.digests(A)
    assert kinds(message.digest) == [(ItemKind.FOLLOW_UP, "Fresh")]


async def test_empty_week_without_quiet_sends_the_short_digest(world: World) -> None:
    """Without quiet_when_empty, an empty week still gets its (one-line) digest."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due)
    assert (await world.tick()).sent == 1
    [message] = world.notifier.digests(A)
    assert message.digest.items == ()


async def test_many_students_each_get_one(world: World) -> None:
    """Many students due at once: each gets exactly one digest in their own DM."""
    students = [A + i for i in range(30)]
    for student in students:
        await set_up(world, student)
    due = await world.next_digest_at(A)
    world.clock.set(due)
    report = await world.tick()
    assert report.sent == 30
    by_student = Counter(m.student_id for m in world.notifier.digests())
    assert by_student == dict.fromkeys(students, 1)
    assert all(m.digest.student_id == m.student_id for m in world.notifier.digests())


async def test_tick_runs_as_many_sends_at_once_as_the_notifier_says(world: World) -> None:
    """The delivery tick keeps `Notifier.concurrency` sends in flight, no more: how many a
    platform can take is the adapter's to say, not the core's."""
    world.notifier.concurrency = 3
    world.restart()
    students = [A + i for i in range(12)]
    for student in students:
        await set_up(world, student)
    world.clock.set(await world.next_digest_at(A))
    assert (await world.tick()).sent == 12
    assert world.notifier.most_in_flight == 3


# -- two processes on one SQLite file ---------------------------------------------------------


@dataclass
class Process:
    db: Any
    services: Services


async def _process(
    path: Path, clock: FakeClock, notifier: RecordingNotifier, *, leased: bool = False
) -> Process:
    db = await open_database(path)
    await migrate(db)
    services = build_services(
        clock,
        students=SqliteStudentRepository(db),  # type: ignore[arg-type]
        contacts=SqliteContactRepository(db),  # type: ignore[arg-type]
        pending=SqlitePendingRepository(db),  # type: ignore[arg-type]
        profiles=SqliteProfileRepository(db),  # type: ignore[arg-type]
        drafts=SqliteDraftRepository(db),  # type: ignore[arg-type]
        reminders=SqliteReminderRepository(db),
        notifier=notifier,
        lease=SqliteSenderLease(db) if leased else None,
    )
    return Process(db, services)


@pytest.fixture
async def two_processes(
    tmp_path: Path,
) -> AsyncIterator[tuple[FakeClock, RecordingNotifier, Process, Process]]:
    clock = FakeClock(START)
    notifier = RecordingNotifier()
    path = tmp_path / "coach.sqlite3"
    first = await _process(path, clock, notifier)
    second = await _process(path, clock, notifier)
    yield clock, notifier, first, second
    await first.db.close()
    await second.db.close()


@pytest.mark.storage
async def test_two_processes_on_one_database_send_once(two_processes) -> None:
    """Two services on one SQLite file ticking concurrently: one digest per student."""
    clock, notifier, first, second = two_processes
    students = [A + i for i in range(12)]
    for index, student in enumerate(students):
        process = first if index % 2 else second
        await process.services.reminders.setup(student, timezone=NY, weekday=SUN, hour=18)
        await process.services.reminders.remind(student, None, "in 4 days", "Study")
    clock.set(datetime(2026, 3, 8, 22, tzinfo=UTC))
    for _ in range(3):
        reports = await asyncio.gather(
            first.services.delivery.deliver_due(), second.services.delivery.deliver_due()
        )
        clock.advance(RETRY_AFTER + timedelta(seconds=1))
    assert sum(r.sent for r in reports) == 0
    assert Counter(m.student_id for m in notifier.digests()) == dict.fromkeys(students, 1)
    assert Counter(m.student_id for m in notifier.items()) == dict.fromkeys(students, 1)
    assert notifier.attempts.count(notifier.attempts[-1]) == 1


@pytest.mark.storage
async def test_one_process_sends_and_another_takes_over_when_it_dies(tmp_path: Path) -> None:
    """Two processes with the sender lease on one SQLite file, each with its own connection to
    Discord: every digest goes out once, all through the lease holder; when the holder stops
    (killed: no release) the other sends the next week's within one tick after the lease ran
    out; a clean shutdown hands over at the next tick."""
    clock = FakeClock(START)
    path = tmp_path / "coach.sqlite3"
    first_dms, second_dms = RecordingNotifier(), RecordingNotifier()
    first = await _process(path, clock, first_dms, leased=True)
    second = await _process(path, clock, second_dms, leased=True)
    try:
        students = [A + i for i in range(6)]
        for student in students:
            settings = await first.services.reminders.setup(
                student, timezone=NY, weekday=SUN, hour=18
            )
        clock.set(settings.next_digest_at)
        await asyncio.gather(
            first.services.delivery.deliver_due(), second.services.delivery.deliver_due()
        )
        sent = [len(first_dms.digests()), len(second_dms.digests())]
        assert sorted(sent) == [0, len(students)]
        holder, standby = (first, second) if sent[0] else (second, first)
        standby_dms = second_dms if holder is first else first_dms
        # The holder renews its lease 10 s before next week's digests, then dies; the standby
        # ticks every 30 s meanwhile and takes over once the lease has run out.
        died = settings.next_digest_at + timedelta(days=7) - timedelta(seconds=10)
        clock.set(died)
        await holder.services.delivery.deliver_due()
        tick = timedelta(seconds=29)
        await standby.services.delivery.deliver_due()
        while not standby_dms.digests():
            clock.advance(tick)
            assert clock.now() - died <= SENDER_LEASE + tick, "no takeover"
            await standby.services.delivery.deliver_due()
        # Taken over at the first tick after the lease ran out, not before.
        assert SENDER_LEASE <= clock.now() - died <= SENDER_LEASE + tick
        assert Counter(m.student_id for m in standby_dms.digests()) == dict.fromkeys(students, 1)
        # A clean shutdown: the next holder is the other process at its very next tick.
        await standby.services.delivery.release_lease()
        clock.advance(timedelta(days=7))
        await holder.services.delivery.deliver_due()
        assert len((first_dms if holder is first else second_dms).digests()) == 2 * len(students)
    finally:
        await first.db.close()
        await second.db.close()


# -- consent and lateness on retries ----------------------------------------------------------


async def test_no_retry_after_turning_reminders_off(world: World) -> None:
    """A digest that failed is not retried once the student has turned reminders off."""
    due = (await set_up(world)).next_digest_at
    world.clock.set(due)
    world.notifier.fail_next()
    assert (await world.tick()).failed == 1
    await world.svc.turn_off(A)
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    await world.tick()
    assert world.notifier.digests(A) == []
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    await world.tick()
    assert len([a for a in world.notifier.attempts if a[0] == "digest"]) == 1


async def test_no_retry_while_paused(world: World) -> None:
    """A reminder DM that failed is not retried while the student is paused."""
    await set_up(world, weekday=SAT)
    reminder = await world.svc.remind(A, None, "tomorrow", "Study")
    world.clock.set(reminder.due_at)
    world.notifier.fail_next()
    await world.tick()
    await world.svc.pause(A)
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    await world.tick()
    assert world.notifier.items(A) == []


async def test_late_reminder_is_marked_and_very_late_one_goes_in_the_digest(world: World) -> None:
    """A reminder 5 h late is DMed marked late; one 30 h late is skipped but in the digest."""
    await set_up(world, weekday=SUN, hour=18)
    first = await world.svc.remind(A, None, "tomorrow", "Five hours")
    world.clock.set(first.due_at + timedelta(hours=5))
    await world.tick()
    [message] = world.notifier.items(A)
    assert message.late and message.item.reminder.id == first.id
    second = await world.svc.remind(A, None, "2026-03-06 08:00", "Thirty hours")
    world.clock.set(second.due_at + timedelta(hours=30))
    report = await world.tick()
    assert report.skipped == 1
    assert len(world.notifier.items(A)) == 1
    digest_time = await world.next_digest_at()
    world.clock.set(digest_time)
    await world.tick()
    [digest] = world.notifier.digests(A)
    assert (ItemKind.REMINDER, "Thirty hours") in kinds(digest.digest)


@pytest.mark.storage
async def test_two_processes_retry_one_open_claim_once(two_processes) -> None:
    """Both processes pick up the same open claim: the shared key makes it one message."""
    clock, notifier, first, second = two_processes
    settings = await first.services.reminders.setup(A, timezone=NY, weekday=SUN, hour=18)
    due = settings.next_digest_at
    clock.set(due)
    notifier.lose_next_response()
    await first.services.delivery.deliver_due()
    clock.advance(RETRY_AFTER + timedelta(seconds=1))
    reports = await asyncio.gather(
        first.services.delivery.deliver_due(), second.services.delivery.deliver_due()
    )
    assert sum(r.retried for r in reports) >= 1
    assert len(notifier.digests(A)) == 1
    clock.advance(RETRY_AFTER + timedelta(seconds=1))
    reports = await asyncio.gather(
        first.services.delivery.deliver_due(), second.services.delivery.deliver_due()
    )
    assert sum(r.retried for r in reports) == 0
    assert len(notifier.digests(A)) == 1


@pytest.mark.storage
async def test_two_processes_never_resend_the_same_claim(two_processes) -> None:
    """A stale claim is leased by one process only (compare-and-set in the SQLite ledger): the
    other process's tick at the same moment does not send it too, and neither does a third
    tick before the lease has gone stale."""
    clock, notifier, first, second = two_processes
    settings = await first.services.reminders.setup(A, timezone=NY, weekday=SUN, hour=18)
    clock.set(settings.next_digest_at)
    notifier.lose_next_response()
    await first.services.delivery.deliver_due()
    sent_once = len(notifier.attempts)
    clock.advance(RETRY_AFTER + timedelta(seconds=1))
    reports = await asyncio.gather(
        first.services.delivery.deliver_due(), second.services.delivery.deliver_due()
    )
    assert sorted(r.retried for r in reports) == [0, 1]
    assert len(notifier.attempts) == sent_once + 1  # one resend, not one per process
    assert len(notifier.digests(A)) == 1


async def test_claim_older_than_the_idempotency_window_is_uncertain_not_resent(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """Sent, answer lost, and the next ticks come only after the notifier's idempotency window
    (the bot was down): resending could be a second message, so the claim is recorded as
    uncertain and logged by id, and nothing is sent."""
    due = (await set_up(world)).next_digest_at
    world.notifier.lose_next_response()
    world.clock.set(due)
    await world.tick()
    attempts = len(world.notifier.attempts)
    world.restart()
    world.clock.advance(world.notifier.idempotency_window + timedelta(seconds=1))
    with caplog.at_level(logging.WARNING, logger="bot.core.delivery"):
        report = await world.tick()
    assert (report.uncertain, report.retried, report.sent) == (1, 0, 0)
    assert len(world.notifier.attempts) == attempts
    assert world.outcomes("digest") == ["uncertain"]
    [row] = world.reminders.deliveries.values()
    assert f"uncertain delivery student={A} kind=digest delivery={row.delivery.id}" in caplog.text
    world.clock.advance(minutes=10)
    assert (await world.tick()).uncertain == 0  # recorded once, then closed
    assert len(world.notifier.digests(A)) == 1


async def test_an_uncertain_reminder_is_told_in_the_next_digest_once(world: World) -> None:
    """A reminder whose send outlived the idempotency window: the next weekly digest says it
    may not have reached the student, naming it again while it is open; the digest after that
    does not repeat it. A student with quiet-when-empty digests still gets the one that says
    so."""
    await set_up(world, weekday=SUN, hour=18, quiet_when_empty=True)
    open_one = await world.svc.remind(A, None, "2026-03-05 09:00", "Book the shadowing day")
    done_one = await world.svc.remind(A, None, "2026-03-05 10:00", "Email Dr Osei")
    world.notifier.lose_next_response()
    world.notifier.lose_next_response()
    world.clock.set(done_one.due_at)
    await world.tick()
    world.restart()
    world.clock.advance(world.notifier.idempotency_window + timedelta(seconds=1))
    assert (await world.tick()).uncertain == 2
    await world.svc.done(A, ItemKind.REMINDER, done_one.id)
    world.clock.set(await world.next_digest_at())
    await world.tick()
    [digest] = world.notifier.digests(A)
    first, second = digest.digest.maybe_missed
    assert (first.kind, first.due_on, second.due_on) == (
        "reminder",
        date(2026, 3, 5),
        date(2026, 3, 5),
    )
    assert first.item is not None and first.item.reminder.id == open_one.id
    assert second.item is None  # done since: told, not listed again
    await world.svc.done(A, ItemKind.REMINDER, open_one.id)
    world.clock.set(await world.next_digest_at())
    await world.tick()
    # Nothing due and nothing uncertain since the last digest: quiet.
    assert len(world.notifier.digests(A)) == 1


async def test_a_send_that_may_have_arrived_on_a_keyless_platform_is_uncertain_at_once(
    world: World,
) -> None:
    """Telegram takes no idempotency key: a send without an answer (DeliveryUncertain) is
    closed as uncertain in the same tick, never resent, and the next digest says it may not
    have arrived."""
    due = (await set_up(world)).next_digest_at
    world.notifier.lose_next_response_uncertainly()
    world.clock.set(due)
    report = await world.tick()
    assert (report.uncertain, report.failed, report.sent) == (1, 0, 0)
    assert world.outcomes("digest") == ["uncertain"]
    world.clock.advance(minutes=2)
    assert (await world.tick()).retried == 0
    world.clock.set(await world.next_digest_at())
    await world.tick()
    digests = world.notifier.digests(A)
    assert len(digests) == 2  # the one that may have arrived, and the next saying so
    assert [m.kind for m in digests[1].digest.maybe_missed] == ["digest"]


async def test_a_send_the_platform_never_took_is_resent_past_the_window(world: World) -> None:
    """On a keyless platform (no window at all) a send refused outright (DeliveryNotSent) is
    tried again by the next tick, not recorded as uncertain: one digest arrives and none is
    told as missed. Had the retry itself been cut short (a crash: nothing recorded), the claim
    is uncertain after all."""
    world.notifier.idempotency_window = timedelta(0)
    due = (await set_up(world)).next_digest_at
    world.notifier.refuse_next()
    world.clock.set(due)
    assert (await world.tick()).failed == 1
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    report = await world.tick()
    assert (report.uncertain, report.retried, report.sent) == (0, 1, 1)
    assert len(world.notifier.digests(A)) == 1 and world.outcomes("digest") == ["sent"]
    world.clock.set(await world.next_digest_at())
    await world.tick()
    assert world.notifier.digests(A)[1].digest.maybe_missed == ()


async def test_a_retry_cut_short_after_a_refusal_is_uncertain(world: World) -> None:
    """Refused once (safe to resend), then the retry's process dies mid-send (nothing
    recorded): the mark was cleared by that retry's lease, so the claim is not resent again."""
    world.notifier.idempotency_window = timedelta(0)
    due = (await set_up(world)).next_digest_at
    world.notifier.refuse_next()
    world.clock.set(due)
    await world.tick()
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    [leased] = await world.reminders.lease_stale(
        stale_before=world.clock.now(), now=world.clock.now(), limit=10
    )
    assert leased.resend_safe  # …and the send it leads to dies before any answer
    world.restart()
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    report = await world.tick()
    assert (report.uncertain, report.retried) == (1, 0)
    assert world.notifier.digests(A) == []


async def test_claim_inside_the_idempotency_window_is_still_retried(world: World) -> None:
    """Just inside the window the key is still recognised: the retry goes out (one message)."""
    due = (await set_up(world)).next_digest_at
    world.notifier.lose_next_response()
    world.clock.set(due)
    await world.tick()
    world.clock.advance(world.notifier.idempotency_window)
    report = await world.tick()
    assert (report.uncertain, report.retried, report.sent) == (0, 1, 1)
    assert len(world.notifier.digests(A)) == 1


async def test_one_tick_drains_a_fan_out_larger_than_its_chunks_each_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twenty-five students due at one instant, claimed 4 at a time with at most 3 claims
    waiting: one tick sends every digest once, and the next sends nothing."""
    monkeypatch.setattr(delivery_module, "DIGEST_CHUNK", 4)
    monkeypatch.setattr(delivery_module, "CLAIM_AHEAD", 3)
    students = [A + i for i in range(25)]
    for student in students:
        due = (await world.svc.setup(student, timezone=NY, weekday=6, hour=18)).next_digest_at
    assert due is not None
    world.clock.set(due)
    report = await world.tick()
    assert report.sent == 25 and report.failed == 0
    assert Counter(m.student_id for m in world.notifier.digests()) == dict.fromkeys(students, 1)
    world.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    assert (await world.tick()).sent == 0
    assert len(world.notifier.digests()) == 25


@pytest.mark.parametrize("kind", [ItemKind.FOLLOW_UP, ItemKind.CHECK_IN, ItemKind.REMINDER])
async def test_done_twice_logs_one_exchange(world: World, kind: ItemKind) -> None:
    """Clicking Done twice (one after the other, or both at once) logs once."""
    await set_up(world)
    contact = await add_contact(world, "Fresh", met_on=date(2026, 3, 3))
    if kind is ItemKind.REMINDER:
        ref = (await world.svc.remind(A, contact.id, "tomorrow", "Call")).id
    else:
        ref = contact.id
    first = await asyncio.gather(*(world.svc.done(A, kind, ref) for _ in range(2)))
    again = await world.svc.done(A, kind, ref)
    assert sorted(first) == [False, True] and again is False
    history = await world.services.contacts.history(A, contact.id)
    assert len(history) == (0 if kind is ItemKind.REMINDER else 1)
