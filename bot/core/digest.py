"""What a student should do this week: follow-ups, nudges, check-ins and reminders, in order.

Pure: given the student's contacts, unanswered messages and reminders, it decides; the
reminder service fetches and delivers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta

from bot.core.attention import due_on, needs_follow_up
from bot.core.meetings import MetAt, choose_meeting
from bot.core.models import Contact, Digest, DueItem, ItemKind, OneOffReminder, WeekActivity
from bot.core.progress import GoalProgress
from bot.core.season import SeasonStatus

HORIZON_DAYS = 7  # what falls due within the coming week belongs in this week's digest
# Contacts read per digest or `/due`: more than a digest names or a select menu can offer (25,
# Discord's limit); the rest of the week's are counted in SQL, not loaded.
DUE_LOADED = 25
# When two items fall due the same day, the more time-sensitive comes first.
_PRIORITY = {
    ItemKind.NUDGE: 0,
    ItemKind.LETTER: 1,  # a letter's day is set by its deadline or the Match calendar
    ItemKind.FOLLOW_UP: 2,
    ItemKind.REMINDER: 3,
    ItemKind.CHECK_IN: 4,
}


def due_items(
    contacts: Iterable[Contact],
    reminders: Iterable[OneOffReminder],
    *,
    today: date,
    nudge_due: Mapping[int, date],
    cadence: Mapping[str, int] | None = None,
    reminder_days: Mapping[int, date] | None = None,
) -> list[DueItem]:
    """Everything due within the horizon, most urgent first.

    `nudge_due` maps a contact id to the day its unanswered message deserves a nudge;
    `reminder_days` maps a reminder id to its local due day.
    """
    horizon = today + timedelta(days=HORIZON_DAYS - 1)
    items: list[DueItem] = []
    contacts = list(contacts)
    by_id = {contact.id: contact for contact in contacts}
    for contact in contacts:
        if contact.id in nudge_due:
            day = max(nudge_due[contact.id], contact.snoozed_until or nudge_due[contact.id])
            if day <= horizon:
                items.append(
                    DueItem(ItemKind.NUDGE, day, contact, sent_at=contact.awaiting_reply_since)
                )
            continue
        if contact.awaiting_reply_since is not None:
            continue  # waiting for an answer: a nudge will come when it's due
        day = due_on(contact, cadence)
        if day <= horizon:
            kind = ItemKind.FOLLOW_UP if needs_follow_up(contact) else ItemKind.CHECK_IN
            items.append(DueItem(kind, day, contact))
    days = reminder_days or {}
    for reminder in reminders:
        day = days.get(reminder.id, reminder.due_at.date())
        if day <= horizon:
            about = by_id.get(reminder.contact_id) if reminder.contact_id else None
            items.append(DueItem(ItemKind.REMINDER, day, about, reminder=reminder))
    return most_urgent_first(items)


def most_urgent_first(items: Iterable[DueItem]) -> list[DueItem]:
    """Soonest due first; on one day, the more time-sensitive kind first."""
    return sorted(items, key=lambda i: (i.due_on, _PRIORITY[i.kind], i.ref))


# The items whose line says where and when the student met the person: the ones about a
# relationship. A nudge is about the unanswered message, a reminder about its own note.
MEETING_KINDS = frozenset({ItemKind.FOLLOW_UP, ItemKind.CHECK_IN})


def meeting_contacts(items: Iterable[DueItem]) -> list[int]:
    """The contacts whose items can say where they were met (to look their events up)."""
    return [i.contact.id for i in items if i.kind in MEETING_KINDS and i.contact is not None]


def with_meetings(
    items: Sequence[DueItem], linked: Mapping[int, Sequence[MetAt]], *, today: date
) -> list[DueItem]:
    """Follow-up and check-in items, with the event where the student met the person."""
    found = []
    for item in items:
        if item.kind in MEETING_KINDS and item.contact is not None:
            met_at = choose_meeting(linked.get(item.contact.id, ()), today)
            if met_at is not None:
                item = replace(item, met_at=met_at)
        found.append(item)
    return found


def build_digest(
    student_id: int,
    items: Sequence[DueItem],
    activity: WeekActivity,
    *,
    today: date,
    tip: str | None,
    progress: GoalProgress | None = None,
    late_by_hours: int = 0,
    more: int = 0,
    season: SeasonStatus | None = None,
) -> Digest:
    return Digest(
        student_id=student_id,
        today=today,
        items=tuple(items),
        activity=activity,
        tip=tip,
        progress=progress,
        late_by_hours=late_by_hours,
        more=more,
        season=season,
    )
