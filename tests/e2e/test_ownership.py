"""One student can never read, change, remove or log against another's contact, by any route."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ALICE, BOB, GUILD_ID, RunningBot, custom_ids, embed_of, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_contacts import add, contact_id_from

pytestmark = pytest.mark.e2e

NOT_FOUND = "couldn't find that contact"


async def alice_card(fake: FakeDiscord) -> tuple[int, dict[str, Any]]:
    response = await add(fake, ALICE, name="Alice's Mentor", notes="private to Alice")
    return contact_id_from(response), fake.handles[-1].message


def refused(response: dict[str, Any], phrase: str = NOT_FOUND) -> bool:
    text = response["data"].get("content") or ""
    return is_ephemeral(response) and phrase in text and "Alice's Mentor" not in str(response)


async def assert_untouched(bot: RunningBot, cid: int) -> None:
    assert bot.app is not None
    contact = await bot.app.services.contacts.get(ALICE, cid)
    assert contact.name == "Alice's Mentor"
    assert contact.draft.notes == "private to Alice"
    assert await bot.app.services.contacts.history(ALICE, cid) == []


@pytest.mark.parametrize(
    ("subcommand", "extra"),
    [
        ("show", {}),
        ("edit", {}),
        ("edit", {"role": "faculty"}),
        ("edit", {"email": "-"}),
        ("remove", {}),
    ],
)
async def test_contact_commands_refuse_another_students_id(
    bot: RunningBot, subcommand: str, extra: dict[str, Any]
) -> None:
    """Bob passing Alice's contact id to a /contact command gets 'not found'."""
    fake = bot.fake
    cid, _ = await alice_card(fake)
    handle = await fake.slash(
        "contact",
        subcommand=subcommand,
        user_id=BOB,
        guild_id=GUILD_ID,
        options={"contact": str(cid), **extra},
    )
    assert refused(await handle.response())
    await assert_untouched(bot, cid)


async def test_log_refuses_another_students_contact(bot: RunningBot) -> None:
    """/log against Alice's contact id, as Bob, writes nothing."""
    fake = bot.fake
    cid, _ = await alice_card(fake)
    handle = await fake.slash(
        "log",
        user_id=BOB,
        guild_id=GUILD_ID,
        options={"contact": str(cid), "kind": "emailed", "note": "sneaky"},
    )
    assert refused(await handle.response())
    await assert_untouched(bot, cid)


async def test_autocomplete_shows_only_own_contacts(fake: FakeDiscord) -> None:
    """Bob's suggestions never include Alice's contacts, whatever he types."""
    await alice_card(fake)
    await add(fake, BOB, name="Bob's Tutor")
    for typed in ("", "a", "alice", "mentor"):
        handle = await fake.autocomplete(
            "log", user_id=BOB, guild_id=GUILD_ID, options={"contact": typed}, focused="contact"
        )
        names = [c["name"] for c in (await handle.response())["data"]["choices"]]
        assert not any("Alice" in n for n in names), typed


@pytest.mark.parametrize("action", ["edit", "log", "remove"])
async def test_buttons_refuse_another_student(bot: RunningBot, action: str) -> None:
    """Bob clicking a forged button carrying Alice's contact id is told 'not found'."""
    fake = bot.fake
    cid, message = await alice_card(fake)
    if action == "remove":
        ask = await fake.slash(
            "contact",
            subcommand="remove",
            user_id=ALICE,
            guild_id=GUILD_ID,
            options={"contact": str(cid)},
        )
        await ask.response()
        message = ask.message
    click = await fake.click(message, f"contact:{action}:{cid}", user_id=BOB)
    response = await click.response()
    assert response["type"] == 4 and refused(response)
    await assert_untouched(bot, cid)


@pytest.mark.parametrize("form", ["editform", "logform"])
async def test_forms_refuse_another_student(bot: RunningBot, form: str) -> None:
    """A form submission naming Alice's contact, sent by Bob, changes nothing."""
    fake = bot.fake
    cid, message = await alice_card(fake)
    opener = "edit" if form == "editform" else "log"
    await (await fake.click(message, f"contact:{opener}:{cid}", user_id=ALICE)).response()
    values = (
        {"name": "Hijacked", "notes": "changed by Bob"}
        if form == "editform"
        else {"kind": ["emailed"], "note": "by Bob"}
    )
    submit = await fake.submit_modal(f"contact:{form}:{cid}", values, user_id=BOB)
    assert refused(await submit.response())
    await assert_untouched(bot, cid)


async def test_list_and_search_show_only_own_contacts(fake: FakeDiscord) -> None:
    """Bob's list and search never contain Alice's contacts."""
    await alice_card(fake)
    listing = await fake.slash("contact", subcommand="list", user_id=BOB, guild_id=GUILD_ID)
    assert "No contacts yet" in embed_of(await listing.response())["description"]
    search = await fake.slash(
        "contact", subcommand="search", user_id=BOB, guild_id=GUILD_ID, options={"query": "mentor"}
    )
    assert "Nobody matches" in embed_of(await search.response())["description"]


async def test_page_and_duplicate_buttons_refuse_another_student(bot: RunningBot) -> None:
    """Alice's stored list filter and held duplicate cannot be used by Bob."""
    fake = bot.fake
    for i in range(9):
        await add(fake, ALICE, name=f"Faculty {i}", role="faculty")
    listing = await fake.slash(
        "contact", subcommand="list", user_id=ALICE, guild_id=GUILD_ID, options={"role": "faculty"}
    )
    next_id = custom_ids(await listing.response())[1]
    page = await (await fake.click(listing.message, next_id, user_id=BOB)).response()
    assert refused(page, "expired")
    await add(fake, ALICE, name="faculty 1")
    question = fake.handles[-1]
    update_id = custom_ids(question.initial_response)[0]
    dupe = await (await fake.click(question.message, update_id, user_id=BOB)).response()
    assert refused(dupe, "expired")
    # Alice can still answer her own question afterwards.
    own = await (await fake.click(question.message, update_id, user_id=ALICE)).response()
    assert own["type"] == 7
