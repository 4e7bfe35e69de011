"""The residency season end to end: /season setup and week, /letters ask, list, mark and
remove through the fake Discord, with the real database and the shipped calendars.

The clock stands at November 22, 2026: interview season of the 2027 Match.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import ALICE, BOB, GUILD_ID, RunningBot, embed_of, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_contacts import add, contact_id_from

pytestmark = pytest.mark.e2e


async def season(fake: FakeDiscord, sub: str, user_id: int = ALICE, **options: Any) -> dict:
    handle = await fake.slash(
        "season", subcommand=sub, user_id=user_id, guild_id=GUILD_ID, options=options
    )
    return await handle.response()


async def letters(fake: FakeDiscord, sub: str, user_id: int = ALICE, **options: Any) -> dict:
    handle = await fake.slash(
        "letters", subcommand=sub, user_id=user_id, guild_id=GUILD_ID, options=options
    )
    return await handle.response()


async def letter_choices(fake: FakeDiscord, sub: str, typed: str, user_id: int = ALICE) -> list:
    handle = await fake.autocomplete(
        "letters",
        subcommand=sub,
        user_id=user_id,
        guild_id=GUILD_ID,
        options={"letter": typed, "stage": "agreed"},
        focused="letter",
    )
    return (await handle.response())["data"]["choices"]


async def test_setup_then_week_in_interview_season(fake: FakeDiscord) -> None:
    """The cycle comes from autocomplete; the week names the interview thank-you rules and
    says the 2027 dates are provisional; typed specialties are shown as text, pinging no one."""
    handle = await fake.autocomplete(
        "season",
        subcommand="setup",
        user_id=ALICE,
        guild_id=GUILD_ID,
        options={"cycle": "2027"},
        focused="cycle",
    )
    [choice] = (await handle.response())["data"]["choices"]
    assert choice["value"] == "us-2027" and "provisional" in choice["name"]
    reply = await season(
        fake, "setup", cycle="us-2027", specialties="Internal Medicine, @everyone **Surgery**"
    )
    assert is_ephemeral(reply)
    assert reply["data"]["allowed_mentions"] == {"parse": []}
    embed = embed_of(reply)
    assert "never ask where you stand" in embed["description"]
    assert "provisional" in embed["footer"]["text"]
    specialties = embed["fields"][0]["value"]
    assert "\\*\\*Surgery\\*\\*" in specialties  # shown as typed, not bold
    week = await season(fake, "week")
    assert embed_of(week)["description"] == embed["description"]


async def test_week_before_setup_and_a_cycle_without_a_calendar(fake: FakeDiscord) -> None:
    first = await season(fake, "week")
    assert "/season setup" in first["data"]["content"]
    reply = await season(fake, "setup", cycle="us-2031")
    assert "no calendar for your cycle" in embed_of(reply)["description"]


async def test_bad_cycle_is_refused_privately(bot: RunningBot) -> None:
    reply = await season(bot.fake, "setup", cycle="{{ 7*7 }}")
    assert is_ephemeral(reply)
    assert "like `us-2027`" in reply["data"]["content"]
    assert bot.app is not None
    async with bot.app.db.execute("SELECT COUNT(*) FROM season_plans") as cursor:
        assert (await cursor.fetchone())[0] == 0


async def test_the_letters_ledger(fake: FakeDiscord) -> None:
    """Ask, list, mark submitted (a thank-you is owed today), and Bob sees none of it."""
    await season(fake, "setup", cycle="us-2027")
    writer = contact_id_from(await add(fake, name="Dr. Amara Okafor, MD", role="attending"))
    asked = await letters(
        fake, "ask", writer=str(writer), deadline="2027-01-15", programs="IM programs"
    )
    embed = embed_of(asked)
    assert embed["title"] == "Tracking a letter from Dr. Amara Okafor, MD"
    assert "check in if it isn't in on January 1, 2027" in embed["fields"][0]["value"]
    listed = embed_of(await letters(fake, "list"))
    assert [f["name"] for f in listed["fields"]] == ["Dr. Amara Okafor, MD"]
    [choice] = await letter_choices(fake, "mark", "oka")
    assert choice["name"] == "Dr. Amara Okafor, MD — Asked"
    marked = await letters(fake, "mark", letter=choice["value"], stage="submitted")
    assert "send a thank-you on November 22, 2026" in marked["data"]["content"]
    back = await letters(fake, "mark", letter=choice["value"], stage="agreed")
    assert is_ephemeral(back) and "Nothing was changed" in back["data"]["content"]
    # Bob: no suggestions, and Alice's letter id in his hands is an expired action.
    assert await letter_choices(fake, "mark", "", user_id=BOB) == []
    forged = await letters(fake, "remove", user_id=BOB, letter=choice["value"])
    assert is_ephemeral(forged) and "nothing was changed" in forged["data"]["content"]
    assert embed_of(await letters(fake, "list", user_id=BOB)).get("fields") is None
    removed = await letters(fake, "remove", letter=choice["value"])
    assert "Stopped tracking" in removed["data"]["content"]


async def test_asking_another_students_contact_is_refused(fake: FakeDiscord) -> None:
    theirs = contact_id_from(await add(fake, BOB, name="Bob's Mentor"))
    reply = await letters(fake, "ask", writer=str(theirs))
    assert is_ephemeral(reply)
    assert "couldn't find that contact" in reply["data"]["content"]
