"""The fake's global rate limit (Discord's 50 requests per second per bot token), and the bot
delivering under it: refused requests are answered with Discord's global 429 and the bot waits
them out without sending anything twice."""

from __future__ import annotations

import asyncio
import re

import aiohttp
import pytest

from tests.e2e.conftest import ALICE, BOB, CAROL, RunningBot, token_for
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.ratelimit import GlobalRateLimit
from tests.e2e.test_reminders import DUE, MESSAGES, MINUTE, digests_to, opt_in, settle_at

pytestmark = pytest.mark.e2e


def test_sliding_window_admits_limit_per_window_and_says_when_to_retry() -> None:
    limit = GlobalRateLimit(3, window=1.0)
    assert [limit.admit("bot", t) for t in (0.0, 0.1, 0.2)] == [None, None, None]
    assert limit.admit("bot", 0.5) == pytest.approx(0.5)  # the first frees its slot at 1.0
    assert limit.admit("other-bot", 0.5) is None  # one budget per token
    assert limit.admit("bot", 1.0) is None
    # Sliding, not fixed: 0.1 and 0.2 still fill the window that ends at 1.05.
    assert limit.admit("bot", 1.05) == pytest.approx(0.05)


async def test_sixty_quick_requests_meet_discords_global_429(fake_discord: FakeDiscord) -> None:
    """Over 50 requests in a second: the rest are refused with the global shape; callbacks and
    the limit switched off are not."""
    fake_discord.set_global_rate_limit(50)
    headers = {"Authorization": f"Bot {token_for(fake_discord.application_id)}"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def get_me() -> tuple[int, dict[str, str], object]:
            async with session.get(fake_discord.api_base + "/users/@me") as response:
                return response.status, dict(response.headers), await response.json()

        answers = await asyncio.gather(*(get_me() for _ in range(60)))
        refused = [a for a in answers if a[0] == 429]
        assert refused  # at most 50 of them fit in any one second
        _, hdrs, body = refused[0]
        assert body["global"] is True and body["message"] == "You are being rate limited."
        assert 0 < body["retry_after"] <= 1.0
        assert hdrs["X-RateLimit-Global"] == "true" and hdrs["X-RateLimit-Scope"] == "global"
        assert float(hdrs["Retry-After"]) >= 1 and "Via" in hdrs
        counts = fake_discord.request_counts
        assert counts.requests == 60 and counts.global_429 == len(refused)
        assert counts.other_429 == 0

        # Interaction callbacks are exempt: even now, they reach the handler (a 404 here, for
        # an interaction the fake never dispatched, not a 429).
        fake_discord.expect_violation("callback for an interaction the fake never dispatched")
        async with session.post(
            fake_discord.api_base + "/interactions/1/nope/callback", json={"type": 1}
        ) as response:
            assert response.status == 404
        assert fake_discord.request_counts.exempt == 1

        fake_discord.set_global_rate_limit(None)
        assert all(a[0] == 200 for a in await asyncio.gather(*(get_me() for _ in range(60))))


async def test_bot_under_the_global_limit_delivers_each_digest_once(bot: RunningBot) -> None:
    """A limit far below the bot's pacing (2 per 100 ms): the digests meet global 429s,
    discord.py waits them out, and each student gets exactly one digest."""
    fake = bot.fake
    students = [ALICE, BOB, CAROL]
    for student in students:
        await opt_in(fake, student)
    before = len(fake.requests)
    fake.set_global_rate_limit(1, window=0.1)
    bot.clock.set(DUE + MINUTE)
    await fake.wait_for(
        lambda: all(digests_to(fake, s) for s in students), what="every student's digest"
    )
    await settle_at(bot, DUE + 5 * MINUTE)
    assert [len(digests_to(fake, s)) for s in students] == [1, 1, 1]
    sends = [r for r in fake.requests[before:] if re.search(MESSAGES, r.path)]
    assert {r.status for r in sends} == {200, 429}  # some were refused, then retried
    assert fake.request_counts.global_429 == sum(r.status == 429 for r in fake.requests)
    nonces = [r.json["nonce"] for r in sends if r.status == 200]
    assert len(nonces) == len(set(nonces)) == 3  # each claim's nonce went through once
