"""LinkService: a one-time code joins a Telegram account to a Discord record, from either side.
A wrong, expired or reused code changes nothing and says so; a joining account that holds
records of its own is refused; delivery can only go to a linked account. On a real SQLite
file (the links, students and privacy repositories the service runs on)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.errors import InvalidInput
from bot.core.links import LIFETIME, LinkRefused, LinkService
from bot.core.models import ContactDraft
from bot.storage.backends import Repositories, sqlite_repositories
from bot.storage.database import migrate, open_database
from tests.fakes import FakeClock

DISCORD = 400_000_000_000_000_001
TG = 5_000_001
OWN = -TG  # the Telegram account's record while unlinked


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Repositories]:
    db = await open_database(tmp_path / "coach.sqlite3")
    await migrate(db)
    yield sqlite_repositories(db)
    await db.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def links(store: Repositories, clock: FakeClock) -> LinkService:
    return LinkService(
        store.links, store.students, store.privacy, clock, joining=frozenset({"telegram"})
    )


async def test_a_discord_code_entered_in_telegram_joins_the_telegram_account(
    links: LinkService, store: Repositories
) -> None:
    issued = await links.issue(DISCORD, "discord", DISCORD)
    linked = await links.redeem(issued.code, "telegram", TG, OWN, own_record=OWN)
    assert linked.student_id == DISCORD
    assert await links.linked_student("telegram", TG) == DISCORD
    assert (await store.privacy.counts(OWN))["students"] == 0  # the empty own record is gone
    # The code hash is stored, never the code.
    rows = await store.handle.execute_fetchall("SELECT * FROM link_codes")  # type: ignore[union-attr]
    assert rows and issued.code.replace("-", "") not in str(rows)


async def test_a_telegram_code_entered_in_discord_links_the_same_way(links: LinkService) -> None:
    issued = await links.issue(OWN, "telegram", TG)
    linked = await links.redeem(issued.code, "discord", DISCORD, DISCORD, own_record=DISCORD)
    assert linked.student_id == DISCORD and linked.joined.account_id == TG
    assert await links.linked_student("telegram", TG) == DISCORD


async def _nothing_linked(links: LinkService) -> None:
    assert await links.linked_student("telegram", TG) is None
    assert await links.accounts(DISCORD) == []


async def test_a_wrong_code_changes_nothing_and_says_so(links: LinkService) -> None:
    await links.issue(DISCORD, "discord", DISCORD)
    with pytest.raises(LinkRefused, match="wrong, expired"):
        await links.redeem("ZZZZ-ZZZZ", "telegram", TG, OWN, own_record=OWN)
    with pytest.raises(InvalidInput, match="8 letters"):
        await links.redeem("12", "telegram", TG, OWN, own_record=OWN)
    await _nothing_linked(links)


async def test_an_expired_code_changes_nothing(links: LinkService, clock: FakeClock) -> None:
    issued = await links.issue(DISCORD, "discord", DISCORD)
    clock.advance(LIFETIME + timedelta(seconds=1))
    with pytest.raises(LinkRefused, match="expired"):
        await links.redeem(issued.code, "telegram", TG, OWN, own_record=OWN)
    await _nothing_linked(links)


async def test_a_code_works_once(links: LinkService) -> None:
    issued = await links.issue(DISCORD, "discord", DISCORD)
    await links.redeem(issued.code.lower(), "telegram", TG, OWN, own_record=OWN)
    other = TG + 1
    with pytest.raises(LinkRefused, match="used already"):
        await links.redeem(issued.code, "telegram", other, -other, own_record=-other)
    assert await links.linked_student("telegram", other) is None


async def test_a_code_entered_on_the_side_that_gave_it_is_refused(links: LinkService) -> None:
    issued = await links.issue(DISCORD, "discord", DISCORD)
    other = DISCORD + 1
    with pytest.raises(LinkRefused, match="other app"):
        await links.redeem(issued.code, "discord", other, other, own_record=other)
    await _nothing_linked(links)


async def test_a_joining_account_with_records_of_its_own_is_refused(
    links: LinkService, store: Repositories, clock: FakeClock
) -> None:
    await store.students.get_or_create(OWN, now=clock.now())
    await store.contacts.add(OWN, ContactDraft(name="Amara Okafor"), now=clock.now())
    issued = await links.issue(DISCORD, "discord", DISCORD)
    with pytest.raises(LinkRefused, match="hide them"):
        await links.redeem(issued.code, "telegram", TG, OWN, own_record=OWN)
    await _nothing_linked(links)
    assert (await store.privacy.counts(OWN))["contacts"] == 1


async def test_delivery_goes_to_a_linked_account_only_and_unlink_undoes_it(
    links: LinkService,
) -> None:
    with pytest.raises(LinkRefused, match="Link your accounts first"):
        await links.deliver_to(DISCORD, "telegram")
    issued = await links.issue(DISCORD, "discord", DISCORD)
    await links.redeem(issued.code, "telegram", TG, OWN, own_record=OWN)
    await links.deliver_to(DISCORD, "telegram")
    chosen = await links.delivery_account(DISCORD)
    assert chosen is not None and chosen.account_id == TG
    assert await links.unlink(DISCORD) == 1
    assert await links.delivery_account(DISCORD) is None
    await _nothing_linked(links)
    issued = await links.issue(DISCORD, "discord", DISCORD)
    await links.redeem(issued.code, "telegram", TG, OWN, own_record=OWN)  # linked again
    with pytest.raises(LinkRefused, match="linked already"):
        await links.issue(DISCORD, "telegram", TG)  # a linked account gives no codes
