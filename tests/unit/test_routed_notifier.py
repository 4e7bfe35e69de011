"""RoutedNotifier: one Notifier for a process serving two front ends. Each student's sends and
idempotency window are the routed platform's; a platform this process doesn't serve is a
failure to retry, never a send elsewhere."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.errors import DeliveryFailed
from bot.core.models import Digest, WeekActivity
from bot.routing import RoutedNotifier
from tests.fakes import RecordingNotifier

DISCORD_STUDENT, TELEGRAM_STUDENT, ELSEWHERE = 1, -2, 3


async def route(student_id: int) -> str:
    if student_id == ELSEWHERE:
        return "carrier-pigeon"
    return "telegram" if student_id < 0 else "discord"


def digest(student_id: int) -> Digest:
    return Digest(student_id, date(2026, 12, 5), (), WeekActivity())


@pytest.fixture
def parts() -> tuple[RoutedNotifier, RecordingNotifier, RecordingNotifier]:
    discord = RecordingNotifier(concurrency=30, idempotency_window=timedelta(minutes=3))
    telegram = RecordingNotifier(concurrency=13, idempotency_window=timedelta(0))
    routed = RoutedNotifier(route)
    routed.serve("discord", discord)
    routed.serve("telegram", telegram)
    return routed, discord, telegram


async def test_each_student_is_reached_on_their_own_platform(
    parts: tuple[RoutedNotifier, RecordingNotifier, RecordingNotifier],
) -> None:
    routed, discord, telegram = parts
    await routed.send_digest(DISCORD_STUDENT, digest(DISCORD_STUDENT), key="a")
    await routed.send_digest(TELEGRAM_STUDENT, digest(TELEGRAM_STUDENT), key="b")
    assert [m.student_id for m in discord.messages] == [DISCORD_STUDENT]
    assert [m.student_id for m in telegram.messages] == [TELEGRAM_STUDENT]
    assert routed.concurrency == 43


async def test_the_window_is_the_routed_platform_s(
    parts: tuple[RoutedNotifier, RecordingNotifier, RecordingNotifier],
) -> None:
    routed, _, _ = parts
    assert await routed.idempotency_window_for(DISCORD_STUDENT) == timedelta(minutes=3)
    assert await routed.idempotency_window_for(TELEGRAM_STUDENT) == timedelta(0)
    assert routed.idempotency_window == timedelta(0)  # the shortest, for callers that can't say


async def test_a_platform_not_served_here_fails_to_be_retried(
    parts: tuple[RoutedNotifier, RecordingNotifier, RecordingNotifier],
) -> None:
    routed, discord, telegram = parts
    with pytest.raises(DeliveryFailed):
        await routed.send_digest(ELSEWHERE, digest(ELSEWHERE), key="c")
    assert discord.attempts == [] and telegram.attempts == []
