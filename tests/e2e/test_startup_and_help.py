"""Start-up, registration, intents, /help and the one-time welcome, through the real client."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ALICE, BOB, COMMANDS, GUILD_ID, RunningBot, embed_of, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord

pytestmark = pytest.mark.e2e


async def test_registers_commands_in_dev_guild(fake: FakeDiscord) -> None:
    """With DEV_GUILD_ID set, every command is synced to that guild at start."""
    commands = {c["name"]: c for c in fake.registered_commands(GUILD_ID)}
    assert set(commands) == COMMANDS
    subcommands = {o["name"] for o in commands["contact"]["options"]}
    assert subcommands == {"add", "list", "show", "edit", "remove", "search", "import"}
    assert commands["Save as contact"]["type"] == 2
    assert fake.registered_commands(None) == []  # production starts never sync globally


async def test_identifies_without_privileged_intents(fake: FakeDiscord) -> None:
    """Only the guilds and scheduled-events intents: no members, presences or content."""
    intents = fake.identify_payloads[-1]["intents"]
    assert intents == 1 | 1 << 16  # GUILDS, GUILD_SCHEDULED_EVENTS (neither privileged)


async def test_help_is_private_and_explains_privacy(fake: FakeDiscord) -> None:
    """/help answers ephemerally, lists commands by task and says who can see the data."""
    handle = await fake.slash("help", user_id=ALICE, guild_id=GUILD_ID)
    response = await handle.response()
    assert response["type"] == 4
    assert is_ephemeral(response)
    assert response["data"]["allowed_mentions"] == {"parse": []}
    text = embed_of(response)["description"]
    for heading in ("Record people", "Draft messages", "Reminders", "Your data"):
        assert heading in text
    assert "/contact add" in text and "/log" in text
    assert "admins cannot see" in text


async def test_first_command_gets_one_welcome(fake: FakeDiscord) -> None:
    """A student's first command is followed by a private welcome; later ones are not."""
    first = await fake.slash("contact", subcommand="list", user_id=BOB, guild_id=GUILD_ID)
    await first.response()
    [welcome] = await first.wait_followup(1)
    assert welcome["flags"] & 64
    assert "Welcome" in welcome["embeds"][0]["title"]
    second = await fake.slash("contact", subcommand="list", user_id=BOB, guild_id=GUILD_ID)
    await second.response()
    other = await fake.slash("help", user_id=ALICE, guild_id=GUILD_ID)
    await other.response()
    with pytest.raises(AssertionError):
        await second.wait_followup(1, timeout=0.3)  # absence: a bounded look, not a schedule


async def test_welcome_survives_restart_only_once(bot: RunningBot) -> None:
    """The welcome is recorded in the database, so a restart does not repeat it."""
    fake = bot.fake
    first = await fake.slash("contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID)
    await first.wait_followup(1)
    await bot.restart()
    again = await fake.slash("contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID)
    await again.response()
    with pytest.raises(AssertionError):
        await again.wait_followup(1, timeout=0.3)
