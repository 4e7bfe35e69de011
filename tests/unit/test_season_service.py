"""SeasonService on fakes: the plan as students type it, the week in their own time zone, and
the letters ledger (ownership, the six-week warning, double clicks, steps back)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.content.season import SeasonLibrary
from bot.core.contacts import ContactService
from bot.core.errors import ContactNotFound, ExpiredAction, InvalidInput
from bot.core.letters import LetterStage, LetterTask
from bot.core.models import ContactDraft
from bot.core.season import Route
from bot.core.season_service import LETTERS_MAX, SeasonService
from bot.core.students import StudentService
from bot.settings import PROJECT_ROOT
from tests.fake_season import InMemorySeasonRepository
from tests.fakes import (
    FakeClock,
    InMemoryContactRepository,
    InMemoryPendingRepository,
    InMemoryStudentRepository,
)

ME, OTHER = 100, 200
LIBRARY = SeasonLibrary.load(PROJECT_ROOT / "calendars", PROJECT_ROOT / "prompts" / "season.toml")


class World:
    def __init__(self, now: datetime) -> None:
        self.clock = FakeClock(now)
        self.students_repo = InMemoryStudentRepository()
        self.contacts_repo = InMemoryContactRepository()
        self.students = StudentService(self.students_repo, self.clock)
        self.contacts = ContactService(
            self.contacts_repo, InMemoryPendingRepository(), self.students, self.clock
        )
        self.repo = InMemorySeasonRepository(self.contacts_repo)
        self.season = SeasonService(self.repo, LIBRARY, self.contacts, self.students, self.clock)

    async def writer(self, owner: int, name: str = "Dr. Amara Okafor, MD") -> int:
        outcome = await self.contacts.add(owner, ContactDraft(name=name, role="attending"))
        assert outcome.contact is not None
        return outcome.contact.id


@pytest.fixture
def world() -> World:
    return World(datetime(2026, 3, 2, 15, 0, tzinfo=UTC))


async def test_setup_as_typed(world: World) -> None:
    """ "US-2027 " and a messy list of specialties are stored clean; this week's tasks come back."""
    plan, status = await world.season.setup(
        ME,
        cycle=" US-2027 ",
        graduation_year=2027,
        specialties="Internal Medicine, internal medicine; Pediatrics ,, ",
    )
    assert plan.cycle == "us-2027"
    assert plan.specialties == ("Internal Medicine", "Pediatrics")
    assert [item.key for item in status.items] == ["away_rotations", "choose_writers"]
    assert status.provisional
    assert await world.season.plan(ME) == plan


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"cycle": "2027"}, "like `us-2027`"),
        ({"cycle": "{{ 7*7 }}"}, "like `us-2027`"),
        ({"cycle": "us-2099"}, "not a Match year"),
        ({"cycle": "us-2027", "graduation_year": 1999}, "graduation year"),
        ({"cycle": "us-2027", "specialties": "a, b, c, d, e, f"}, "up to 5"),
        ({"cycle": "us-2027", "specialties": "x" * 61}, "over 60 characters"),
    ],
)
async def test_setup_refuses_and_saves_nothing(
    world: World, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await world.season.setup(ME, **fields)  # type: ignore[arg-type]
    assert message in caught.value.user_message
    assert await world.season.plan(ME) is None


async def test_a_cycle_without_a_calendar_is_kept_and_said(world: World) -> None:
    """A student applying in a cycle with no file yet is told so; nothing breaks, and the plan
    is kept for when the operator adds the calendar."""
    plan, status = await world.season.setup(ME, cycle="us-2030")
    assert status.missing_cycle and status.items == ()
    assert (await world.season.this_week(ME)).missing_cycle
    assert plan.cycle == "us-2030"


async def test_not_applying_has_no_season(world: World) -> None:
    await world.season.setup(ME, cycle="us-2027", route=Route.NOT_THIS_YEAR)
    status = await world.season.this_week(ME)
    assert status.items == () and not status.missing_cycle


async def test_the_week_is_the_students_own(world: World) -> None:
    """At noon UTC on February 24 it is already 1 a.m. on the 25th in Auckland: the rank
    list, due by the 24th, has left the Auckland student's week but not the UTC student's."""
    world.clock.set(datetime(2027, 2, 24, 12, 0, tzinfo=UTC))
    await world.students_repo.get_or_create(ME, now=world.clock.now())
    await world.students_repo.set_timezone(ME, "Pacific/Auckland")
    await world.season.setup(ME, cycle="us-2027")
    await world.season.setup(OTHER, cycle="us-2027")
    assert "rank_list" not in [i.key for i in (await world.season.this_week(ME)).items]
    assert "rank_list" in [i.key for i in (await world.season.this_week(OTHER)).items]


async def test_asking_a_writer_and_the_ledger(world: World) -> None:
    await world.season.setup(ME, cycle="us-2027")
    writer = await world.writer(ME)
    asked = await world.season.ask_letter(ME, writer, programs="Internal medicine programs")
    assert asked.created and asked.warning is None  # March: months to spare
    assert asked.line.due is not None
    assert (asked.line.due.task, asked.line.due.due_on) == (LetterTask.CHECK, date(2026, 8, 19))
    again = await world.season.ask_letter(ME, writer, deadline="2026-08-01")
    assert not again.created and again.line.letter.deadline == date(2026, 8, 1)
    assert again.line.due is not None and again.line.due.due_on == date(2026, 7, 18)
    lines = await world.season.letters(ME)
    assert [line.writer.id for line in lines] == [writer]


async def test_asking_late_warns(world: World) -> None:
    world.clock.set(datetime(2026, 8, 1, 12, 0, tzinfo=UTC))
    await world.season.setup(ME, cycle="us-2027")
    asked = await world.season.ask_letter(ME, await world.writer(ME))
    assert asked.warning is not None and "six weeks" in asked.warning


async def test_another_students_contact_is_not_found(world: World) -> None:
    theirs = await world.writer(OTHER)
    with pytest.raises(ContactNotFound):
        await world.season.ask_letter(ME, theirs)
    assert await world.season.letters(ME) == []


async def test_a_bad_deadline_saves_nothing(world: World) -> None:
    writer = await world.writer(ME)
    with pytest.raises(InvalidInput):
        await world.season.ask_letter(ME, writer, deadline="{{ 7*7 }}")
    with pytest.raises(InvalidInput):
        await world.season.ask_letter(ME, writer, deadline="2025-01-01")  # already passed
    with pytest.raises(InvalidInput):
        await world.season.ask_letter(ME, writer, programs="p" * 501)
    assert await world.season.letters(ME) == []


async def test_marking_moves_forward_once(world: World) -> None:
    await world.season.setup(ME, cycle="us-2027")
    asked = await world.season.ask_letter(ME, await world.writer(ME))
    letter_id = asked.line.letter.id
    submitted = await world.season.mark(ME, letter_id, LetterStage.SUBMITTED)
    assert submitted.due is not None and submitted.due.task is LetterTask.THANK
    twice = await world.season.mark(ME, letter_id, LetterStage.SUBMITTED)
    assert twice.letter == submitted.letter
    with pytest.raises(InvalidInput):
        await world.season.mark(ME, letter_id, LetterStage.ASKED)
    with pytest.raises(ExpiredAction):
        await world.season.mark(OTHER, letter_id, LetterStage.THANKED)  # not theirs
    thanked = await world.season.mark(ME, letter_id, LetterStage.THANKED)
    assert thanked.due is not None and thanked.due.task is LetterTask.OUTCOME
    assert thanked.due.due_on == date(2027, 3, 19)


async def test_letters_due_this_week(world: World) -> None:
    await world.season.setup(ME, cycle="us-2027")
    early = await world.season.ask_letter(ME, await world.writer(ME, "Ana Lee"))
    soon = await world.season.ask_letter(
        ME, await world.writer(ME, "Ben Roy"), deadline="2026-03-05"
    )  # checked the day before: within the week
    due = await world.season.letters_due(ME)
    assert [line.letter.id for line in due] == [soon.line.letter.id]
    assert early.line.letter.id not in [line.letter.id for line in due]


async def test_the_ledger_has_a_cap(world: World) -> None:
    for n in range(LETTERS_MAX):
        await world.season.ask_letter(ME, await world.writer(ME, f"Writer Number{n}"))
    extra = await world.writer(ME, "One More")
    with pytest.raises(InvalidInput):
        await world.season.ask_letter(ME, extra)
    first = (await world.season.letters(ME))[0]
    again = await world.season.ask_letter(ME, first.writer.id, programs="Surgery")
    assert not again.created  # updating a letter already tracked is always allowed


async def test_snoozing_a_letter(world: World) -> None:
    await world.season.setup(ME, cycle="us-2027")
    asked = await world.season.ask_letter(
        ME, await world.writer(ME), deadline="2026-03-04"
    )  # the check is due the day before the deadline (it is close)
    assert asked.line.due is not None and asked.line.due.due_on == date(2026, 3, 3)
    snoozed = await world.season.snooze(ME, asked.line.letter.id)
    assert snoozed.due is not None and snoozed.due.due_on == date(2026, 3, 9)
    with pytest.raises(ExpiredAction):
        await world.season.snooze(OTHER, asked.line.letter.id)
