"""`/add` and `/profile` in one line each (sent alone, `steps` asks one question at a time).

A held duplicate is resolved by its buttons.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.events import EventService
from bot.core.models import AddOutcome, ContactDraft
from bot.core.text import fold
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.parsing import parts, role_of


def contact_from(text: str) -> ContactDraft:
    name, role, met_event, notes = parts(text, 4)
    if not name:
        raise InvalidInput("Start with their name, e.g. /add Amara Okafor | attending")
    return ContactDraft(name=name, role=role_of(role), met_event=met_event, notes=notes)


async def add_contact(
    contacts: ContactService, events: EventService, student: int, draft: ContactDraft
) -> AddOutcome:
    """Save the contact and, as on Discord, link them to the student's event of the name typed
    as where they met (when there is one)."""
    outcome = await contacts.add(student, draft)
    if outcome.contact is not None:
        await events.link_where_met(student, outcome.contact.id, draft.met_event)
    return outcome


def add_command(contacts: ContactService, events: EventService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        await present_added(chat, await add_contact(contacts, events, student, contact_from(text)))

    return run


def resolve_duplicate(contacts: ContactService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        chat = message.chat
        target = match["target"]
        contact = await contacts.resolve_duplicate(
            student,
            int(match["pending"]),
            update_contact_id=None if target == "new" else int(target),
        )
        heading = "Added" if target == "new" else "Updated"
        await chat.send_message(presenters.contact_card(contact, heading=heading))
        return None

    return run


# `/profile`'s options after the name, school and year, as Discord's /profile takes them.
PROFILE_OPTIONS = {
    "signoff": "signoff",
    "sign off": "signoff",
    "contact line": "contact_line",
    "interests": "interests",
    "english": "english",
    "follow up delay": "follow_up_delay_days",
    "nudge after": "follow_up_delay_days",
}
PROFILE_USAGE = (
    "Send /profile your name | school | year, then any of | signoff: Kind regards · "
    "| contact line: your school e-mail · | interests: … · | english: us or uk · "
    "| follow-up delay: days before a nudge (2–30). A - clears signoff or contact line. "
    "/profile alone asks step by step."
)
CLEAR = "-"


def profile_changes(text: str) -> dict[str, Any]:
    """The one-line form: up to three parts in order (name, school, year), then options."""
    positional: list[str] = []
    changes: dict[str, Any] = {}
    for item in (part.strip() for part in text.split("|")):
        key, colon, value = item.partition(":")
        option = PROFILE_OPTIONS.get(fold(key).replace("-", " ").strip()) if colon else None
        if option is None:
            if changes:
                raise InvalidInput(f"Put name, school and year first.\n{PROFILE_USAGE}")
            positional.append(item)
            continue
        value = value.strip()
        if option == "follow_up_delay_days":
            if not value.isascii() or not value.isdigit() or len(value) > 3:
                raise InvalidInput("The follow-up delay is a number of days, from 2 to 30.")
            changes[option] = int(value)
        elif option == "english":
            changes[option] = fold(value).removesuffix(" english").strip()
        else:
            changes[option] = None if value == CLEAR else value
    if len(positional) > 3:
        raise InvalidInput(f"At most 3 parts before the options.\n{PROFILE_USAGE}")
    for key, value in zip(("name", "school", "stage"), positional, strict=False):
        if value:
            changes[key] = value
    if not changes:
        raise InvalidInput(PROFILE_USAGE)
    return changes


def profile_command(drafts: DraftService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        profile = await drafts.save_profile(student, profile_changes(text))
        extras = [
            f"{label}: {value}"
            for label, value in (
                ("signed off", profile.signoff),
                ("under your name", profile.contact_line),
                ("English", profile.english.upper()),
                ("nudge after", f"{profile.follow_up_delay_days} days"),
            )
            if value
        ]
        await chat.send_message(
            presenters.clip(
                f"Saved: {profile.name} | {profile.school} | {profile.stage}. "
                "Drafts are signed with these.\n" + " · ".join(extras)
            )
        )

    return run


async def present_added(chat: Chat, outcome: AddOutcome) -> None:
    """The saved contact's card, or, when it may be someone already saved, the choice."""
    if outcome.contact is not None:
        await chat.send_message(presenters.contact_card(outcome.contact))
        return
    assert outcome.pending_id is not None
    rows = [
        [callbacks.button(f"Update {c.draft.name}"[:60], "dupe", outcome.pending_id, c.id)]
        for c in outcome.duplicates[:3]
    ]
    rows.append([callbacks.button("Add as new", "dupe", outcome.pending_id, "new")])
    await chat.send_message(
        "You already have someone by that name or e-mail. Update them, or add a new contact?",
        reply_markup=InlineKeyboardMarkup(rows),
    )
