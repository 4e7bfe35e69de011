"""Telegram journeys for the records: /contacts, /contact, /edit, /remove, /remind and /event,
through the real python-telegram-bot client against the fake Bot API."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.models import Role
from bot.telegram_adapter.identity import student_for
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_101, "Alice", "alice_md")
BOB = TelegramUser(5_000_102, "Bob")
OKAFOR = "Dr. Amara Okafor, MD, PhD"


async def say(fake: FakeTelegram, user: TelegramUser, text: str, **kw: Any) -> dict[str, Any]:
    """The user sends `text`; the bot's first answer to it."""
    before = len(fake.sent.get(user.id, []))
    await fake.send(user, text, **kw)
    return (await fake.wait_for_messages(user.id, before + 1))[before]


async def press(fake: FakeTelegram, user: TelegramUser, message: dict[str, Any], label: str) -> str:
    """The user presses the button whose label contains `label`; the answer's text."""
    data = next(
        b["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for b in row
        if label in b["text"]
    )
    return str((await fake.wait_for_answer(await fake.click(user, message, data)))["text"])


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {"inline_keyboard": []}
    return [b["text"] for row in markup["inline_keyboard"] for b in row]


def contacts_of(bot: TelegramBot) -> Any:
    assert bot.app is not None
    return bot.app.services.contacts


async def test_contacts_filters_searches_and_pages_with_more(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/contacts with a filter lists only those, free text searches, and More turns pages."""
    await say(fake_telegram, ALICE, f"/add {OKAFOR} | attending | cardiology interest group")
    await say(fake_telegram, ALICE, "/add Jordan Lee | resident | grand rounds")
    for n in range(1, 10):
        await say(fake_telegram, ALICE, f"/add Attending Number{n} | attending | grand rounds")

    listed = await say(fake_telegram, ALICE, "/contacts role: attending")
    assert "(role: Attending)" in listed["text"]
    assert "Jordan Lee" not in listed["text"]
    assert "Page 1 of 2 · 10 contacts" in listed["text"]
    first_page = listed["text"]
    await press(fake_telegram, ALICE, listed, "More")
    second = (await fake_telegram.wait_for_messages(ALICE.id, 13))[12]
    assert "Page 2 of 2 · 10 contacts" in second["text"]
    assert "Jordan Lee" not in second["text"]
    assert "More" not in "".join(buttons(second))  # the last page
    shown = first_page + second["text"]
    assert "Amara Okafor" in shown and all(f"Number{n}" in shown for n in range(1, 10))

    found = await say(fake_telegram, ALICE, "/contacts okafor")
    assert "Amara Okafor" in found["text"] and "Number" not in found["text"]
    assert "reply_markup" not in found

    unknown = await say(fake_telegram, ALICE, "/contacts role: attending | colour: blue")
    assert unknown["text"].startswith("I can filter by role, tag, specialty, event")
    no_role = await say(fake_telegram, ALICE, "/contacts role: surgeon")
    assert "I don't know the role" in no_role["text"]
    overlong = await say(fake_telegram, ALICE, "/contacts " + "x" * 5000)
    assert "at most 100 characters" in overlong["text"]


async def test_contact_card_shows_history_and_names_match_like_log(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/contact finds a name folded (case, accents), shows exchanges and what is next, and
    lists the near matches when a name fits several."""
    await say(fake_telegram, ALICE, f"/add {OKAFOR} | attending | cardiology interest group")
    await say(fake_telegram, ALICE, "/add José Núñez | resident")
    await say(fake_telegram, ALICE, "/add Amara Obi | tutor")
    await say(fake_telegram, ALICE, f"/log {OKAFOR} | emailed | yesterday | {{{{ 7*7 }}}}")

    card = await say(fake_telegram, ALICE, "/contact dr. amara okafor, md, phd")
    text = card["text"]
    assert text.startswith(OKAFOR)
    assert "Attending" in text and "Drafts address them as: Dr. Okafor" in text
    assert "History:" in text and "Emailed them: {{ 7*7 }}" in text  # stored and shown literally
    assert "Last contacted:" in text and "Next:" in text

    accented = await say(fake_telegram, ALICE, "/contact jose nunez")
    assert accented["text"].startswith("José Núñez")
    several = await say(fake_telegram, ALICE, "/contact Amara")
    assert several["text"].startswith("Which one? Send /contact again")
    assert "Amara Obi" in several["text"] and "Amara Okafor" in several["text"]
    overlong = await say(fake_telegram, ALICE, "/contact " + "Z" * 5000)
    assert overlong["text"].startswith("That name is 5,000 characters")
    assert len(overlong["text"]) < 200
    nobody = await say(fake_telegram, ALICE, "/contact Zed Zebedee")
    assert nobody["text"].startswith("You have no contact called “Zed Zebedee”")


async def test_edit_refuses_an_unknown_field_and_changes_nothing_then_edits(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """A bad field lists the fields and leaves the contact as it was; good ones are saved."""
    contacts = contacts_of(telegram_bot)
    await say(fake_telegram, ALICE, f"/add {OKAFOR} | attending | cardiology interest group")
    (before,) = await contacts.all_contacts(student_for(ALICE.id))

    bad = await say(
        fake_telegram, ALICE, "/edit Amara Okafor | title: Prof. | favourite colour: blue"
    )
    assert "“favourite colour” isn't a field I can change" in bad["text"]
    assert "address as" in bad["text"] and "cadence" in bad["text"]
    too_long = await say(fake_telegram, ALICE, "/edit Amara Okafor | notes: " + "n" * 5000)
    assert "Updated" not in too_long["text"]
    (unchanged,) = await contacts.all_contacts(student_for(ALICE.id))
    assert unchanged.draft == before.draft

    good = await say(
        fake_telegram,
        ALICE,
        "/edit Amara Okafor | address as: Professor Okafor | role: faculty | "
        "tags: mentor, research | notes: {{ 7*7 }} | cadence: 60 | where met: -",
    )
    assert good["text"].startswith("Updated — ")
    assert "Drafts address them as: Professor Okafor" in good["text"]
    (edited,) = await contacts.all_contacts(student_for(ALICE.id))
    assert edited.draft.address_as == "Professor Okafor"
    assert edited.draft.role is Role.FACULTY
    assert edited.draft.tags == ("mentor", "research")
    assert edited.draft.notes == "{{ 7*7 }}"
    assert edited.draft.cadence_days == 60
    assert edited.draft.met_event is None
    assert edited.draft.name == OKAFOR

    listed = await say(fake_telegram, ALICE, "/contacts tag: research")
    assert "Amara Okafor" in listed["text"]


async def test_remove_asks_first_keep_keeps_and_only_the_owner_removes(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """Keep leaves the contact; another user's press is refused; Remove deletes it."""
    contacts = contacts_of(telegram_bot)
    await say(fake_telegram, ALICE, f"/add {OKAFOR} | attending")
    await say(fake_telegram, ALICE, "/add Jordan Lee | resident")

    ask = await say(fake_telegram, ALICE, "/remove Amara Okafor")
    assert ask["text"].startswith(f"Remove {OKAFOR} and everything")
    assert buttons(ask) == ["🗑️ Remove", "Keep"]
    await press(fake_telegram, ALICE, ask, "Keep")
    assert ask["text"].startswith("Kept")  # the fake edited its copy
    assert len(await contacts.all_contacts(student_for(ALICE.id))) == 2

    ask = await say(fake_telegram, ALICE, "/remove Amara Okafor")
    not_bobs = await say(fake_telegram, BOB, "/remove Amara Okafor")
    assert not_bobs["text"].startswith("You have no contact called")
    refused = await press(fake_telegram, BOB, ask, "Remove")
    assert "someone else's" in refused
    assert len(await contacts.all_contacts(student_for(ALICE.id))) == 2

    await press(fake_telegram, ALICE, ask, "Remove")
    assert ask["text"] == f"Removed {OKAFOR} and their history."
    assert [c.name for c in await contacts.all_contacts(student_for(ALICE.id))] == ["Jordan Lee"]
    gone = await say(fake_telegram, ALICE, "/contact Amara Okafor")
    assert gone["text"].startswith("You have no contact called")

    group = fake_telegram.group_chat(-100_456, "MS2 study group")
    await fake_telegram.send(ALICE, "/contacts", chat=group)
    (in_group,) = await fake_telegram.wait_for_messages(group["id"], 1)
    assert "https://t.me/" in in_group["text"] and "Jordan" not in in_group["text"]


async def test_remind_sets_a_one_off_reminder_that_due_lists(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/remind reads `when` as Discord's does; the reminder shows in /due; the name is
    optional, and bad input changes nothing."""
    await say(fake_telegram, ALICE, f"/add {OKAFOR} | attending")
    set_ = await say(
        fake_telegram, ALICE, "/remind in 2 days | amara okafor | ask about the {{ elective }}"
    )
    assert set_["text"].startswith("I'll remind you on ")
    assert f"{OKAFOR} — ask about the {{{{ elective }}}}" in set_["text"]
    assert "/reminders on" in set_["text"]  # reminders are off until turned on

    note_only = await say(fake_telegram, ALICE, "/remind tomorrow | renew BLS certificate")
    assert note_only["text"].endswith(
        "): renew BLS certificate\nReminders come in this chat once they're on: /reminders on."
    )
    before = len(fake_telegram.sent[ALICE.id])
    await fake_telegram.send(ALICE, "/reminders on")
    turned_on = await fake_telegram.wait_for_messages(ALICE.id, before + 2)  # hello, then settings
    assert turned_on[-1]["text"].startswith("Your weekly digest: Sundays at 18:00")
    changed = await say(fake_telegram, ALICE, "/reminders on quiet seniors=60 monday")
    assert changed["text"].startswith("Your weekly digest: Mondays at 18:00")
    assert "nothing due: nothing" in changed["text"] and "seniors every 60 days" in changed["text"]
    assert "mentors every 42 days" in changed["text"]
    with_blank = await say(fake_telegram, ALICE, "/remind 2027-01-10 | | book the USMLE")
    assert "Sun 10 Jan 2027" in with_blank["text"]
    assert "/reminders on" not in with_blank["text"]

    bad_when = await say(fake_telegram, ALICE, "/remind whenever you like | Amara Okafor")
    assert not bad_when["text"].startswith("I'll remind you")
    overlong = await say(fake_telegram, ALICE, "/remind tomorrow | | " + "n" * 5000)
    assert not overlong["text"].startswith("I'll remind you")

    due = await say(fake_telegram, ALICE, "/due")
    assert f"Reminder · {OKAFOR}" in due["text"]
    assert "renew BLS certificate" in due["text"]
    assert "book the USMLE" not in due["text"]  # not this week


async def test_event_log_people_list_show_and_draft_follow_ups(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/event log, then the people met added by answering its question, list and show, and a
    draft per person from the Draft follow-ups button (another user's press refused)."""
    await say(fake_telegram, ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    logged = await say(
        fake_telegram, ALICE, "/event log Cardiology interest group {{ 7*7 }} | yesterday | talk"
    )
    assert logged["text"].startswith("Logged: Cardiology interest group {{ 7*7 }} · Talk or")
    assert "Nobody linked yet" in logged["text"]
    assert buttons(logged) == ["👥 Add people I met"]

    await press(fake_telegram, ALICE, logged, "Add people")
    prompt = (await fake_telegram.wait_for_messages(ALICE.id, 3))[2]
    assert prompt["text"].startswith("(1 of 1) Who did you meet at “Cardiology interest group")
    overlong = await say(fake_telegram, ALICE, "Jordan Lee\n" + "N" * 3000)
    assert "nobody was added" in overlong["text"]
    assert list(await contacts_of(telegram_bot).all_contacts(student_for(ALICE.id))) == []
    saved = await say(
        fake_telegram,
        ALICE,
        f"{OKAFOR} — runs the cardiology elective\nJordan Lee",
    )
    assert saved["text"].startswith("Saved: Cardiology interest group")
    assert "Amara Okafor" in saved["text"] and "Jordan Lee" in saved["text"]
    assert buttons(saved) == ["✉️ Draft follow-ups", "👥 Add people I met"]
    contacts = contacts_of(telegram_bot)
    people = {c.name: c for c in await contacts.all_contacts(student_for(ALICE.id))}
    assert set(people) == {OKAFOR, "Jordan Lee"}  # the commas of "MD, PhD" kept one name
    assert people[OKAFOR].draft.notes == "runs the cardiology elective"

    await say(fake_telegram, ALICE, "/event log Grand rounds | 2026-11-20 | conference")
    listed = await say(fake_telegram, ALICE, "/event list")
    assert listed["text"].index("Cardiology interest group") < listed["text"].index("Grand")
    shown = await say(fake_telegram, ALICE, "/event show cardiology interest")
    assert shown["text"].startswith("Cardiology interest group {{ 7*7 }} · Talk or seminar")
    assert "Jordan Lee" in shown["text"]
    missing = await say(fake_telegram, ALICE, "/event show " + "q" * 5000)
    assert "no event called" in missing["text"]

    refused = await press(fake_telegram, BOB, shown, "Draft follow-ups")
    assert "someone else's" in refused
    before = len(fake_telegram.sent[ALICE.id])
    await press(fake_telegram, ALICE, shown, "Draft follow-ups")
    sent = await fake_telegram.wait_for_messages(ALICE.id, before + 4)
    headers, bodies = sent[before::2], sent[before + 1 :: 2]
    assert any("to Dr. Okafor" in h["text"] for h in headers)
    assert all("Mark as sent" in "".join(buttons(h)) for h in headers)
    assert all("reply_markup" not in b and "Maya" in b["text"] for b in bodies)


async def test_event_met_adds_people_in_one_line_and_picks_among_same_names(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """/event met adds people by name; two events of one name get a button each."""
    await say(fake_telegram, ALICE, "/event log Journal club | 2026-11-01 | interest group")
    await say(fake_telegram, ALICE, "/event log Journal club | 2026-11-15")
    which = await say(fake_telegram, ALICE, "/event met journal club | Priya Natarajan")
    assert which["text"].startswith("Which one? Pick it") and "nobody was added" in which["text"]
    assert len(buttons(which)) == 2
    assert "Interest-group meeting" in buttons(which)[1]
    await press(fake_telegram, ALICE, which, "Interest-group")
    detail = (await fake_telegram.wait_for_messages(ALICE.id, 4))[3]
    assert "1 Nov 2026" in detail["text"] and "Nobody linked yet" in detail["text"]

    await say(fake_telegram, ALICE, "/event log Noon conference | 2026-11-20 | conference")
    met = await say(
        fake_telegram, ALICE, f"/event met noon conference | {OKAFOR} | Jordan Lee — PGY-2"
    )
    assert met["text"].startswith("Saved: Noon conference")
    assert "Jordan Lee" in met["text"]
    too_many = await say(
        fake_telegram, ALICE, "/event met noon conference | A B | C D | E F | G H | I J | K L"
    )
    assert "up to 5" in too_many["text"]
    bad_kind = await say(fake_telegram, ALICE, "/event log Gala | today | banquet")
    assert bad_kind["text"].startswith("I don't know the kind")
    usage = await say(fake_telegram, ALICE, "/event")
    assert "/event log name | date | kind" in usage["text"]


async def test_add_links_the_contact_to_the_event_named_where_met(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    """As on Discord: a contact whose "where you met" names a logged event is linked to it."""
    await say(fake_telegram, ALICE, "/event log Grand Rounds | yesterday | conference")
    await say(fake_telegram, ALICE, "/add Kai Osei | resident | grand rounds")
    await say(fake_telegram, ALICE, "/add Jordan Lee | resident | the library")
    shown = await say(fake_telegram, ALICE, "/event show grand rounds")
    assert "Kai Osei" in shown["text"] and "Jordan Lee" not in shown["text"]
