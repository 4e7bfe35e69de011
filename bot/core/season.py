"""The residency season for one student: which cycle they apply in, and what it asks this week.

Pure: the calendars and the coach's words are content (`bot.content.season`); the student's
plan is a row the season service stores. `season_status` decides what the weekly digest's
season section names, from the student's local day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.content.season import Calendar, SeasonLibrary, SeasonTask

WEEK = timedelta(days=7)  # the digest's horizon: what is live at any point of the coming week
SPECIALTIES_MAX = 5  # several specialties are common (a preliminary year beside a categorical)
SPECIALTY_MAX_CHARS = 60


class Route(StrEnum):
    """How the student applies this cycle."""

    ERAS_NRMP = "eras_nrmp"  # the default for US MD/DO students
    OTHER_MATCH = "other_match"  # a match with no calendar here yet (e.g. a military match)
    NOT_THIS_YEAR = "not_this_year"


@dataclass(frozen=True, slots=True)
class SeasonPlan:
    student_id: int
    cycle: str  # a calendar key, "us-2027"
    route: Route = Route.ERAS_NRMP
    graduation_year: int | None = None
    specialties: tuple[str, ...] = ()
    # The reminder to ask letter writers, this cycle (a new cycle starts both afresh).
    ask_done_on: date | None = None
    ask_snoozed_until: date | None = None


@dataclass(frozen=True, slots=True)
class PlannedStudent:
    """A student whose season reminders may be sent (reminder DMs on, and a plan through
    ERAS/NRMP or a letter still open), with the hour of day they chose for the coach's DMs."""

    student_id: int
    digest_hour: int
    plan: SeasonPlan | None
    # The student's own time zone, else their server's default; None when neither is set
    # (UTC applies, as for every reminder). Read with the page: one query, not one per student.
    timezone: str | None = None


@dataclass(frozen=True, slots=True)
class Interview:
    """What only a residency interview has, beside its event (see core/interviews.py)."""

    event_id: int
    owner_id: int
    program: str
    no_contact: bool = False  # the program asked for no contact after interviews


@dataclass(frozen=True, slots=True)
class SeasonItem:
    """One line of the digest's season section."""

    key: str
    text: str
    starts: date
    ends: date


@dataclass(frozen=True, slots=True)
class SeasonStatus:
    """What the season section can say for a plan: items, or why there are none."""

    items: tuple[SeasonItem, ...]
    calendar: Calendar | None
    missing_cycle: bool = False  # the student's cycle has no calendar file yet
    tip: str | None = None  # a season tip live this week: it replaces the digest's usual tip

    @property
    def provisional(self) -> bool:
        return self.calendar is not None and not self.calendar.confirmed


def tasks_in_week(
    calendar: Calendar, tasks: tuple[SeasonTask, ...], *, today: date, english: str = "us"
) -> list[SeasonItem]:
    """The tasks live at any point of the seven days from `today`, soonest-ending first."""
    last = today + WEEK - timedelta(days=1)
    items = []
    for task in tasks:
        starts, ends = task.window(calendar)
        if starts <= last and ends >= today:
            items.append(SeasonItem(task.key, task.said(calendar, english), starts, ends))
    return sorted(items, key=lambda item: (item.ends, item.key))


def season_status(
    library: SeasonLibrary, plan: SeasonPlan | None, *, today: date, english: str = "us"
) -> SeasonStatus:
    """What this week holds for the student's plan; nothing for a student not applying."""
    if plan is None or plan.route is Route.NOT_THIS_YEAR:
        return SeasonStatus((), None)
    calendar = library.calendar(plan.cycle)
    if calendar is None or calendar.match_system != plan.route.value:
        return SeasonStatus((), None, missing_cycle=True)
    items = tasks_in_week(calendar, library.tasks, today=today, english=english)
    tips = tasks_in_week(calendar, library.tips, today=today, english=english)
    return SeasonStatus(tuple(items), calendar, tip=tips[0].text if tips else None)


def letter_ask_by(calendar: Calendar, deadline: date | None = None) -> date:
    """The last day to ask a writer: six weeks before the earlier of the student's own deadline
    and the day applications can be submitted, the time a writer needs."""
    due = calendar.on("submissions_open")
    if deadline is not None:
        due = min(due, deadline)
    return due - timedelta(weeks=6)
