"""`/due` with inline buttons per item (draft, done, snooze), and what those buttons do."""

from __future__ import annotations

import re

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.core.drafts import DraftService
from bot.core.models import Digest, DueItem, ItemKind
from bot.core.reminders import ReminderService
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.drafts import Deliver
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.letters import letter_row

# Items with buttons in one message: three buttons a row, one row per item, kept short enough
# to read on a phone.
SHOWN = 8


def item_row(item: DueItem, label: str = "") -> list[InlineKeyboardButton]:
    if item.letter is not None:
        # A letter's reminder has buttons of its own: the core refuses `due:*:letter:*`.
        return letter_row(item, label)
    kind, ref, suffix = item.kind.value, item.ref, f" {label}" if label else ""
    return [
        callbacks.button(f"✏️{suffix or ' Draft'}", "due", "draft", kind, ref),
        callbacks.button(f"✅{suffix or ' Done'}", "due", "done", kind, ref),
        callbacks.button(f"💤{suffix or ' Snooze'}", "due", "snooze", kind, ref),
    ]


def due_keyboard(digest: Digest, *, with_stop: bool = False) -> InlineKeyboardMarkup | None:
    """A row of buttons per numbered item; the weekly digest adds a way to stop it."""
    rows = [item_row(item, str(n)) for n, item in enumerate(digest.items[:SHOWN], 1)]
    if with_stop:
        rows.append([callbacks.button("🔕 Stop these digests", "reminders", "off", 0)])
    return InlineKeyboardMarkup(rows) if rows else None


def item_keyboard(item: DueItem) -> InlineKeyboardMarkup:
    """The buttons under a single reminder or nudge: the same callbacks as /due's."""
    return InlineKeyboardMarkup([item_row(item)])


def reminders_off_click(reminders: ReminderService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        await reminders.turn_off(student)
        return "Digests and reminders are off. /reminders on starts them again."

    return run


def due_command(reminders: ReminderService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        digest = await reminders.digest_for(student)
        await chat.send_message(
            presenters.due_list(digest, SHOWN), reply_markup=due_keyboard(digest)
        )

    return run


def due_click(reminders: ReminderService, drafts: DraftService, deliver: Deliver) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        chat = message.chat
        if match["kind"] not in {k.value for k in ItemKind}:
            return "That button is no longer valid; send /due again."
        kind, ref = ItemKind(match["kind"]), int(match["id"])
        action = match["action"]
        if action == "draft":
            request = await reminders.draft_request(student, kind, ref)
            await deliver(chat, student, lambda: drafts.start(student, request))
            return None
        if action == "done":
            if await reminders.done(student, kind, ref):
                return "Logged — nice work. It won't come up again until it's due."
            return "Already logged today — nothing more to do."
        await reminders.snooze(student, kind, ref)
        return "Snoozed for a week."

    return run
