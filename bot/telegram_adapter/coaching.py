"""`/tip`, `/prep`, `/pitch` and `/goals`: the coach beyond the contact book, on one line each.

Discord offers topics and meeting kinds as choices and the pitch as a three-answer form;
Telegram has neither, so a topic or kind is typed (case, spaces and accents don't matter; a
word of it is enough when only one fits), an unknown one is answered with the list, and the
pitch's three answers come as one `|` line. Each command calls the same CoachingService method
as Discord's.
"""

from __future__ import annotations

import re

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.content.coach import MEETING_KINDS, TOPICS
from bot.core.coaching import GOAL_MAX, CoachingService, Pitch
from bot.core.contacts import ContactService
from bot.core.errors import InvalidInput
from bot.core.text import fold
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.lookup import contact_named
from bot.telegram_adapter.parsing import parts

SUGGESTED = 5  # near matches listed when a name fits several contacts
TYPED_ECHO = 40  # characters of an unknown topic or kind repeated back
WORD_MIN = 3  # a shorter word typed fits too much to pick a topic by


def _key(text: str) -> str:
    """What was typed, as a catalogue key ("Office hours" → "office_hours")."""
    return "_".join(re.sub(r"[^a-z0-9 ]", " ", fold(text).replace("_", " ")).split())


def choice_of(text: str, choices: dict[str, str]) -> str | None:
    """The key typed (or its label), else the one choice with a word starting with each word
    typed ("linkedin" → online_presence, "mentor" → mentor_meeting); None when none or several
    fit."""
    key = _key(text)
    if not key:
        return None
    for choice, label in choices.items():
        if key in (choice, _key(label)):
            return choice
    typed = key.split("_")
    if any(len(word) < WORD_MIN for word in typed):
        return None
    fits = [
        choice
        for choice, label in choices.items()
        if all(
            any(word.startswith(part) for word in f"{choice}_{_key(label)}".split("_"))
            for part in typed
        )
    ]
    return fits[0] if len(fits) == 1 else None


def _listing(choices: dict[str, str]) -> str:
    return "\n".join(f"• {label} — {key.replace('_', ' ')}" for key, label in choices.items())


TIP_TOPICS = "Topics (send /tip and one of them):\n" + _listing(TOPICS)


def tip_command(coaching: CoachingService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        topic = None
        if text == "?":  # the help's way to ask for the list
            await chat.send_message(TIP_TOPICS)
            return
        if text:
            topic = choice_of(text, TOPICS)
            if topic is None:
                raise InvalidInput(
                    presenters.clip(f"I have no tips on “{text[:TYPED_ECHO]}”.\n{TIP_TOPICS}")
                )
        await chat.send_message(presenters.tip_text(await coaching.tip(student, topic)))

    return run


PREP_USAGE = (
    "Send /prep kind | who you're meeting (optional), e.g.\n"
    "/prep office hours | Dr. Amara Okafor\nKinds:\n" + _listing(MEETING_KINDS)
)


def prep_command(coaching: CoachingService, contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        kind_text, name = parts(text, 2)
        if not kind_text:
            await chat.send_message(PREP_USAGE)
            return
        kind = choice_of(kind_text, MEETING_KINDS)
        if kind is None:
            raise InvalidInput(
                presenters.clip(
                    f"I don't know the meeting “{kind_text[:TYPED_ECHO]}”.\n{PREP_USAGE}"
                )
            )
        contact = await contact_named(contacts, student, name, command="/prep") if name else None
        prep = await coaching.prep(student, kind, contact.id if contact else None)
        await chat.send_message(presenters.prep_text(prep))

    return run


def pitch_usage(coaching: CoachingService) -> str:
    words = coaching.library.pitch
    return presenters.clip(
        "Let's build your 30-second elevator pitch: answer three questions on one line, "
        "separated by |.\n\n"
        f"1. {words['intro_prompt']}\n2. {words['interest_prompt']}\n3. {words['hope_prompt']}\n\n"
        "e.g. /pitch second-year medical student at Riverside | a patient with heart failure on "
        "my first rotation | to learn how cardiologists choose their path"
    )


def pitch_command(coaching: CoachingService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            await chat.send_message(pitch_usage(coaching))
            return
        answers = parts(text, 3)
        if not all(answers):
            raise InvalidInput(
                "Answer all three, separated by |: who you are | what draws you | what you hope "
                "for. Send /pitch alone for the questions."
            )
        await send_pitch(chat, coaching, await coaching.compose_pitch(student, answers))

    return run


async def send_pitch(chat: Chat, coaching: CoachingService, pitch: Pitch) -> None:
    """The pitch as plain text to copy, with the button that saves it to the profile."""
    save = InlineKeyboardMarkup(
        [[callbacks.button("💾 Save to my profile", "pitch", "save", pitch.pending_id)]]
    )
    await chat.send_message(
        presenters.pitch_text(pitch, coaching.library.pitch["tip"]), reply_markup=save
    )


def pitch_click(coaching: CoachingService) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        await coaching.save_pitch(student, int(match["id"]))
        # The pitch stays on screen to copy; only the button goes (it would be used up).
        await message.edit_text(
            presenters.clip(f"{message.text or ''}\n\nSaved: your drafts will use this pitch.")
        )
        return "Saved: your drafts will use this pitch."

    return run


GOALS_USAGE = (
    "Send /goals new contacts | follow-ups | check-ins a week, e.g. /goals 2 | 3 | 1 "
    f"(each 0 to {GOAL_MAX}; leave a part empty to keep it)."
)
_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")  # longer is out of range anyway; int() never sees it


def _goal_number(text: str | None) -> int | None:
    if text is None:
        return None
    if _NUMBER.fullmatch(text) is None:
        if re.fullmatch(r"[+-]?[0-9]+", text):
            raise InvalidInput(f"Each weekly goal is a number from 0 to {GOAL_MAX}.")
        raise InvalidInput(f"“{text[:TYPED_ECHO]}” isn't a number. {GOALS_USAGE}")
    return int(text)


def goals_command(coaching: CoachingService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        if not text:
            goal = await coaching.goal(student)
            await chat.send_message(f"{presenters.goal_text(goal)}\n\n{GOALS_USAGE}")
            return
        new_contacts, follow_ups, check_ins = (_goal_number(p) for p in parts(text, 3))
        goal = await coaching.set_goal(
            student, new_contacts=new_contacts, follow_ups=follow_ups, check_ins=check_ins
        )
        await chat.send_message(presenters.goal_text(goal, heading="Saved. Your weekly goal"))

    return run
