"""The real entry point: `coach sync` and `coach run` as separate processes against the fake."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import (
    ALICE,
    COMMANDS,
    GUILD_ID,
    child_env,
    coach_command,
    embed_of,
    is_ephemeral,
)
from tests.e2e.fake_discord import FakeDiscord

pytestmark = pytest.mark.e2e


async def test_coach_sync_registers_commands_globally(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """`coach sync` logs in over REST, registers the commands globally and exits 0."""
    process = await asyncio.create_subprocess_exec(
        *coach_command(),
        "sync",
        env=child_env(fake_discord, tmp_path / "coach.sqlite3", DEV_GUILD_ID=""),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 0, err.decode()
    assert f"Synced {len(COMMANDS)} commands" in out.decode()
    names = {c["name"] for c in fake_discord.registered_commands(None)}
    assert names == COMMANDS
    assert fake_discord.connections == 0  # REST only: no gateway session


async def test_coach_run_comes_ready_answers_and_stops_on_sigterm(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """`coach run` connects, answers /help, stops cleanly on SIGTERM and never logs the token."""
    fake_discord.add_user(ALICE, "alice")
    fake_discord.add_guild(GUILD_ID, members=[ALICE])
    env = child_env(fake_discord, tmp_path / "coach.sqlite3")
    process = await asyncio.create_subprocess_exec(
        *coach_command(),
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_discord.wait_ready(timeout=60)
        handle = await fake_discord.slash("help", user_id=ALICE, guild_id=GUILD_ID)
        response = await handle.response(timeout=10)
        assert is_ephemeral(response) and "Networking Coach" in embed_of(response)["title"]
        add = await fake_discord.slash(
            "contact",
            subcommand="add",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"name": "Zebulon Quist", "notes": "confidential remark"},
        )
        assert embed_of(await add.response(timeout=10))["title"] == "Zebulon Quist"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()[-2000:]
    logs = out.decode() + err.decode()
    assert env["DISCORD_TOKEN"] not in logs
    # Even at LOG_LEVEL=DEBUG, logs carry ids, never what students typed.
    assert "Zebulon" not in logs and "confidential" not in logs
    assert f"owner={ALICE}" in logs
    assert (tmp_path / "coach.sqlite3").exists()


async def test_coach_run_with_a_broken_calendar_names_it_and_exits(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    """A calendar with a mistake stops `coach run` before it connects, with the problem named
    in one line each, not a traceback."""
    calendars = tmp_path / "calendars"
    calendars.mkdir()
    shipped = (PROJECT_ROOT / "calendars" / "us-2027.toml").read_text(encoding="utf-8")
    (calendars / "us-2027.toml").write_text(
        shipped.replace("match_day = 2027-03-19", "match_day = 2027-03-18"), encoding="utf-8"
    )
    env = child_env(fake_discord, tmp_path / "coach.sqlite3", CALENDARS_DIR=str(calendars))
    process = await asyncio.create_subprocess_exec(
        *coach_command(),
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 1
    text = err.decode()
    assert "coach: us-2027.toml: match_day 2027-03-18 is not a Friday" in text
    assert "Traceback" not in text
    assert fake_discord.connections == 0


async def test_coach_run_told_to_shard_names_shard_count_and_exits_2(tmp_path: Path) -> None:
    """Discord closes an unsharded session of a bot in too many servers with 4011: `coach run`
    stops with one line saying to set SHARD_COUNT, not a traceback or a reconnect loop."""
    async with FakeDiscord(min_shards=2) as fake:
        process = await asyncio.create_subprocess_exec(
            *coach_command(),
            "run",
            env=child_env(fake, tmp_path / "coach.sqlite3", DEV_GUILD_ID=""),
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode == 2, err.decode()[-2000:]
    [line] = [line for line in err.decode().splitlines() if line.startswith("coach:")]
    assert "(4011)" in line and "SHARD_COUNT" in line
    assert "Traceback" not in err.decode()
    assert fake.identify_payloads[0]["shard"] == [0, 1]  # unsharded: shard 0 of 1
