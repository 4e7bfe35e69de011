"""One bot process serving Discord and Telegram from one database, for the journeys that need
both front ends: Alice is a member of the test server on Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.app import App, build_app
from bot.settings import load_settings
from tests.e2e.conftest import ALICE, GUILD_ID, e2e_environ
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_telegram import FakeTelegram
from tests.fakes import FakeClock


@asynccontextmanager
async def both_front_ends(
    fake_discord: FakeDiscord, fake_telegram: FakeTelegram, database: Path, clock: FakeClock
) -> AsyncIterator[App]:
    """`build_app` with both tokens, running until the block ends: Discord ready and Telegram
    polling when the block starts."""
    fake_discord.add_user(ALICE, "alice", "Alice")
    fake_discord.add_guild(GUILD_ID, name="Med School", members=[ALICE])
    environ = e2e_environ(
        fake_discord,
        database,
        TELEGRAM_TOKEN=fake_telegram.token,
        TELEGRAM_API_BASE=fake_telegram.base_url,
    )
    app = await build_app(load_settings(environ), clock=clock)
    task = asyncio.create_task(app.run())
    try:
        await fake_discord.wait_for(
            lambda: fake_discord.connections > 0, timeout=10, what="Discord"
        )
        await fake_discord.wait_ready()
        await fake_telegram.wait_for(lambda: "getUpdates" in fake_telegram.calls, what="polling")
        yield app
    finally:
        await app.close()
        await asyncio.wait_for(task, timeout=10)
