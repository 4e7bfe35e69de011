"""The season section: one student walked through a whole cycle, week by week, on the shipped
calendar and tasks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.content.season import SeasonLibrary
from bot.core.season import Route, SeasonPlan, letter_ask_by, season_status
from bot.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def library() -> SeasonLibrary:
    return SeasonLibrary.load(PROJECT_ROOT / "calendars", PROJECT_ROOT / "prompts" / "season.toml")


PLAN = SeasonPlan(student_id=7, cycle="us-2027", graduation_year=2027, specialties=("IM",))


def keys(library: SeasonLibrary, day: date, plan: SeasonPlan = PLAN) -> list[str]:
    return [item.key for item in season_status(library, plan, today=day).items]


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 12, 28), []),  # before the cycle's first task
        (date(2026, 1, 4), ["choose_writers"]),  # it opens on the 7th: this week's digest
        (date(2026, 1, 25), ["choose_writers"]),
        (date(2026, 3, 1), ["away_rotations", "choose_writers"]),
        (date(2026, 7, 19), ["choose_writers", "on_rotation"]),
        (date(2026, 8, 9), ["check_letters"]),
        (date(2026, 9, 13), ["submit", "register_for_the_match"]),
        (date(2026, 11, 29), ["register_for_the_match", "interview_thanks"]),
        (date(2026, 12, 6), ["interview_thanks"]),
        (date(2027, 1, 17), ["interview_thanks", "rank_list"]),
        (date(2027, 3, 14), ["match_week", "match_thanks"]),
        (date(2027, 4, 4), ["match_thanks"]),
        (date(2027, 4, 18), []),  # the season is over
    ],
)
def test_what_each_week_names(library: SeasonLibrary, day: date, expected: list[str]) -> None:
    """Known weeks of the 2027 cycle name the tasks live in them, soonest-ending first."""
    assert keys(library, day) == expected


def test_every_task_runs_for_one_unbroken_stretch(library: SeasonLibrary) -> None:
    """Walking every day from January to the April after Match Day, each task shows in one
    unbroken run of weeks, from the week its window opens to the week it closes, and never
    outside it: a weekly digest names it exactly in the weeks it is live."""
    calendar = library.calendars["us-2027"]
    shown: dict[str, list[date]] = {task.key: [] for task in library.tasks}
    day = date(2025, 12, 1)
    while day <= date(2027, 5, 31):
        for key in keys(library, day):
            shown[key].append(day)
        day += timedelta(days=1)
    for task in library.tasks:
        starts, ends = task.window(calendar)
        days = shown[task.key]
        assert days, f"{task.key} is never shown"
        assert days[0] == starts - timedelta(days=6), task.key  # a week's digest looks ahead
        assert days[-1] == ends, task.key
        assert len(days) == (days[-1] - days[0]).days + 1, f"{task.key} has a gap"


def test_dates_are_said_in_the_students_english(library: SeasonLibrary) -> None:
    plan = PLAN
    us = season_status(library, plan, today=date(2027, 1, 17), english="us").items
    uk = season_status(library, plan, today=date(2027, 1, 17), english="uk").items
    assert "February 24, 2027, 9 p.m. Eastern time" in us[-1].text
    assert "24 February 2027, 21:00 Eastern time" in uk[-1].text


def test_a_provisional_calendar_is_flagged(library: SeasonLibrary) -> None:
    assert season_status(library, PLAN, today=date(2026, 12, 6)).provisional
    past = SeasonPlan(student_id=7, cycle="us-2026")
    assert not season_status(library, past, today=date(2025, 12, 7)).provisional


def test_nothing_for_a_student_not_applying_or_without_a_calendar(library: SeasonLibrary) -> None:
    """Not applying: no section. A cycle or match with no calendar file: no items, and the
    status says so, so the student can be told; nothing raises."""
    resting = SeasonPlan(student_id=7, cycle="us-2027", route=Route.NOT_THIS_YEAR)
    assert season_status(library, resting, today=date(2026, 12, 6)).items == ()
    assert not season_status(library, resting, today=date(2026, 12, 6)).missing_cycle
    assert season_status(library, None, today=date(2026, 12, 6)).items == ()
    future = SeasonPlan(student_id=7, cycle="us-2031")
    status = season_status(library, future, today=date(2026, 12, 6))
    assert status.items == () and status.missing_cycle
    other = SeasonPlan(student_id=7, cycle="us-2027", route=Route.OTHER_MATCH)
    assert season_status(library, other, today=date(2026, 12, 6)).missing_cycle


def test_letters_are_asked_six_weeks_ahead(library: SeasonLibrary) -> None:
    """Six weeks before submissions open, or before the student's own earlier deadline."""
    calendar = library.calendars["us-2027"]
    assert letter_ask_by(calendar) == date(2026, 7, 22)
    assert letter_ask_by(calendar, date(2026, 8, 1)) == date(2026, 6, 20)
    assert letter_ask_by(calendar, date(2026, 12, 1)) == date(2026, 7, 22)
