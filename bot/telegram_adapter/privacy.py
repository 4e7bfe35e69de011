"""`/privacy`: what is stored and who can see it; `/privacy delete` erases everything after a
confirming button (the message is edited to say what was done)."""

from __future__ import annotations

import re

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.content.prompts import PromptLibrary
from bot.core.privacy import PrivacyService
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.identity import is_telegram_student

CONFIRM = (
    "This erases your contacts, their history, your drafts, profile, reminders and goals — "
    "everything. It can't be undone."
)


def linked_note(student: int) -> str:
    """Said when this chat acts as another account's record (a linked Discord account's)."""
    if is_telegram_student(student):
        return ""
    return "\n\nThis chat shares its record with your Discord account (/link)."


def privacy_command(privacy: PrivacyService, prompts: PromptLibrary) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if text.casefold() != "delete":
            note = linked_note(student)
            await chat.send_message(prompts.render("telegram_privacy") + note)
            return
        buttons = InlineKeyboardMarkup(
            [
                [
                    callbacks.button("🗑️ Erase everything", "privacy", "delete", 0),
                    callbacks.button("Keep it", "privacy", "keep", 0),
                ]
            ]
        )
        await chat.send_message(CONFIRM, reply_markup=buttons)

    return run


def privacy_click(privacy: PrivacyService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        if match["action"] == "keep":
            await message.edit_text("Kept: nothing was erased.")
            return None
        removed = await privacy.delete_everything(student)
        await message.edit_text(
            f"Done: {sum(removed.values()):,} records erased. If you use the bot again, it "
            "starts from a blank page."
        )
        return None

    return run
