"""Contacts and events as plain text for Telegram: the lists, the full card, an event's people.

What Discord shows as embeds (bot/discord_adapter/presenters.py), as lines of one message.
No parse_mode, so nothing typed here is escaped; every user-typed part is clipped, and every
message to `presenters.TEXT_MAX` (Telegram's 4096).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core import names
from bot.core.attention import due_phrase
from bot.core.events import Event, EventDetail
from bot.core.models import Contact, ContactFilter, Exchange, Page
from bot.telegram_adapter.presenters import clip

NAME_SHOWN = 120
PART_SHOWN = 300
NOTES_SHOWN = 1500


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def display_name(contact: Contact) -> str:
    """The name as typed, with the title in front unless the name already has one."""
    return clip(names.display_name(contact.parsed_name, contact.draft.title), NAME_SHOWN)


def summary(contact: Contact) -> str:
    d = contact.draft
    return clip(
        " · ".join(p for p in (contact.role.label, d.specialty, d.institution) if p), PART_SHOWN
    )


def contact_line(contact: Contact) -> str:
    return f"• {display_name(contact)} — {summary(contact)}"


def filter_phrase(contact_filter: ContactFilter) -> str:
    found = (
        ("role", contact_filter.role.label if contact_filter.role else None),
        ("tag", contact_filter.tag),
        ("specialty", contact_filter.specialty),
        ("event", contact_filter.event),
    )
    return " · ".join(f"{key}: {clip(value, 100)}" for key, value in found if value)


def list_text(page: Page, contact_filter: ContactFilter, today: date) -> str:
    """One page of /contacts, most due for attention first."""
    phrase = filter_phrase(contact_filter)
    heading = "Your contacts, most due for attention first"
    lines = [f"{heading} ({phrase}):" if phrase else f"{heading}:"]
    if page.total == 0:
        if contact_filter.is_empty:
            return "No contacts yet. Add the first with /add name | role | where you met."
        return f"No contacts match {phrase}."
    for contact in page.items:
        lines += [contact_line(contact), f"   ↳ {due_phrase(contact, today)}"]
    plural = "s" if page.total != 1 else ""
    lines.append(f"Page {page.number + 1} of {page.count} · {page.total} contact{plural}")
    lines.append("See one with /contact name.")
    return clip("\n".join(lines))


def search_text(query: str, results: Sequence[Contact], limit: int) -> str:
    if not results:
        return clip(
            f"Nobody matches “{clip(query, 100)}”. The search looks in names, places, "
            "specialties, notes and tags; /contacts alone lists everyone."
        )
    lines = [f"Contacts matching “{clip(query, 100)}”:"]
    lines += [contact_line(contact) for contact in results]
    if len(results) >= limit:
        lines.append(f"(The first {limit}: add a word to narrow it down.)")
    lines.append("See one with /contact name.")
    return clip("\n".join(lines))


def contact_card(
    contact: Contact, today: date, history: Sequence[Exchange] = (), *, heading: str = ""
) -> str:
    """Everything stored about a contact, with their exchanges and what is next."""
    d = contact.draft
    first = display_name(contact)
    lines = [f"{heading} — {first}" if heading else first, summary(contact)]
    address = clip(contact.greeting, PART_SHOWN)
    if not d.address_as:
        address += " (suggested; change it with /edit name | address as: …)"
    lines.append(f"Drafts address them as: {address}")
    met = " · ".join(p for p in (d.met_event, d.met_on and day(d.met_on)) if p)
    if met:
        lines.append(f"Where and when you met: {clip(met, PART_SHOWN)}")
    if d.email:
        lines.append(f"E-mail: {clip(d.email, PART_SHOWN)}")
    if d.profile_url:
        lines.append(f"Profile: {clip(d.profile_url, PART_SHOWN)}")
    if d.tags:
        lines.append(f"Tags: {clip(', '.join(d.tags), PART_SHOWN)}")
    if d.cadence_days:
        lines.append(f"Keep in touch every {d.cadence_days} days")
    if d.notes:
        lines.append(f"Notes: {clip(d.notes, NOTES_SHOWN)}")
    last = day(contact.last_contacted_on) if contact.last_contacted_on else "not yet"
    lines.append(f"Last contacted: {last} · Next: {due_phrase(contact, today)}")
    if history:
        lines.append("History:")
        lines += [
            clip(
                f"• {day(x.happened_on)} — {x.kind.label}" + (f": {x.note}" if x.note else ""),
                PART_SHOWN,
            )
            for x in history
        ]
    lines.append(
        f"/followup {clip(d.name, NAME_SHOWN)} drafts a message · /log records an exchange · "
        "/edit changes details · /remove deletes"
    )
    return clip("\n".join(lines))


def event_title(event: Event) -> str:
    return f"{clip(event.name, NAME_SHOWN)} · {event.kind.label} · {day(event.held_on)}"


def event_text(detail: EventDetail, *, heading: str = "") -> str:
    """An event and the people the student met there."""
    title = event_title(detail.event)
    lines = [f"{heading}: {title}" if heading else title]
    if detail.people:
        lines.append("People you met there:")
        lines += [contact_line(contact) for contact in detail.people]
    else:
        lines.append("Nobody linked yet: press “Add people I met” to record who you talked to.")
    return clip("\n".join(lines))


def event_list_text(events: Sequence[Event]) -> str:
    if not events:
        return "No events yet. Record one with /event log name | date | kind."
    lines = ["Your events, most recent first:"]
    lines += [f"• {event_title(event)}" for event in events]
    lines.append("See one with /event show name.")
    return clip("\n".join(lines))
