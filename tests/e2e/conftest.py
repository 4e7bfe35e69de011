"""End-to-end fixtures: the real bot, built by the same `build_app` as `coach run`, against the
fake Discord on loopback, with a real SQLite file and an injected clock."""

from __future__ import annotations

import asyncio
import base64
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import app as app_module
from bot.app import App, build_app
from bot.content.templates import TemplateCatalogue
from bot.settings import Settings, load_settings
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.fixtures import fake_discord  # noqa: F401
from tests.e2e.fake_telegram.fixtures import fake_telegram, telegram_bot  # noqa: F401
from tests.fakes import FakeClock
from tests.storage.stores import POSTGRES, SQLITE, Store

GUILD_ID = 1_300_000_000_000_000_001
ALICE = 1_400_000_000_000_000_001
BOB = 1_400_000_000_000_000_002
CAROL = 1_400_000_000_000_000_003  # a member students save as a contact
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
# Every top-level command and menu the bot registers.
COMMANDS = frozenset(
    {
        "contact",
        "log",
        "followup",
        "outreach",
        "templates",
        "profile",
        "reminders",
        "remind",
        "due",
        "admin",
        "event",
        "season",
        "letters",
        "interview",
        "privacy",
        "link",
        "tip",
        "prep",
        "pitch",
        "goals",
        "progress",
        "help",
        "Save as contact",
    }
)


def token_for(application_id: int) -> str:
    """A bot token of the real shape: base64 of the application id, then two more parts."""
    first = base64.b64encode(str(application_id).encode()).decode().rstrip("=")
    return f"{first}.fake.not-a-real-token"


def e2e_environ(
    fake: FakeDiscord, database: Path, *, database_url: str | None = None, **extra: str
) -> dict[str, str]:
    return {
        "DISCORD_TOKEN": token_for(fake.application_id),
        "DATABASE_PATH": str(database),
        **({"DATABASE_URL": database_url} if database_url else {}),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DEV_GUILD_ID": str(GUILD_ID),
        "LOG_LEVEL": "DEBUG",
        "REMINDER_POLL_SECONDS": "0.05",
        **extra,
    }


def coach_command() -> list[str]:
    """The installed `coach` script, or `python -m bot` (the same entry point)."""
    script = Path(sys.executable).parent / "coach"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def child_env(fake: FakeDiscord, database: Path, **extra: str) -> dict[str, str]:
    """The environment of a `coach` child process: only PATH, HOME and the bot's settings."""
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(database.parent)}
    env.update(e2e_environ(fake, database, **extra))
    return env


class RunningBot:
    """Starts and stops the real bot; `restart()` keeps the database, as a redeploy would.

    On SQLite (`database`), or on PostgreSQL when `database_url` is given (DATABASE_URL, as a
    deployment on a server sets it)."""

    def __init__(
        self,
        fake: FakeDiscord,
        database: Path,
        clock: FakeClock,
        database_url: str | None = None,
        **environ: str,
    ) -> None:
        self.fake = fake
        self.database = database
        self.database_url = database_url
        self.clock = clock
        self.environ = environ  # more settings (e.g. the paper look-ups' local fakes)
        self.app: App | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def store(self) -> Store:
        """The running bot's own database, for reading straight from it."""
        assert self.app is not None
        return Store(POSTGRES if self.database_url else SQLITE, self.app.db)

    def privacy(self) -> Any:
        """The store's privacy repository, on the bot's own connection."""
        return self.store.make("privacy")

    async def start(self) -> App:
        settings = load_settings(
            e2e_environ(self.fake, self.database, database_url=self.database_url, **self.environ)
        )
        self.app = await build_app(settings, clock=self.clock)
        connections = self.fake.connections
        self._task = asyncio.create_task(self.app.run())
        await self.fake.wait_for(
            lambda: self.fake.connections > connections, timeout=10, what="the bot to connect"
        )
        await self.fake.wait_ready()
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=10)
        self.app, self._task = None, None

    async def restart(self) -> App:
        await self.stop()
        return await self.start()


# Compiling the catalogue's Jinja templates takes ~1.3 s, once per `build_app`: a bot started
# for every journey would spend minutes of the suite on it. The catalogue is immutable once
# loaded, so the journeys share the one that `load_catalogue` built for the same files (a test
# that brings its own templates folder, or edits one, gets its own).
_CATALOGUES: dict[tuple[Any, ...], TemplateCatalogue] = {}
_load_catalogue = app_module.load_catalogue


def _shared_catalogue(settings: Settings) -> TemplateCatalogue:
    folder = settings.content.templates_dir
    key = (folder, *((p, p.stat().st_mtime_ns, p.stat().st_size) for p in folder.rglob("*.j2")))
    if key not in _CATALOGUES:
        _CATALOGUES[key] = _load_catalogue(settings)
    return _CATALOGUES[key]


@pytest.fixture(autouse=True)
def shared_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_module, "load_catalogue", _shared_catalogue)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


# The journeys that also run with the bot on PostgreSQL: every test of these modules that uses
# the `bot` fixture runs once per store.
ON_BOTH_STORES = {
    "test_coaching",
    "test_contacts",
    "test_drafts",
    "test_events",
    "test_import",
    "test_names",
    "test_ownership",
    "test_privacy",
    "test_reminders",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bot" not in metafunc.fixturenames:
        return
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in ON_BOTH_STORES:
        metafunc.parametrize("bot", [SQLITE, POSTGRES], indirect=True)


@pytest.fixture
async def bot(
    request: pytest.FixtureRequest,
    fake_discord: FakeDiscord,  # noqa: F811
    tmp_path: Path,
    clock: FakeClock,
) -> AsyncIterator[RunningBot]:
    fake_discord.add_user(ALICE, "alice", "Alice")
    fake_discord.add_user(BOB, "bob", "Bob")
    fake_discord.add_user(CAROL, "carol", "Carol Adeyemi")
    fake_discord.add_guild(GUILD_ID, name="Med School", members=[ALICE, BOB, CAROL])
    url = None
    if getattr(request, "param", SQLITE) == POSTGRES:
        url = await request.getfixturevalue("pg_database")()
    running = RunningBot(fake_discord, tmp_path / "coach.sqlite3", clock, url)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
def fake(bot: RunningBot) -> FakeDiscord:
    """The fake Discord the running bot is connected to."""
    return bot.fake


def embed_of(response: dict[str, Any]) -> dict[str, Any]:
    embeds = response["data"].get("embeds") or []
    assert embeds, f"expected an embed, got {response['data']!r:.300}"
    return embeds[0]


def custom_ids(response_or_message: dict[str, Any]) -> list[str]:
    data = response_or_message.get("data", response_or_message)
    return [
        button["custom_id"]
        for row in data.get("components") or []
        for button in row.get("components", [])
        if "custom_id" in button
    ]


def is_ephemeral(response: dict[str, Any]) -> bool:
    return bool((response["data"].get("flags") or 0) & 64)
