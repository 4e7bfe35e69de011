"""`/privacy`: the statement, a complete export in four standard formats, and erasing it all."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

import icalendar
import pytest
import vobject

from bot.core.flight import COOLDOWNS
from tests.e2e.conftest import ALICE, BOB, GUILD_ID, RunningBot, custom_ids, embed_of, is_ephemeral
from tests.e2e.test_contacts import add, contact_id_from
from tests.e2e.test_import import ids_of, upload
from tests.e2e.test_reminders import opt_in
from tests.exports import HeavyShape, PostgresAsSqlite, normalised, seed_heavy_account
from tests.storage.stores import SQLITE

pytestmark = pytest.mark.e2e


async def privacy(bot: RunningBot, subcommand: str, user_id: int = ALICE) -> Any:
    return await bot.fake.slash(
        "privacy", subcommand=subcommand, user_id=user_id, guild_id=GUILD_ID
    )


async def seed(bot: RunningBot, user_id: int, name: str) -> int:
    """A contact with every field, an exchange, and reminders turned on."""
    response = await add(
        bot.fake,
        user_id,
        name=name,
        title="Dr.",
        role="attending",
        specialty="Cardiology",
        institution="St Mary's",
        where_met="the cardiology talk",
        date_met="3 days ago",
        email=f"{name.split()[0].lower()}@example.org",
        profile_url="https://example.org/x",
        notes='Said "hi", then: a; b, c\nsecond line — ünïcode',
        tags="cardio, mentor",
    )
    cid = contact_id_from(response)
    handle = await bot.fake.slash(
        "log", user_id=user_id, guild_id=GUILD_ID, options={"contact": str(cid), "kind": "emailed"}
    )
    await handle.response()
    await opt_in(bot.fake, user_id)
    return cid


async def test_show_says_what_is_stored_and_who_sees_it(bot: RunningBot) -> None:
    """/privacy show is private and names what is stored, who sees it, and the two commands."""
    response = await (await privacy(bot, "show")).response()
    assert is_ephemeral(response)
    text = embed_of(response)["description"]
    for phrase in ("What I store", "Who can see it", "/privacy export", "/privacy delete"):
        assert phrase in text


async def test_export_sends_four_files_that_standard_libraries_read(bot: RunningBot) -> None:
    """The export is private and its JSON, CSV, vCard and iCalendar files all parse."""
    await seed(bot, ALICE, "Amara Okafor")
    handle = await privacy(bot, "export")
    assert (await handle.response())["type"] == 5
    [message] = await handle.wait_followup(1)
    assert message["flags"] & 64
    files = {f["filename"]: f["data"] for f in message["attachments_data"]}
    assert set(files) == {"networking-coach.json", "contacts.csv", "contacts.vcf", "follow-ups.ics"}
    document = json.loads(files["networking-coach.json"])
    assert document["format"] == "networking-coach-export"
    assert [c["name"] for c in document["contacts"]] == ["Amara Okafor"]
    assert document["contacts"][0]["notes"].endswith("ünïcode")
    assert len(document["exchanges"]) == 1 and len(document["reminder_settings"]) == 1
    rows = list(csv.DictReader(io.StringIO(files["contacts.csv"].decode("utf-8"))))
    assert rows[0]["name"] == "Amara Okafor" and rows[0]["tags"] == "cardio; mentor"
    assert rows[0]["notes"] == document["contacts"][0]["notes"]
    [card] = list(vobject.readComponents(files["contacts.vcf"].decode("utf-8")))
    assert card.fn.value == "Amara Okafor" and card.version.value == "4.0"
    assert card.note.value == document["contacts"][0]["notes"]
    calendar = icalendar.Calendar.from_ical(files["follow-ups.ics"])
    summaries = [str(e["summary"]) for e in calendar.walk("VEVENT")]
    assert summaries == ["Check in with Amara Okafor"]


async def test_delete_asks_first_then_erases_only_that_student(bot: RunningBot) -> None:
    """After confirming, every row of Alice's is gone; Bob's data is untouched."""
    await seed(bot, ALICE, "Amara Okafor")
    await seed(bot, BOB, "Jordan Lee")
    assert bot.app is not None
    repo = bot.privacy()
    bob_before = await repo.counts(BOB)
    alice_before = await repo.counts(ALICE)
    assert alice_before["contacts"] == 1 and alice_before["reminder_settings"] == 1
    ask = await privacy(bot, "delete")
    question = await ask.response()
    assert is_ephemeral(question)
    assert custom_ids(question) == ["privacy:delete:0", "privacy:keep:0"]
    kept = await (await bot.fake.click(ask.message, "privacy:keep:0", user_id=ALICE)).response()
    assert "Nothing was deleted" in kept["data"]["content"]
    assert await repo.counts(ALICE) == alice_before
    ask = await privacy(bot, "delete")
    await ask.response()
    done = await (await bot.fake.click(ask.message, "privacy:delete:0", user_id=ALICE)).response()
    assert "erased" in done["data"]["content"]
    after = await repo.counts(ALICE)
    # Alice's next command recreates only her student row; nothing else of hers is left.
    assert {table: n for table, n in after.items() if n and table != "students"} == {}
    assert await repo.counts(BOB) == bob_before


async def export_json(bot: RunningBot, user_id: int = ALICE) -> bytes:
    handle = await privacy(bot, "export", user_id)
    await handle.response()
    # A heavy account's export on a loaded CI machine can take seconds (as export_messages).
    [message] = await handle.wait_followup(1, timeout=30)
    files = {f["filename"]: f["data"] for f in message["attachments_data"]}
    return files["networking-coach.json"]


async def test_export_delete_then_import_the_json_restores_everything(bot: RunningBot) -> None:
    """Export, erase (confirmed), /contact import the JSON, Import: the next export matches."""
    await seed(bot, ALICE, "Amara Okafor")
    await seed(bot, BOB, "Jordan Lee")
    assert bot.app is not None
    bob_before = await bot.privacy().snapshot(BOB)
    original = await export_json(bot)
    ask = await privacy(bot, "delete")
    await ask.response()
    await (await bot.fake.click(ask.message, "privacy:delete:0", user_id=ALICE)).response()

    _, preview = await upload(bot.fake, original, filename="networking-coach.json")
    assert preview["flags"] & 64
    embed = preview["embeds"][0]
    assert embed["title"] == "Restore from a Networking Coach export"
    assert "**1** contacts" in embed["description"]
    assert "**1** reminder settings" in embed["description"]
    confirm, _ = ids_of(preview)
    click = await bot.fake.click(preview, confirm, user_id=ALICE)
    [done] = await click.wait_edit()
    assert done["content"].startswith("Restored: 1 contacts, 1 exchanges")

    bot.clock.advance(COOLDOWNS["export"])  # a second export this soon would be refused
    again = json.loads(await export_json(bot))
    assert normalised(again) == normalised(json.loads(original))
    assert await bot.privacy().snapshot(BOB) == bob_before


async def test_importing_the_json_into_an_account_with_data_is_refused(bot: RunningBot) -> None:
    """Alice still has her data: the restore is refused privately and nothing changes."""
    await seed(bot, ALICE, "Amara Okafor")
    assert bot.app is not None
    before = await bot.privacy().counts(ALICE)
    _, message = await upload(bot.fake, await export_json(bot), filename="networking-coach.json")
    assert message["flags"] & 64
    assert "/privacy delete" in message["content"] and "contacts.csv" in message["content"]
    assert await bot.privacy().counts(ALICE) == before


async def heavy_alice(bot: RunningBot) -> None:
    """Alice with a few hundred contacts and a thousand exchanges (JSON of ~0.5 MB)."""
    assert bot.app is not None
    shape = HeavyShape(contacts=300, exchanges=1000, drafts=50, reminders=30, events=5, links=60)
    if bot.store.kind == SQLITE:
        await seed_heavy_account(bot.app.db, ALICE, bot.clock.now(), shape)
        return
    async with bot.app.db.acquire() as connection:  # PostgreSQL: the bot's own pool
        await seed_heavy_account(PostgresAsSqlite(connection), ALICE, bot.clock.now(), shape)


async def export_messages(bot: RunningBot) -> list[dict[str, Any]]:
    handle = await privacy(bot, "export")
    await handle.response()
    [first, *_] = await handle.wait_followup(1, timeout=30)
    match = re.search(r"in (\d+) messages", first["content"])
    return await handle.wait_followup(int(match[1]) if match else 1, timeout=30)


def attached(message: dict[str, Any]) -> dict[str, bytes]:
    return {f["filename"]: f["data"] for f in message["attachments_data"]}


async def test_an_export_over_the_attachment_limit_comes_zipped_and_restores(
    bot: RunningBot,
) -> None:
    """Files larger than the interaction's attachment_size_limit come as one zip under it (the
    fake refuses anything over it with 413, as Discord does); Bob uploads that zip as it is
    and gets every row of Alice's."""
    await heavy_alice(bot)
    bot.fake.attachment_size_limit = 256 * 1024
    [message] = await export_messages(bot)
    assert message["flags"] & 64 and "one zip file" in message["content"]
    [(name, archive)] = attached(message).items()
    assert name == "networking-coach-export.zip" and len(archive) <= 256 * 1024
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        # The heavy account has a season plan and letters due: its deadlines come too.
        assert sorted(opened.namelist()) == sorted(
            [
                "networking-coach.json",
                "contacts.csv",
                "contacts.vcf",
                "follow-ups.ics",
                "season-deadlines.ics",
            ]
        )
        original = json.loads(opened.read("networking-coach.json"))
    assert len(original["contacts"]) == 300

    _, preview = await upload(bot.fake, archive, filename=name, user_id=BOB)
    assert "**300** contacts" in preview["embeds"][0]["description"]
    confirm, _ = ids_of(preview)
    click = await bot.fake.click(preview, confirm, user_id=BOB)
    [done] = await click.wait_edit(timeout=30)
    assert done["content"].startswith("Restored: 300 contacts, 1,000 exchanges")
    bot.fake.attachment_size_limit = 10 * 1024 * 1024
    again = json.loads(await export_json(bot, BOB))
    assert normalised(again) == normalised(original)


async def test_an_export_too_large_even_zipped_comes_in_parts_that_restore(
    bot: RunningBot,
) -> None:
    """At a limit under the zip's size, the JSON comes in numbered parts over several private
    messages, each message's files within the limit, and the first says how many. Bob uploads
    the parts one at a time, in any order: each but the last says which are still missing and
    holds nothing to confirm; the last shows the restore; Import brings back every row."""
    await heavy_alice(bot)
    limit = 24 * 1024
    bot.fake.attachment_size_limit = limit
    messages = await export_messages(bot)
    assert len(messages) >= 2 and "numbered parts" in messages[0]["content"]
    for message in messages:
        assert message["flags"] & 64
        assert sum(len(data) for data in attached(message).values()) <= limit
    files = {name: data for m in messages for name, data in attached(m).items()}
    parts = [n for n in files if n.startswith("networking-coach-part-")]
    assert len(parts) >= 2 and parts[0] == f"networking-coach-part-1-of-{len(parts)}.zip"
    original = json.loads(await export_json_unlimited(bot))

    for received, name in enumerate(reversed(parts), 1):
        _, preview = await upload(bot.fake, files[name], filename=name, user_id=BOB)
        assert preview["flags"] & 64
        if received < len(parts):
            assert ids_of(preview) == []
            text = preview["embeds"][0]["description"]
            assert f"({received} of {len(parts)} so far)" in text
            assert "Still to upload: part" in text and " 1" in text
    assert "**300** contacts" in preview["embeds"][0]["description"]
    confirm, _ = ids_of(preview)
    click = await bot.fake.click(preview, confirm, user_id=BOB)
    [done] = await click.wait_edit(timeout=30)
    assert done["content"].startswith("Restored: 300 contacts, 1,000 exchanges")
    again = json.loads(await export_json_unlimited(bot, BOB))
    assert normalised(again) == normalised(original)


async def export_json_unlimited(bot: RunningBot, user_id: int = ALICE) -> bytes:
    """The JSON as it comes when the limit is Discord's usual 10 MiB."""
    limit, bot.fake.attachment_size_limit = bot.fake.attachment_size_limit, 10 * 1024 * 1024
    bot.clock.advance(COOLDOWNS["export"])  # after an export of theirs a moment ago
    try:
        return await export_json(bot, user_id)
    finally:
        bot.fake.attachment_size_limit = limit
