"""The fake Telegram answers as Telegram does: python-telegram-bot reads its successes and its
errors (400, 403 for a blocked bot, 429 with retry_after) into the same objects and exceptions
as from api.telegram.org, and the checks Telegram makes are made."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, RetryAfter

from bot.telegram_adapter.pacing import retry_seconds
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_001, "Alice")


@pytest.fixture
async def client(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(fake_telegram.token, base_url=f"{fake_telegram.base_url}/bot")
    async with bot:
        yield bot


async def test_send_and_edit_round_trip(client: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.private_chat(ALICE)
    sent = await client.send_message(ALICE.id, "hello")
    assert sent.text == "hello" and sent.chat.id == ALICE.id and sent.from_user is not None
    edited = await client.edit_message_text("hello again", chat_id=ALICE.id, message_id=sent.id)
    assert isinstance(edited, type(sent)) and edited.text == "hello again"
    fake_telegram.expect_violation("message is not modified")
    with pytest.raises(BadRequest, match="not modified"):
        await client.edit_message_text("hello again", chat_id=ALICE.id, message_id=sent.id)


async def test_429_carries_retry_after(client: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.private_chat(ALICE)
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", 3)
    with pytest.raises(RetryAfter) as raised:
        await client.send_message(ALICE.id, "hello")
    # Read as the notifier reads it (retry_after turns from int to timedelta in PTB 23).
    assert retry_seconds(raised.value) == 3.0
    assert (await client.send_message(ALICE.id, "hello")).text == "hello"  # once only


async def test_blocked_bot_is_forbidden(client: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.private_chat(ALICE)
    fake_telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(Forbidden, match="blocked"):
        await client.send_message(ALICE.id, "hello")


async def test_telegram_checks_are_made(client: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.private_chat(ALICE)
    for reason in ("BUTTON_DATA_INVALID", "message is too long", "chat not found"):
        fake_telegram.expect_violation(reason)
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="x" * 65)]])
    with pytest.raises(BadRequest):
        await client.send_message(ALICE.id, "hello", reply_markup=too_long)
    with pytest.raises(BadRequest):
        await client.send_message(ALICE.id, "x" * 4097)
    with pytest.raises(BadRequest):
        await client.send_message(42, "nobody started a chat with the bot here")
