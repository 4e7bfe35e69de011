"""Who is most due for attention: follow-ups after meeting, then keep-in-touch cadence."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.attention import (
    DEFAULT_CADENCE_DAYS,
    FOLLOW_UP_AFTER_DAYS,
    cadence_days,
    due_on,
    most_due_first,
    needs_follow_up,
)
from bot.core.models import Contact, ContactDraft, Role

CREATED = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


def contact(
    name: str = "Ada",
    *,
    id: int = 1,
    role: Role = Role.OTHER,
    met_on: date | None = None,
    last: date | None = None,
    count: int = 0,
    cadence: int | None = None,
) -> Contact:
    draft = ContactDraft(name=name, role=role, met_on=met_on, cadence_days=cadence)
    return Contact(
        id=id,
        owner_id=1,
        draft=draft,
        created_at=CREATED,
        updated_at=CREATED,
        last_contacted_on=last,
        exchange_count=count,
    )


def test_every_role_has_a_default_cadence() -> None:
    """Every role has a default keep-in-touch cadence."""
    assert set(DEFAULT_CADENCE_DAYS) == set(Role)


@pytest.mark.parametrize(
    ("role", "cadence", "expected"),
    [
        (Role.PEER_MENTOR, None, 42),
        (Role.TUTOR, None, 42),
        (Role.FACULTY, None, 91),
        (Role.ATTENDING, None, 91),
        (Role.CLASSMATE, None, 182),
        (Role.OTHER, None, 182),
        (Role.FACULTY, 14, 14),
    ],
)
def test_cadence(role: Role, cadence: int | None, expected: int) -> None:
    """A contact's own cadence overrides the role default."""
    assert cadence_days(contact(role=role, cadence=cadence)) == expected


@pytest.mark.parametrize(("count", "expected"), [(0, True), (1, False), (5, False)])
def test_needs_follow_up(count: int, expected: bool) -> None:
    """Only a contact with no follow-up exchanges needs a follow-up."""
    assert needs_follow_up(contact(count=count, last=date(2026, 3, 1))) is expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # Never followed up: a couple of days after meeting (or after being saved).
        ({"met_on": date(2026, 2, 20)}, date(2026, 2, 20 + FOLLOW_UP_AFTER_DAYS)),
        ({}, date(2026, 3, 3)),
        ({"met_on": date(2026, 2, 20), "last": date(2026, 2, 25), "count": 0}, date(2026, 2, 22)),
        # Recorded long after meeting (an import): a check-in one cadence after being saved.
        ({"met_on": date(2024, 5, 1)}, date(2026, 3, 1) + timedelta(days=182)),
        # Followed up: one cadence after the last exchange.
        ({"last": date(2026, 1, 1), "count": 1, "role": Role.TUTOR}, date(2026, 2, 12)),
        ({"last": date(2026, 1, 1), "count": 2, "role": Role.FACULTY}, date(2026, 4, 2)),
        ({"last": date(2026, 1, 1), "count": 1, "cadence": 7}, date(2026, 1, 8)),
        ({"met_on": date(2026, 1, 1), "count": 1, "cadence": 10}, date(2026, 3, 11)),
        ({"count": 1, "cadence": 10}, date(2026, 3, 11)),
    ],
)
def test_due_on(kwargs: dict, expected: date) -> None:
    """due_on anchors on the meeting until followed up, then on the last exchange plus cadence."""
    assert due_on(contact(**kwargs)) == expected


def test_most_due_first_orders_by_due_date_then_name_then_id() -> None:
    """Earliest due comes first; ties break by case-insensitive name, then id."""
    late = contact("Late", id=1, met_on=date(2026, 3, 5))
    early = contact("Early", id=2, met_on=date(2026, 2, 15))
    tie_b = contact("bob", id=3, met_on=date(2026, 2, 20))
    tie_a = contact("Alice", id=4, met_on=date(2026, 2, 20))
    twin_high = contact("Same", id=9, met_on=date(2026, 2, 20))
    twin_low = contact("same", id=5, met_on=date(2026, 2, 20))
    cared_for = contact("Cared", id=6, role=Role.TUTOR, last=date(2026, 3, 1), count=1)
    ordered = most_due_first([late, early, tie_b, tie_a, twin_high, twin_low, cared_for])
    assert [c.id for c in ordered] == [2, 4, 3, 5, 9, 1, 6]


def test_most_due_first_empty() -> None:
    """An empty list stays empty."""
    assert most_due_first([]) == []
