"""Pytest fixtures for the fake Discord; import them into tests/e2e/conftest.py.

``from tests.e2e.fake_discord.fixtures import fake_discord  # noqa: F401``

The fixture starts a FakeDiscord, points discord.py at it (restoring both module attributes
afterwards) and, at teardown, fails the test if the fake recorded violations the test did not
announce with ``fake.expect_violation(substring)``, or if an announced one never happened.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import discord
import discord.gateway
import discord.http
import pytest
import yarl

from .server import FakeDiscord


@contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """Points discord.py's REST base and gateway URL at ``fake`` for the block's duration."""
    old_base = discord.http.Route.BASE  # DEP-WARN: discord.py internal
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY  # DEP-WARN: internal
    discord.http.Route.BASE = fake.api_base  # DEP-WARN
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)  # DEP-WARN
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base  # DEP-WARN
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway  # DEP-WARN


def violation_report(fake: FakeDiscord) -> str | None:
    """A failure message for unexpected or unmet violations, or None if all is well."""
    lines = []
    for v in fake.unexpected_violations():
        lines.append(f"  {v.route}: {v.reason}\n    payload: {v.payload!r:.500}")
    unmet = fake.unmet_expectations()
    if not lines and not unmet:
        return None
    text = ""
    if lines:
        text += "fake Discord rejected requests Discord would reject too:\n" + "\n".join(lines)
    if unmet:
        text += f"\nexpected violations that never happened: {unmet}"
    return text


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    try:
        with pointed_at(fake):
            yield fake
    finally:
        await fake.stop()
    report = violation_report(fake)
    if report:
        pytest.fail(report, pytrace=False)
