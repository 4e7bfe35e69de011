"""The Telegram notifier and pacer without a network: Telegram's answers are raised by a stub
Bot, time is a fake clock. What each answer becomes for the outbox (sent, unreachable, retried
later, or uncertain and never resent), and the two limits kept (overall rate, 1/s per chat)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.content.prompts import PromptLibrary
from bot.core.errors import DeliveryFailed, DeliveryUncertain, RecipientUnreachable
from bot.core.models import Digest, DueItem, ItemKind, OneOffReminder, WeekActivity
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.identity import TelegramIdentities, student_for
from bot.telegram_adapter.notifier import TelegramNotifier
from bot.telegram_adapter.pacing import TelegramPacer
from tests.fakes import FakeSleep

# RetryAfter's constructor reads its own deprecated int attribute (python-telegram-bot 22).
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

PROMPTS = PromptLibrary.load(Path(__file__).parents[2] / "prompts")
USER = 5_000_001
T = datetime(2026, 12, 5, 9, tzinfo=UTC)


class StubBot:
    """send_message answers with the queued errors first, then with a message."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.sent: list[dict[str, Any]] = []

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> Any:
        if self.errors:
            raise self.errors.pop(0)
        self.sent.append({"chat_id": chat_id, "text": text, **kwargs})
        return SimpleNamespace(message_id=len(self.sent))


def notifier(bot: StubBot, clock: FakeSleep | None = None) -> TelegramNotifier:
    clock = clock or FakeSleep()
    pacer = TelegramPacer(25.0, monotonic=clock.monotonic, sleep=clock)
    return TelegramNotifier(bot, TelegramIdentities(), PROMPTS, pacer)  # type: ignore[arg-type]


def reminder_item(ref: int = 42) -> DueItem:
    reminder = OneOffReminder(ref, student_for(USER), None, "Book the shadowing day", T, T)
    return DueItem(ItemKind.REMINDER, date(2026, 12, 5), reminder=reminder)


def digest(*items: DueItem) -> Digest:
    return Digest(student_for(USER), date(2026, 12, 5), items, WeekActivity(2, 1, 0))


async def test_a_digest_goes_to_the_private_chat_with_the_due_buttons_and_a_stop() -> None:
    bot = StubBot()
    ref = await notifier(bot).send_digest(
        student_for(USER), digest(reminder_item()), key="digest:1"
    )
    (sent,) = bot.sent
    assert ref == 1 and sent["chat_id"] == USER
    assert "Book the shadowing day" in sent["text"] and "2 new contacts" in sent["text"]
    rows = sent["reply_markup"].inline_keyboard
    data = [b.callback_data for row in rows for b in row]
    assert all(callbacks.DUE.match(d) for d in data[:3])  # the /due buttons, reused
    assert callbacks.REMINDERS.match(data[-1])


async def test_an_empty_digest_says_so_in_telegram_s_words() -> None:
    bot = StubBot()
    await notifier(bot).send_digest(student_for(USER), digest(), key="digest:1")
    assert "/add" in bot.sent[0]["text"] and "/contact" not in bot.sent[0]["text"]


async def test_a_429_is_waited_out_then_the_same_message_sent_once() -> None:
    clock = FakeSleep()
    bot = StubBot(RetryAfter(7), RetryAfter(3))
    await notifier(bot, clock).send_item(student_for(USER), reminder_item(), key="k", late=False)
    assert len(bot.sent) == 1
    assert clock.now >= 10  # both retry_after waits were honoured


async def test_telegram_that_keeps_answering_429_leaves_it_for_a_later_tick() -> None:
    bot = StubBot(*(RetryAfter(1) for _ in range(10)))
    with pytest.raises(DeliveryFailed) as raised:
        await notifier(bot).send_item(student_for(USER), reminder_item(), key="k", late=False)
    assert not isinstance(raised.value, DeliveryUncertain) and bot.sent == []


@pytest.mark.parametrize(
    "error",
    [
        Forbidden("Forbidden: bot was blocked by the user"),
        BadRequest("Bad Request: chat not found"),
    ],
)
async def test_a_blocked_bot_is_an_unreachable_student(error: Exception) -> None:
    with pytest.raises(RecipientUnreachable):
        await notifier(StubBot(error)).send_digest(student_for(USER), digest(), key="k")


async def test_a_student_without_a_telegram_account_is_unreachable_here() -> None:
    with pytest.raises(RecipientUnreachable):
        await notifier(StubBot()).send_digest(400_000_000_000_000_001, digest(), key="k")


async def test_a_send_without_an_answer_is_uncertain_one_never_sent_is_retried() -> None:
    timed_out = TimedOut()
    timed_out.__cause__ = httpx.ReadTimeout("read")
    with pytest.raises(DeliveryUncertain):
        await notifier(StubBot(timed_out)).send_digest(student_for(USER), digest(), key="k")
    refused = NetworkError("connect")
    refused.__cause__ = httpx.ConnectError("refused")
    with pytest.raises(DeliveryFailed) as raised:
        await notifier(StubBot(refused)).send_digest(student_for(USER), digest(), key="k")
    assert not isinstance(raised.value, DeliveryUncertain)


async def test_telegram_recognises_no_resend_so_the_window_is_zero() -> None:
    assert await notifier(StubBot()).idempotency_window_for(student_for(USER)) == timedelta(0)


async def test_the_pacer_keeps_the_overall_rate_and_one_a_second_per_chat() -> None:
    clock = FakeSleep()
    pacer = TelegramPacer(20.0, monotonic=clock.monotonic, sleep=clock)
    starts = []
    for chat in range(40):  # 40 chats, one message each: 20 a second
        await pacer.turn(chat)
        starts.append(clock.now)
    assert starts[-1] == pytest.approx(39 / 20)
    assert all(b - a >= 1 / 20 - 1e-9 for a, b in itertools.pairwise(starts))
    same = []
    for _ in range(3):  # one chat, three messages: a second apart
        await pacer.turn(7)
        same.append(clock.now)
    assert same[1] - same[0] >= 1.0 and same[2] - same[1] >= 1.0


async def test_a_429_pauses_every_chat() -> None:
    clock = FakeSleep()
    pacer = TelegramPacer(20.0, monotonic=clock.monotonic, sleep=clock)
    await pacer.turn(1)
    pacer.pause(5)
    await pacer.turn(2)
    assert clock.now >= 5
