"""Recording contacts end to end: add, list, show, edit, remove, search, log, Save as contact."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import (
    ALICE,
    GUILD_ID,
    RunningBot,
    custom_ids,
    embed_of,
    is_ephemeral,
)
from tests.e2e.fake_discord import FakeDiscord

pytestmark = pytest.mark.e2e

FULL = {
    "name": "Amara Okafor",
    "role": "attending",
    "title": "Dr.",
    "specialty": "Cardiology",
    "institution": "St Mary's Hospital",
    "where_met": "Cardiology interest group talk",
    "date_met": "last friday",
    "email": "A.Okafor@Example.org",
    "profile_url": "linkedin.com/in/amara-okafor",
    "notes": "Runs the heart-failure clinic; suggested the GUIDE-HF trial.",
    "tags": "cardio, #Mentor, cardio",
}


async def add(fake: FakeDiscord, user_id: int = ALICE, **options: Any) -> dict[str, Any]:
    handle = await fake.slash(
        "contact", subcommand="add", user_id=user_id, guild_id=GUILD_ID, options=options
    )
    return await handle.response()


def contact_id_from(response: dict[str, Any]) -> int:
    [edit] = [c for c in custom_ids(response) if c.startswith("contact:edit:")]
    return int(edit.rsplit(":", 1)[1])


def field(embed: dict[str, Any], name: str) -> str:
    for item in embed.get("fields", []):
        if item["name"] == name:
            return item["value"]
    raise AssertionError(f"no field {name!r} in {[f['name'] for f in embed.get('fields', [])]}")


async def contact_count(bot: RunningBot, owner: int = ALICE) -> int:
    """Counted straight from the database file the bot writes to."""
    assert bot.app is not None
    async with bot.app.db.execute(
        "SELECT COUNT(*) FROM contacts WHERE owner_id = ?", (owner,)
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def test_add_with_every_field_replies_with_private_card(fake: FakeDiscord) -> None:
    """/contact add saves every field and answers with an ephemeral card and its buttons."""
    response = await add(fake, **FULL)
    assert response["type"] == 4 and is_ephemeral(response)
    assert response["data"]["allowed_mentions"] == {"parse": []}
    embed = embed_of(response)
    assert embed["title"] == "Dr. Amara Okafor"
    assert "Attending" in embed["description"] and "Cardiology" in embed["description"]
    assert field(embed, "Where and when you met") == "Cardiology interest group talk · 20 Nov 2026"
    assert field(embed, "E-mail") == "A.Okafor@example.org"
    assert field(embed, "Profile") == "https://linkedin.com/in/amara-okafor"
    assert field(embed, "Tags") == "cardio, mentor"
    assert field(embed, "Next") == "follow up today"  # met 2 days ago, nothing sent yet
    ids = custom_ids(response)
    cid = contact_id_from(response)
    assert ids == [f"contact:log:{cid}", f"contact:edit:{cid}"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"tags": ",".join(f"t{i}" for i in range(11))}, "up to 10"),
        ({"tags": "x" * 33}, "limit is 32"),
        ({"email": "not-an-address"}, "doesn't look like an e-mail"),
        ({"profile_url": "javascript:alert(1)"}, "http:// or https://"),
        ({"profile_url": "ftp://files.example.org/cv"}, "http:// or https://"),
        ({"date_met": "next friday"}, "in the future"),
        ({"date_met": "{{ 7*7 }}"}, "couldn't read"),
        ({"date_met": "2026-02-30"}, "not a real date"),
        ({"name": "\u200b\u200b"}, "needs a name"),
    ],
)
async def test_bad_input_gets_clear_private_error_and_saves_nothing(
    bot: RunningBot, options: dict[str, str], expected: str
) -> None:
    """Input that breaks a rule is refused ephemerally with a reason, and nothing is stored."""
    response = await add(bot.fake, **{"name": "Sam Lee", **options})
    assert response["type"] == 4 and is_ephemeral(response)
    assert expected in response["data"]["content"]
    assert "embeds" not in response["data"] or not response["data"]["embeds"]
    assert await contact_count(bot) == 0


async def test_markdown_mentions_and_template_syntax_are_shown_verbatim(fake: FakeDiscord) -> None:
    """Names and notes with markdown, @everyone and {{ }} are stored as typed and never ping."""
    response = await add(
        fake,
        name="**Bold** @everyone",
        notes='{{ 7*7 }} {% for x in y %} "quoted" <@123> `code`',
    )
    embed = embed_of(response)
    assert embed["title"] == "\\*\\*Bold\\*\\* @everyone"
    assert field(embed, "Notes") == '{{ 7\\*7 }} {% for x in y %} "quoted" <@123> \\`code\\`'
    assert not fake.mentions_allowed(response["data"])


async def test_bidi_overrides_are_removed_from_names(fake: FakeDiscord) -> None:
    """Right-to-left override characters cannot disguise a saved name."""
    response = await add(fake, name="Ali\u202ece Moreno")
    assert embed_of(response)["title"] == "Alice Moreno"


async def test_duplicate_by_accent_folded_name_asks_then_updates(bot: RunningBot) -> None:
    """A second 'jose nunez' asks whether to update José Núñez; Update merges, no new row."""
    fake = bot.fake
    first = await add(fake, name="José Núñez", specialty="Neurology")
    original = contact_id_from(first)
    question = await add(fake, name="jose  NUNEZ", email="jn@example.org", tags="neuro")
    assert is_ephemeral(question)
    assert "same person" in question["data"]["content"]
    ids = custom_ids(question)
    assert ids == [
        f"contact:dupe:{ids[0].split(':')[2]}:{original}",
        f"contact:dupe:{ids[0].split(':')[2]}:new",
    ]
    handle = await fake.click(fake.handles[-1].message, ids[0], user_id=ALICE)
    updated = await handle.response()
    assert updated["type"] == 7
    embed = embed_of(updated)
    assert embed["title"] == "José Núñez"
    assert field(embed, "E-mail") == "jn@example.org"
    assert "Neurology" in embed["description"]
    assert await contact_count(bot) == 1
    assert custom_ids(updated) == [f"contact:log:{original}", f"contact:edit:{original}"]


async def test_duplicate_by_email_can_be_added_anyway(bot: RunningBot) -> None:
    """A matching e-mail (any case) asks first; 'Add as new' keeps both contacts."""
    fake = bot.fake
    await add(fake, name="Priya Shah", email="priya@example.org")
    question = await add(fake, name="P. Shah", email="PRIYA@example.org")
    add_new = custom_ids(question)[-1]
    assert add_new.endswith(":new")
    handle = await fake.click(fake.handles[-1].message, add_new, user_id=ALICE)
    response = await handle.response()
    assert embed_of(response)["title"] == "P. Shah"
    assert await contact_count(bot) == 2
