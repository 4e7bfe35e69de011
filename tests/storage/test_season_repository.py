"""The season repository on each store (SQLite, PostgreSQL): plans and letters scoped by owner,
one letter per writer, a stage stored only from the stage it was read at, and rows gone with their
contact or student."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.core.letters import LetterStage, advance
from bot.core.meetings import EventKind
from bot.core.models import ContactDraft, ReminderSettings
from bot.core.season import Route, SeasonPlan
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

A, B = 111, 222
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)
DAY = date(2026, 3, 8)


@pytest.fixture(
    params=kinds_for("students", "contacts", "events", "season", "privacy", "reminders")
)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    store = await open_store(request.param, request, tmp_path)
    students = store.make("students")
    for student in (A, B):
        await students.get_or_create(student, now=NOW)
    yield store
    await store.close()


async def contact(db: Store, owner: int, name: str = "Amara Okafor") -> int:
    added = await db.make("contacts").add(owner, ContactDraft(name=name), now=NOW)
    return int(added.id)


async def test_plan_round_trip_and_replace(db: Store) -> None:
    repo = db.make("season")
    assert await repo.plan(A) is None
    plan = SeasonPlan(A, "us-2027", Route.ERAS_NRMP, 2027, ("Internal Medicine", "Pédiatrie"))
    await repo.set_plan(plan, now=NOW)
    assert await repo.plan(A) == plan
    assert await repo.plan(B) is None
    resting = SeasonPlan(A, "us-2028", Route.NOT_THIS_YEAR)
    await repo.set_plan(resting, now=NOW)
    assert await repo.plan(A) == resting


async def test_letters_are_scoped_and_one_per_writer(db: Store) -> None:
    repo = db.make("season")
    writer = await contact(db, A)
    theirs = await contact(db, B)
    letter, created = await repo.put_letter(
        A, writer, asked_on=DAY, deadline=None, programs="IM", now=NOW
    )
    assert created and letter.stage is LetterStage.ASKED and letter.programs == "IM"
    # Asking again keeps the row and its stage, updating what was typed.
    moved = advance(letter, LetterStage.AGREED, today=DAY)
    assert await repo.move_letter(A, letter, moved, now=NOW)
    again, created = await repo.put_letter(
        A, writer, asked_on=date(2026, 4, 1), deadline=date(2026, 8, 1), programs=None, now=NOW
    )
    assert not created
    assert (again.id, again.stage, again.deadline, again.asked_on) == (
        letter.id,
        LetterStage.AGREED,
        date(2026, 8, 1),
        DAY,
    )
    # Another student's contact id is refused, and their letters are invisible.
    with pytest.raises(LookupError):
        await repo.put_letter(A, theirs, asked_on=DAY, deadline=None, programs=None, now=NOW)
    assert await repo.letters(B) == []
    assert await repo.letter(B, letter.id) is None
    assert not await repo.remove_letter(B, letter.id)
    assert [row.id for row in await repo.letters(A)] == [letter.id]


async def test_a_stage_is_stored_only_from_the_stage_it_was_read_at(
    db: Store,
) -> None:
    """Two clicks at once: the second finds the row moved and stores nothing."""
    repo = db.make("season")
    letter, _ = await repo.put_letter(
        A, await contact(db, A), asked_on=DAY, deadline=None, programs=None, now=NOW
    )
    submitted = advance(letter, LetterStage.SUBMITTED, today=date(2026, 8, 2))
    assert await repo.move_letter(A, letter, submitted, now=NOW)
    declined = advance(letter, LetterStage.DECLINED, today=date(2026, 8, 2))
    assert not await repo.move_letter(A, letter, declined, now=NOW)
    stored = await repo.letter(A, letter.id)
    assert stored is not None
    assert (stored.stage, stored.submitted_on) == (LetterStage.SUBMITTED, date(2026, 8, 2))
    assert not await repo.move_letter(B, submitted, submitted, now=NOW)


async def test_rows_go_with_their_contact_and_student(db: Store) -> None:
    repo = db.make("season")
    kept = await contact(db, A, "Ana Lee")
    gone = await contact(db, A, "Ben Roy")
    for writer in (kept, gone):
        await repo.put_letter(A, writer, asked_on=DAY, deadline=None, programs=None, now=NOW)
    await repo.set_plan(SeasonPlan(A, "us-2027"), now=NOW)
    assert await db.make("contacts").remove(A, gone)
    assert [row.contact_id for row in await repo.letters(A)] == [kept]
    await db.execute("DELETE FROM students WHERE id = ?", A)
    assert await repo.letters(A) == []
    assert await repo.plan(A) is None


async def test_snooze_is_stored_and_scoped(db: Store) -> None:
    repo = db.make("season")
    letter, _ = await repo.put_letter(
        A, await contact(db, A), asked_on=DAY, deadline=None, programs=None, now=NOW
    )
    assert await repo.snooze_letter(A, letter.id, date(2026, 3, 15))
    assert not await repo.snooze_letter(B, letter.id, date(2026, 4, 1))
    stored = await repo.letter(A, letter.id)
    assert stored is not None and stored.snoozed_until == date(2026, 3, 15)
    moved = advance(stored, LetterStage.SUBMITTED, today=date(2026, 3, 16))
    assert await repo.move_letter(A, stored, moved, now=NOW)
    after = await repo.letter(A, letter.id)
    assert after is not None and after.snoozed_until is None


async def test_an_interview_row_only_beside_the_owners_event(db: Store) -> None:
    repo = db.make("season")
    events = db.make("events")
    mine = await events.add(A, "Lakeside interview", EventKind.INTERVIEW, DAY, now=NOW)
    await repo.put_interview(A, mine.id, "Lakeside surgery", no_contact=True, now=NOW)
    await repo.put_interview(B, mine.id, "Hijacked", no_contact=False, now=NOW)
    found = await repo.interview(A, mine.id)
    assert found is not None and (found.program, found.no_contact) == ("Lakeside surgery", True)
    assert await repo.interview(B, mine.id) is None
    await repo.put_interview(A, mine.id, "Lakeside general surgery", no_contact=False, now=NOW)
    again = await repo.interview(A, mine.id)
    assert again is not None and not again.no_contact


async def test_privacy_delete_counts_and_removes_every_season_row(db: Store) -> None:
    """`/privacy delete` proves the season gone: its tables are counted before and after, and
    the other student's season is untouched."""
    repo = db.make("season")
    for owner in (A, B):
        await repo.set_plan(SeasonPlan(owner, "us-2027"), now=NOW)
        await repo.put_letter(
            owner, await contact(db, owner), asked_on=DAY, deadline=None, programs=None, now=NOW
        )
        event = await db.make("events").add(
            owner, "Interview day", EventKind.INTERVIEW, DAY, now=NOW
        )
        await repo.put_interview(owner, event.id, "Lakeside", no_contact=False, now=NOW)
    privacy = db.make("privacy")
    removed = await privacy.delete_student(A)
    season = ("season_plans", "letter_requests", "interviews")
    assert {table: removed[table] for table in season} == dict.fromkeys(season, 1)
    left = await privacy.counts(A)
    assert not any(left.values())
    assert (await repo.plan(A), await repo.letters(A), await repo.interview(A, 1)) == (
        None,
        [],
        None,
    )
    others = await privacy.counts(B)
    assert {table: others[table] for table in season} == dict.fromkeys(season, 1)


async def test_a_check_and_the_ask_are_stored_scoped_and_kept_with_their_cycle(db: Store) -> None:
    """The check's Done (and the end of a snooze) on the owner's letter only; the ask's state on
    the plan of that cycle only, kept when the plan is saved again, dropped for a new cycle."""
    repo = db.make("season")
    letter, _ = await repo.put_letter(
        A, await contact(db, A), asked_on=DAY, deadline=None, programs=None, now=NOW
    )
    await repo.snooze_letter(A, letter.id, date(2026, 3, 15))
    assert not await repo.check_letter(B, letter.id, date(2026, 3, 9))
    assert await repo.check_letter(A, letter.id, date(2026, 3, 9))
    stored = await repo.letter(A, letter.id)
    assert stored is not None
    assert (stored.checked_on, stored.snoozed_until) == (date(2026, 3, 9), None)

    assert not await repo.set_ask(A, "us-2027", done_on=DAY, snoozed_until=None)  # no plan
    await repo.set_plan(SeasonPlan(A, "us-2027", specialties=("IM",)), now=NOW)
    assert not await repo.set_ask(A, "us-2028", done_on=DAY, snoozed_until=None)
    assert await repo.set_ask(A, "us-2027", done_on=None, snoozed_until=date(2026, 7, 15))
    plan = await repo.plan(A)
    assert plan is not None and plan.ask_snoozed_until == date(2026, 7, 15)
    await repo.set_plan(SeasonPlan(A, "us-2027", specialties=("Surgery",)), now=NOW)
    plan = await repo.plan(A)
    assert plan is not None and plan.ask_snoozed_until == date(2026, 7, 15)
    assert plan.specialties == ("Surgery",)
    await repo.set_plan(SeasonPlan(A, "us-2028"), now=NOW)
    plan = await repo.plan(A)
    assert plan is not None and plan.ask_snoozed_until is None and plan.ask_done_on is None


async def test_the_tick_reads_planned_students_by_page_and_their_open_letters(
    db: Store,
) -> None:
    """Opted in, not paused, reachable, and planning through ERAS/NRMP or with a letter open:
    a page at a time by id, with their digest hour; open letters in one read."""
    students, reminders, repo = db.make("students"), db.make("reminders"), db.make("season")
    ids = {"planned": 301, "letter_only": 302, "paused": 303, "no_dms": 304, "resting": 305}
    ids["gone_quiet"] = 306
    for student in ids.values():
        await students.get_or_create(student, now=NOW)
    for name, student in ids.items():
        if name != "no_dms":
            await reminders.save_settings(
                ReminderSettings(student, consented_at=NOW, paused=name == "paused", digest_hour=7)
            )
        route = Route.NOT_THIS_YEAR if name in ("letter_only", "resting") else Route.ERAS_NRMP
        await repo.set_plan(SeasonPlan(student, "us-2027", route), now=NOW)
    await students.set_unreachable(ids["gone_quiet"], NOW)
    open_letter, _ = await repo.put_letter(
        ids["letter_only"],
        await contact(db, ids["letter_only"]),
        asked_on=DAY,
        deadline=date(2026, 6, 1),
        programs=None,
        now=NOW,
    )
    declined, _ = await repo.put_letter(
        ids["resting"],
        await contact(db, ids["resting"]),
        asked_on=DAY,
        deadline=None,
        programs=None,
        now=NOW,
    )
    assert await repo.move_letter(
        ids["resting"], declined, advance(declined, LetterStage.DECLINED, today=DAY), now=NOW
    )

    first = await repo.planned(after=0, limit=1)
    assert [p.student_id for p in first] == [ids["planned"]]
    assert first[0].digest_hour == 7 and first[0].plan is not None
    assert first[0].plan.route is Route.ERAS_NRMP
    rest = await repo.planned(after=first[0].student_id, limit=10)
    assert [p.student_id for p in rest] == [ids["letter_only"]]
    assert rest[0].plan is not None and rest[0].plan.route is Route.NOT_THIS_YEAR

    letters = await repo.open_letters([ids["letter_only"], ids["resting"], A])
    assert [letter.id for letter in letters] == [open_letter.id]
    assert await repo.open_letters([]) == []


async def test_the_tick_reads_each_students_zone_with_the_page(db: Store) -> None:
    """The student's own zone, else their server's default, else none (UTC applies): read in
    the page's one query, as `StudentService.timezone_for` would answer one at a time."""
    students, reminders, repo = db.make("students"), db.make("reminders"), db.make("season")
    own, by_server, neither = 401, 402, 403
    for student in (own, by_server, neither):
        await students.get_or_create(student, now=NOW)
        await reminders.save_settings(ReminderSettings(student, consented_at=NOW))
        await repo.set_plan(SeasonPlan(student, "us-2027"), now=NOW)
        await students.set_guild(student, 77)
    await students.set_timezone(own, "Asia/Tokyo")
    await reminders.set_guild_timezone(77, "America/Chicago", now=NOW)
    await students.set_guild(neither, 78)  # a server with no default
    page = await repo.planned(after=400, limit=10)
    assert {p.student_id: p.timezone for p in page} == {
        own: "Asia/Tokyo",
        by_server: "America/Chicago",
        neither: None,
    }
