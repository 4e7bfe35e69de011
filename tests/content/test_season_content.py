"""The season calendars and tasks: the shipped files load, and each kind of mistake an operator
could make in a new cycle's file is named, not loaded."""

from __future__ import annotations

import shutil
from datetime import date, time
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.content.lint import ranking_phrase
from bot.content.season import (
    DATE_KEYS,
    TASK_TEXT_MAX,
    CycleDate,
    SeasonContentError,
    SeasonLibrary,
)
from bot.settings import PROJECT_ROOT

CALENDARS = PROJECT_ROOT / "calendars"
TASKS = PROJECT_ROOT / "prompts" / "season.toml"


@pytest.fixture
def shipped() -> SeasonLibrary:
    return SeasonLibrary.load(CALENDARS, TASKS)


def test_shipped_calendars_load(shipped: SeasonLibrary) -> None:
    """Both shipped cycles load; the one still to be checked against the official pages says so."""
    assert shipped.cycles() == ["us-2026", "us-2027"]
    assert shipped.calendars["us-2026"].confirmed
    assert not shipped.calendars["us-2027"].confirmed
    season_2026 = shipped.calendars["us-2026"]
    # The facts of the 2026 cycle, as the season's sources give them.
    assert season_2026.on("submissions_open") == date(2025, 9, 3)
    assert season_2026.on("programs_review") == date(2025, 9, 24)
    assert season_2026.on("rank_list_deadline") == date(2026, 2, 25)
    assert season_2026.on("match_day") == date(2026, 3, 20)
    assert season_2026.dates["rank_list_deadline"].at == time(21, 0)


def test_every_task_said_in_every_calendar_keeps_the_rules(shipped: SeasonLibrary) -> None:
    """Each task, with its dates filled in, fits a digest line, fills every placeholder, and
    never commits to a ranking or asks where the student stands."""
    for calendar in shipped.calendars.values():
        for task in shipped.tasks:
            for english in ("us", "uk"):
                text = task.said(calendar, english)
                assert "{" not in text and "}" not in text, (task.key, text)
                assert len(text) <= TASK_TEXT_MAX + 60, (task.key, len(text))
                assert ranking_phrase(text) is None, (task.key, text)


def test_the_interview_season_task_states_the_match_rules(shipped: SeasonLibrary) -> None:
    """During interview season the coach reminds the student what may not be said."""
    task = next(t for t in shipped.tasks if t.key == "interview_thanks")
    said = task.said(shipped.calendars["us-2027"])
    assert "never ask where you stand" in said
    assert "no contact" in said


@pytest.mark.parametrize(
    ("day", "english", "shown"),
    [
        (CycleDate("d", date(2026, 9, 2)), "us", "September 2, 2026"),
        (CycleDate("d", date(2026, 9, 2)), "uk", "2 September 2026"),
        (CycleDate("d", date(2026, 6, 3), approximate=True), "us", "early June 2026"),
        (CycleDate("d", date(2026, 4, 15), approximate=True), "us", "mid-April 2026"),
        (CycleDate("d", date(2026, 10, 25), approximate=True), "uk", "late October 2026"),
        (
            CycleDate("d", date(2027, 2, 24), at=time(21, 0)),
            "us",
            "February 24, 2027, 9 p.m. Eastern time",
        ),
        (
            CycleDate("d", date(2026, 9, 23), at=time(9, 30)),
            "us",
            "September 23, 2026, 9:30 a.m. Eastern time",
        ),
        (
            CycleDate("d", date(2027, 2, 24), at=time(21, 0)),
            "uk",
            "24 February 2027, 21:00 Eastern time",
        ),
    ],
)
def test_dates_are_shown_as_students_read_them(day: CycleDate, english: str, shown: str) -> None:
    assert day.shown(english) == shown


def copy_content(tmp_path: Path) -> tuple[Path, Path]:
    calendars = tmp_path / "calendars"
    shutil.copytree(CALENDARS, calendars)
    tasks = tmp_path / "season.toml"
    shutil.copy(TASKS, tasks)
    return calendars, tasks


def problems_after(tmp_path: Path, path: str, old: str, new: str) -> list[str]:
    calendars, tasks = copy_content(tmp_path)
    target = tasks if path == "tasks" else calendars / path
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SeasonContentError) as caught:
        SeasonLibrary.load(calendars, tasks)
    return caught.value.problems


@pytest.mark.parametrize(
    ("path", "old", "new", "expected"),
    [
        ("us-2027.toml", "submissions_open = 2026-09-02\n", "", "missing date submissions_open"),
        ("us-2027.toml", "match_day = 2027-03-19", "match_day = 2027-03-18", "not a Friday"),
        ("us-2027.toml", "match_day = 2027-03-19", "match_day = 2026-03-20", "comes after"),
        (
            "us-2027.toml",
            "rank_list_opens = 2027-01-15",
            "rank_list_opens = 2028-01-15",
            "rank_list_opens (2028-01-15) comes after rank_list_deadline",
        ),
        ("us-2027.toml", 'key = "us-2027"', 'key = "us-2028"', "differs from the file name"),
        ("us-2027.toml", "America/New_York", "Eastern", "not an IANA time zone"),
        ("us-2027.toml", "eras_closes = ", "eras_close = ", "unknown date 'eras_close'"),
        ("us-2027.toml", 'at = "21:00"', 'at = "9pm"', "`at` must be a time"),
        ("us-2027.toml", "confirmed = false", "confirmed = maybe", "cannot be read"),
        ("tasks", "{submissions_open}", "{submission_opens}", "unknown placeholder"),
        (
            "tasks",
            'until = "submissions_open - 6w"',
            'until = "submissions_open - six weeks"',
            "optional offset",
        ),
        (
            "tasks",
            "within a day or two",
            "within a day or two (I will rank you first)",
            "Match rules",
        ),
        ("tasks", "Jot down who", "Tell @everyone who", "no mentions"),
        ("tasks", 'until = "submissions_open - 6w"', 'until = "eras_opens - 40w"', "ends ("),
    ],
)
def test_each_mistake_is_named(
    tmp_path: Path, path: str, old: str, new: str, expected: str
) -> None:
    problems = problems_after(tmp_path, path, old, new)
    assert any(expected in problem for problem in problems), problems


def test_a_new_cycle_is_a_new_file(tmp_path: Path) -> None:
    """Copying a calendar under the next cycle's name, with its own key and dates, adds it."""
    calendars, tasks = copy_content(tmp_path)
    text = (calendars / "us-2027.toml").read_text(encoding="utf-8")
    text = text.replace('key = "us-2027"', 'key = "us-2028"').replace(
        "match_year = 2027", "match_year = 2028"
    )
    for year in (2027, 2026):  # later year first, so each date moves on exactly one year
        text = text.replace(f"{year}-", f"{year + 1}-")
    text = text.replace("2028-03-19", "2028-03-17").replace("2028-03-15", "2028-03-13")
    (calendars / "us-2028.toml").write_text(text, encoding="utf-8")
    library = SeasonLibrary.load(calendars, tasks)
    assert library.calendar("us-2028") is not None
    assert set(library.calendars["us-2028"].dates) == set(DATE_KEYS)


def test_templates_check_fails_on_a_broken_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`coach templates check` validates the calendars too, and names the problem."""
    calendars, _ = copy_content(tmp_path)
    path = calendars / "us-2026.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("match_day = 2026-03-20\n", ""))
    monkeypatch.setenv("CALENDARS_DIR", str(calendars))
    monkeypatch.setenv("TEMPLATES_DIR", str(PROJECT_ROOT / "templates"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["templates", "check"]) == 1
    out = capsys.readouterr()
    assert "us-2026.toml: missing date match_day" in out.out
    assert "problem(s) in the season calendars" in out.err
