"""`/due` with inline buttons per item (draft, done, snooze), and what those buttons do."""

from __future__ import annotations

import re

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.core.drafts import DraftService
from bot.core.models import Digest, ItemKind
from bot.core.reminders import ReminderService
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.drafts import deliver
from bot.telegram_adapter.guards import Click, Command

# Items with buttons in one message: three buttons a row, one row per item, kept short enough
# to read on a phone.
SHOWN = 8


def due_keyboard(digest: Digest) -> InlineKeyboardMarkup | None:
    rows: list[list[InlineKeyboardButton]] = []
    for number, item in enumerate(digest.items[:SHOWN], 1):
        kind, ref = item.kind.value, item.ref
        rows.append(
            [
                callbacks.button(f"✏️ {number}", "due", "draft", kind, ref),
                callbacks.button(f"✅ {number}", "due", "done", kind, ref),
                callbacks.button(f"💤 {number}", "due", "snooze", kind, ref),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def due_command(reminders: ReminderService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        digest = await reminders.digest_for(student)
        await chat.send_message(
            presenters.due_list(digest, SHOWN), reply_markup=due_keyboard(digest)
        )

    return run


def due_click(reminders: ReminderService, drafts: DraftService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        chat = message.chat
        if match["kind"] not in {k.value for k in ItemKind}:
            return "That button is no longer valid; send /due again."
        kind, ref = ItemKind(match["kind"]), int(match["id"])
        action = match["action"]
        if action == "draft":
            request = await reminders.draft_request(student, kind, ref)
            await deliver(chat, lambda: drafts.start(student, request))
            return None
        if action == "done":
            if await reminders.done(student, kind, ref):
                return "Logged — nice work. It won't come up again until it's due."
            return "Already logged today — nothing more to do."
        await reminders.snooze(student, kind, ref)
        return "Snoozed for a week."

    return run
