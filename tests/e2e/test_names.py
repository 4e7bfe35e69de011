"""A name typed with a credential, the greeting the card suggests, and "address as" in drafts."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import ALICE, GUILD_ID, RunningBot, custom_ids, embed_of, is_ephemeral

pytestmark = pytest.mark.e2e

ADDRESS = "Drafts address them as"


def _field(embed: dict[str, Any], name: str) -> str:
    [value] = [f["value"] for f in embed.get("fields", []) if f["name"] == name]
    return value


async def test_credentials_in_the_name_then_address_as_reaches_the_draft(
    bot: RunningBot,
) -> None:
    """ "Helen Marsh, MD" is suggested "Dr. Marsh"; the edited "address as" opens the draft."""
    fake = bot.fake
    assert bot.app is not None
    await bot.app.services.drafts.save_profile(
        ALICE,
        {"name": "Maya Chen", "school": "Riverside", "stage": "second-year medical student"},
    )
    added = await (
        await fake.slash(
            "contact",
            subcommand="add",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={
                "name": "Helen Marsh, MD",
                "role": "attending",
                "email": "h.marsh@example.org",
            },
        )
    ).response()
    assert is_ephemeral(added)
    card = embed_of(added)
    assert card["title"] == "Helen Marsh, MD"
    assert _field(card, ADDRESS).startswith("Dr. Marsh (suggested")
    [edit] = [c for c in custom_ids(added) if c.startswith("contact:edit:")]
    contact_id = edit.rsplit(":", 1)[1]

    edited = await (
        await fake.slash(
            "contact",
            subcommand="edit",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"contact": contact_id, "address_as": "Dr. Marsh-Whitaker"},
        )
    ).response()
    assert _field(embed_of(edited), ADDRESS) == "Dr. Marsh-Whitaker"

    drafted = await (
        await fake.slash(
            "followup",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"contact": contact_id, "event": "grand rounds on heart failure"},
        )
    ).response()
    body = drafted["data"]["content"]
    assert re.search(r"^(Dear|Hi|Hello) Dr\. Marsh-Whitaker,", body, re.MULTILINE), body
    assert "Dr. Marsh," not in body and "MD" not in body.split("\n", 1)[0]
    assert embed_of(drafted)["title"].endswith("to Dr. Marsh-Whitaker")

    cleared = await (
        await fake.slash(
            "contact",
            subcommand="edit",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"contact": contact_id, "address_as": "-"},
        )
    ).response()
    assert _field(embed_of(cleared), ADDRESS).startswith("Dr. Marsh (suggested")


async def test_followup_with_a_new_spelling_reuses_the_contact(bot: RunningBot) -> None:
    """/followup "Marsh, Helen" finds "Dr. Helen Marsh" rather than adding a second person."""
    fake = bot.fake
    assert bot.app is not None
    await bot.app.services.drafts.save_profile(
        ALICE, {"name": "Maya Chen", "school": "Riverside", "stage": "second-year medical student"}
    )
    await (
        await fake.slash(
            "contact",
            subcommand="add",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"name": "Dr. Helen Marsh", "role": "attending"},
        )
    ).response()
    drafted = await (
        await fake.slash(
            "followup",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"contact": "Marsh, Helen", "event": "grand rounds"},
        )
    ).response()
    assert "Dr. Marsh" in drafted["data"]["content"]
    assert len(await bot.app.services.contacts.all_contacts(ALICE)) == 1
