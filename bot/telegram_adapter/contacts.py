"""`/add` and `/profile` in one line each (sent alone, `steps` asks one question at a time).

A held duplicate is resolved by its buttons.
"""

from __future__ import annotations

import re

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.models import AddOutcome, ContactDraft
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.parsing import parts, role_of


def contact_from(text: str) -> ContactDraft:
    name, role, met_event, notes = parts(text, 4)
    if not name:
        raise InvalidInput("Start with their name, e.g. /add Amara Okafor | attending")
    return ContactDraft(name=name, role=role_of(role), met_event=met_event, notes=notes)


def add_command(contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        await present_added(chat, await contacts.add(student, contact_from(text)))

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


def profile_command(drafts: DraftService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            profile = await drafts.profile(student)
            current = (
                f"Your profile: {profile.name} | {profile.school} | {profile.stage}\n"
                if profile
                else ""
            )
            await chat.send_message(
                current + "Set it with /profile your name | school | year, "
                "e.g. /profile Maya Chen | Riverside School of Medicine | MS2"
            )
            return
        name, school, stage = parts(text, 3)
        changes = {k: v for k, v in (("name", name), ("school", school), ("stage", stage)) if v}
        profile = await drafts.save_profile(student, changes)
        await chat.send_message(
            f"Saved: {profile.name} | {profile.school} | {profile.stage}. "
            "Drafts are signed with these."
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
