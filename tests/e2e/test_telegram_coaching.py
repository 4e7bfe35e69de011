"""Telegram coaching journeys: /tip, /prep, /pitch, /goals and a draft's tone and channel
switches, through the real python-telegram-bot client against the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.models import Channel, Tone
from bot.telegram_adapter.identity import student_for
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_101, "Alice", "alice_md")
BOB = TelegramUser(5_000_102, "Bob")
TEXT_MAX = 4096


async def say(fake: FakeTelegram, user: TelegramUser, text: str, replies: int = 1) -> list[Any]:
    """`user` sends `text`; the bot's next `replies` messages in their chat."""
    before = len(fake.sent.get(user.id, []))
    await fake.send(user, text)
    sent = await fake.wait_for_messages(user.id, before + replies)
    return sent[before : before + replies]


async def press(
    fake: FakeTelegram, user: TelegramUser, message: dict[str, Any], label: str, replies: int = 0
) -> tuple[dict[str, Any], list[Any]]:
    """`user` presses the button whose label starts with `label`: the answer, new messages."""
    data = next(
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"].startswith(label)
    )
    before = len(fake.sent.get(user.id, []))
    answer = await fake.wait_for_answer(await fake.click(user, message, data))
    if not replies:
        return answer, []
    sent = await fake.wait_for_messages(user.id, before + replies)
    return answer, sent[before : before + replies]


def labels(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


def data_of(message: dict[str, Any]) -> list[str]:
    return [b["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def test_tip_for_now_on_a_topic_and_an_unknown_topic(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/tip alone fits what the student does; a topic (or one word of it) picks the subject; an
    unknown topic lists them, echoed as typed."""
    (now,) = await say(fake_telegram, ALICE, "/tip")
    assert now["text"].startswith("Tip · Starting with people you know")  # no contacts yet

    (office,) = await say(fake_telegram, ALICE, "/tip Office Hours")
    assert office["text"].startswith("Tip · Office hours\n")
    (again,) = await say(fake_telegram, ALICE, "/tip office_hours")
    assert again["text"].startswith("Tip · Office hours\n")
    assert again["text"] != office["text"]  # never the same tip twice in a row
    (linkedin,) = await say(fake_telegram, ALICE, "/tip linkedin")
    assert linkedin["text"].startswith("Tip · LinkedIn and Doximity")

    (listed,) = await say(fake_telegram, ALICE, "/tip ?")
    assert listed["text"].startswith("Topics (send /tip and one of them):\n• ")

    (unknown,) = await say(fake_telegram, ALICE, "/tip {{ 7*7 }}")
    assert unknown["text"].startswith("I have no tips on “{{ 7*7 }}”.")
    assert "49" not in unknown["text"]
    assert "• Letters of recommendation — letters" in unknown["text"]
    assert "reply_markup" not in unknown


async def test_prep_lists_kinds_and_names_the_contact(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/prep alone lists the kinds; with a kind and a contact it is personal; an unknown kind or
    person is refused with what to send."""
    (usage,) = await say(fake_telegram, ALICE, "/prep")
    assert "• Residency program conversation — residency program" in usage["text"]

    (card,) = await say(
        fake_telegram,
        ALICE,
        "/add Prof. Amara Okafor, MD, PhD | attending | cardiology grand rounds "
        "| runs the echo research group",
    )
    assert card["text"].startswith("Saved — Prof. Amara Okafor, MD, PhD")

    (prep,) = await say(fake_telegram, ALICE, "/prep office hours | amara okafor")
    text = prep["text"]
    assert text.startswith("Before your office hours with Prof. Amara Okafor, MD, PhD\n")
    assert "Your notes: runs the echo research group" in text
    assert "Checklist\n☐ " in text and "\n5. " in text and "Afterwards, ask yourself" in text
    assert len(text) <= TEXT_MAX

    (titled,) = await say(fake_telegram, ALICE, "/prep research | Dr. Amara Okafor")
    assert titled["text"].startswith("Before your research conversation with Prof. Amara Okafor")

    (plain,) = await say(fake_telegram, ALICE, "/prep Mentor")
    assert plain["text"].startswith("Before your mentor meeting\n")

    (bad_kind,) = await say(fake_telegram, ALICE, "/prep dinner party | Amara Okafor")
    assert bad_kind["text"].startswith("I don't know the meeting “dinner party”.")
    (nobody,) = await say(fake_telegram, ALICE, "/prep research | Dr. Jordan Lee")
    assert nobody["text"].startswith("You have no contact called “Dr. Jordan Lee”.")


async def test_pitch_is_built_then_saved_to_the_profile_by_its_owner_only(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/pitch alone asks three questions, or takes them on one line; the answers become a
    pitch whose save button works for its owner only, and only once they have a profile."""
    drafts = telegram_bot.app.services.drafts  # type: ignore[union-attr]
    # Alone: the builder's three questions, one at a time; an overlong answer is asked again.
    (first,) = await say(fake_telegram, ALICE, "/pitch")
    assert first["text"].startswith("(1 of 3) Let's start with you.")
    (again,) = await say(fake_telegram, ALICE, "x" * 300)
    assert "under 250 characters" in again["text"]
    (second,) = await say(fake_telegram, ALICE, "second-year at Riverside")
    assert second["text"].startswith("(2 of 3)")
    await say(fake_telegram, ALICE, "a patient with heart failure")
    (stepped,) = await say(fake_telegram, ALICE, "to learn how cardiologists choose")
    assert stepped["text"].startswith("Your elevator pitch\n\nSecond-year at Riverside.")
    assert labels(stepped) == ["💾 Save to my profile"]

    (short,) = await say(fake_telegram, ALICE, "/pitch second-year at Riverside | {{ 7*7 }}")
    assert short["text"].startswith("Answer all three")

    (pitch,) = await say(
        fake_telegram,
        ALICE,
        "/pitch I'm Maya, a second-year at Riverside School of Medicine | a patient with heart "
        "failure on my first rotation | to learn how cardiologists chose their path {{ 7*7 }}",
    )
    assert pitch["text"].startswith("Your elevator pitch\n\nI'm Maya, a second-year")
    assert "{{ 7*7 }}." in pitch["text"] and "49" not in pitch["text"]
    assert " words · about " in pitch["text"]
    assert labels(pitch) == ["💾 Save to my profile"]

    answer, _ = await press(fake_telegram, BOB, pitch, "💾")
    assert answer["show_alert"] and "someone else's" in answer["text"]

    answer, _ = await press(fake_telegram, ALICE, pitch, "💾")  # no profile yet: kept waiting
    assert answer["show_alert"] and "profile first" in answer["text"]
    assert await drafts.profile(student_for(ALICE.id)) is None

    await say(fake_telegram, ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    answer, _ = await press(fake_telegram, ALICE, pitch, "💾")
    assert answer["text"].startswith("Saved")
    assert "reply_markup" not in pitch  # the fake edited its copy: the button is gone
    assert pitch["text"].endswith("Saved: your drafts will use this pitch.")
    profile = await drafts.profile(student_for(ALICE.id))
    assert profile is not None and profile.pitch is not None
    assert profile.pitch.startswith("I'm Maya, a second-year at Riverside School of Medicine.")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("-1 | 3 | 1", "Each weekly goal is a number from 0 to 50."),
        ("lots", "“lots” isn't a number."),
        ("4 | 1000000000", "Each weekly goal is a number from 0 to 50."),
        ("9" * 5000, "Each weekly goal is a number from 0 to 50."),
        ("2 | 3 | 1 | 7", "At most 3 parts"),
        ("3.5", "“3.5” isn't a number."),
    ],
)
async def test_goals_refuses_bad_numbers_and_changes_nothing(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram, line: str, says: str
) -> None:
    """A goal that isn't a whole number from 0 to 50 is refused with why, and the goal stays."""
    coaching = telegram_bot.app.services.coaching  # type: ignore[union-attr]
    (saved,) = await say(fake_telegram, ALICE, "/goals 4 | 5 | 2")
    assert saved["text"].startswith("Saved. Your weekly goal: 4 new contacts, 5 follow-ups, 2 ")
    (refused,) = await say(fake_telegram, ALICE, f"/goals {line}")
    assert refused["text"].startswith(says)
    goal = await coaching.goal(student_for(ALICE.id))
    assert (goal.new_contacts, goal.follow_ups, goal.check_ins) == (4, 5, 2)


async def test_goals_shown_and_set_keeping_empty_parts(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/goals alone shows the goal (the defaults at first); an empty part keeps its number."""
    (shown,) = await say(fake_telegram, ALICE, "/goals")
    assert shown["text"].startswith("Your weekly goal: 2 new contacts, 3 follow-ups, 1 check-in.")
    (saved,) = await say(fake_telegram, ALICE, "/goals 5 |  | 0")
    assert saved["text"].startswith("Saved. Your weekly goal: 5 new contacts, 3 follow-ups, 0 ")
    (shown,) = await say(fake_telegram, ALICE, "/goals")
    assert shown["text"].startswith("Your weekly goal: 5 new contacts, 3 follow-ups, 0 check-ins")


async def test_followup_switched_to_formal_then_another_channel(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """A draft's tone and channel buttons rewrite it through the core, each version sent as a
    new header and plain body; Bob pressing Alice's buttons changes nothing."""
    drafts = telegram_bot.app.services.drafts  # type: ignore[union-attr]
    await say(fake_telegram, ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await say(fake_telegram, ALICE, "/add Dr. Amara Okafor, MD | attending | grand rounds")
    header, body = await say(
        fake_telegram,
        ALICE,
        "/followup Amara Okafor | the cardiology interest group talk | her heart-failure clinic "
        "{{ 7*7 }} | Could I shadow one of your clinics? Kind regards,",
        replies=2,
    )
    assert "E-mail · Warm · version 1" in header["text"]
    assert "reply_markup" not in body
    assert "{{ 7*7 }}" in body["text"] and "49" not in body["text"]
    assert "🎩 Formal" in labels(header) and "🤝 Warm" not in labels(header)
    assert all(len(d.encode()) <= 64 for d in data_of(header))
    draft_id = int(data_of(header)[0].rsplit(":", 1)[1])

    answer, _ = await press(fake_telegram, BOB, header, "🎩")
    assert answer["show_alert"] and "someone else's" in answer["text"]
    assert (await drafts.show(student_for(ALICE.id), draft_id)).draft.tone is Tone.WARM

    _, (formal_header, formal) = await press(fake_telegram, ALICE, header, "🎩", replies=2)
    assert "E-mail · Formal" in formal_header["text"]
    assert "🤝 Warm" in labels(formal_header) and "🎩 Formal" not in labels(formal_header)
    assert formal["text"] != body["text"] and len(formal["text"]) <= TEXT_MAX
    assert "reply_markup" not in formal

    assert "📧 E-mail" not in labels(formal_header)  # the channels it isn't in
    _, (moved_header, moved) = await press(fake_telegram, ALICE, formal_header, "💬", replies=2)
    assert "Direct message · Formal" in moved_header["text"]
    assert "💼 LinkedIn" in labels(moved_header) and "💬 DM" not in labels(moved_header)
    assert moved["text"] not in (formal["text"], body["text"])
    assert len(moved["text"]) <= TEXT_MAX
    stored = (await drafts.show(student_for(ALICE.id), draft_id)).draft
    assert (stored.tone, stored.channel) == (Tone.FORMAL, Channel.DM)

    answer, _ = await press(fake_telegram, ALICE, moved_header, "✅")
    assert answer["text"].startswith("Marked as sent")
    answer, _ = await press(fake_telegram, ALICE, moved_header, "✅")  # a stale second press
    assert answer["show_alert"] and "already marked" in answer["text"]


async def test_followup_options_choose_tone_channel_and_template(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """Trailing `| tone: …`, `| channel: …` and `| template: …` parts are Discord's options;
    an unknown value is refused with the choices and nothing is drafted."""
    await say(fake_telegram, ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    header, body = await say(
        fake_telegram,
        ALICE,
        "/followup Jordan Lee, DO | her office hours | residency applications "
        "| template: Office Hours | tone: brief | channel: LinkedIn",
        replies=2,
    )
    assert "LinkedIn note · Brief" in header["text"]
    assert "office hours" in header["text"].casefold()
    assert "✂️ Brief" not in labels(header)
    assert len(body["text"]) <= TEXT_MAX

    (refused,) = await say(fake_telegram, ALICE, "/followup Jordan Lee, DO | tone: {{ shouty }}")
    assert refused["text"].startswith("I don't know the tone “{{ shouty }}”.")
    (refused,) = await say(fake_telegram, ALICE, "/followup Jordan Lee, DO | channel: fax")
    assert refused["text"].startswith("I don't know the channel “fax”.")
    (refused,) = await say(fake_telegram, ALICE, "/followup Jordan Lee, DO | template: gala")
    assert "• conference — " in refused["text"]
    drafts = telegram_bot.app.services.drafts  # type: ignore[union-attr]
    (jordan,) = await telegram_bot.app.services.contacts.all_contacts(  # type: ignore[union-attr]
        student_for(ALICE.id)
    )
    assert drafts is not None and jordan.draft.name == "Jordan Lee, DO"


async def test_draft_data_outside_the_grammar_is_refused(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """A forged tone ("shouty") or an overlong id matches no button: answered as stale."""
    (tip,) = await say(fake_telegram, ALICE, "/tip")
    for forged in ("draft:shouty:1", "draft:formal:" + "9" * 20, "draft:formal:1:extra"):
        answer = await fake_telegram.wait_for_answer(await fake_telegram.click(ALICE, tip, forged))
        assert answer["show_alert"] and "too old" in answer["text"]


async def test_overlong_input_is_refused_and_nothing_is_kept(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """An overlong topic, pitch answer or draft detail gets a short refusal under Telegram's
    limit; no pitch is held and no draft or contact is made."""
    services = telegram_bot.app.services  # type: ignore[union-attr]
    (tip,) = await say(fake_telegram, ALICE, "/tip " + "{{ x }} " * 500)
    assert tip["text"].startswith("I have no tips on “{{ x }} {{ x }}")
    assert len(tip["text"]) <= TEXT_MAX and tip["text"].count("{{ x }}") <= 6

    (pitch,) = await say(fake_telegram, ALICE, "/pitch " + "a" * 300 + " | why | hope")
    assert pitch["text"] == "Keep each answer under 250 characters."
    assert "reply_markup" not in pitch

    await say(fake_telegram, ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    (draft,) = await say(
        fake_telegram, ALICE, "/followup Amara Okafor | grand rounds | " + "echo " * 400
    )
    assert draft["text"].startswith("What you talked about is 1999 characters; keep it under")
    assert list(await services.contacts.all_contacts(student_for(ALICE.id))) == []
