"""`/contact import`: upload → private preview → Import or Cancel, through the real client."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.flight import COOLDOWNS
from tests.e2e.conftest import ALICE, BOB, GUILD_ID, RunningBot, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord, InteractionHandle
from tests.e2e.test_contacts import contact_count

pytestmark = pytest.mark.e2e

CONNECTIONS = (
    "Notes:\r\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing."\r\n'
    "\r\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n"
    "Amara,Okafor,https://www.linkedin.com/in/amara-okafor,,St Mary's Hospital,"
    "Consultant Cardiologist,12 Mar 2024\r\n"
    "José,Núñez,https://www.linkedin.com/in/jose-nunez,,Hospital Clínic,Resident,3 Jan 2025\r\n"
    "Sam,Lee,https://www.linkedin.com/in/sam-lee,,Riverside,Student,1 Feb 2025\r\n"
    ",,https://www.linkedin.com/in/nobody,,,,1 Feb 2025\r\n"
).encode()


async def upload(
    fake: FakeDiscord, data: bytes, filename: str = "Connections.csv", user_id: int = ALICE
) -> tuple[InteractionHandle, dict[str, Any]]:
    """Runs /contact import with `data` attached; returns the handle and the preview message."""
    attachment = fake.attachment(filename, data, "text/csv")
    handle = await fake.slash(
        "contact",
        subcommand="import",
        user_id=user_id,
        guild_id=GUILD_ID,
        options={"file": attachment},
    )
    response = await handle.response()
    if response["type"] != 5:  # refused before deferring (the file's size)
        return handle, response["data"]
    # Deferred: the preview arrives as an edit, a refusal as a follow-up.
    assert is_ephemeral(response)
    await fake.wait_for(lambda: bool(handle.edits or handle.followups), what="the preview")
    if handle.followups:
        return handle, handle.followups[-1]
    assert handle.message is not None
    return handle, handle.message


def ids_of(message: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in message.get("components") or []
        for c in row.get("components", [])
        if "custom_id" in c
    ]


def description(message: dict[str, Any]) -> str:
    return message["embeds"][0]["description"]


async def test_linkedin_upload_previews_then_imports(bot: RunningBot) -> None:
    """A LinkedIn CSV gets a private preview with counts; Import saves them; they are listed."""
    fake = bot.fake
    handle, preview = await upload(fake, CONNECTIONS)
    assert preview["flags"] & 64
    embed = preview["embeds"][0]
    assert embed["title"] == "Import from LinkedIn connections"
    assert "**3** new contacts" in embed["description"]
    assert "**1** row skipped" in embed["description"]
    assert embed["fields"][0]["value"] == "Line 8: it has no name"
    confirm, cancel = ids_of(preview)
    pending = confirm.split(":")[2]
    assert (confirm, cancel) == (f"import:confirm:{pending}", f"import:cancel:{pending}")
    assert await contact_count(bot) == 0  # a preview saves nothing

    click = await fake.click(preview, confirm, user_id=ALICE)
    assert (await click.response())["type"] == 6  # deferred update, then an edit
    [done] = await click.wait_edit()
    assert done["content"].startswith("Imported: 3 added, 0 updated, 0 already up to date.")
    assert done["components"] == [] and done["embeds"] == []
    assert await contact_count(bot) == 3

    listing = await fake.slash("contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID)
    text = str((await listing.response())["data"]["embeds"][0])
    for name in ("Amara Okafor", "José Núñez", "Sam Lee"):
        assert name in text
    assert fake.downloads == [int(handle.interaction["data"]["options"][0]["options"][0]["value"])]


async def test_cancel_imports_nothing(bot: RunningBot) -> None:
    """Cancel under the preview saves nothing and says so."""
    fake = bot.fake
    _, preview = await upload(fake, CONNECTIONS)
    _, cancel = ids_of(preview)
    click = await fake.click(preview, cancel, user_id=ALICE)
    response = await click.response()
    assert response["type"] == 7
    assert response["data"]["content"] == "Cancelled: nothing was imported."
    assert await contact_count(bot) == 0


async def test_reimport_reports_everything_unchanged(bot: RunningBot) -> None:
    """Uploading the same file again finds all three already there and offers no Import."""
    fake = bot.fake
    _, preview = await upload(fake, CONNECTIONS)
    click = await fake.click(preview, ids_of(preview)[0], user_id=ALICE)
    await click.wait_edit()
    bot.clock.advance(COOLDOWNS["import"])  # an upload this soon after the last is refused
    _, again = await upload(fake, CONNECTIONS, filename="renamed.txt")
    assert "**0** new contacts" in description(again)
    assert "0 would gain details or tags, 3 unchanged" in description(again)
    assert "Nothing to import" in description(again)
    assert ids_of(again) == []
    assert await contact_count(bot) == 3


async def test_another_student_cannot_confirm(bot: RunningBot) -> None:
    """BOB clicking ALICE's Import is refused privately and imports nothing for either."""
    fake = bot.fake
    _, preview = await upload(fake, CONNECTIONS)
    click = await fake.click(preview, ids_of(preview)[0], user_id=BOB)
    await click.response()
    [refusal] = await click.wait_followup()
    assert "expired" in refusal["content"] and refusal["flags"] & 64
    assert await contact_count(bot, ALICE) == 0
    assert await contact_count(bot, BOB) == 0
    assert fake.messages[int(preview["id"])]["components"]  # ALICE's buttons still there


async def test_oversized_file_is_refused_before_download(bot: RunningBot) -> None:
    """A 6 MB file is refused from its announced size; the bot never downloads it."""
    fake = bot.fake
    handle, message = await upload(fake, b"x" * (6 * 1024 * 1024))
    assert message["content"].startswith("That file is 6.0 MB; I can import files up to 5 MB.")
    assert is_ephemeral(await handle.response())
    assert fake.downloads == []


async def test_malformed_file_names_the_line(bot: RunningBot) -> None:
    """A CSV with an unterminated quote is refused naming line 7; nothing is imported."""
    fake = bot.fake
    broken = CONNECTIONS.replace(b"Sam,Lee", b'Sam,"Lee')
    _, message = await upload(fake, broken)
    assert message["flags"] & 64
    assert "Line 7: a quoted value starts here and is never closed" in message["content"]
    assert await contact_count(bot) == 0
