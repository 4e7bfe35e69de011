"""`/add` and `/profile`: one line each, or step by step through a reply prompt.

`/add` alone asks for the contact with a ForceReply prompt; the student's reply to that prompt
is read like the one-line form. A held duplicate is resolved by its buttons.
"""

from __future__ import annotations

import re

from telegram import Chat, ForceReply, InlineKeyboardMarkup, Message, Update

from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.models import ContactDraft
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.parsing import parts, role_of

ADD_PROMPT = (
    "Who did you meet? Reply to this message with one line:\n"
    "name | role | where you met | notes\n"
    "Only the name is needed, e.g. Amara Okafor, MD | attending | cardiology interest group"
)


def contact_from(text: str) -> ContactDraft:
    name, role, met_event, notes = parts(text, 4)
    if not name:
        raise InvalidInput("Start with their name, e.g. /add Amara Okafor | attending")
    return ContactDraft(name=name, role=role_of(role), met_event=met_event, notes=notes)


def is_add_reply(update: Update) -> bool:
    """A reply to the bot's own /add prompt (the step-by-step form)."""
    message = update.message
    prompt = message.reply_to_message if message is not None else None
    return bool(
        prompt is not None
        and prompt.from_user is not None
        and prompt.from_user.is_bot
        and prompt.text == ADD_PROMPT
    )


def add_command(contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            await chat.send_message(ADD_PROMPT, reply_markup=ForceReply(selective=True))
            return
        outcome = await contacts.add(student, contact_from(text))
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
