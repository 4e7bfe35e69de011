"""Letters of recommendation as an open-asks ledger: who was asked, where each letter stands, and
which reminder each one is owed next.

Pure: the rules of the ledger and its timing. A letter moves forward only
(asked → agreed → submitted → thanked → told the outcome; declined ends it), and its reminders
are back-scheduled from the student's own deadline or, without one, from the day applications
can be submitted in the student's cycle:

- the ask itself: two weeks before the last day to ask with six weeks to spare, while the
  student tracks fewer writers than programs usually want (`ask_due`);
- a polite check two weeks before the deadline while the letter is not in (never the day it
  was asked: at least a week after, or the day before the deadline when that is sooner), and
  once more the day after the deadline if it is still not marked in after the first check;
- a thank-you the day the letter is marked submitted;
- an outcome note once Match Day has come, to every writer who was thanked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from bot.content.season import Calendar
from bot.core.errors import InvalidInput
from bot.core.season import letter_ask_by

CHECK_BEFORE = timedelta(days=14)  # a writer still has time to act on a gentle check
CHECK_AFTER_ASK = timedelta(days=7)  # a writer asked days ago has not had time to forget
ASK_LEAD = timedelta(weeks=2)  # time to choose writers and ask before the six-week mark
LETTERS_WANTED = 3  # most programs ask for three letters (ERAS takes up to four per program)
PROGRAMS_MAX = 500  # a list of programs typed in one field


class LetterStage(StrEnum):
    ASKED = "asked"
    AGREED = "agreed"
    SUBMITTED = "submitted"
    THANKED = "thanked"
    TOLD = "told"  # the writer has heard how the Match went: the ledger is done
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            "asked": "Asked",
            "agreed": "Agreed to write",
            "submitted": "Letter submitted",
            "thanked": "Thanked",
            "told": "Told the outcome",
            "declined": "Declined",
        }[self]


# Where each stage may go next. Skipping ahead is fine (a writer can upload without replying);
# going back is not, so a mis-click cannot resurrect a reminder already dealt with.
_NEXT: dict[LetterStage, frozenset[LetterStage]] = {
    LetterStage.ASKED: frozenset({LetterStage.AGREED, LetterStage.SUBMITTED, LetterStage.DECLINED}),
    LetterStage.AGREED: frozenset({LetterStage.SUBMITTED, LetterStage.DECLINED}),
    LetterStage.SUBMITTED: frozenset({LetterStage.THANKED}),
    LetterStage.THANKED: frozenset({LetterStage.TOLD}),
    LetterStage.TOLD: frozenset(),
    LetterStage.DECLINED: frozenset(),
}


class LetterTask(StrEnum):
    """What a letter asks of the student this week."""

    ASK = "letter_ask"  # ask writers now: six weeks before submissions is two weeks away
    CHECK = "letter_check"  # the letter is not in and the deadline is two weeks off
    THANK = "letter_thanks"  # submitted: thank the writer
    OUTCOME = "match_outcome"  # after Match Day: tell the writer how it went


@dataclass(frozen=True, slots=True)
class LetterRequest:
    id: int
    owner_id: int
    contact_id: int
    stage: LetterStage
    asked_on: date
    deadline: date | None = None
    programs: str | None = None
    submitted_on: date | None = None
    snoozed_until: date | None = None  # its reminder waits until this day
    checked_on: date | None = None  # the student checked in with the writer (the check's Done)


@dataclass(frozen=True, slots=True)
class LetterDue:
    task: LetterTask
    due_on: date


def advance(request: LetterRequest, to: LetterStage, *, today: date) -> LetterRequest:
    """The request at its next stage; InvalidInput (nothing changes) for a step back."""
    if to == request.stage:
        return request  # a second click on the same button changes nothing
    if to not in _NEXT[request.stage]:
        raise InvalidInput(
            f"This letter is at “{request.stage.label}”, so it can't be marked "
            f"“{to.label}”. Nothing was changed."
        )
    submitted_on = today if to is LetterStage.SUBMITTED else request.submitted_on
    # A new stage owes a new reminder: a snooze of the last one does not carry over.
    return replace(request, stage=to, submitted_on=submitted_on, snoozed_until=None)


def effective_deadline(request: LetterRequest, calendar: Calendar | None) -> date | None:
    """The day the letter must be in: the student's own deadline, else submission day."""
    if request.deadline is not None:
        return request.deadline
    return calendar.on("submissions_open") if calendar is not None else None


def next_due(request: LetterRequest, calendar: Calendar | None) -> LetterDue | None:
    """The one reminder this letter is owed next, and from which day; None when it owes none.
    A snoozed reminder comes back on the day the snooze ends."""
    due = _owed(request, calendar)
    if due is None or request.snoozed_until is None or request.snoozed_until <= due.due_on:
        return due
    return LetterDue(due.task, request.snoozed_until)


def check_day(asked_on: date, deadline: date) -> date:
    """When to check a letter is in: two weeks before the deadline; for a late ask, a week
    after asking or the day before the deadline, whichever is sooner; never before the ask."""
    soonest = min(asked_on + CHECK_AFTER_ASK, deadline - timedelta(days=1))
    return max(deadline - CHECK_BEFORE, soonest, asked_on)


def _owed(request: LetterRequest, calendar: Calendar | None) -> LetterDue | None:
    if request.stage in (LetterStage.ASKED, LetterStage.AGREED):
        deadline = effective_deadline(request, calendar)
        if deadline is None:
            return None
        if request.checked_on is None:
            return LetterDue(LetterTask.CHECK, check_day(request.asked_on, deadline))
        if request.checked_on <= deadline:
            # Checked before the deadline and still not marked in: one look the day after.
            return LetterDue(LetterTask.CHECK, deadline + timedelta(days=1))
        return None
    if request.stage is LetterStage.SUBMITTED:
        return LetterDue(LetterTask.THANK, request.submitted_on or request.asked_on)
    if request.stage is LetterStage.THANKED and calendar is not None:
        return LetterDue(LetterTask.OUTCOME, calendar.on("match_day"))
    return None


def ask_due(
    calendar: Calendar | None,
    letters: list[LetterRequest],
    *,
    done_on: date | None,
    snoozed_until: date | None,
    today: date,
) -> LetterDue | None:
    """The reminder to ask writers: owed from two weeks before the last day to ask with six
    weeks to spare, while fewer than LETTERS_WANTED writers are tracked (declined ones don't
    count), until it is done or submissions open (too late to ask for this cycle's start)."""
    if calendar is None or done_on is not None or today >= calendar.on("submissions_open"):
        return None
    tracked = sum(1 for letter in letters if letter.stage is not LetterStage.DECLINED)
    if tracked >= LETTERS_WANTED:
        return None
    day = letter_ask_by(calendar) - ASK_LEAD
    if snoozed_until is not None and snoozed_until > day:
        day = snoozed_until
    return LetterDue(LetterTask.ASK, day)


def ask_warning(calendar: Calendar | None, deadline: date | None, *, today: date) -> str | None:
    """Said when a letter is asked for with less than the six weeks a writer needs."""
    if calendar is None and deadline is None:
        return None
    if calendar is None:
        assert deadline is not None
        ask_by = deadline - timedelta(weeks=6)
    else:
        ask_by = letter_ask_by(calendar, deadline)
    if today <= ask_by:
        return None
    return (
        "That's less than the six weeks a writer usually needs. Say when you need it in your "
        "ask, offer everything they need up front, and thank them for fitting it in."
    )
