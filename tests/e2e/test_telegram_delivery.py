"""Telegram journeys of the outbox: the weekly digest with buttons sent by the bot's own tick
(Telegram alone), Telegram's 429s waited out, a blocked bot, and one process serving Discord
and Telegram with a linked account."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.core.delivery import RETRY_AFTER
from bot.core.models import ContactDraft
from bot.telegram_adapter import notifier as notifier_module
from bot.telegram_adapter.identity import student_for
from tests.e2e.both_front_ends import both_front_ends
from tests.e2e.conftest import ALICE as DISCORD_ALICE
from tests.e2e.conftest import GUILD_ID
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot
from tests.fakes import FakeClock

pytestmark = [
    pytest.mark.e2e,
    # python-telegram-bot's RetryAfter reads its own deprecated int attribute when raised.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

ALICE = TelegramUser(5_000_001, "Alice", "alice_md")
BOB = TelegramUser(5_000_002, "Bob")
TELEGRAM_ALICE = student_for(ALICE.id)


def app_of(bot: TelegramBot) -> App:
    assert bot.app is not None
    return bot.app


async def outcomes(app: App, kind: str = "digest") -> list[str | None]:
    db: Any = app.db
    rows = await db.execute_fetchall("SELECT outcome FROM deliveries WHERE kind = ?", (kind,))
    return [row[0] for row in rows]


async def digest_due(bot: TelegramBot, fake: FakeTelegram, user: TelegramUser) -> None:
    """The user turns the digest on (the welcome arrives), and the clock reaches it."""
    before = len(fake.sent.get(user.id, []))
    await fake.send(user, "/reminders on")
    sent = await fake.wait_for_messages(user.id, before + 2)
    assert any("weekly networking digest" in m["text"] for m in sent[before:])  # the welcome
    settings = await app_of(bot).services.reminders.settings(student_for(user.id))
    assert settings is not None and settings.next_digest_at is not None
    bot.clock.set(settings.next_digest_at)


async def test_the_weekly_digest_arrives_with_buttons_that_work_for_its_owner_only(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/add Amara Okafor, MD | attending | grand rounds")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await digest_due(telegram_bot, fake_telegram, ALICE)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4)
    digest = sent[3]
    assert digest["text"].startswith("Your week in networking")
    assert "Amara Okafor, MD" in digest["text"]
    rows = digest["reply_markup"]["inline_keyboard"]
    done = next(b["callback_data"] for b in rows[0] if b["text"].startswith("✅"))
    assert rows[-1][0]["callback_data"] == "reminders:off:0"

    refused = await fake_telegram.click(BOB, digest, done)
    assert "someone else's" in (await fake_telegram.wait_for_answer(refused))["text"]
    clicked = await fake_telegram.click(ALICE, digest, done)
    assert (await fake_telegram.wait_for_answer(clicked))["text"].startswith("Logged")
    (amara,) = await app_of(telegram_bot).services.contacts.all_contacts(student_for(ALICE.id))
    assert amara.exchange_count == 1
    assert await outcomes(app_of(telegram_bot)) == ["sent"]  # once, through the ledger


async def test_a_429_storm_is_waited_out_and_the_digest_sent_once(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await digest_due(telegram_bot, fake_telegram, ALICE)
    for _ in range(2):
        fake_telegram.fail_next(
            "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1
        )
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3, within=15)
    assert sent[2]["text"].startswith("Your week in networking")
    tries = [t for method, t in fake_telegram.timed if method == "sendMessage"][-3:]
    assert tries[1] - tries[0] >= 0.95 and tries[2] - tries[1] >= 0.95  # retry_after honoured
    await asyncio.sleep(0.2)  # a few more ticks: nothing is sent again
    assert len(fake_telegram.sent[ALICE.id]) == 3
    assert await outcomes(app_of(telegram_bot)) == ["sent"]


async def test_a_blocked_bot_is_handled_like_closed_dms(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    app = app_of(telegram_bot)
    await digest_due(telegram_bot, fake_telegram, ALICE)
    fake_telegram.block(ALICE)
    await fake_telegram.wait_for(
        lambda: fake_telegram.calls.count("sendMessage") >= 3, what="the digest's try"
    )
    await asyncio.sleep(0.2)  # more ticks: one attempt, no retries
    assert fake_telegram.calls.count("sendMessage") == 3
    assert await outcomes(app) == ["unreachable"]
    student = await app.services.students.get(student_for(ALICE.id))
    assert student.unreachable_since is not None

    fake_telegram.blocked.clear()  # Alice unblocks and writes again: told once, tried again
    await fake_telegram.send(ALICE, "/due")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4)
    assert "couldn't reach you" in sent[3]["text"]
    student = await app.services.students.get(student_for(ALICE.id))
    assert student.unreachable_since is None


async def test_both_front_ends_and_a_linked_account_share_one_record(
    fake_discord: FakeDiscord, fake_telegram: FakeTelegram, tmp_path: Path, clock: FakeClock
) -> None:
    """A code from Discord's /link, typed into Telegram: both accounts see the same contacts;
    a wrong code changes nothing and says so; digests go where the student chose."""
    async with both_front_ends(
        fake_discord, fake_telegram, tmp_path / "coach.sqlite3", clock
    ) as app:
        await fake_telegram.send(ALICE, "/link ABCD-EFGH")
        (wrong,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
        assert "doesn't work" in wrong["text"] and "Nothing was changed" in wrong["text"]

        handle = await fake_discord.slash("link", user_id=DISCORD_ALICE, guild_id=GUILD_ID)
        content = (await handle.response())["data"]["content"]
        code = re.search(r"\*\*([A-Z0-9]{4}-[A-Z0-9]{4})\*\*", content)
        assert code is not None
        await fake_telegram.send(ALICE, f"/link {code[1]}")
        linked = (await fake_telegram.wait_for_messages(ALICE.id, 2))[1]
        assert linked["text"].startswith("Linked")

        await fake_telegram.send(ALICE, "/add Amara Okafor | attending")
        await fake_telegram.wait_for_messages(ALICE.id, 3)
        listing = await fake_discord.slash(
            "contact", subcommand="list", user_id=DISCORD_ALICE, guild_id=GUILD_ID
        )
        assert "Amara Okafor" in str(await listing.response())
        assert [c.draft.name for c in await app.services.contacts.all_contacts(DISCORD_ALICE)] == [
            "Amara Okafor"
        ]
        # The code worked once: Bob can't use it.
        await fake_telegram.send(BOB, f"/link {code[1]}")
        (refused,) = await fake_telegram.wait_for_messages(BOB.id, 1)
        assert "used already" in refused["text"]

        # Digests go to Telegram once chosen there: the welcome comes to this chat.
        await fake_telegram.send(ALICE, "/link here")
        await fake_telegram.send(ALICE, "/reminders on")
        sent = await fake_telegram.wait_for_messages(ALICE.id, 6)
        assert any("weekly networking digest" in m["text"] for m in sent[4:])
        # /privacy in Telegram names the link.
        await fake_telegram.send(ALICE, "/privacy")
        sent = await fake_telegram.wait_for_messages(ALICE.id, 7)
        assert "shares its record with your Discord account" in sent[6]["text"]
        shown = await fake_discord.slash(
            "privacy", subcommand="show", user_id=DISCORD_ALICE, guild_id=GUILD_ID
        )
        assert "linked Telegram account" in str(await shown.response())

        # /privacy delete in Telegram erases the shared record and the link with it.
        await fake_telegram.send(ALICE, "/privacy delete")
        confirm = (await fake_telegram.wait_for_messages(ALICE.id, 8))[7]
        erase = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await fake_telegram.wait_for_answer(await fake_telegram.click(ALICE, confirm, erase))
        assert list(await app.services.contacts.all_contacts(DISCORD_ALICE)) == []
        assert app.services.links is not None
        assert await app.services.links.linked_student("telegram", ALICE.id) is None


async def test_a_send_telegram_never_took_is_sent_again_by_a_later_tick(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """429s past the notifier's patience: Telegram certainly took nothing, so the claim is
    resent by a later tick (not recorded as uncertain, as a send without an answer is), and
    the digest arrives once."""
    monkeypatch.setattr(notifier_module, "MAX_FLOOD_WAITS", 1)
    await digest_due(telegram_bot, fake_telegram, ALICE)
    for _ in range(2):
        fake_telegram.fail_next(
            "sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1
        )
    await fake_telegram.wait_for(
        lambda: fake_telegram.calls.count("sendMessage") >= 4, what="the refused tries", within=10
    )
    await asyncio.sleep(0.3)  # ticks inside RETRY_AFTER: no resend yet
    assert len(fake_telegram.sent[ALICE.id]) == 2
    telegram_bot.clock.advance(RETRY_AFTER + timedelta(seconds=1))
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3, within=10)
    assert sent[2]["text"].startswith("Your week in networking")
    assert "may not have reached you" not in sent[2]["text"]
    await asyncio.sleep(0.2)
    assert len(fake_telegram.sent[ALICE.id]) == 3
    assert await outcomes(app_of(telegram_bot)) == ["sent"]


async def test_a_telegram_account_with_records_brings_its_contacts_as_the_refusal_says(
    fake_discord: FakeDiscord, fake_telegram: FakeTelegram, tmp_path: Path, clock: FakeClock
) -> None:
    """Linking a Telegram account that holds contacts is refused (nothing merged, nothing
    changed); the way its message gives works: export, erase, link, send the contacts CSV back,
    and the shared record has both sides' contacts, the Discord one untouched."""
    async with both_front_ends(
        fake_discord, fake_telegram, tmp_path / "coach.sqlite3", clock
    ) as app:
        await fake_telegram.send(ALICE, "/add Kai Osei, DO | resident | grand rounds")
        await fake_telegram.wait_for_messages(ALICE.id, 1)
        await app.services.contacts.add(DISCORD_ALICE, ContactDraft(name="Amara Okafor"))

        async def code() -> str:
            handle = await fake_discord.slash("link", user_id=DISCORD_ALICE, guild_id=GUILD_ID)
            content = (await handle.response())["data"]["content"]
            found = re.search(r"\*\*([A-Z0-9]{4}-[A-Z0-9]{4})\*\*", content)
            assert found is not None
            return found[1]

        await fake_telegram.send(ALICE, f"/link {await code()}")
        refused = (await fake_telegram.wait_for_messages(ALICE.id, 2))[1]
        assert "nothing is merged" in refused["text"] and "contacts CSV" in refused["text"]
        assert [c.name for c in await app.services.contacts.all_contacts(TELEGRAM_ALICE)] == [
            "Kai Osei, DO"
        ]

        await fake_telegram.send(ALICE, "/export")
        await fake_telegram.wait_for(
            lambda: sum("document" in m for m in fake_telegram.sent[ALICE.id]) >= 4,
            what="the export's documents",
        )
        csv_name, csv_data = next(
            (m["document"]["file_name"], m["_data"])
            for m in fake_telegram.sent[ALICE.id]
            if m.get("document", {}).get("file_name", "").endswith(".csv")
        )
        before = len(fake_telegram.sent[ALICE.id])
        await fake_telegram.send(ALICE, "/privacy delete")
        confirm = (await fake_telegram.wait_for_messages(ALICE.id, before + 1))[before]
        erase = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await fake_telegram.wait_for_answer(await fake_telegram.click(ALICE, confirm, erase))

        before = len(fake_telegram.sent[ALICE.id])
        await fake_telegram.send(ALICE, f"/link {await code()}")
        linked = (await fake_telegram.wait_for_messages(ALICE.id, before + 1))[before]
        assert linked["text"].startswith("Linked")
        await fake_telegram.upload(ALICE, csv_name, csv_data)
        preview = (await fake_telegram.wait_for_messages(ALICE.id, before + 2))[before + 1]
        assert "1 new contact" in preview["text"]
        confirm = preview["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        await fake_telegram.wait_for_answer(await fake_telegram.click(ALICE, preview, confirm))
        shared = sorted(c.name for c in await app.services.contacts.all_contacts(DISCORD_ALICE))
        assert shared == ["Amara Okafor", "Kai Osei, DO"]
