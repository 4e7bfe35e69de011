"""The fake Discord's shards, over a raw websocket (cheap: no bot): READY and GUILD_CREATE
per shard, guild events to their shard, DMs to shard 0, /gateway/bot's limits, and the close
codes of a bad shard (4010) or too few shards (4011)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from tests.e2e.fake_discord import FakeDiscord

pytestmark = pytest.mark.e2e

# Guild ids whose shard of two is known: (id >> 22) % 2.
EVEN = 8 << 22  # shard 0 of 2
ODD = 13 << 22  # shard 1 of 2
STUDENT = 1_400_000_000_000_000_001


class Session:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.events: list[tuple[str, Any]] = []

    async def next_event(self) -> tuple[str, Any]:
        frame = json.loads((await self.ws.receive(timeout=5)).data)
        assert frame["op"] == 0, frame
        self.events.append((frame["t"], frame["d"]))
        return frame["t"], frame["d"]


@asynccontextmanager
async def identified(fake: FakeDiscord, shard: Any) -> AsyncIterator[Session]:
    async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
        hello = json.loads((await ws.receive(timeout=5)).data)
        assert hello["op"] == 10
        identify: dict[str, Any] = {"token": "a.b.c", "intents": 1, "properties": {}}
        if shard is not None:
            identify["shard"] = shard
        await ws.send_str(json.dumps({"op": 2, "d": identify}))
        yield Session(ws)


async def ready_and_guilds(session: Session) -> tuple[dict[str, Any], list[int]]:
    event, ready = await session.next_event()
    assert event == "READY"
    guilds = []
    for _ in ready["guilds"]:
        event, guild = await session.next_event()
        assert event == "GUILD_CREATE"
        guilds.append(int(guild["id"]))
    return ready, guilds


async def test_each_shard_gets_its_guilds_and_shard_zero_the_dms(
    fake_discord: FakeDiscord,
) -> None:
    assert ((EVEN >> 22) % 2, (ODD >> 22) % 2) == (0, 1)
    fake_discord.add_user(STUDENT, "student")
    fake_discord.add_guild(EVEN, members=[STUDENT])
    fake_discord.add_guild(ODD, members=[STUDENT])
    async with (
        identified(fake_discord, [0, 2]) as zero,
        identified(fake_discord, [1, 2]) as one,
    ):
        ready_zero, guilds_zero = await ready_and_guilds(zero)
        ready_one, guilds_one = await ready_and_guilds(one)
        assert (ready_zero["shard"], guilds_zero) == ([0, 2], [EVEN])
        assert (ready_one["shard"], guilds_one) == ([1, 2], [ODD])
        await fake_discord.wait_shards({0, 1})
        await fake_discord.dispatch("GUILD_UPDATE", {"guild_id": str(ODD), "id": str(ODD)})
        assert (await one.next_event())[0] == "GUILD_UPDATE"
        await fake_discord.dispatch("INTERACTION_CREATE", {"type": 3, "user": {"id": "1"}})
        assert (await zero.next_event())[0] == "INTERACTION_CREATE"  # a DM's: shard 0
        await fake_discord.dispatch("GUILD_UPDATE", {"guild_id": str(EVEN), "id": str(EVEN)})
        assert (await zero.next_event())[0] == "GUILD_UPDATE"
        assert [t for t, _ in one.events] == ["READY", "GUILD_CREATE", "GUILD_UPDATE"]


async def test_an_unsharded_session_gets_every_guild(fake_discord: FakeDiscord) -> None:
    fake_discord.add_guild(EVEN)
    fake_discord.add_guild(ODD)
    async with identified(fake_discord, None) as session:
        ready, guilds = await ready_and_guilds(session)
        assert "shard" not in ready and sorted(guilds) == [EVEN, ODD]


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], [0], "0,1", [0.0, 1], [True, 2]])
async def test_a_bad_shard_is_closed_with_4010(fake_discord: FakeDiscord, shard: Any) -> None:
    async with identified(fake_discord, shard) as session:
        closed = await session.ws.receive(timeout=5)
        assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == 4010
    assert fake_discord.live_shards() == set()


async def test_too_few_shards_are_closed_with_4011() -> None:
    async with FakeDiscord(recommended_shards=4, min_shards=2) as fake:
        for shard in (None, [0, 1]):
            async with identified(fake, shard) as session:
                closed = await session.ws.receive(timeout=5)
                assert closed.data == 4011
        async with identified(fake, [1, 2]) as session:
            await ready_and_guilds(session)


async def test_gateway_bot_states_the_shards_and_the_identify_concurrency() -> None:
    async with FakeDiscord(recommended_shards=3, max_concurrency=2) as fake:
        async with (
            aiohttp.ClientSession() as http,
            http.get(fake.api_base + "/gateway/bot") as response,
        ):
            body = await response.json()
        assert body["shards"] == 3
        assert body["session_start_limit"]["max_concurrency"] == 2


async def test_identifies_of_one_bucket_inside_the_window_are_violations() -> None:
    """max_concurrency 2: shards 0 and 1 (two buckets) together are fine; shard 2 (bucket 0
    again) straight after shard 0 is what Discord would refuse."""
    async with FakeDiscord(max_concurrency=2, identify_window=5.0) as fake:
        for shard in ([0, 3], [1, 3]):
            async with identified(fake, shard) as session:
                await ready_and_guilds(session)
        assert fake.violations == []
        async with identified(fake, [2, 3]) as session:
            await ready_and_guilds(session)
        [violation] = fake.violations
        assert violation.route == "IDENTIFY" and "bucket 0" in violation.reason
