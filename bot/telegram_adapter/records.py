"""`/contacts`, `/contact`, `/edit` and `/remove`: Discord's `/contact list|search|show|edit|
remove`, as one-line commands.

`/contacts` lists (filters as `role: attending | tag: research`, the same four Discord's list
has) or, given any other text, searches; a list longer than a page gets a **More** button.
`/contact name` is the full card with its history; `/edit name | field: value | …` changes the
fields Discord's edit and edit form take (`-` clears one, as on Discord); `/remove name` asks
first with **Remove** / **Keep** buttons. Names match as in every command (`lookup`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.core.contacts import SEARCH_LIMIT, ContactService
from bot.core.drafts import DraftRequest, DraftService
from bot.core.errors import InvalidInput
from bot.core.models import Contact, ContactFilter, Role
from bot.telegram_adapter import callbacks, record_text
from bot.telegram_adapter.drafts import Deliver
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.lookup import contact_named
from bot.telegram_adapter.parsing import role_of
from bot.telegram_adapter.presenters import clip

CLEAR = "-"  # as on Discord: a field set to "-" is cleared
# The longest filter value Discord's /contact list accepts, per filter.
FILTER_MAX = {"role": 40, "tag": 100, "specialty": 100, "event": 150}
CONTACTS_USAGE = (
    "/contacts lists everyone, most due first. Narrow it with filters, e.g.\n"
    "/contacts role: attending · /contacts tag: research | specialty: cardiology · "
    "/contacts event: grand rounds\n"
    "or search names, places, notes and tags: /contacts Okafor"
)

# What students may write before the colon in /edit, folded (case, "_" and "-" as spaces), and
# the contact field each one changes.
EDIT_FIELDS: dict[str, str] = {
    "name": "name",
    "role": "role",
    "title": "title",
    "address as": "address_as",
    "greet as": "address_as",
    "specialty": "specialty",
    "institution": "institution",
    "where met": "met_event",
    "met at": "met_event",
    "date met": "met_on",
    "met on": "met_on",
    "email": "email",
    "e mail": "email",
    "profile": "profile_url",
    "profile url": "profile_url",
    "tags": "tags",
    "notes": "notes",
    "cadence": "cadence_days",
    "cadence days": "cadence_days",
}
FIELD_NAMES = (
    "name, role, title, address as, specialty, institution, where met, date met, email, "
    "profile, tags, notes, cadence (keep in touch every N days)"
)
EDIT_USAGE = (
    "Send /edit name | field: value | field: value …, e.g.\n"
    "/edit Amara Okafor | title: Dr. | address as: Dr. Okafor | tags: mentor, research\n"
    f"Fields: {FIELD_NAMES}. A field set to {CLEAR} is cleared."
)
CADENCE_USAGE = "Write the cadence as a number of days (7–730), or 0 for the default."


def field_key(text: str) -> str:
    return " ".join(text.casefold().replace("_", " ").replace("-", " ").split())


def filter_of(text: str) -> ContactFilter | None:
    """The filter `role: attending | tag: research` names, or None when the text is a search."""
    items = [item.strip() for item in text.split("|") if item.strip()]
    if not items or field_key(items[0].partition(":")[0]) not in FILTER_MAX:
        return None
    values: dict[str, str] = {}
    for item in items:
        key, colon, value = item.partition(":")
        key, value = field_key(key), value.strip()
        if not colon or key not in FILTER_MAX:
            raise InvalidInput(f"I can filter by {', '.join(FILTER_MAX)}.\n{CONTACTS_USAGE}")
        if not value or len(value) > FILTER_MAX[key]:
            raise InvalidInput(f"Give the {key} filter 1–{FILTER_MAX[key]} characters.")
        values[key] = value
    return ContactFilter(
        role=role_of(values["role"]) if "role" in values else None,
        tag=values.get("tag"),
        specialty=values.get("specialty"),
        event=values.get("event"),
    )


def page_keyboard(filter_id: int, page: int, has_next: bool) -> InlineKeyboardMarkup | None:
    if not has_next:
        return None
    return InlineKeyboardMarkup([[callbacks.button("More ▶", "contacts", "more", filter_id, page)]])


def contacts_command(contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        contact_filter = filter_of(text) if text else ContactFilter()
        if contact_filter is None:
            results = await contacts.search(student, text)
            await chat.send_message(record_text.search_text(text, results, SEARCH_LIMIT))
            return
        page = await contacts.list_page(student, contact_filter)
        filter_id = 0  # 0: everyone; a filter is kept for its More button (64-byte data)
        if page.has_next and not contact_filter.is_empty:
            filter_id = await contacts.remember_filter(student, contact_filter)
        today = await contacts.today(student)
        await chat.send_message(
            record_text.list_text(page, contact_filter, today),
            reply_markup=page_keyboard(filter_id, page.number + 1, page.has_next),
        )

    return run


def more_click(contacts: ContactService) -> Click:
    """The next page, as a new message below (the chat keeps the pages already read)."""

    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        filter_id = int(match["filter"])
        contact_filter = (
            await contacts.recall_filter(student, filter_id) if filter_id else ContactFilter()
        )
        page = await contacts.list_page(student, contact_filter, int(match["page"]))
        today = await contacts.today(student)
        await message.chat.send_message(
            record_text.list_text(page, contact_filter, today),
            reply_markup=page_keyboard(filter_id, page.number + 1, page.has_next),
        )
        return None

    return run


def card_keyboard(contact_id: int) -> InlineKeyboardMarkup:
    """Under a contact's card, as Discord's: log an exchange, edit; and draft to them."""
    return InlineKeyboardMarkup(
        [
            [
                callbacks.button("📝 Log an exchange", "card", "log", contact_id),
                callbacks.button("✏️ Edit", "card", "edit", contact_id),
            ],
            [callbacks.button("✉️ Draft a follow-up", "card", "draft", contact_id)],
        ]
    )


# What a card's button asks next, for the contact (re-read for the presser).
Ask = Callable[[Chat, int, Contact], Awaitable[None]]


def card_click(
    contacts: ContactService, drafts: DraftService, deliver: Deliver, log: Ask, edit: Ask
) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        contact = await contacts.get(student, int(match["id"]))  # theirs, or not found
        if match["action"] == "log":
            await log(message.chat, student, contact)
        elif match["action"] == "edit":
            await edit(message.chat, student, contact)
        else:
            request = DraftRequest(kind="followup", people=(contact.id,))
            await deliver(message.chat, student, lambda: drafts.start(student, request))
        return None

    return run


def contact_command(contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            await chat.send_message(
                "Send /contact name, e.g. /contact Amara Okafor. /contacts lists everyone."
            )
            return
        contact = await contact_named(contacts, student, text, command="/contact")
        history = await contacts.history(student, contact.id)
        today = await contacts.today(student)
        await chat.send_message(
            record_text.contact_card(contact, today, history),
            reply_markup=card_keyboard(contact.id),
        )

    return run


async def edit_changes(contacts: ContactService, student: int, items: list[str]) -> dict[str, Any]:
    """The field changes `field: value` parts ask for; any bad part is an error, so nothing
    is changed unless all of them are understood."""
    changes: dict[str, Any] = {}
    for item in items:
        key, colon, raw = item.partition(":")
        field = EDIT_FIELDS.get(field_key(key))
        if field is None:
            raise InvalidInput(
                f"“{clip(key.strip(), 30)}” isn't a field I can change. {EDIT_USAGE}"
            )
        value = raw.strip()
        if not colon or not value:
            raise InvalidInput(f"Write each change as field: value ({CLEAR} clears it).")
        cleared = value == CLEAR
        if field == "name":
            if cleared:
                raise InvalidInput("A contact needs a name; write the new one.")
            changes[field] = value
        elif field == "role":
            changes[field] = Role.OTHER if cleared else role_of(value)
        elif field == "met_on":
            changes[field] = None if cleared else await contacts.parse_day(student, value)
        elif field == "tags":
            changes[field] = () if cleared else (value,)
        elif field == "cadence_days":
            if not cleared and not (value.isdigit() and len(value) <= 4):
                raise InvalidInput(CADENCE_USAGE)
            changes[field] = None if cleared else int(value) or None
        else:
            changes[field] = None if cleared else value
    return changes


def edit_command(
    contacts: ContactService, ask: Callable[[Chat, int, Contact], Awaitable[None]]
) -> Command:
    """`/edit name | field: value …`; `/edit name` alone asks for the fields Discord's edit
    form holds, one at a time (`ask`)."""

    async def run(chat: Chat, student: int, text: str) -> None:
        items = [item.strip() for item in text.split("|")] if text else []
        if not items or not items[0]:
            await chat.send_message(EDIT_USAGE)
            return
        contact = await contact_named(contacts, student, items[0], command="/edit")
        changes = await edit_changes(contacts, student, [i for i in items[1:] if i])
        if not changes:
            await ask(chat, student, contact)
            return
        updated = await contacts.update(student, contact.id, changes)
        today = await contacts.today(student)
        await chat.send_message(record_text.contact_card(updated, today, heading="Updated"))

    return run


def remove_command(contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            await chat.send_message("Send /remove name, e.g. /remove Amara Okafor.")
            return
        contact = await contact_named(contacts, student, text, command="/remove")
        buttons = InlineKeyboardMarkup(
            [
                [
                    callbacks.button("🗑️ Remove", "contact", "remove", contact.id),
                    callbacks.button("Keep", "contact", "keep", contact.id),
                ]
            ]
        )
        await chat.send_message(
            f"Remove {record_text.display_name(contact)} and everything you logged with them? "
            "This can't be undone.",
            reply_markup=buttons,
        )

    return run


def remove_click(contacts: ContactService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        if match["action"] == "keep":
            await message.edit_text("Kept: nothing was removed.")
            return None
        contact = await contacts.get(student, int(match["id"]))  # theirs, or ContactNotFound
        await contacts.remove(student, contact.id)
        await message.edit_text(f"Removed {record_text.display_name(contact)} and their history.")
        return None

    return run
