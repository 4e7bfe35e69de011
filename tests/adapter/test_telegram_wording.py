"""The core's messages in Telegram's words: code spans lose their backticks, Discord's command
names become Telegram's, and nothing else changes."""

from __future__ import annotations

from bot.core.errors import ContactNotFound
from bot.core.export_reader import JSON_NAME
from bot.telegram_adapter.wording import for_telegram


def test_a_core_error_reads_as_telegram_text() -> None:
    said = for_telegram(ContactNotFound().user_message)
    assert "`" not in said and "/contacts shows" in said and "/contact list" not in said


def test_longest_command_first_and_plain_text_untouched() -> None:
    assert for_telegram("Use `/privacy export`, then `/contact import`.") == (
        "Use /export, then a file sent to this chat."
    )
    assert for_telegram("`/reminders setup` or `/contact show`") == "/reminders on or /contact"
    typed = "Dr. Okafor's `{{ 7*7 }}` notes /contactless"
    assert for_telegram(typed) == "Dr. Okafor's {{ 7*7 }} notes /contactless"
    assert for_telegram(f"the `{JSON_NAME}` file") == f"the {JSON_NAME} file"
