"""Where and when a student met a contact, from the event records the contact is linked to.

Drafts and digests use it so that a message written months later can say "we met at the AAMC
Annual Meeting in March 2026", and so that the follow-up template fits the kind of event. It
is a leaf module (the event kinds live here) so that drafts, digests and events can all use it
without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.text import fold


class EventKind(StrEnum):
    CONFERENCE = "conference"
    TALK = "talk"
    WORKSHOP = "workshop"
    INTEREST_GROUP = "interest_group"
    OFFICE_HOURS = "office_hours"
    SHADOWING = "shadowing"
    ROTATION = "rotation"
    INTERVIEW = "interview"  # a residency interview (/interview log)
    SOCIAL = "social"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def noun(self) -> str | None:
        """What a message calls it after "since that …"; None when the kind says nothing."""
        return _KIND_NOUNS[self]


_KIND_LABELS = {
    EventKind.CONFERENCE: "Conference",
    EventKind.TALK: "Talk or seminar",
    EventKind.WORKSHOP: "Workshop",
    EventKind.INTEREST_GROUP: "Interest-group meeting",
    EventKind.OFFICE_HOURS: "Office hours",
    EventKind.SHADOWING: "Shadowing",
    EventKind.ROTATION: "Rotation",
    EventKind.INTERVIEW: "Residency interview",
    EventKind.SOCIAL: "Social",
    EventKind.OTHER: "Other",
}
# Written to read well after "since that" and "at that" in a letter ("since that rotation").
_KIND_NOUNS: dict[EventKind, str | None] = {
    EventKind.CONFERENCE: "conference",
    EventKind.TALK: "talk",
    EventKind.WORKSHOP: "workshop",
    EventKind.INTEREST_GROUP: "interest-group meeting",
    EventKind.OFFICE_HOURS: "office-hours session",
    EventKind.SHADOWING: "shadowing day",
    EventKind.ROTATION: "rotation",
    EventKind.INTERVIEW: "interview",
    EventKind.SOCIAL: "get-together",
    EventKind.OTHER: None,
}


@dataclass(frozen=True, slots=True)
class MetAt:
    """One event record a contact is linked to: where and when the student met them."""

    event_id: int
    name: str
    kind: EventKind
    held_on: date

    @property
    def kind_label(self) -> str | None:
        """'conference', 'talk or seminar'… for inline text; None for 'other'."""
        return None if self.kind is EventKind.OTHER else self.kind.label.lower()


def choose_meeting(
    linked: Sequence[MetAt], today: date, *, named: str | None = None
) -> MetAt | None:
    """The linked event that counts as where the student met the contact.

    When the student named an event (a draft's event field), it is the linked event of that
    name (the latest if several), or none: their words are about another occasion, and a
    linked event's date or kind would then be wrong. Otherwise it is the most recent one held
    on or before today, since the latest meeting is the one both remember best; an event dated
    after today has not happened yet (a plan or a typo), so it cannot be where they met.
    Same-day ties go to the event logged last.
    """
    if named is not None:
        key = fold(named)
        candidates = [m for m in linked if fold(m.name) == key]
    else:
        candidates = [m for m in linked if m.held_on <= today]
    if not candidates:
        return None
    return max(candidates, key=lambda m: (m.held_on, m.event_id))


def long_date(day: date, english: str = "us") -> str:
    """'March 12, 2026' in US English, '12 March 2026' in UK English: the month spelled out,
    so neither reader can take it for another day."""
    return f"{day.day} {day:%B %Y}" if english == "uk" else f"{day:%B} {day.day}, {day.year}"
