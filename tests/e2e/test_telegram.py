"""Telegram journeys: the real python-telegram-bot client, built by `build_app`, long-polling
the fake Telegram Bot API on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.ext import CommandHandler

from bot.telegram_adapter.identity import student_for
from tests.e2e.both_front_ends import both_front_ends
from tests.e2e.conftest import ALICE as DISCORD_ALICE
from tests.e2e.conftest import GUILD_ID
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_001, "Alice", "alice_md")
BOB = TelegramUser(5_000_002, "Bob")


async def test_start_sets_the_menu_and_answers_help(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    assert {c["command"] for c in fake_telegram.commands} >= {"add", "followup", "due", "help"}
    await fake_telegram.send(ALICE, "/start")
    (reply,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
    assert "/followup" in reply["text"] and "private chat" in reply["text"]


async def test_add_then_followup_gives_a_copyable_draft(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    await fake_telegram.send(ALICE, "/add Amara Okafor, MD | attending | cardiology interest group")
    (card,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
    assert card["text"].startswith("Saved — Amara Okafor, MD · Attending")
    assert "Dr. Okafor" in card["text"]

    await fake_telegram.send(ALICE, "/followup Amara Okafor | the cardiology talk | her clinic")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    # A draft is signed with the student's details: asked for, then the draft comes.
    assert "three quick questions" in sent[1]["text"]
    assert sent[2]["text"].startswith("(1 of 3) Your name")
    for answer in ("Maya Chen", "Riverside School of Medicine", "MS2"):
        await fake_telegram.send(ALICE, answer)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 8)
    assert sent[5]["text"].startswith("Saved: Maya Chen")
    header, body = sent[6], sent[7]
    assert "to Dr. Okafor" in header["text"]
    assert "reply_markup" not in body  # the draft alone, nothing to trim when copying
    assert body["text"].startswith("Dear Dr. Okafor") or "Dr. Okafor" in body["text"]
    assert "Maya" in body["text"]
    # The same contact was used, not a second one made from the typed name.
    contacts = telegram_bot.app.services.contacts  # type: ignore[union-attr]
    assert [c.draft.name for c in await contacts.all_contacts(student_for(ALICE.id))] == [
        "Amara Okafor, MD"
    ]


async def test_due_button_marks_done_and_a_second_user_is_refused(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    await fake_telegram.send(ALICE, "/add Amara Okafor, MD | attending | grand rounds")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    telegram_bot.clock.advance(days=10)  # the first follow-up falls due
    await fake_telegram.send(ALICE, "/due")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    due = sent[1]
    assert "1. Follow up · Amara Okafor, MD" in due["text"]
    buttons = [b for row in due["reply_markup"]["inline_keyboard"] for b in row]
    done = next(b["callback_data"] for b in buttons if b["text"].startswith("✅"))

    # Bob presses Alice's button (a forged or forwarded update): refused, nothing logged.
    refused = await fake_telegram.click(BOB, due, done)
    answer = await fake_telegram.wait_for_answer(refused)
    assert answer["show_alert"] and "someone else's" in answer["text"]
    contacts = telegram_bot.app.services.contacts  # type: ignore[union-attr]
    (amara,) = await contacts.all_contacts(student_for(ALICE.id))
    assert amara.exchange_count == 0

    clicked = await fake_telegram.click(ALICE, due, done)
    answer = await fake_telegram.wait_for_answer(clicked)
    assert answer["text"].startswith("Logged")
    (amara,) = await contacts.all_contacts(student_for(ALICE.id))
    assert amara.exchange_count == 1


async def test_group_chat_gets_only_how_to_talk_privately(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    group = fake_telegram.group_chat(-100_123, "MS2 study group")
    await fake_telegram.send(ALICE, "/add Amara Okafor | attending", chat=group)
    await fake_telegram.send(ALICE, "/due@coach_test_bot", chat=group)
    first, second = await fake_telegram.wait_for_messages(group["id"], 2)
    for reply in (first, second):
        assert "https://t.me/coach_test_bot" in reply["text"]
        assert "Amara" not in reply["text"]
    contacts = telegram_bot.app.services.contacts  # type: ignore[union-attr]
    assert list(await contacts.all_contacts(student_for(ALICE.id))) == []


async def test_both_front_ends_serve_from_one_process(
    fake_discord: FakeDiscord, fake_telegram: FakeTelegram, tmp_path: Path, clock: FakeClock
) -> None:
    """Both tokens: one build_app, one database, Discord and Telegram served side by side, and
    a Telegram user's contacts are theirs alone (not the Discord user's)."""
    async with both_front_ends(
        fake_discord, fake_telegram, tmp_path / "coach.sqlite3", clock
    ) as app:
        await fake_telegram.send(ALICE, "/add Amara Okafor | attending")
        (card,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
        assert card["text"].startswith("Saved — Amara Okafor")
        handle = await fake_discord.slash("help", user_id=DISCORD_ALICE, guild_id=GUILD_ID)
        assert (await handle.response())["type"] == 4

        contacts = app.services.contacts
        assert [c.draft.name for c in await contacts.all_contacts(student_for(ALICE.id))] == [
            "Amara Okafor"
        ]
        assert list(await contacts.all_contacts(DISCORD_ALICE)) == []


async def test_privacy_delete_erases_only_after_the_button(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    contacts = telegram_bot.app.services.contacts  # type: ignore[union-attr]
    await fake_telegram.send(ALICE, "/add Amara Okafor | attending")
    await fake_telegram.send(BOB, "/add Jordan Lee | resident")
    await fake_telegram.wait_for_messages(BOB.id, 1)
    await fake_telegram.send(ALICE, "/privacy delete")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    confirm = sent[1]
    assert len(await contacts.all_contacts(student_for(ALICE.id))) == 1  # nothing yet
    erase = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await fake_telegram.wait_for_answer(await fake_telegram.click(ALICE, confirm, erase))
    assert confirm["text"].startswith("Done: ")  # the fake edited its copy of the message
    assert "reply_markup" not in confirm
    assert list(await contacts.all_contacts(student_for(ALICE.id))) == []
    assert len(await contacts.all_contacts(student_for(BOB.id))) == 1


async def test_profile_options_and_a_followup_for_two_people(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    """/profile takes Discord's options after the three parts (a bad one changes nothing);
    /followup drafts for several people met together, names between `;`."""
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside | MS2 | follow-up delay: lots")
    (refused,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
    assert "number of days" in refused["text"]
    drafts = telegram_bot.app.services.drafts  # type: ignore[union-attr]
    assert await drafts.profile(student_for(ALICE.id)) is None
    await fake_telegram.send(
        ALICE,
        "/profile Maya Chen | Riverside School of Medicine | MS2 | signoff: Kind regards, "
        "| english: UK | follow-up delay: 10",
    )
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert "English: UK" in sent[1]["text"] and "nudge after: 10 days" in sent[1]["text"]
    profile = await drafts.profile(student_for(ALICE.id))
    assert profile is not None and (profile.english, profile.follow_up_delay_days) == ("uk", 10)

    await fake_telegram.send(
        ALICE, "/followup Dr. Amara Okafor, MD; Kai Osei | grand rounds | sepsis bundles"
    )
    sent = await fake_telegram.wait_for_messages(ALICE.id, 6)
    headers, bodies = sent[2::2], sent[3::2]
    assert "Okafor" in headers[0]["text"] and "Osei" in headers[1]["text"]
    assert all("Kind regards" in b["text"] and "Maya" in b["text"] for b in bodies)


async def test_every_command_is_in_the_menu_and_the_help_and_handled(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    """The menu Telegram shows, the help text and the handlers name the same commands, so a
    command can't be added to one and forgotten in another."""
    app = telegram_bot.app
    assert app is not None and app.telegram is not None
    handled = {
        command
        for group in app.telegram.application.handlers.values()
        for handler in group
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    menu = {c["command"] for c in fake_telegram.commands}
    assert handled == menu | {"start"}
    await fake_telegram.send(ALICE, "/help")
    (help_text,) = [m["text"] for m in await fake_telegram.wait_for_messages(ALICE.id, 1)]
    missing = sorted(c for c in menu - {"help"} if f"/{c}" not in help_text)
    assert missing == []


async def test_an_answer_telegram_refuses_with_429_waits_and_arrives(
    telegram_bot: TelegramBot,
    fake_telegram: FakeTelegram,
) -> None:
    """A burst ran long and Telegram said 429 to the answer: the answer waits the retry_after
    Telegram gave and goes again, once, instead of the command failing."""
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await fake_telegram.send(ALICE, "/help")
    (reply,) = await fake_telegram.wait_for_messages(ALICE.id, 1, within=10)
    assert "/followup" in reply["text"]
    tries = [t for method, t in fake_telegram.timed if method == "sendMessage"]
    assert len(tries) == 2 and tries[1] - tries[0] >= 0.95
    assert "went wrong" not in reply["text"]
