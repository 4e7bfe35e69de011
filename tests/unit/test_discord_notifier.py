"""What the Discord notifier does with the core's "send this to this student, with this key":
nonces within Discord's 25 characters, one DM channel opened per student and remembered, and
every proactive request through the pacer. A stub stands in for discord.py's client; the
end-to-end tests (tests/e2e) drive the real client against the fake Discord."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from bot.core.delivery import RETRY_AFTER
from bot.discord_adapter.notifier import NONCE_MAX, NONCE_WINDOW, DiscordNotifier, nonce_for
from bot.discord_adapter.pacing import Pacer
from bot.settings import SchedulerSettings
from tests.fakes import FakeSleep

A = 111_111_111_111_111_111
B = 222_222_222_222_222_222
CHANNEL_OF = {A: 901, B: 902, B + 1: 903, B + 2: 904}  # what Discord would open for each


@pytest.mark.parametrize("key", ["coach-1", "coach-9223372036854775807", "x" * NONCE_MAX])
def test_a_key_discord_accepts_is_its_own_nonce(key: str) -> None:
    assert nonce_for(key) == key


@pytest.mark.parametrize("key", [f"hello-{A}", "x" * (NONCE_MAX + 1), "délivrance-1", ""])
def test_other_keys_are_hashed_into_a_nonce_discord_accepts(key: str) -> None:
    nonce = nonce_for(key)
    assert 0 < len(nonce) <= NONCE_MAX and nonce.isascii()
    assert nonce == nonce_for(key)  # every retry of a key sends the same nonce
    assert nonce != nonce_for(key + "0")


def test_long_keys_differing_only_past_the_limit_get_different_nonces() -> None:
    """Cutting to 25 characters (what the bot did before) would make these one message."""
    assert nonce_for(f"hello-{A}1") != nonce_for(f"hello-{A}2")


@dataclass
class Book:
    channels: dict[int, int] = field(default_factory=dict)

    async def dm_channel(self, student_id: int) -> int | None:
        return self.channels.get(student_id)

    async def set_dm_channel(self, student_id: int, channel_id: int | None) -> None:
        if channel_id is None:
            self.channels.pop(student_id, None)
        else:
            self.channels[student_id] = channel_id


@dataclass
class Sent:
    id: int


class StubChannel:
    def __init__(self, bot: StubBot, channel_id: int) -> None:
        self._bot = bot
        self.id = channel_id

    async def send(self, **message: Any) -> Sent:
        self._bot.sent.append((self.id, message))
        return Sent(len(self._bot.sent))


class StubPrompts:
    def render(self, key: str) -> str:
        return f"<{key}>"


class StubBot:
    def __init__(self) -> None:
        self.opened: list[int] = []
        self.sent: list[tuple[int, dict[str, Any]]] = []
        self.prompts = StubPrompts()

    async def create_dm(self, user: Any) -> StubChannel:
        self.opened.append(user.id)
        return StubChannel(self, CHANNEL_OF[user.id])

    def get_partial_messageable(self, channel_id: int, **_: Any) -> StubChannel:
        return StubChannel(self, channel_id)


def notifier_with(book: Book, pacer: Pacer) -> tuple[DiscordNotifier, StubBot]:
    notifier = DiscordNotifier(book, pacer)
    bot = StubBot()
    notifier.attach(bot)  # type: ignore[arg-type]
    return notifier, bot


async def test_a_dm_channel_is_opened_once_per_student_and_remembered() -> None:
    """The first message to a student opens the DM channel and stores it; later ones, by any
    notifier over the same database (a restart), post straight to it."""
    book = Book()
    sleep = FakeSleep()
    notifier, bot = notifier_with(book, Pacer(1e9, monotonic=sleep.monotonic, sleep=sleep))
    await notifier.send_welcome(A, key=f"hello-{A}")
    assert bot.opened == [A] and book.channels == {A: 901}
    restarted, bot_after = notifier_with(book, Pacer(1e9, monotonic=sleep.monotonic, sleep=sleep))
    await restarted._send(A, "coach-7", content="digest")
    await restarted._send(B, "coach-8", content="digest")
    assert bot_after.opened == [B]  # only the student without a stored channel
    assert [(channel, m["nonce"]) for channel, m in bot_after.sent] == [
        (901, "coach-7"),
        (902, "coach-8"),
    ]
    assert book.channels == {A: 901, B: 902}


async def test_proactive_sends_are_paced_and_the_welcome_is_not() -> None:
    """At 10/s, three digests for students without a channel are six paced requests (open,
    then send, each), 0.1 s apart; the welcome (answering a command) waits for nothing."""
    sleep = FakeSleep()
    pacer = Pacer(10.0, 4, monotonic=sleep.monotonic, sleep=sleep)
    notifier, bot = notifier_with(Book(), pacer)
    await notifier.send_welcome(A, key="hello")
    assert sleep.calls == []
    for student in (B, B + 1, B + 2):
        await notifier._send(student, f"coach-{student}", content="digest")
    assert sleep.now == pytest.approx(5 * 0.1)  # six starts, five intervals after the first
    assert notifier.concurrency == pacer.concurrency
    assert len(bot.sent) == 4


def test_the_bots_own_retries_fall_inside_discords_nonce_window() -> None:
    """A lost answer is retried after RETRY_AFTER, on the next tick: that resend must still be
    recognised by its nonce, or the outbox records it as uncertain instead of retrying."""
    notifier = DiscordNotifier(Book())
    first_retry_at_latest = RETRY_AFTER + timedelta(seconds=SchedulerSettings().poll_seconds)
    assert notifier.idempotency_window == NONCE_WINDOW > first_retry_at_latest
