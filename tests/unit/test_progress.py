"""Progress arithmetic: weekly counts, follow-up/check-in labels, streaks and rates."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.models import Contact, ContactDraft, Exchange, ExchangeKind, Role
from bot.core.progress import (
    WeekCounts,
    WeeklyGoal,
    classify,
    follow_up_rate,
    progress,
    reply_rate,
    streak,
    week_start,
    weekly_counts,
)

TODAY = date(2026, 11, 25)  # a Wednesday


def contact(
    cid: int,
    *,
    created: date,
    met: date | None = None,
    role: Role = Role.FACULTY,
    specialty: str | None = None,
) -> Contact:
    at = datetime(created.year, created.month, created.day, 12, tzinfo=UTC)
    return Contact(
        id=cid,
        owner_id=1,
        draft=ContactDraft(name=f"P{cid}", role=role, met_on=met, specialty=specialty),
        created_at=at,
        updated_at=at,
    )


def exchange(xid: int, cid: int, kind: ExchangeKind, on: date) -> Exchange:
    return Exchange(
        id=xid,
        contact_id=cid,
        kind=kind,
        happened_on=on,
        note=None,
        created_at=datetime(on.year, on.month, on.day, tzinfo=UTC),
    )


def test_week_starts_on_monday() -> None:
    """Weeks run Monday to Sunday."""
    assert week_start(TODAY) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)


def test_first_outreach_is_a_follow_up_later_ones_check_ins() -> None:
    """The first message to someone is a follow-up; later ones are check-ins; replies apart."""
    labels = [
        label
        for _, label in classify(
            [
                exchange(1, 7, ExchangeKind.MET, date(2026, 11, 1)),
                exchange(2, 7, ExchangeKind.EMAILED, date(2026, 11, 2)),
                exchange(3, 7, ExchangeKind.REPLIED, date(2026, 11, 3)),
                exchange(4, 7, ExchangeKind.CALLED, date(2026, 11, 20)),
            ]
        )
    ]
    assert labels == ["follow_up", "reply", "check_in"]


def test_weekly_counts_land_in_their_weeks() -> None:
    """Contacts count in the week they were added; exchanges in the week they happened."""
    weeks = weekly_counts(
        [contact(1, created=date(2026, 11, 24)), contact(2, created=date(2026, 11, 17))],
        [
            exchange(1, 1, ExchangeKind.EMAILED, date(2026, 11, 25)),
            exchange(2, 2, ExchangeKind.MESSAGED, date(2026, 11, 18)),
            exchange(3, 2, ExchangeKind.MEETING, date(2026, 11, 24)),
        ],
        today=TODAY,
        weeks=3,
    )
    assert [w.start for w in weeks] == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    assert (weeks[1].new_contacts, weeks[1].follow_ups, weeks[1].check_ins) == (1, 1, 0)
    assert (weeks[2].new_contacts, weeks[2].follow_ups, weeks[2].check_ins) == (1, 1, 1)


@pytest.mark.parametrize(
    ("met", "expected"),
    [
        ([True, True, True], 3),  # this week already met: it counts
        ([True, True, False], 2),  # this week in progress: not yet, not a break
        ([True, False, False], 0),  # last week missed: streak broken
        ([False, True, True], 2),
    ],
)
def test_streak(met: list[bool], expected: int) -> None:
    """The streak counts consecutive weeks on goal, not penalising the week in progress."""
    goal = WeeklyGoal(1, 0, 0)
    weeks = [
        WeekCounts(start=date(2026, 11, 9 + 7 * n), new_contacts=int(ok))
        for n, ok in enumerate(met)
    ]
    assert streak(weeks, goal) == expected


def test_empty_goal_is_never_met() -> None:
    """A goal of all zeros does not make every week a success."""
    assert not WeekCounts(start=TODAY).meets(WeeklyGoal(0, 0, 0))


def test_follow_up_rate_counts_within_three_days() -> None:
    """Followed up on day 3 counts; day 4 does not; people never followed up count against."""
    met = date(2026, 11, 2)
    contacts = [contact(n, created=met, met=met) for n in (1, 2, 3, 4)]
    exchanges = [
        exchange(1, 1, ExchangeKind.EMAILED, date(2026, 11, 5)),  # day 3
        exchange(2, 2, ExchangeKind.EMAILED, date(2026, 11, 6)),  # day 4
        exchange(3, 3, ExchangeKind.MESSAGED, date(2026, 11, 2)),  # same day
    ]
    assert follow_up_rate(contacts, exchanges) == pytest.approx(0.5)
    assert follow_up_rate([], []) is None


def test_reply_rate_counts_people_not_messages() -> None:
    """Of the people written to, the share who replied afterwards."""
    exchanges = [
        exchange(1, 1, ExchangeKind.EMAILED, date(2026, 11, 1)),
        exchange(2, 1, ExchangeKind.EMAILED, date(2026, 11, 8)),
        exchange(3, 1, ExchangeKind.REPLIED, date(2026, 11, 9)),
        exchange(4, 2, ExchangeKind.MESSAGED, date(2026, 11, 1)),
        exchange(5, 3, ExchangeKind.REPLIED, date(2026, 11, 1)),  # never written to
    ]
    assert reply_rate(exchanges) == pytest.approx(0.5)
    assert reply_rate([]) is None


def test_progress_totals_by_role_and_specialty() -> None:
    """Totals group the network by role and by specialty, largest first."""
    contacts = [
        contact(1, created=TODAY, role=Role.RESIDENT, specialty="Surgery"),
        contact(2, created=TODAY, role=Role.RESIDENT, specialty="Surgery"),
        contact(3, created=TODAY, role=Role.TUTOR),
    ]
    result = progress(contacts, [], WeeklyGoal(), today=TODAY)
    assert result.by_role == (("Resident", 2), ("Tutor", 1))
    assert result.by_specialty == (("Surgery", 2),)
    assert len(result.weeks) == 12 and result.this_week.new_contacts == 3


def test_a_reply_logged_before_the_message_the_same_day_counts() -> None:
    """The reply rate goes by days: a reply logged first on the day of the message still counts
    (the database keeps days, not the order they were typed in)."""
    day = date(2026, 11, 2)
    exchanges = [
        exchange(1, 1, ExchangeKind.REPLIED, day),
        exchange(2, 1, ExchangeKind.EMAILED, day),
        exchange(3, 2, ExchangeKind.REPLIED, date(2026, 11, 1)),  # before the message: no
        exchange(4, 2, ExchangeKind.MESSAGED, day),
    ]
    assert reply_rate(exchanges) == pytest.approx(0.5)


def test_ties_among_roles_and_specialties_are_alphabetical() -> None:
    """Equal counts are named in alphabetical order, whatever order the contacts came in (as
    the database sorts them)."""
    contacts = [
        contact(1, created=TODAY, role=Role.TUTOR, specialty="Surgery"),
        contact(2, created=TODAY, role=Role.RESIDENT, specialty="Cardiology"),
    ]
    result = progress(contacts, [], WeeklyGoal(), today=TODAY)
    assert result.by_role == (("Resident", 1), ("Tutor", 1))
    assert result.by_specialty == (("Cardiology", 1), ("Surgery", 1))
