"""Coaching end to end: /tip, /prep, /pitch and its save button, /goals, /progress, and the
coaching parts of the weekly digest.

Tip and question wording is the content authors' business: these journeys check that what is
shown comes from the right part of prompts/coach, and the structure around it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.content.coach import MEETING_KINDS
from bot.core.flight import COOLDOWNS
from bot.core.models import ExchangeKind
from bot.discord_adapter.presenters import esc
from tests.e2e.conftest import ALICE, BOB, RunningBot, custom_ids, embed_of, is_ephemeral
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.test_contacts import add, contact_id_from
from tests.e2e.test_drafts import field, give_profile, slash
from tests.e2e.test_reminders import DUE, MINUTE, opt_in, wait_digest, with_contact
from tests.fakes import FakeClock, shipped_coach_library

pytestmark = pytest.mark.e2e

LIBRARY = shipped_coach_library()
ANSWERS = {
    "intro": "I'm Maya, a second-year medical student at Riverside",
    "draw": "A heart-failure patient on my first placement drew me to cardiology",
    "hope": "I'd love to hear how you chose your field!",
}
PITCH = (
    "I'm Maya, a second-year medical student at Riverside. "
    "A heart-failure patient on my first placement drew me to cardiology. "
    "I'd love to hear how you chose your field!"
)


def shown_tips(topic: str | None = None) -> set[str]:
    """Every tip of the topic (all topics if None), as an embed shows it."""
    return {esc(tip.text) for tip in LIBRARY.tips(topic)}


async def answer(fake: FakeDiscord, name: str, user_id: int = ALICE, **options: Any) -> dict:
    return await (await slash(fake, name, user_id, **options)).response()


async def composed_pitch(fake: FakeDiscord, user_id: int = ALICE) -> tuple[dict, dict, int]:
    """/pitch, then the form submitted: the reply, its message and the pending id."""
    opened = await answer(fake, "pitch", user_id)
    assert opened["type"] == 9 and opened["data"]["custom_id"] == "pitch:form:0"
    handle = await fake.submit_modal("pitch:form:0", ANSWERS, user_id=user_id)
    reply = await handle.response()
    [button] = custom_ids(reply)
    match = re.fullmatch(r"pitch:save:(\d+)", button)
    assert match, button
    assert handle.message is not None
    return reply, handle.message, int(match[1])


async def profile_pitch(bot: RunningBot, user_id: int = ALICE) -> str | None:
    assert bot.app is not None
    profile = await bot.app.services.drafts.profile(user_id)
    assert profile is not None
    return profile.pitch


# -- /tip ---------------------------------------------------------------------------------------


async def test_tip_is_a_private_embed_with_a_tip(fake: FakeDiscord) -> None:
    """/tip answers privately with one tip; a new student gets a start-where-you-are tip."""
    response = await answer(fake, "tip")
    assert response["type"] == 4 and is_ephemeral(response)
    embed = embed_of(response)
    assert embed["description"] in shown_tips("start_where_you_are")
    assert embed["author"]["name"] == "Tip · Starting with people you know"


async def test_tip_with_topic_rotations(fake: FakeDiscord) -> None:
    """/tip topic:rotations gives rotation tips, a different one each time."""
    first = embed_of(await answer(fake, "tip", topic="rotations"))
    second = embed_of(await answer(fake, "tip", topic="rotations"))
    for embed in (first, second):
        assert embed["author"]["name"] == "Tip · Clinical rotations"
        assert embed["description"] in shown_tips("rotations")
    assert first["description"] != second["description"]


async def test_tip_follows_the_latest_contact(fake: FakeDiscord) -> None:
    """After adding someone met at a clerkship, /tip without a topic is about rotations."""
    await add(fake, name="Amara Okafor", where_met="surgery clerkship")
    embed = embed_of(await answer(fake, "tip"))
    assert embed["description"] in shown_tips("rotations")


# -- /prep --------------------------------------------------------------------------------------


async def test_prep_office_hours_checklist_and_five_questions(fake: FakeDiscord) -> None:
    """/prep kind:office_hours: the whole checklist and five numbered questions from the bank."""
    response = await answer(fake, "prep", kind="office_hours")
    assert response["type"] == 4 and is_ephemeral(response)
    embed = embed_of(response)
    assert embed["title"] == f"Before your {MEETING_KINDS['office_hours'].lower()}"
    assert "description" not in embed  # no contact to describe
    checklist = field(embed, "Checklist")
    assert checklist is not None
    assert checklist.splitlines() == [
        f"☐ {esc(item)}" for item in LIBRARY.checklists["office_hours"]
    ]
    questions = field(embed, "Five questions worth asking")
    assert questions is not None
    lines = questions.splitlines()
    assert [line.split(". ", 1)[0] for line in lines] == ["1", "2", "3", "4", "5"]
    bank = {esc(q) for q in LIBRARY.questions["office_hours"]}
    asked = [line.split(". ", 1)[1] for line in lines]
    assert set(asked) <= bank and len(set(asked)) == 5


async def test_prep_with_contact_names_them_and_shows_notes(bot: RunningBot) -> None:
    """/prep with a contact: their name in the title, their notes and the last noted exchange."""
    fake = bot.fake
    cid = contact_id_from(
        await add(
            fake,
            name="Amara Okafor",
            title="Dr.",
            role="researcher",
            specialty="Cardiology",
            notes="Runs the echo lab; likes students who code",
        )
    )
    assert bot.app is not None
    await bot.app.services.contacts.log_exchange(
        ALICE, cid, ExchangeKind.EMAILED, note="Asked about her echo study"
    )
    embed = embed_of(await answer(fake, "prep", kind="research", contact=str(cid)))
    assert embed["title"] == "Before your research conversation with Dr. Amara Okafor"
    description = embed["description"]
    assert "Researcher · Cardiology" in description
    assert "Your notes: Runs the echo lab; likes students who code" in description
    assert "Asked about her echo study" in description
    assert field(embed, "Checklist") and field(embed, "Five questions worth asking")


async def test_prep_asks_about_what_the_student_noted(fake: FakeDiscord) -> None:
    """/prep with a contact noted as running the echo research group: the first question is
    about that group, the next about their specialty, then the bank's."""
    cid = contact_id_from(
        await add(
            fake,
            name="Helen Marsh, MD",
            role="attending",
            specialty="Cardiology",
            notes="Runs the echo research group",
        )
    )
    embed = embed_of(await answer(fake, "prep", kind="shadowing", contact=str(cid)))
    questions = field(embed, "Five questions worth asking")
    assert questions is not None
    asked = [line.split(". ", 1)[1] for line in questions.splitlines()]
    assert len(asked) == 5
    assert "the echo research group" in asked[0]
    assert "cardiology" in asked[1]
    assert set(asked[2:]) <= {esc(q) for q in LIBRARY.questions["shadowing"]}


async def test_prep_with_another_students_contact_is_refused(bot: RunningBot) -> None:
    """Bob naming Alice's contact id gets "couldn't find", and nothing about the contact."""
    fake = bot.fake
    cid = contact_id_from(await add(fake, name="Amara Okafor", notes="Secret note"))
    response = await answer(fake, "prep", BOB, kind="research", contact=str(cid))
    assert is_ephemeral(response)
    text = str(response["data"])
    assert "couldn't find" in text and "Amara" not in text and "Secret" not in text


# -- /pitch -------------------------------------------------------------------------------------


async def test_pitch_form_composes_and_save_button_saves(bot: RunningBot) -> None:
    """/pitch form → private pitch with length and a save button → saved, button removed."""
    fake = bot.fake
    reply, message, pending_id = await composed_pitch(fake)
    assert reply["type"] == 4 and is_ephemeral(reply)
    embed = embed_of(reply)
    assert embed["title"] == "Your elevator pitch"
    assert embed["description"] == esc(PITCH)
    words = len(PITCH.split())
    assert field(embed, "Length") == f"{words} words · about {round(words / 2.5)} seconds aloud"
    assert embed["footer"]["text"] == LIBRARY.pitch["tip"]

    await give_profile(bot)
    click = await fake.click(message, f"pitch:save:{pending_id}", user_id=ALICE)
    saved = await click.response()
    assert saved["type"] == 7
    assert "Saved" in saved["data"]["content"]
    assert await profile_pitch(bot) == PITCH
    stored = fake.messages[int(message["id"])]
    assert custom_ids(stored) == [] and "Saved" in stored["content"]


async def test_pitch_save_without_profile_asks_then_works(bot: RunningBot) -> None:
    """Save without a profile asks for /profile; after it, the same button saves the pitch."""
    fake = bot.fake
    _, message, pending_id = await composed_pitch(fake)
    refused = await (
        await fake.click(message, f"pitch:save:{pending_id}", user_id=ALICE)
    ).response()
    assert is_ephemeral(refused) and "/profile" in refused["data"]["content"]
    assert custom_ids(fake.messages[int(message["id"])]) == [f"pitch:save:{pending_id}"]

    await give_profile(bot)
    saved = await (await fake.click(message, f"pitch:save:{pending_id}", user_id=ALICE)).response()
    assert saved["type"] == 7
    assert await profile_pitch(bot) == PITCH


async def test_pitch_form_with_a_blank_answer_is_refused(fake: FakeDiscord) -> None:
    """A blank answer gets a private explanation and no save button."""
    await answer(fake, "pitch")
    handle = await fake.submit_modal("pitch:form:0", {**ANSWERS, "draw": "   "}, user_id=ALICE)
    response = await handle.response()
    assert is_ephemeral(response)
    assert "all three questions" in response["data"]["content"]
    assert custom_ids(response) == []


async def test_bob_cannot_save_alices_pitch(bot: RunningBot) -> None:
    """Bob clicking Alice's save button is told it expired; Alice's profile is unchanged."""
    fake = bot.fake
    await give_profile(bot)
    await give_profile(bot, BOB, name="Bob Stone")
    _, message, pending_id = await composed_pitch(fake)
    response = await (await fake.click(message, f"pitch:save:{pending_id}", user_id=BOB)).response()
    assert is_ephemeral(response) and "expired" in response["data"]["content"]
    assert await profile_pitch(bot) is None
    assert await profile_pitch(bot, BOB) is None

    saved = await (await fake.click(message, f"pitch:save:{pending_id}", user_id=ALICE)).response()
    assert saved["type"] == 7 and await profile_pitch(bot) == PITCH


# -- /goals and /progress -----------------------------------------------------------------------


async def test_goals_sets_and_echoes(bot: RunningBot) -> None:
    """/goals answers privately with the whole goal; options left out keep their values."""
    fake = bot.fake
    first = await answer(fake, "goals", new_contacts=4)
    assert first["type"] == 4 and is_ephemeral(first)
    assert first["data"]["content"].startswith(
        "Your weekly goal: 4 new contacts, 3 follow-ups, 1 check-ins."
    )
    second = await answer(fake, "goals", follow_ups=0, check_ins=2)
    assert second["data"]["content"].startswith(
        "Your weekly goal: 4 new contacts, 0 follow-ups, 2 check-ins."
    )
    assert bot.app is not None
    goal = await bot.app.services.coaching.goal(ALICE)
    assert (goal.new_contacts, goal.follow_ups, goal.check_ins) == (4, 0, 2)
    assert (await bot.app.services.coaching.goal(BOB)).new_contacts == 2


async def test_progress_defers_then_sends_embed_with_chart(fake: FakeDiscord) -> None:
    """/progress defers privately, then follows up with the embed and an attached PNG chart."""
    await add(fake, name="Amara Okafor", role="resident", specialty="Surgery")
    handle = await slash(fake, "progress")
    deferred = await handle.response()
    assert deferred["type"] == 5 and is_ephemeral(deferred)
    [message] = await handle.wait_followup(1)
    assert message["flags"] & 64
    [embed] = message["embeds"]
    assert embed["title"] == "Your networking progress"
    assert embed["image"]["url"] == "attachment://progress.png"
    week = next(f for f in embed["fields"] if f["name"].startswith("This week"))
    assert "New contacts 1/2" in week["value"]
    assert "Resident 1" in str(embed["fields"]) and "Surgery 1" in str(embed["fields"])
    [attachment] = message["attachments_data"]
    assert attachment["filename"] == "progress.png"
    assert attachment["data"].startswith(b"\x89PNG\r\n\x1a\n")
    assert [a["filename"] for a in message["attachments"]] == ["progress.png"]


# -- the weekly digest --------------------------------------------------------------------------


async def test_digest_includes_weekly_goal_and_tip(bot: RunningBot) -> None:
    """The Sunday digest shows this week against the goal and a tip fitting the first item."""
    fake = bot.fake
    await with_contact(fake)  # met at "the cardiology talk" 3 days ago: a follow-up is due
    await answer(fake, "goals", new_contacts=1)
    await opt_in(fake)
    bot.clock.set(DUE + MINUTE)
    digest = await wait_digest(fake)
    [embed] = digest["embeds"]
    assert (
        field(embed, "Your weekly goal")
        == "1/1 new contacts · 0/3 follow-ups · 0/1 check-ins · streak 0"
    )
    assert field(embed, "Tip") in shown_tips("talks")


async def test_a_second_progress_while_the_first_draws_is_refused_privately(
    fake: FakeDiscord, clock: FakeClock
) -> None:
    """Single flight: a second /progress from the same student while the first is still being
    drawn gets a private "still working" answer; the first still arrives; right after it a third
    is told when to ask again (the cooldown); after that it's free again."""
    first = await slash(fake, "progress")
    # The first holds the job once it has deferred (two commands sent at the same instant may
    # be handled in either order); its chart is drawn in a worker after that.
    assert (await first.response())["type"] == 5
    second = await slash(fake, "progress")
    refused = await second.response()
    assert refused["type"] == 4 and is_ephemeral(refused)
    assert "still working on your last progress chart" in refused["data"]["content"]
    [message] = await first.wait_followup(1)
    assert message["attachments_data"][0]["data"].startswith(b"\x89PNG")
    soon = await (await slash(fake, "progress")).response()
    assert soon["type"] == 4 and is_ephemeral(soon)
    assert soon["data"]["content"].startswith("Your last progress chart is just above.")
    clock.advance(COOLDOWNS["progress"])
    again = await slash(fake, "progress")
    assert (await again.response())["type"] == 5
    await again.wait_followup(1)
