"""Telegram journeys with files and the one-line commands: an import sent as a document and
confirmed by its button, the export as documents (sent back, it restores), `/progress` as a
photo, `/log` and `/outreach`."""

from __future__ import annotations

import json

import pytest

from bot.telegram_adapter.identity import student_for
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot
from tests.e2e.test_import import CONNECTIONS

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_001, "Alice", "alice_md")
BOB = TelegramUser(5_000_002, "Bob")


async def names(bot: TelegramBot, user: TelegramUser) -> list[str]:
    assert bot.app is not None
    found = await bot.app.services.contacts.all_contacts(student_for(user.id))
    return sorted(c.draft.name for c in found)


async def test_a_document_imports_after_its_button_and_the_export_restores(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.upload(ALICE, "Connections.csv", CONNECTIONS)
    (preview,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
    assert preview["text"].startswith("Import from LinkedIn connections")
    assert "3 new contacts" in preview["text"] and "Skipped line 8" in preview["text"]
    assert "getFile" in fake_telegram.calls
    confirm = preview["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert await names(telegram_bot, ALICE) == []  # a preview saves nothing

    refused = await fake_telegram.click(BOB, preview, confirm)
    assert "someone else's" in (await fake_telegram.wait_for_answer(refused))["text"]
    await fake_telegram.wait_for_answer(await fake_telegram.click(ALICE, preview, confirm))
    assert preview["text"].startswith("Imported: 3 added")  # the preview was edited
    assert await names(telegram_bot, ALICE) == ["Amara Okafor", "José Núñez", "Sam Lee"]

    await fake_telegram.send(ALICE, "/export")
    await fake_telegram.wait_for(
        lambda: sum("document" in m for m in fake_telegram.sent[ALICE.id]) >= 4,
        what="the export's documents",
    )
    documents = [m for m in fake_telegram.sent[ALICE.id] if "document" in m]
    assert "3 contacts" in documents[0]["caption"]
    by_name = {m["document"]["file_name"]: m["_data"] for m in documents}
    export_json = next(data for name, data in by_name.items() if name.endswith(".json"))
    assert "Amara" in export_json.decode()
    assert str(ALICE.id) not in json.dumps(sorted(by_name))  # no ids in the file names

    # Sent back by another (empty) account, the JSON restores everything.
    name = next(n for n in by_name if n.endswith(".json"))
    await fake_telegram.upload(BOB, name, export_json)
    (restore,) = await fake_telegram.wait_for_messages(BOB.id, 1)
    assert restore["text"].startswith("Restore from a Networking Coach export")
    confirm = restore["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await fake_telegram.wait_for_answer(await fake_telegram.click(BOB, restore, confirm))
    assert restore["text"].startswith("Restored:")
    assert await names(telegram_bot, BOB) == await names(telegram_bot, ALICE)


async def test_progress_comes_as_a_photo_and_log_and_outreach_on_one_line(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/add Amara Okafor, MD | attending | grand rounds")
    await fake_telegram.send(ALICE, "/log amara okafor, md | emailed | today | asked to shadow")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert sent[1]["text"].startswith("Logged: emailed them on")
    await fake_telegram.send(ALICE, "/log Nobody Here | met")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    assert "no contact called" in sent[2]["text"]

    await fake_telegram.send(ALICE, "/progress")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4, within=20)
    photo = sent[3]
    assert photo["photo"] and photo["_data"].startswith(b"\x89PNG")
    assert "This week" in photo["caption"]

    await fake_telegram.send(ALICE, "/outreach")  # alone: the kinds as buttons
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    kinds = [b["text"] for row in sent[4]["reply_markup"]["inline_keyboard"] for b in row]
    assert "Seeking a mentor" in kinds
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await fake_telegram.send(
        ALICE, "/outreach mentorship | Amara Okafor, MD | ask: a 15-minute call about her path"
    )
    sent = await fake_telegram.wait_for_messages(ALICE.id, 8)
    assert "to Dr. Okafor" in sent[6]["text"] and "Maya" in sent[7]["text"]
