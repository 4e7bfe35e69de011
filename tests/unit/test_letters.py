"""The letters ledger: stages only move forward, and each letter is owed the right reminder on
the right day of the student's cycle."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.content.season import Calendar, SeasonLibrary
from bot.core.errors import InvalidInput
from bot.core.letters import (
    LetterDue,
    LetterRequest,
    LetterStage,
    LetterTask,
    advance,
    ask_due,
    ask_warning,
    next_due,
)
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    library = SeasonLibrary.load(
        PROJECT_ROOT / "calendars", PROJECT_ROOT / "prompts" / "season.toml"
    )
    found = library.calendar("us-2027")
    assert found is not None
    return found


def asked(on: date, deadline: date | None = None) -> LetterRequest:
    return LetterRequest(1, 7, 42, LetterStage.ASKED, asked_on=on, deadline=deadline)


def test_a_writer_through_the_whole_cycle(calendar: Calendar) -> None:
    """Asked in March, agreed, submitted in August, thanked, told after Match Day: each stage
    owes exactly the next reminder, then nothing."""
    letter = asked(date(2026, 3, 2))
    # No deadline of the student's own: the check comes two weeks before submissions open.
    assert next_due(letter, calendar) == LetterDue(LetterTask.CHECK, date(2026, 8, 19))
    letter = advance(letter, LetterStage.AGREED, today=date(2026, 3, 9))
    assert next_due(letter, calendar) == LetterDue(LetterTask.CHECK, date(2026, 8, 19))
    letter = advance(letter, LetterStage.SUBMITTED, today=date(2026, 8, 20))
    assert next_due(letter, calendar) == LetterDue(LetterTask.THANK, date(2026, 8, 20))
    letter = advance(letter, LetterStage.THANKED, today=date(2026, 8, 20))
    assert next_due(letter, calendar) == LetterDue(LetterTask.OUTCOME, date(2027, 3, 19))
    letter = advance(letter, LetterStage.TOLD, today=date(2027, 3, 20))
    assert next_due(letter, calendar) is None


def test_the_students_own_deadline_sets_the_check(calendar: Calendar) -> None:
    letter = asked(date(2026, 5, 1), deadline=date(2026, 7, 15))
    assert next_due(letter, calendar) == LetterDue(LetterTask.CHECK, date(2026, 7, 1))


@pytest.mark.parametrize(
    ("asked_on", "deadline", "check"),
    [
        # Asked in time: two weeks before the deadline.
        (date(2026, 5, 1), date(2026, 7, 15), date(2026, 7, 1)),
        # Asked ten days before: a week after asking, not the day of the ask.
        (date(2026, 7, 5), date(2026, 7, 15), date(2026, 7, 12)),
        # Asked five days before: the day before the deadline.
        (date(2026, 7, 10), date(2026, 7, 15), date(2026, 7, 14)),
        # Asked the day before: never before the ask itself.
        (date(2026, 7, 14), date(2026, 7, 15), date(2026, 7, 14)),
    ],
)
def test_a_late_ask_is_checked_a_week_on_or_the_day_before(
    calendar: Calendar, asked_on: date, deadline: date, check: date
) -> None:
    assert next_due(asked(asked_on, deadline), calendar) == LetterDue(LetterTask.CHECK, check)


def test_a_check_done_comes_back_once_the_day_after_the_deadline(calendar: Calendar) -> None:
    """Checked before the deadline and still not marked in: one more look the day after; a
    check done after the deadline owes nothing more."""
    letter = asked(date(2026, 5, 1), deadline=date(2026, 7, 15))
    checked = replace(letter, checked_on=date(2026, 7, 2))
    assert next_due(checked, calendar) == LetterDue(LetterTask.CHECK, date(2026, 7, 16))
    assert next_due(replace(letter, checked_on=date(2026, 7, 16)), calendar) is None
    submitted = advance(checked, LetterStage.SUBMITTED, today=date(2026, 7, 10))
    assert next_due(submitted, calendar) == LetterDue(LetterTask.THANK, date(2026, 7, 10))


def test_the_ask_is_owed_two_weeks_before_the_six_week_mark(calendar: Calendar) -> None:
    """In us-2027 the last day to ask with six weeks to spare is July 22, 2026: the reminder
    is owed from July 8 until three writers are tracked, it is done, or submissions open."""
    owed = ask_due(calendar, [], done_on=None, snoozed_until=None, today=date(2026, 3, 1))
    assert owed == LetterDue(LetterTask.ASK, date(2026, 7, 8))
    two = [asked(date(2026, 3, 2)), asked(date(2026, 3, 3))]
    declined = advance(asked(date(2026, 3, 4)), LetterStage.DECLINED, today=date(2026, 3, 9))
    assert (
        ask_due(
            calendar, [*two, declined], done_on=None, snoozed_until=None, today=date(2026, 7, 8)
        )
        == owed
    )
    three = [*two, asked(date(2026, 3, 5))]
    assert (
        ask_due(calendar, three, done_on=None, snoozed_until=None, today=date(2026, 7, 8)) is None
    )
    done = date(2026, 7, 9)
    assert ask_due(calendar, two, done_on=done, snoozed_until=None, today=date(2026, 7, 9)) is None
    snoozed = ask_due(
        calendar, two, done_on=None, snoozed_until=date(2026, 7, 15), today=date(2026, 7, 9)
    )
    assert snoozed == LetterDue(LetterTask.ASK, date(2026, 7, 15))
    assert ask_due(calendar, [], done_on=None, snoozed_until=None, today=date(2026, 9, 2)) is None
    assert ask_due(None, [], done_on=None, snoozed_until=None, today=date(2026, 7, 8)) is None


def test_without_a_calendar_only_a_typed_deadline_schedules(calendar: Calendar) -> None:
    assert next_due(asked(date(2026, 5, 1)), None) is None
    dated = asked(date(2026, 5, 1), deadline=date(2026, 9, 1))
    assert next_due(dated, None) == LetterDue(LetterTask.CHECK, date(2026, 8, 18))
    thanked = advance(
        advance(dated, LetterStage.SUBMITTED, today=date(2026, 8, 1)),
        LetterStage.THANKED,
        today=date(2026, 8, 2),
    )
    assert next_due(thanked, None) is None  # no Match Day known: no outcome note


def test_declined_owes_nothing(calendar: Calendar) -> None:
    letter = advance(asked(date(2026, 3, 2)), LetterStage.DECLINED, today=date(2026, 3, 5))
    assert next_due(letter, calendar) is None


@pytest.mark.parametrize(
    ("stage", "to"),
    [
        (LetterStage.SUBMITTED, LetterStage.ASKED),
        (LetterStage.THANKED, LetterStage.SUBMITTED),
        (LetterStage.DECLINED, LetterStage.AGREED),
        (LetterStage.ASKED, LetterStage.THANKED),  # thanked for a letter not yet in
        (LetterStage.TOLD, LetterStage.THANKED),
    ],
)
def test_a_step_back_is_refused_and_changes_nothing(stage: LetterStage, to: LetterStage) -> None:
    letter = LetterRequest(1, 7, 42, stage, asked_on=date(2026, 3, 2))
    with pytest.raises(InvalidInput) as caught:
        advance(letter, to, today=date(2026, 4, 1))
    assert "Nothing was changed" in caught.value.user_message
    assert letter.stage is stage


def test_the_same_stage_twice_is_a_no_op() -> None:
    """A double click on "Submitted" keeps the first day it was marked."""
    letter = advance(asked(date(2026, 3, 2)), LetterStage.SUBMITTED, today=date(2026, 8, 1))
    again = advance(letter, LetterStage.SUBMITTED, today=date(2026, 8, 3))
    assert again.submitted_on == date(2026, 8, 1)


def test_asking_late_is_flagged(calendar: Calendar) -> None:
    """Six weeks before submissions open (July 22, 2026 in this cycle) is the last easy day."""
    assert ask_warning(calendar, None, today=date(2026, 7, 22)) is None
    assert ask_warning(calendar, None, today=date(2026, 7, 23)) is not None
    assert ask_warning(calendar, date(2026, 7, 1), today=date(2026, 6, 1)) is not None
    assert ask_warning(None, None, today=date(2026, 7, 23)) is None
    assert ask_warning(None, date(2026, 9, 1), today=date(2026, 7, 1)) is None


def test_a_snoozed_reminder_comes_back_and_a_new_stage_forgets_the_snooze(
    calendar: Calendar,
) -> None:
    letter = replace(asked(date(2026, 3, 2)), snoozed_until=date(2026, 8, 26))
    assert next_due(letter, calendar) == LetterDue(LetterTask.CHECK, date(2026, 8, 26))
    early = replace(letter, snoozed_until=date(2026, 8, 1))  # ends before the check is due
    assert next_due(early, calendar) == LetterDue(LetterTask.CHECK, date(2026, 8, 19))
    submitted = advance(letter, LetterStage.SUBMITTED, today=date(2026, 8, 20))
    assert submitted.snoozed_until is None
    assert next_due(submitted, calendar) == LetterDue(LetterTask.THANK, date(2026, 8, 20))
