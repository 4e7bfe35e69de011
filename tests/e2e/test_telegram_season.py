"""Telegram journeys of the residency season: /season setup and week with the shipped calendars,
the /letters ledger with its buttons, a letter reminder's Draft / Done / Snooze, /interview's
thank-yous, and /templates; the real python-telegram-bot client against the fake Bot API.

The clock stands at Sunday, November 22, 2026, 15:00 UTC (interview season of the 2027 Match)
unless a test moves it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import App
from bot.telegram_adapter.identity import student_for
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_001, "Alice", "alice_md")
BOB = TelegramUser(5_000_002, "Bob")
PROFILE = "/profile Maya Chen | Riverside School of Medicine | MS4"


def app_of(bot: TelegramBot) -> App:
    assert bot.app is not None
    return bot.app


async def count(bot: TelegramBot, table: str) -> int:
    db: Any = app_of(bot).db
    rows = await db.execute_fetchall(f"SELECT COUNT(*) FROM {table}")
    return int(rows[0][0])


class Chat:
    """One user's private chat: send a line, get the bot's next replies."""

    def __init__(self, fake: FakeTelegram, user: TelegramUser) -> None:
        self.fake, self.user = fake, user

    async def say(self, text: str, replies: int = 1) -> list[dict[str, Any]]:
        before = len(self.fake.sent.get(self.user.id, []))
        await self.fake.send(self.user, text)
        sent = await self.fake.wait_for_messages(self.user.id, before + replies)
        return sent[before : before + replies]

    async def one(self, text: str) -> dict[str, Any]:
        (reply,) = await self.say(text)
        return reply

    async def press(self, message: dict[str, Any], data: str, replies: int = 0) -> dict[str, Any]:
        """Press a button; the answer to the press (and wait for `replies` new messages)."""
        before = len(self.fake.sent.get(self.user.id, []))
        answer = await self.fake.wait_for_answer(await self.fake.click(self.user, message, data))
        if replies:
            await self.fake.wait_for_messages(self.user.id, before + replies)
        return answer

    def since(self, before: int) -> list[dict[str, Any]]:
        return self.fake.sent.get(self.user.id, [])[before:]

    @property
    def seen(self) -> int:
        return len(self.fake.sent.get(self.user.id, []))


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A message's inline buttons: label → callback data."""
    markup = message.get("reply_markup") or {}
    return {b["text"]: b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row}


async def test_season_setup_with_a_real_cycle_then_the_week(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """`/season` alone lists the shipped cycles; setup saves the plan and shows interview
    season's rules; `/season week` shows the same tasks; `/season` then shows the plan."""
    alice = Chat(fake_telegram, ALICE)
    first = await alice.one("/season")
    assert "/season setup" in first["text"]
    assert "us-2026" in first["text"] and "us-2027" in first["text"]
    assert "reply_markup" not in first

    saved = await alice.one(
        "/season setup us-2027 | eras | 2027 | Internal Medicine, @everyone **Pediatrics**"
    )
    text = saved["text"]
    assert text.startswith("Saved your plan.")
    assert "Your plan: us-2027 · ERAS and the NRMP Match · graduating 2027" in text
    assert "never ask where you stand" in text  # interview season's task, from season.toml
    assert "provisional" in text  # the 2027 calendar ships provisional
    assert "Specialties: Internal Medicine, @everyone **Pediatrics**" in text  # plain, as typed
    assert "parse_mode" not in str(saved.get("_sent_markup"))

    week = await alice.one("/season week")
    assert "never ask where you stand" in week["text"]
    assert not week["text"].startswith("Saved")
    shown = await alice.one("/season")
    assert "Your plan: us-2027" in shown["text"]
    plan = await app_of(telegram_bot).services.season.plan(student_for(ALICE.id))  # type: ignore[union-attr]
    assert plan is not None and plan.cycle == "us-2027" and plan.graduation_year == 2027
    assert plan.specialties == ("Internal Medicine", "@everyone **Pediatrics**")

    # A cycle with no calendar yet is saved, and says so; not applying: no season section.
    later = await alice.one("/season setup us-2031")
    assert "no calendar for your cycle here yet" in later["text"]
    resting = await alice.one("/season setup us-2027 | not this year")
    assert "You're not applying this cycle" in resting["text"]
    assert "Not applying this year" in resting["text"]

    # Bob has no plan: his week says how to set one up.
    bob_week = await Chat(fake_telegram, BOB).one("/season week")
    assert "/season setup" in bob_week["text"] and "never ask" not in bob_week["text"]


async def test_bad_season_and_letter_input_is_refused_and_changes_nothing(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """A template-syntax cycle, a bad year or route, an overlong writer, an unreadable or past
    deadline, an unknown template: each a clear message, nothing stored, nothing rendered."""
    alice = Chat(fake_telegram, ALICE)
    bad_cycle = await alice.one("/season setup {{ 7*7 }}")
    assert "like us-2027" in bad_cycle["text"] and "Nothing was saved" in bad_cycle["text"]
    assert "us-2027 —" in bad_cycle["text"]  # the cycles there are, to pick from
    assert "49" not in bad_cycle["text"]
    bad_year = await alice.one("/season setup us-2027 | eras | next year")
    assert "isn't a year" in bad_year["text"]
    far_year = await alice.one("/season setup us-2027 | eras | 2090")
    assert "doesn't look like a graduation year" in far_year["text"]
    bad_route = await alice.one("/season setup us-2027 | by boat")
    assert "I don't know the route “by boat”" in bad_route["text"]
    assert await count(telegram_bot, "season_plans") == 0

    await alice.one("/add Dr. Amara Okafor, MD | attending")
    long_name = await alice.one("/letters ask " + "A" * 300 + " | 2027-01-15")
    assert "at most 100" in long_name["text"] and "Nothing was changed" in long_name["text"]
    unknown = await alice.one("/letters ask {{ 7*7 }} | 2027-01-15")
    assert "no contact called “{{ 7*7 }}”" in unknown["text"]
    unreadable = await alice.one("/letters ask Amara Okafor | {{ 7*7 }}")
    assert "couldn't read" in unreadable["text"]
    past = await alice.one("/letters ask Amara Okafor | 2026-01-15")
    assert "already passed" in past["text"]
    stage = await alice.one("/letters mark 1 | finished")
    assert "Which stage?" in stage["text"] or "no letter 1" in stage["text"]
    assert await count(telegram_bot, "letter_requests") == 0

    template = await alice.one("/templates preview {{ 7*7 }}")
    assert "no template called “{{ 7*7 }}”" in template["text"]
    usage = await alice.one("/letters frobnicate")
    assert "/letters ask writer | deadline | programs" in usage["text"]


async def test_the_letters_ledger_with_its_buttons(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """Ask (programs shown as typed, never rendered), list with stage buttons, a press moves it
    on and redraws the list; /letters mark; a step back is refused; Bob's presses on Alice's
    buttons, and Alice's letter id in Bob's own chat, change nothing; Keep keeps, Remove
    removes."""
    alice, bob = Chat(fake_telegram, ALICE), Chat(fake_telegram, BOB)
    season = app_of(telegram_bot).services.season
    assert season is not None
    await alice.one("/season setup us-2027")
    await alice.one("/add Dr. Amara Okafor, MD | attending")
    asked = await alice.one("/letters ask amara okafor | 2027-01-15 | {{ 7*7 }} IM programs")
    assert asked["text"].startswith("Tracking a letter from Dr. Amara Okafor, MD")
    assert "check in if it isn't in on January 1, 2027" in asked["text"]
    assert "{{ 7*7 }} IM programs" in asked["text"] and "49" not in asked["text"]

    ledger = await alice.one("/letters")
    assert "1. Dr. Amara Okafor, MD — Asked · due January 15, 2027" in ledger["text"]
    assert list(buttons(ledger)) == ["1: agreed", "1: submitted", "1: declined"]
    (line,) = await season.letters(student_for(ALICE.id))
    letter = line.letter.id
    assert buttons(ledger)["1: agreed"] == f"letters:agreed:{letter}"

    refused = await bob.press(ledger, buttons(ledger)["1: submitted"])
    assert refused["show_alert"] and "someone else's" in refused["text"]
    (line,) = await season.letters(student_for(ALICE.id))
    assert line.letter.stage.value == "asked"

    moved = await alice.press(ledger, buttons(ledger)["1: agreed"])
    assert moved["text"] == "Dr. Amara Okafor, MD: Agreed to write"
    assert "— Agreed to write" in ledger["text"]  # the fake edited its copy of the list
    assert list(buttons(ledger)) == ["1: submitted", "1: declined"]

    marked = await alice.one("/letters mark 1 | submitted")
    assert "Letter submitted" in marked["text"]
    assert "send a thank-you on November 22, 2026" in marked["text"]
    back = await alice.one("/letters mark Okafor | agreed")
    assert "can't be marked" in back["text"] and "Nothing was changed" in back["text"]

    ask_remove = await alice.one("/letters remove 1")
    assert "Stop tracking the letter from Dr. Amara Okafor, MD?" in ask_remove["text"]
    assert list(buttons(ask_remove)) == ["🗑️ Remove", "Keep"]
    refused = await bob.press(ask_remove, buttons(ask_remove)["🗑️ Remove"])
    assert "someone else's" in refused["text"]
    await alice.press(ask_remove, buttons(ask_remove)["Keep"])
    assert ask_remove["text"].startswith("Kept") and "reply_markup" not in ask_remove
    assert len(await season.letters(student_for(ALICE.id))) == 1

    # Bob forges Alice's letter id under a message in his own chat: re-read for him, refused.
    own = await bob.one("/letters")
    assert own["text"].startswith("No letters tracked yet")
    forged = await bob.press(own, f"letters:remove:{letter}")
    assert forged["show_alert"] and "nothing was changed" in forged["text"]
    assert len(await season.letters(student_for(ALICE.id))) == 1

    again = await alice.one("/letters remove Amara")
    await alice.press(again, buttons(again)["🗑️ Remove"])
    assert again["text"] == "Stopped tracking that letter."
    assert await season.letters(student_for(ALICE.id)) == []
    stale = await alice.press(ask_remove, f"letters:remove:{letter}")
    assert stale["show_alert"] and "expired" in stale["text"]


async def test_a_thank_you_reminders_buttons_work_on_telegram(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """A letter marked submitted owes a thank-you today: /due lists it with letter buttons;
    Bob's press is refused; Draft drafts the thank-you; Done marks it thanked (once); a Snooze
    left on the list is refused as no longer due."""
    alice, bob = Chat(fake_telegram, ALICE), Chat(fake_telegram, BOB)
    await alice.one("/season setup us-2027")
    await alice.one("/add Dr. Helen Marsh | attending")
    await alice.one("/letters ask Helen Marsh")
    await alice.one("/letters mark 1 | submitted")
    (line,) = await app_of(telegram_bot).services.season.letters(student_for(ALICE.id))  # type: ignore[union-attr]
    letter = line.letter.id

    due = await alice.one("/due")
    assert "1. Dr. Helen Marsh submitted your letter: send a thank-you" in due["text"]
    ids = [f"letter:{a}:letter_thanks:{letter}" for a in ("draft", "done", "snooze")]
    assert [d for d in buttons(due).values() if d.startswith("letter:")] == ids
    assert "due:draft:letter:" not in str(buttons(due))  # the core refuses those

    for data in ids:
        refused = await bob.press(due, data)
        assert refused["show_alert"] and "someone else's" in refused["text"]

    await alice.one(PROFILE)
    before = alice.seen
    await alice.press(due, ids[0], replies=2)
    header, body = alice.since(before)
    assert "to Dr. Marsh" in header["text"]
    assert "Dr. Marsh" in body["text"] and "Maya" in body["text"]
    done = await alice.press(due, ids[1])
    assert done["text"].startswith("Marked as thanked")
    (line,) = await app_of(telegram_bot).services.season.letters(student_for(ALICE.id))  # type: ignore[union-attr]
    assert line.letter.stage.value == "thanked"
    again = await alice.press(due, ids[1])
    assert "already done" in again["text"]
    late = await alice.press(due, ids[2])
    assert late["show_alert"] and "no longer due" in late["text"]


async def test_the_ask_reminder_offers_writers_then_snoozes(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """In July, /due has the reminder to ask writers; its Draft offers Alice's faculty (not a
    classmate) as buttons, a pick drafts the request; Snooze puts it off a week."""
    telegram_bot.clock.set(datetime(2026, 7, 9, 15, 0, tzinfo=UTC))
    alice = Chat(fake_telegram, ALICE)
    await alice.one("/season setup us-2027")
    await alice.one("/add Dr. Helen Marsh | faculty")
    await alice.one("/add Sam Ortiz | classmate")
    await alice.one(PROFILE)
    due = await alice.one("/due")
    assert "letter:draft:letter_ask:0" in buttons(due).values()

    offer = await alice.press(due, "letter:draft:letter_ask:0", replies=1)
    assert offer["text"] == ""  # a quiet acknowledgement: the writers come as a message
    menu = alice.since(alice.seen - 1)[0]
    assert menu["text"].startswith("Who would you like to ask?")
    assert list(buttons(menu)) == ["Dr. Helen Marsh"]
    before = alice.seen
    await alice.press(menu, buttons(menu)["Dr. Helen Marsh"], replies=2)
    header, body = alice.since(before)
    assert "Dr. Marsh" in header["text"] and "letter" in body["text"].lower()

    snoozed = await alice.press(due, "letter:snooze:letter_ask:0")
    assert snoozed["text"] == "Snoozed until July 16, 2026."
    later = await alice.one("/due")
    assert "letter:draft:letter_ask:0" not in buttons(later).values()


async def test_interview_thank_yous_and_a_no_contact_program(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """Without a profile the interview is logged and a button drafts the thank-yous once the
    profile is set (Bob's press refused); two interviewers, two drafts; a no-contact program
    gets none and says why."""
    alice, bob = Chat(fake_telegram, ALICE), Chat(fake_telegram, BOB)
    logged, held = await alice.say(
        "/interview log the St Mary's internal medicine residency | Dr. Helen Marsh; Dr. Jun He"
        " | yesterday | formal",
        replies=2,
    )
    assert (
        logged["text"] == "Logged: St Mary's internal medicine residency interview on 21 Nov 2026."
    )
    assert "/profile" in held["text"]
    (press,) = buttons(held).values()
    assert press.startswith("interview:thanks:") and press.endswith(":any:formal")
    refused = await bob.press(held, press)
    assert "someone else's" in refused["text"]

    await alice.one(PROFILE)
    before = alice.seen
    await alice.press(held, press, replies=4)
    first_header, first, second_header, second = alice.since(before)
    assert "to Dr. Marsh" in first_header["text"] and "to Dr. He" in second_header["text"]
    assert "St Mary's internal medicine residency" in first["text"]
    assert "Dr. He" in second["text"]
    events: Any = app_of(telegram_bot).db
    rows = await events.execute_fetchall("SELECT program, no_contact FROM interviews")
    assert [tuple(r) for r in rows] == [("the St Mary's internal medicine residency", 0)]

    quiet = await alice.one("/interview Lakeside surgery | Dr. Ana Ruiz | | no contact")
    assert quiet["text"].startswith("Logged: Lakeside surgery interview")
    assert "asked applicants not to contact it" in quiet["text"]
    assert "Interviewers: Dr. Ana Ruiz" in quiet["text"]
    bad = await alice.one("/interview Lakeside surgery | Dr. Ana Ruiz | | carrier pigeon")
    assert "I don't know the option “carrier”" in bad["text"]
    overlong = await alice.one("/interview Lakeside surgery | Dr. Ana Ruiz; " + "B" * 300)
    assert "the limit is 100" in overlong["text"] and "Nothing was saved" in overlong["text"]
    assert await count(telegram_bot, "interviews") == 2
    assert await count(telegram_bot, "events") == 2  # no event left behind by a refusal


async def test_templates_list_and_preview(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """Every template is listed with its id, within Telegram's limit; a preview by id, by short
    id or title, on a chosen channel; in a group, only how to talk privately."""
    alice = Chat(fake_telegram, ALICE)
    catalogue = app_of(telegram_bot).services.drafts.catalogue
    await fake_telegram.send(ALICE, "/templates")
    await fake_telegram.wait_for(
        lambda: any(
            "/templates preview id" in m["text"] for m in fake_telegram.sent.get(ALICE.id, [])
        ),
        what="the end of the template list",
    )
    listed = "\n".join(m["text"] for m in fake_telegram.sent[ALICE.id])
    assert all(len(m["text"]) <= 4096 for m in fake_telegram.sent[ALICE.id])
    assert "Follow-ups (/followup)" in listed and "Outreach (/outreach)" in listed
    for template in catalogue.templates():
        assert f"• {template.id} — {template.title}" in listed

    sample = await alice.one("/templates preview mentorship")
    assert sample["text"].startswith("Seeking a mentor · E-mail")
    assert "a sample profile (set yours with /profile)" in sample["text"]
    await alice.one(PROFILE)
    mine = await alice.one("/templates preview Seeking a mentor")
    assert mine["text"].startswith("Seeking a mentor · E-mail")
    assert "Written with your profile" in mine["text"] and "Maya" in mine["text"]
    note = await alice.one("/templates preview mentorship | LinkedIn note")
    assert note["text"].startswith("Seeking a mentor · LinkedIn note")
    by_id = await alice.one("/templates preview outreach_mentorship | dm")
    assert by_id["text"].startswith("Seeking a mentor · Direct message")
    bad_channel = await alice.one("/templates preview mentorship | fax")
    assert "I don't know the channel “fax”" in bad_channel["text"]

    group = fake_telegram.group_chat(-100_777, "MS4 group")
    await fake_telegram.send(ALICE, "/letters", chat=group)
    (reply,) = await fake_telegram.wait_for_messages(group["id"], 1)
    assert "https://t.me/coach_test_bot" in reply["text"]
