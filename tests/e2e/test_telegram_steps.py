"""Telegram's step-by-step questions, where Discord opens a form: `/add` and `/profile` sent
alone, answered by typing or by buttons, each answer checked as it comes, the state in the
database (a restart carries on), and buttons that only their owner can press."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.models import Role
from bot.telegram_adapter.identity import student_for
from tests.e2e.fake_telegram import FakeTelegram, TelegramUser
from tests.e2e.fake_telegram.fixtures import TelegramBot

pytestmark = pytest.mark.e2e

ALICE = TelegramUser(5_000_001, "Alice", "alice_md")
BOB = TelegramUser(5_000_002, "Bob")


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """A message's inline buttons: label → callback data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row}


async def contacts_of(bot: TelegramBot, user: TelegramUser) -> list[Any]:
    assert bot.app is not None
    return list(await bot.app.services.contacts.all_contacts(student_for(user.id)))


async def test_add_step_by_step_typed_and_pressed(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/add")
    (name_q,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
    assert name_q["text"].startswith("(1 of 4) Who did you meet?")
    assert list(buttons(name_q)) == ["Cancel"]  # a name is needed: no Skip

    # Too long for a name: said so, and the same question stands (nothing saved).
    await fake_telegram.send(ALICE, "A" * 150)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert "100" in sent[1]["text"]
    await fake_telegram.send(ALICE, "Dr. Amara Okafor, MD, PhD")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    role_q = sent[2]
    assert role_q["text"].startswith("(2 of 4) What's their role?")
    assert {"Attending", "Program director", "Skip", "Cancel"} <= set(buttons(role_q))
    assert all(len(data.encode()) <= 64 for data in buttons(role_q).values())

    # Bob presses Alice's button: refused; her question is untouched.
    refused = await fake_telegram.click(BOB, role_q, buttons(role_q)["Attending"])
    assert "someone else's" in (await fake_telegram.wait_for_answer(refused))["text"]
    pressed = await fake_telegram.click(ALICE, role_q, buttons(role_q)["Attending"])
    assert (await fake_telegram.wait_for_answer(pressed))["text"] == "Attending"
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4)
    assert sent[3]["text"].startswith("(3 of 4) Where did you meet?")
    # The role button again (a double tap): that question is answered, nothing changes.
    again = await fake_telegram.click(ALICE, role_q, buttons(role_q)["Program director"])
    assert "already answered" in (await fake_telegram.wait_for_answer(again))["text"]

    await fake_telegram.send(ALICE, "skip")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    notes_q = sent[4]
    assert notes_q["text"].startswith("(4 of 4) Anything to remember")
    # Template syntax and a ping are only text here.
    await fake_telegram.send(ALICE, "Ask about {{ 7*7 }} @everyone\nand her clinic")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 6)
    assert sent[5]["text"].startswith("Saved — Dr. Amara Okafor, MD, PhD · Attending")
    (amara,) = await contacts_of(telegram_bot, ALICE)
    assert amara.role is Role.ATTENDING and amara.draft.met_event is None
    assert amara.draft.notes == "Ask about {{ 7*7 }} @everyone\nand her clinic"

    # Nothing open now: a plain message says how to start.
    await fake_telegram.send(ALICE, "thanks!")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 7)
    assert "/help" in sent[6]["text"]


async def test_the_questions_survive_a_restart_and_can_be_cancelled(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/add")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.send(ALICE, "Jordan Lee")
    await fake_telegram.wait_for_messages(ALICE.id, 2)

    await telegram_bot.stop()  # a redeploy between two answers
    await telegram_bot.start()
    await fake_telegram.send(ALICE, "resident")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    assert sent[2]["text"].startswith("(3 of 4) Where did you meet?")
    # A command meanwhile runs as usual and leaves the questions open.
    await fake_telegram.send(ALICE, "/help")
    await fake_telegram.wait_for_messages(ALICE.id, 4)
    await fake_telegram.send(ALICE, "/cancel")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    assert sent[4]["text"].startswith("Stopped; nothing was saved")
    assert await contacts_of(telegram_bot, ALICE) == []
    await fake_telegram.send(ALICE, "grand rounds")  # no question open any more
    sent = await fake_telegram.wait_for_messages(ALICE.id, 6)
    assert "/help" in sent[5]["text"]
    assert await contacts_of(telegram_bot, ALICE) == []


async def test_an_unknown_role_is_asked_again_and_other_students_are_apart(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/add")
    await fake_telegram.send(BOB, "/add")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.wait_for_messages(BOB.id, 1)
    await fake_telegram.send(ALICE, "Sam Patel")
    await fake_telegram.send(BOB, "Kai Osei")
    await fake_telegram.wait_for_messages(ALICE.id, 2)
    await fake_telegram.send(ALICE, "the dean's cousin")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    assert "I don't know the role" in sent[2]["text"]
    await fake_telegram.send(ALICE, "Peer mentor")
    await fake_telegram.send(ALICE, "anatomy lab")
    await fake_telegram.send(ALICE, "-")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 6)
    assert sent[5]["text"].startswith("Saved — Sam Patel · Peer mentor")
    (sam,) = await contacts_of(telegram_bot, ALICE)
    assert sam.draft.met_event == "anatomy lab"
    # Bob's own questions were his alone, still at his second step.
    assert await contacts_of(telegram_bot, BOB) == []
    sent = await fake_telegram.wait_for_messages(BOB.id, 2)
    assert sent[1]["text"].startswith("(2 of 4)")


async def test_profile_alone_asks_and_keeps_what_is_skipped(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/profile")
    (first,) = await fake_telegram.wait_for_messages(ALICE.id, 1)
    assert first["text"].startswith("(1 of 3) Your name") and "Skip" not in buttons(first)
    for answer in ("Maya Chen", "Riverside School of Medicine", "MS2"):
        await fake_telegram.send(ALICE, answer)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4)
    assert sent[3]["text"].startswith("Saved: Maya Chen | Riverside School of Medicine | MS2")

    await fake_telegram.send(ALICE, "/profile")  # changing it: Skip keeps each part
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    assert "Now: Maya Chen" in sent[4]["text"] and "Skip" in buttons(sent[4])
    await fake_telegram.send(ALICE, "skip")
    await fake_telegram.send(ALICE, "skip")
    await fake_telegram.send(ALICE, "MS3")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 8)
    assert sent[7]["text"].startswith("Saved: Maya Chen | Riverside School of Medicine | MS3")


async def test_log_step_by_step_finds_the_contact_and_reads_the_day(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/add Prof. Amara Okafor, MD | attending")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.send(ALICE, "/log")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert sent[1]["text"].startswith("(1 of 4) Who was it with?")
    await fake_telegram.send(ALICE, "Jordan Lee")  # nobody by that name: asked again
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    assert "no contact called “Jordan Lee”" in sent[2]["text"]
    await fake_telegram.send(ALICE, "amara okafor")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4)
    kinds = buttons(sent[3])
    assert sent[3]["text"].startswith("(2 of 4) What happened?") and "Skip" in kinds
    emailed = kinds["Emailed them"]
    await fake_telegram.click(ALICE, sent[3], emailed)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    await fake_telegram.send(ALICE, "the day after tomorrow")  # not a day it happened
    sent = await fake_telegram.wait_for_messages(ALICE.id, 6)
    assert not sent[5]["text"].startswith("(4 of 4)")  # said why; the same question stands
    await fake_telegram.send(ALICE, "yesterday")
    await fake_telegram.send(ALICE, "skip")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 8)
    assert sent[7]["text"].startswith("Logged: emailed them on ")
    (amara,) = await contacts_of(telegram_bot, ALICE)
    assert amara.exchange_count == 1


async def test_followup_alone_asks_then_drafts(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.send(ALICE, "/followup")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert sent[1]["text"].startswith("(1 of 4) Who are you writing to?")
    await fake_telegram.send(ALICE, "Dr. Kai Osei, DO")
    await fake_telegram.send(ALICE, "grand rounds on sepsis")
    await fake_telegram.send(ALICE, "x" * 400)  # over the 300 a draft keeps: asked again
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    assert "keep it under 300" in sent[4]["text"]
    await fake_telegram.send(ALICE, "early antibiotics in the ED")
    await fake_telegram.send(ALICE, "skip")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 8)
    header, body = sent[6], sent[7]
    assert "Osei" in header["text"] and any("Formal" in label for label in buttons(header))
    assert "early antibiotics in the ED" in body["text"] and "Maya" in body["text"]


async def test_outreach_alone_picks_a_kind_then_asks_what_its_template_needs(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.send(ALICE, "/outreach")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    kinds = buttons(sent[1])
    assert all(len(data.encode()) <= 64 for data in kinds.values())
    await fake_telegram.click(ALICE, sent[1], kinds["Interest in their research"])
    await fake_telegram.send(ALICE, "Prof. Lena Brandt, PhD")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 5)
    assert "needs a few details" in sent[3]["text"]
    assert sent[4]["text"].startswith("(1 of 3) Paper or research topic?")
    for answer in (
        "her sepsis biomarker cohort",
        "lactate clearance predicted ICU transfer",
        "about 6 hours a week from January",
    ):
        await fake_telegram.send(ALICE, answer)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 9)
    header, body = sent[7], sent[8]
    assert header["text"].startswith("Interest in their research")
    assert "lactate clearance" in body["text"] and "6 hours a week" in body["text"]


async def test_edit_name_alone_asks_each_field_skip_keeps_dash_clears(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(
        ALICE, "/add Prof. Amara Okafor, MD | attending | grand rounds | met at the sepsis talk"
    )
    await fake_telegram.wait_for_messages(ALICE.id, 1)
    await fake_telegram.send(ALICE, "/edit amara okafor")
    sent = await fake_telegram.wait_for_messages(ALICE.id, 2)
    assert sent[1]["text"].startswith("(1 of 5) Their name?")
    assert "Now: Prof. Amara Okafor, MD (Skip keeps it)" in sent[1]["text"]
    await fake_telegram.send(ALICE, "-")  # a name can't be cleared: - keeps it, as Skip
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    assert "(suggested)" in sent[2]["text"] and "- clears it" in sent[2]["text"]
    await fake_telegram.send(ALICE, "Dr. Okafor")
    await fake_telegram.send(ALICE, "Cardiology")
    await fake_telegram.send(ALICE, "skip")
    await fake_telegram.send(ALICE, "-")  # the notes cleared
    sent = await fake_telegram.wait_for_messages(ALICE.id, 7)
    assert sent[6]["text"].startswith("Updated")
    (amara,) = await contacts_of(telegram_bot, ALICE)
    assert amara.draft.name == "Prof. Amara Okafor, MD"
    assert (amara.draft.address_as, amara.draft.specialty) == ("Dr. Okafor", "Cardiology")
    assert amara.draft.notes is None and amara.draft.met_event == "grand rounds"


async def test_a_drafts_edit_details_asks_each_field_and_rewrites_it(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await fake_telegram.send(
        ALICE, "/followup Dr. Kai Osei | grand rounds | sepsis bundles | a shadowing day"
    )
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    header = sent[1]
    assert "a shadowing day" in sent[2]["text"]
    edit = buttons(header)["✏️ Edit details"]
    refused = await fake_telegram.click(BOB, header, edit)
    assert "someone else's" in (await fake_telegram.wait_for_answer(refused))["text"]
    await fake_telegram.click(ALICE, header, edit)
    sent = await fake_telegram.wait_for_messages(ALICE.id, 4)
    assert sent[3]["text"].startswith("(1 of 3) Event?")
    assert "Now: grand rounds (Skip keeps it)" in sent[3]["text"]  # the template needs it
    await fake_telegram.send(ALICE, "skip")
    await fake_telegram.send(ALICE, "early antibiotics in the ED")
    await fake_telegram.send(ALICE, "-")  # no ask this time
    sent = await fake_telegram.wait_for_messages(ALICE.id, 8)
    body = sent[7]["text"]
    assert "early antibiotics in the ED" in body and "shadowing" not in body
    assert "grand rounds" in body


async def test_a_contact_cards_buttons_log_edit_and_draft_for_that_contact(
    telegram_bot: TelegramBot, fake_telegram: FakeTelegram
) -> None:
    await fake_telegram.send(ALICE, "/profile Maya Chen | Riverside School of Medicine | MS2")
    await fake_telegram.send(ALICE, "/add Dr. Amara Okafor, MD | attending | grand rounds")
    await fake_telegram.send(ALICE, "/add Amara Okafor | classmate")  # the same name, twice
    sent = await fake_telegram.wait_for_messages(ALICE.id, 3)
    assert "Update them, or add a new contact?" in sent[2]["text"]
    await fake_telegram.click(ALICE, sent[2], buttons(sent[2])["Add as new"])
    await fake_telegram.wait_for_messages(ALICE.id, 4)
    await fake_telegram.send(ALICE, "/contact Dr. Amara Okafor, MD")
    card = (await fake_telegram.wait_for_messages(ALICE.id, 5))[4]
    assert set(buttons(card)) == {"📝 Log an exchange", "✏️ Edit", "✉️ Draft a follow-up"}
    refused = await fake_telegram.click(BOB, card, buttons(card)["📝 Log an exchange"])
    assert "someone else's" in (await fake_telegram.wait_for_answer(refused))["text"]

    before = len(fake_telegram.sent[ALICE.id])
    await fake_telegram.click(ALICE, card, buttons(card)["📝 Log an exchange"])
    asked = (await fake_telegram.wait_for_messages(ALICE.id, before + 1))[before]
    assert asked["text"].startswith("(2 of 4) What happened?")  # the contact is known
    await fake_telegram.click(ALICE, asked, buttons(asked)["They replied"])
    await fake_telegram.send(ALICE, "today")
    await fake_telegram.send(ALICE, "skip")
    logged = (await fake_telegram.wait_for_messages(ALICE.id, before + 4))[before + 3]
    assert logged["text"].startswith("Logged: they replied")
    people = {c.draft.name: c for c in await contacts_of(telegram_bot, ALICE)}
    # The card's own contact, not the other Amara Okafor.
    assert people["Dr. Amara Okafor, MD"].exchange_count == 1
    assert sum(c.exchange_count for c in people.values()) == 1

    before = len(fake_telegram.sent[ALICE.id])
    await fake_telegram.click(ALICE, card, buttons(card)["✉️ Draft a follow-up"])
    header, body = (await fake_telegram.wait_for_messages(ALICE.id, before + 2))[before:]
    assert "to Dr. Okafor" in header["text"] and "Maya" in body["text"]
