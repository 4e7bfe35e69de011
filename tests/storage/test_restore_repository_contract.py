"""The RestoreRepository contract, against SQLite and the in-memory fake alike.

A `Restore` is written for one student and read back through the other repositories' own
methods (what the services would see): new ids with references following them, every field,
only into an empty account, and nothing of another student's touched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.events import EventKind
from bot.core.export_reader import (
    Restore,
    RestoredCoachState,
    RestoredContact,
    RestoredDraft,
    RestoredEvent,
    RestoredExchange,
    RestoredInterview,
    RestoredLetter,
    RestoredProfile,
    RestoredReminder,
    RestoredSeasonPlan,
    RestoredStudent,
)
from bot.core.letters import LetterStage
from bot.core.models import (
    Channel,
    ContactDraft,
    ContactFilter,
    ExchangeKind,
    Profile,
    ReminderSettings,
    Role,
)
from bot.core.progress import WeeklyGoal
from bot.core.restore import AccountNotEmpty
from bot.core.season import Route, SeasonPlan
from tests.fake_season import InMemorySeasonRepository
from tests.fakes import (
    InMemoryCoachRepository,
    InMemoryContactRepository,
    InMemoryDraftRepository,
    InMemoryEventRepository,
    InMemoryProfileRepository,
    InMemoryReminderRepository,
    InMemoryRestoreRepository,
    InMemoryStudentRepository,
)
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
T1 = NOW - timedelta(days=30, microseconds=7)
T2 = NOW - timedelta(days=2)


@dataclass
class Repos:
    students: Any
    contacts: Any
    drafts: Any
    reminders: Any
    profiles: Any
    coach: Any
    events: Any
    restore: Any
    season: Any
    store: Store | None = None


def _stored(store: Store) -> Repos:
    names = ("students", "contacts", "drafts", "reminders", "profiles", "coach", "events")
    return Repos(*(store.make(name) for name in (*names, "restore", "season")), store=store)


def _memory() -> Repos:
    students, contacts = InMemoryStudentRepository(), InMemoryContactRepository()
    drafts = InMemoryDraftRepository(contacts)
    reminders = InMemoryReminderRepository(students, contacts, drafts)
    profiles, coach, events = (
        InMemoryProfileRepository(),
        InMemoryCoachRepository(),
        InMemoryEventRepository(),
    )
    season = InMemorySeasonRepository(contacts, events)
    restore = InMemoryRestoreRepository(
        students, contacts, drafts, reminders, profiles, coach, events, season
    )
    return Repos(students, contacts, drafts, reminders, profiles, coach, events, restore, season)


STORES = kinds_for(
    "students",
    "contacts",
    "drafts",
    "reminders",
    "profiles",
    "coach",
    "events",
    "restore",
    "season",
)


@pytest.fixture(params=[*STORES, "memory"])
async def repos(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Repos]:
    if request.param == "memory":
        made = _memory()
    else:
        made = _stored(await open_store(request.param, request, tmp_path))
    for student in (A, B):
        await made.students.get_or_create(student, now=NOW)
    # B already has a contact (with an id the restore's ids must not collide with).
    await made.contacts.add(B, ContactDraft(name="Bee's contact"), now=NOW)
    yield made
    if made.store is not None:
        await made.store.close()


FULL = ContactDraft(
    name="José Núñez",
    role=Role.ATTENDING,
    title="Dr.",
    specialty="Cardiología",
    institution="Hospital Clínic",
    met_event="Grand Rounds",
    met_on=date(2026, 3, 1),
    email="jose@example.org",
    profile_url="https://www.linkedin.com/in/jose",
    notes='Line *one*\n{{ 7*7 }} "quoted"',
    tags=("zeta", "médico"),
    discord_user_id=987_654_321_098_765_432,
    cadence_days=60,
)

RESTORE = Restore(
    student=RestoredStudent("Europe/Paris", T1, T1),
    profile=RestoredProfile(Profile("Zoë", "St Mary's", "MS2", pitch="Hi", signoff="Best"), T2),
    contacts=(
        RestoredContact(ContactDraft(name="Sam"), T1, T2, follow_up_on=date(2026, 3, 9)),
        RestoredContact(FULL, T1, T1, snoozed_until=date(2026, 3, 20)),
    ),
    exchanges=(
        RestoredExchange(1, ExchangeKind.EMAILED, date(2026, 3, 2), "Sent *it*", T1),
        RestoredExchange(0, ExchangeKind.MET, date(2026, 2, 1), None, T1),
    ),
    drafts=(
        RestoredDraft(1, "followup_talk", Channel.EMAIL, 2, {"event": "Talk"}, T1, T2, NOW),
        RestoredDraft(0, "outreach_research", Channel.DM, 1, {}, T2),
    ),
    reminder_settings=ReminderSettings(
        student_id=0,
        consented_at=T1,
        digest_weekday=2,
        digest_hour=8,
        cadence={"attending": 45},
        next_digest_at=NOW + timedelta(days=3),
    ),
    reminders=(
        RestoredReminder(1, "Ask about shadowing", NOW - timedelta(hours=2), T1),
        RestoredReminder(None, "Card", NOW + timedelta(days=1), T1, done_at=T2),
    ),
    coach=RestoredCoachState("events:3", WeeklyGoal(3, 4, 0), T2),
    events=(
        RestoredEvent("Cardio Day", EventKind.CONFERENCE, date(2026, 3, 1), T1),
        RestoredEvent("Empty", EventKind.WORKSHOP, date(2026, 3, 3), T2),
    ),
    links=((1, 0), (0, 0)),
    season_plan=RestoredSeasonPlan("us-2027", Route.ERAS_NRMP, 2027, ("Cardiology", "IM"), T2),
    letters=(
        RestoredLetter(
            1,
            LetterStage.AGREED,
            date(2026, 3, 1),
            date(2026, 8, 1),
            "Riverside",
            None,
            None,
            T1,
            T2,
        ),
        RestoredLetter(
            0, LetterStage.SUBMITTED, date(2026, 2, 1), None, None, date(2026, 3, 2), None, T1, T1
        ),
    ),
    interviews=(RestoredInterview(1, "Riverside IM", True, T2),),
)


async def test_holdings_empty_then_full(repos: Repos) -> None:
    """A fresh student holds nothing; after a restore every kind of row is there."""
    assert not any((await repos.restore.holdings(A)).values())
    await repos.restore.restore(A, RESTORE)
    held = await repos.restore.holdings(A)
    assert {k: bool(n) for k, n in held.items()} == dict.fromkeys(held, True)


async def test_everything_reads_back_through_the_repositories(repos: Repos) -> None:
    await repos.restore.restore(A, RESTORE)
    student, _ = await repos.students.get_or_create(A, now=NOW)
    assert (student.timezone, student.welcomed, student.created_at) == ("Europe/Paris", True, T1)
    assert await repos.profiles.get(A) == RESTORE.profile.profile  # type: ignore[union-attr]
    contacts = sorted(await repos.contacts.list_all(A, ContactFilter()), key=lambda c: c.id)
    assert [c.draft for c in contacts] == [RESTORE.contacts[0].draft, FULL]
    sam, jose = contacts
    assert (sam.created_at, sam.updated_at, sam.follow_up_on) == (T1, T2, date(2026, 3, 9))
    assert jose.snoozed_until == date(2026, 3, 20) and jose.last_contacted_on == date(2026, 3, 2)
    [duplicate] = await repos.contacts.find_duplicates(A, "jose nunez", None)  # keys recomputed
    assert duplicate.id == jose.id
    assert [c.id for c in await repos.contacts.search(A, "cardiologia", limit=5)] == [jose.id]
    exchanges = await repos.contacts.all_exchanges(A)
    assert [(e.contact_id, e.kind, e.note) for e in exchanges] == [
        (sam.id, ExchangeKind.MET, None),
        (jose.id, ExchangeKind.EMAILED, "Sent *it*"),
    ]
    [awaiting] = await repos.reminders.awaiting_replies(A)
    assert (awaiting.contact_id, awaiting.version, awaiting.fields) == (
        jose.id,
        2,
        {"event": "Talk"},
    )
    assert (awaiting.sent_at, awaiting.nudge_due_at) == (T2, NOW)
    unsent = await repos.drafts.get(A, awaiting.id + 1)
    assert unsent is not None and (unsent.contact_id, unsent.sent_at) == (sam.id, None)
    settings = await repos.reminders.get_settings(A)
    assert settings == ReminderSettings(
        student_id=A,
        consented_at=T1,
        digest_weekday=2,
        digest_hour=8,
        cadence={"attending": 45},
        next_digest_at=NOW + timedelta(days=3),
    )
    [open_one] = await repos.reminders.open_reminders(A, until=NOW + timedelta(days=30))
    assert (open_one.contact_id, open_one.note, open_one.done_at) == (
        jose.id,
        "Ask about shadowing",
        None,
    )
    done = await repos.reminders.get_reminder(A, open_one.id + 1)
    assert done is not None and (done.contact_id, done.done_at) == (None, T2)
    assert await repos.coach.goal(A) == WeeklyGoal(3, 4, 0)
    assert await repos.coach.last_tip(A) == "events:3"
    events = await repos.events.list_for(A, limit=10)
    assert [(e.name, e.kind) for e in events] == [
        ("Empty", EventKind.WORKSHOP),
        ("Cardio Day", EventKind.CONFERENCE),
    ]
    cardio = events[1]
    assert [e.id for e in await repos.events.find(A, "cardio day")] == [cardio.id]
    assert list(await repos.events.people(A, cardio.id)) == [jose.id, sam.id]


async def test_the_season_reads_back_through_its_repository(repos: Repos) -> None:
    """The plan, the letters (writers remapped to the new contacts) and the interview (on the
    new event) as the season service reads them."""
    await repos.restore.restore(A, RESTORE)
    assert await repos.season.plan(A) == SeasonPlan(
        A, "us-2027", Route.ERAS_NRMP, 2027, ("Cardiology", "IM")
    )
    sam, jose = sorted(await repos.contacts.list_all(A, ContactFilter()), key=lambda c: c.id)
    letters = {letter.contact_id: letter for letter in await repos.season.letters(A)}
    assert set(letters) == {sam.id, jose.id}
    agreed, submitted = letters[jose.id], letters[sam.id]
    assert (agreed.stage, agreed.deadline, agreed.programs) == (
        LetterStage.AGREED,
        date(2026, 8, 1),
        "Riverside",
    )
    assert (submitted.stage, submitted.submitted_on) == (LetterStage.SUBMITTED, date(2026, 3, 2))
    [workshop, _] = await repos.events.list_for(A, limit=10)
    interview = await repos.season.interview(A, workshop.id)
    assert interview is not None and (interview.program, interview.no_contact) == (
        "Riverside IM",
        True,
    )
    assert await repos.season.plan(B) is None and await repos.season.letters(B) == []


async def test_only_into_an_empty_account_and_nothing_changes(repos: Repos) -> None:
    """B has a contact: refused (naming what is there); A restored once: a second is refused."""
    with pytest.raises(AccountNotEmpty) as caught:
        await repos.restore.restore(B, RESTORE)
    assert caught.value.held["contacts"] == 1
    assert [c.name for c in await repos.contacts.list_all(B, ContactFilter())] == ["Bee's contact"]
    assert not any(v for k, v in (await repos.restore.holdings(B)).items() if k != "contacts")
    await repos.restore.restore(A, RESTORE)
    before = await repos.restore.holdings(A)
    with pytest.raises(AccountNotEmpty):
        await repos.restore.restore(A, RESTORE)
    assert await repos.restore.holdings(A) == before


async def test_other_students_are_untouched(repos: Repos) -> None:
    await repos.restore.restore(A, RESTORE)
    [bee] = await repos.contacts.list_all(B, ContactFilter())
    assert bee.name == "Bee's contact" and await repos.contacts.all_exchanges(B) == []
    assert await repos.reminders.get_settings(B) is None
    assert await repos.events.list_for(B, limit=10) == []
    assert await repos.profiles.get(B) is None
    student, _ = await repos.students.get_or_create(B, now=NOW)
    assert student.timezone is None
