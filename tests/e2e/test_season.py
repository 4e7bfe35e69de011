"""The residency season end to end: /season setup and week, /letters ask, list, mark and
remove through the fake Discord, with the real database and the shipped calendars.

The clock stands at November 22, 2026: interview season of the 2027 Match.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import icalendar
import pytest

from tests.e2e.conftest import ALICE, BOB, GUILD_ID, RunningBot, embed_of, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_contacts import add, contact_id_from
from tests.e2e.test_drafts import assert_draft_reply, give_profile
from tests.e2e.test_import import ids_of, upload
from tests.e2e.test_privacy import privacy

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


async def interview_handle(fake: FakeDiscord, user_id: int = ALICE, **options: Any) -> Any:
    return await fake.slash(
        "interview", subcommand="log", user_id=user_id, guild_id=GUILD_ID, options=options
    )


async def interview(fake: FakeDiscord, user_id: int = ALICE, **options: Any) -> dict:
    return await (await interview_handle(fake, user_id, **options)).response()


async def test_interview_thank_yous_one_per_interviewer(bot: RunningBot) -> None:
    """Two interviewers typed as new names: two drafts, each greeting its own interviewer,
    naming the program and the day, in different words; the interview is an event."""
    fake = bot.fake
    await give_profile(bot)
    handle = await interview_handle(
        fake,
        program="the St Mary's internal medicine residency",
        interviewer="Dr. Helen Marsh",
        interviewer_2="Dr. Jun He",
        when="yesterday",
    )
    first = await handle.response()
    assert_draft_reply(first, greets="Dr. Marsh")
    body = first["data"]["content"]
    assert "St Mary's internal medicine residency" in body and "yesterday" in body
    [second] = await handle.wait_followup(1)
    assert is_ephemeral({"data": second}) and second["allowed_mentions"] == {"parse": []}
    assert second["content"].startswith(("Dear Dr. He", "Hi Dr. He", "Hello Dr. He"))
    # A different version: the two interviewers may compare notes.
    assert second["content"].replace("Dr. He", "X") != body.replace("Dr. Marsh", "X")
    assert bot.app is not None
    async with bot.app.db.execute(
        "SELECT e.kind, e.held_on, i.program, i.no_contact FROM events e "
        "JOIN interviews i ON i.event_id = e.id"
    ) as cursor:
        rows = await cursor.fetchall()
    assert [tuple(r) for r in rows] == [
        ("interview", "2026-11-21", "the St Mary's internal medicine residency", 0)
    ]


async def test_a_no_contact_program_gets_no_thank_you(bot: RunningBot) -> None:
    """The student is told why; the interviewers stay out of follow-up reminders until the
    day after Match Day; no draft is stored."""
    fake = bot.fake
    await give_profile(bot)
    await season(fake, "setup", cycle="us-2027")
    reply = await interview(
        fake, program="Lakeside surgery", interviewer="Dr. Ana Ruiz", no_contact=True
    )
    assert is_ephemeral(reply)
    embed = embed_of(reply)
    assert "asked applicants not to contact it" in embed["description"]
    assert "Dr. Ana Ruiz" in embed["fields"][0]["value"]
    assert bot.app is not None
    async with bot.app.db.execute("SELECT COUNT(*) FROM drafts") as cursor:
        assert (await cursor.fetchone())[0] == 0
    async with bot.app.db.execute("SELECT snoozed_until FROM contacts") as cursor:
        assert [r[0] for r in await cursor.fetchall()] == ["2027-03-20"]


async def test_an_interview_with_another_students_contact_stores_nothing(bot: RunningBot) -> None:
    fake = bot.fake
    theirs = contact_id_from(await add(fake, BOB, name="Bob's Mentor"))
    reply = await interview(fake, program="Lakeside surgery", interviewer=str(theirs))
    assert is_ephemeral(reply) and "couldn't find" in reply["data"]["content"]
    assert bot.app is not None
    async with bot.app.db.execute("SELECT COUNT(*) FROM events") as cursor:
        assert (await cursor.fetchone())[0] == 0


async def test_the_season_is_exported_with_its_deadlines_and_restored(bot: RunningBot) -> None:
    """/privacy export carries the plan and the letter (JSON) and the upcoming deadlines
    (.ics); after /privacy delete, importing the JSON brings the letter back."""
    fake = bot.fake
    await season(fake, "setup", cycle="us-2027")
    writer = contact_id_from(await add(fake, name="Dr. Amara Okafor, MD", role="attending"))
    await letters(fake, "ask", writer=str(writer), deadline="2027-01-15", programs="IM")
    handle = await privacy(bot, "export")
    await handle.response()
    [message] = await handle.wait_followup(1)
    files = {f["filename"]: f["data"] for f in message["attachments_data"]}
    document = json.loads(files["networking-coach.json"])
    assert [p["cycle"] for p in document["season_plan"]] == ["us-2027"]
    assert [(x["stage"], x["deadline"]) for x in document["letters"]] == [("asked", "2027-01-15")]
    calendar = icalendar.Calendar.from_ical(files["season-deadlines.ics"])
    summaries = {str(e.get("summary")): e.get("dtstart").dt for e in calendar.walk("VEVENT")}
    assert summaries["Letter due from Dr. Amara Okafor, MD"] == date(2027, 1, 15)
    assert summaries["Match Day"] > date(2027, 1, 15)
    ask = await privacy(bot, "delete")
    await ask.response()
    await (await fake.click(ask.message, "privacy:delete:0", user_id=ALICE)).response()
    assert embed_of(await letters(fake, "list")).get("fields") is None
    _, preview = await upload(fake, files["networking-coach.json"], filename="export.json")
    assert "**1** letters of recommendation" in preview["embeds"][0]["description"]
    confirm, _ = ids_of(preview)
    await (await fake.click(preview, confirm, user_id=ALICE)).wait_edit()
    listed = embed_of(await letters(fake, "list"))
    assert [f["name"] for f in listed["fields"]] == ["Dr. Amara Okafor, MD"]
