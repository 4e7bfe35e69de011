"""The account-link repository's contract (migration 0018), on SQLite and PostgreSQL: a code
works once and only before it expires, a new code retires the student's older ones, an account
links once, and the links go with the student's record."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.ports import LinkCode, LinkedAccount
from tests.storage.stores import Store, kinds_for, open_store

pytestmark = pytest.mark.storage

NOW = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=10)
DISCORD_ID = 400_000_000_000_000_001
TG = 5_000_001


@pytest.fixture(params=kinds_for("links", "students", "privacy"))
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(request.param, request, tmp_path)
    await opened.make("students").get_or_create(DISCORD_ID, now=NOW)
    await opened.make("students").get_or_create(-TG, now=NOW)
    yield opened
    await opened.close()


async def test_a_code_works_once_and_only_before_it_expires(store: Store) -> None:
    links = store.make("links")
    issued = LinkCode(DISCORD_ID, "discord", DISCORD_ID)
    await links.add_code("h1", issued, now=NOW, expires_at=LATER)
    assert await links.take_code("nope", now=NOW) is None
    assert await links.take_code("h1", now=NOW) == issued
    assert await links.take_code("h1", now=NOW) is None  # used
    await links.add_code("h2", issued, now=NOW, expires_at=LATER)
    assert await links.take_code("h2", now=LATER) is None  # expired
    # Only the hash is stored.
    assert await store.rows("SELECT code_hash FROM link_codes") == [("h2",)]


async def test_a_new_code_retires_the_older_one_and_two_entries_race_to_one(store: Store) -> None:
    links = store.make("links")
    issued = LinkCode(-TG, "telegram", TG)
    await links.add_code("old", issued, now=NOW, expires_at=LATER)
    await links.add_code("new", issued, now=NOW, expires_at=LATER)
    assert await links.take_code("old", now=NOW) is None
    taken = await asyncio.gather(*(links.take_code("new", now=NOW) for _ in range(6)))
    assert taken.count(issued) == 1 and taken.count(None) == 5


async def test_an_account_links_once_chooses_delivery_and_goes_with_the_record(
    store: Store,
) -> None:
    links = store.make("links")
    account = LinkedAccount("telegram", TG, DISCORD_ID, False, NOW)
    assert await links.link(account)
    assert not await links.link(LinkedAccount("telegram", TG, -TG, False, NOW))
    assert await links.student_of("telegram", TG) == DISCORD_ID
    assert await links.student_of("telegram", TG + 1) is None
    assert await links.student_of("discord", TG) is None
    await links.set_delivers(DISCORD_ID, "telegram")
    assert [a.delivers for a in await links.accounts_of(DISCORD_ID)] == [True]
    await links.set_delivers(DISCORD_ID, None)
    assert await links.accounts_of(DISCORD_ID) == [account]
    await links.add_code(
        "h", LinkCode(DISCORD_ID, "discord", DISCORD_ID), now=NOW, expires_at=LATER
    )

    removed = await store.make("privacy").delete_student(DISCORD_ID)
    assert removed["linked_accounts"] == 1 and removed["link_codes"] == 1
    assert await links.student_of("telegram", TG) is None


async def test_unlink_removes_every_link_of_the_record(store: Store) -> None:
    links = store.make("links")
    await links.link(LinkedAccount("telegram", TG, DISCORD_ID, True, NOW))
    assert await links.unlink(DISCORD_ID) == 1
    assert await links.unlink(DISCORD_ID) == 0
    assert await links.accounts_of(DISCORD_ID) == []
