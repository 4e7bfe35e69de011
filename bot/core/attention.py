"""Who is most due for attention: the order of `/contact list` and, later, the digest.

A contact met but never followed up is due a few days after meeting; after that, each one is due
again one keep-in-touch cadence after the last exchange. Cadence comes from the contact's own
override or from defaults per role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from bot.core.models import Contact, Role
from bot.core.text import fold

FOLLOW_UP_AFTER_DAYS = 2
FRESH_MEETING_DAYS = 14  # met within two weeks of being recorded: a follow-up is due

# Mentors and tutors are the relationships that grow with regular contact; clinicians and
# faculty are busy, so a quarterly check-in is plenty; everyone else twice a year.
DEFAULT_CADENCE_DAYS: dict[Role, int] = {
    Role.PEER_MENTOR: 42,
    Role.TUTOR: 42,
    Role.FACULTY: 91,
    Role.RESEARCHER: 91,
    Role.RESIDENT: 91,
    Role.FELLOW: 91,
    Role.ATTENDING: 91,
    Role.PROGRAM_DIRECTOR: 91,
    Role.CLASSMATE: 182,
    Role.CLINICIAN: 182,
    Role.ALUMNUS: 182,
    Role.SPEAKER: 182,
    Role.OTHER: 182,
}


# The groups a student sets a check-in cadence for at once (/reminders' options), in the
# same three tiers as the defaults above.
CADENCE_GROUPS: dict[str, tuple[Role, ...]] = {
    "mentors": (Role.PEER_MENTOR, Role.TUTOR),
    "seniors": (
        Role.FACULTY,
        Role.RESEARCHER,
        Role.RESIDENT,
        Role.FELLOW,
        Role.ATTENDING,
        Role.PROGRAM_DIRECTOR,
    ),
}
CADENCE_GROUPS["others"] = tuple(
    role for role in Role if not any(role in group for group in CADENCE_GROUPS.values())
)


def group_cadence(groups: Mapping[str, int | None]) -> dict[str, int]:
    """Days between check-ins per role, from days per group (None: the group is unchanged)."""
    cadence: dict[str, int] = {}
    for group, days in groups.items():
        if days is not None:
            cadence.update({role.value: days for role in CADENCE_GROUPS[group]})
    return cadence


def cadence_days(contact: Contact, overrides: Mapping[str, int] | None = None) -> int:
    """The contact's own cadence, else the student's default for the role, else ours."""
    if contact.draft.cadence_days:
        return contact.draft.cadence_days
    if overrides and contact.role.value in overrides:
        return overrides[contact.role.value]
    return DEFAULT_CADENCE_DAYS[contact.role]


def needs_follow_up(contact: Contact) -> bool:
    """Met recently, and nothing sent or said since.

    Someone recorded long after meeting them (an old acquaintance, a LinkedIn import) is not a
    fresh follow-up: they come up for a check-in by cadence instead.
    """
    if contact.exchange_count:
        return False
    met = contact.draft.met_on
    return met is None or met >= contact.created_at.date() - timedelta(days=FRESH_MEETING_DAYS)


def first_follow_up_on(contact: Contact) -> date:
    anchor = contact.draft.met_on or contact.created_at.date()
    return contact.follow_up_on or anchor + timedelta(days=FOLLOW_UP_AFTER_DAYS)


def due_on(contact: Contact, overrides: Mapping[str, int] | None = None) -> date:
    """The day this contact next deserves the student's attention (a snooze pushes it on)."""
    if needs_follow_up(contact):
        due = first_follow_up_on(contact)
    elif contact.last_contacted_on is None and contact.follow_up_on is not None:
        due = contact.follow_up_on  # a first check-in given its own day (an import spreads them)
    else:
        # Never contacted: the clock starts when they were recorded, not years back.
        anchor = contact.last_contacted_on or contact.created_at.date()
        due = anchor + timedelta(days=cadence_days(contact, overrides))
    if contact.snoozed_until and contact.snoozed_until > due:
        return contact.snoozed_until
    return due


IMPORT_SPREAD_DAYS = 42  # the shortest default cadence: every import's first check-in within it


def spread_days(count: int, start: date, *, per_day: int, window_days: int) -> list[date]:
    """First days for `count` people who arrived together, from `start` on.

    Like people met at one event: at most `per_day` on a day. When that would run past the
    window (thousands from one LinkedIn import), they are spread evenly over the window instead,
    so every first check-in still comes within it.
    """
    if count <= per_day * window_days:
        return [start + timedelta(days=n // per_day) for n in range(count)]
    return [start + timedelta(days=n * window_days // count) for n in range(count)]


def most_due_first(
    contacts: Iterable[Contact], overrides: Mapping[str, int] | None = None
) -> list[Contact]:
    """Earliest due first; ties by folded name (case and accents ignored), then id. The folded
    name is what the database stores as `name_key`, so SQL can order exactly the same way."""
    return sorted(contacts, key=lambda c: (due_on(c, overrides), fold(c.draft.name), c.id))


def due_phrase(contact: Contact, today: date) -> str:
    """What is next with the contact, in plain words: "follow up in 3 days", "check in — overdue
    by 2 days", "awaiting a reply since 5 Mar 2026" (both front ends show it as it is)."""
    if contact.awaiting_reply_since is not None:
        since = contact.awaiting_reply_since.date()
        return f"awaiting a reply since {since.day} {since:%b %Y}"
    days = (due_on(contact) - today).days
    what = "follow up" if needs_follow_up(contact) else "check in"
    if days < 0:
        return f"{what} — overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return f"{what} today"
    return f"{what} in {days} day{'s' if days != 1 else ''}"
