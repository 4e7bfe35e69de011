"""Pytest fixtures for the fake Telegram: the fake on loopback, and the real bot (built by the
same `build_app` as `coach run`, Telegram only) polling it with a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.settings import load_settings
from tests.fakes import FakeClock

from .server import FakeTelegram


def violation_report(fake: FakeTelegram) -> str | None:
    lines = [
        f"  {v.method}: {v.reason}\n    payload: {v.payload!r:.500}"
        for v in fake.unexpected_violations()
    ]
    unmet = fake.unmet_expectations()
    if not lines and not unmet:
        return None
    text = "fake Telegram rejected requests Telegram would reject too:\n" + "\n".join(lines)
    return text + (f"\nexpected violations that never happened: {unmet}" if unmet else "")


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()
    report = violation_report(fake)
    if report:
        pytest.fail(report)


class TelegramBot:
    """The running bot, Telegram only; `app` is what `build_app` returned."""

    def __init__(
        self, fake: FakeTelegram, database: Path, clock: FakeClock, **settings: str
    ) -> None:
        self.fake, self.database, self.clock = fake, database, clock
        self.settings = settings  # more settings, e.g. the paper services' fakes
        self.app: App | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> App:
        settings = load_settings(
            {
                "TELEGRAM_TOKEN": self.fake.token,
                "TELEGRAM_API_BASE": self.fake.base_url,
                "DATABASE_PATH": str(self.database),
                "LOG_LEVEL": "DEBUG",
                # The delivery tick runs with Telegram alone, a few times a second here.
                "REMINDER_POLL_SECONDS": "0.05",
                **self.settings,
            }
        )
        self.app = await build_app(settings, clock=self.clock)
        self._task = asyncio.create_task(self.app.run())
        await self.fake.wait_for(
            lambda: "getUpdates" in self.fake.calls, what="the bot to start polling"
        )
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=10)
        self.app, self._task = None, None


@pytest.fixture
async def telegram_bot(
    fake_telegram: FakeTelegram, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[TelegramBot]:
    running = TelegramBot(fake_telegram, tmp_path / "coach.sqlite3", clock)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
