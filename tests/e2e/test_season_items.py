"""The season's letter reminders end to end: the DM a letter reminder sends on its day, once,
with Draft / Done / Snooze that survive a restart and act only for their owner; and the ask
reminder's Draft, which offers the student's likely writers in a menu and drafts the request.

The clock stands at Sunday, November 22, 2026 (10:00 in New York) unless a test moves it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.conftest import ALICE, BOB, RunningBot, custom_ids, embed_of, is_ephemeral
from tests.e2e.test_contacts import add, contact_id_from
from tests.e2e.test_drafts import assert_draft_reply, give_profile
from tests.e2e.test_reminders import DUE, MINUTE, dms_to, opt_in, slash, ticks
from tests.e2e.test_season import letters, season

pytestmark = pytest.mark.e2e


async def test_a_thank_you_reminder_arrives_once_and_its_buttons_work(bot: RunningBot) -> None:
    """Marked submitted today: at 18:00 Alice gets one DM to thank the writer. After a restart
    Bob's clicks change nothing; Alice's Draft drafts the thank-you, Done marks the letter
    thanked (a second Done says so), and a Snooze left on the message is refused."""
    fake = bot.fake
    await opt_in(fake, day=5)  # Saturday digests: today's DM is the reminder alone
    await season(fake, "setup", cycle="us-2027")
    writer = contact_id_from(await add(fake, name="Dr. Helen Marsh", role="attending"))
    await letters(fake, "ask", writer=str(writer))
    assert bot.app is not None
    [line] = await bot.app.services.season.letters(ALICE)  # type: ignore[union-attr]
    letter = line.letter.id
    await letters(fake, "mark", letter=str(letter), stage="submitted")

    bot.clock.set(DUE + MINUTE)  # 18:01 in New York
    [_, dm] = await fake.wait_dm(2)  # the welcome, then the reminder
    await ticks(bot)
    assert len(dms_to(fake, ALICE)) == 2
    assert "Helen Marsh" in dm["content"] and "thank-you" in dm["content"]
    assert dm["allowed_mentions"] == {"parse": []}
    ids = [f"letter:{a}:letter_thanks:{letter}" for a in ("draft", "done", "snooze")]
    assert custom_ids(dm) == ids

    await bot.restart()
    assert bot.app is not None
    for custom_id in ids:
        reply = await (await fake.click(dm, custom_id, user_id=BOB)).response()
        assert is_ephemeral(reply), custom_id
    [line] = await bot.app.services.season.letters(ALICE)  # type: ignore[union-attr]
    assert line.letter.stage.value == "submitted"

    await give_profile(bot)
    drafted = await (await fake.click(dm, ids[0], user_id=ALICE)).response()
    assert_draft_reply(drafted, greets="Dr. Marsh")
    done = await (await fake.click(dm, ids[1], user_id=ALICE)).response()
    assert is_ephemeral(done) and "Marked as thanked" in done["data"]["content"]
    again = await (await fake.click(dm, ids[1], user_id=ALICE)).response()
    assert "already done" in again["data"]["content"]
    late = await (await fake.click(dm, ids[2], user_id=ALICE)).response()
    assert is_ephemeral(late) and "no longer due" in late["data"]["content"]
    listed = embed_of(await letters(fake, "list"))
    assert "Thanked" in listed["fields"][0]["value"]


async def test_the_ask_reminder_offers_writers_and_drafts_the_request(bot: RunningBot) -> None:
    """In July, `/due` shows the reminder to ask writers; its Draft lists Alice's likely
    writers (not a classmate), and picking one drafts the letter request."""
    fake = bot.fake
    bot.clock.set(datetime(2026, 7, 9, 15, 0, tzinfo=UTC))
    await season(fake, "setup", cycle="us-2027")
    writer = contact_id_from(await add(fake, name="Dr. Helen Marsh", role="faculty"))
    await add(fake, name="Sam Ortiz", role="classmate")
    await give_profile(bot)
    due = await slash(fake, "due")
    response = await due.response()
    assert "Ask your letter writers by July 22, 2026" in embed_of(response)["description"]
    assert "letter:draft:letter_ask:0" in custom_ids(response)

    menu = await fake.click(due.message, "letter:draft:letter_ask:0", user_id=ALICE)
    offered = await menu.response()
    assert is_ephemeral(offered)
    [select] = offered["data"]["components"][0]["components"]
    assert [o["value"] for o in select["options"]] == [str(writer)]
    pick = await fake.click(menu.message, "letter:writer:0", user_id=ALICE, values=[str(writer)])
    drafted = await pick.response()
    assert_draft_reply(drafted, greets="Dr. Marsh")
    assert "September 2" in drafted["data"]["content"]
