"""`/interview`: log a residency interview and get a thank-you draft per interviewer.

`/interview program | interviewer; interviewer … | when | options`, e.g.
`/interview St Mary's internal medicine | Dr. Helen Marsh; Dr. Jun He | yesterday | formal`.
Interviewers are separated by `;` (a name may hold a comma: "Amara Okafor, MD"); each is one of
the student's contacts by name, or a new contact. Options, in any order: `no contact` (the
program asked for no contact after interviews: no thank-yous), a channel (email, linkedin, dm)
and a tone (warm, formal, brief). The same `InterviewService.log` and `thank_yous` as Discord's
`/interview log`.
"""

from __future__ import annotations

import re

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.core.drafts import FieldsRequired, ProfileRequired
from bot.core.errors import InvalidInput
from bot.core.interviews import NO_CONTACT, InterviewLogged, InterviewService
from bot.core.models import Channel, Tone
from bot.core.names import display_name
from bot.core.text import fold
from bot.core.validation import NAME_MAX
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.drafts import send_draft
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.letters import row_id, verb_of
from bot.telegram_adapter.parsing import parts
from bot.telegram_adapter.presenters import clip

USAGE = (
    "Send /interview program | interviewers | when | options, e.g.\n"
    "/interview St Mary's internal medicine | Dr. Helen Marsh; Dr. Jun He | yesterday\n"
    "Separate interviewers with ; (up to five). When: today (the default), yesterday or a date. "
    "Options: no contact (the program asked for none after interviews), email, linkedin or dm, "
    "warm, formal or brief."
)
CHANNEL_WORDS = {"email": Channel.EMAIL, "e-mail": Channel.EMAIL, "linkedin": Channel.LINKEDIN}
CHANNEL_WORDS |= {"dm": Channel.DM, "message": Channel.DM}
TONE_WORDS = {tone.value: tone for tone in Tone}
NO_CONTACT_WORDS = ("no contact", "no-contact", "nocontact", "no_contact")
PROFILE_FIRST = (
    "Drafts are signed with your details: send /profile your name | school | year "
    "(e.g. /profile Maya Chen | Riverside School of Medicine | MS2), then press the button."
)


def options_of(text: str | None) -> tuple[bool, Channel | None, Tone]:
    """(no contact, channel, tone) from the options part, words in any order."""
    key = fold(text or "")
    no_contact = False
    for words in NO_CONTACT_WORDS:
        if words in key:
            no_contact, key = True, key.replace(words, " ")
    channel, tone = None, Tone.WARM
    for word in re.split(r"[\s,]+", key):
        if not word:
            continue
        if word in CHANNEL_WORDS:
            channel = CHANNEL_WORDS[word]
        elif word in TONE_WORDS:
            tone = TONE_WORDS[word]
        else:
            raise InvalidInput(
                f"I don't know the option “{word[:30]}”. Options: no contact, email, linkedin, "
                "dm, warm, formal, brief. Nothing was saved."
            )
    return no_contact, channel, tone


def interviewers_of(text: str | None) -> list[str]:
    names = [name.strip() for name in (text or "").split(";") if name.strip()]
    for name in names:
        # Checked here, before the service: it stores the interview's event before it makes
        # contacts of new names, so a name it refuses then would leave the event behind.
        if len(name) > NAME_MAX:
            raise InvalidInput(
                f"An interviewer's name is {len(name):,} characters; the limit is {NAME_MAX}. "
                "Nothing was saved."
            )
    return names


def no_contact_text(logged: InterviewLogged) -> str:
    people = ", ".join(display_name(c.parsed_name, c.draft.title) for c in logged.interviewers)
    return clip(f"Logged: {logged.event.name}\n{NO_CONTACT}\nInterviewers: {people}")


def thanks_button(event_id: int, channel: Channel | None, tone: Tone) -> InlineKeyboardMarkup:
    where = channel.value if channel is not None else "any"
    button = callbacks.button(
        "✏️ Draft the thank-yous", "interview", "thanks", event_id, where, tone.value
    )
    return InlineKeyboardMarkup([[button]])


async def send_thank_yous(
    chat: Chat,
    interviews: InterviewService,
    student: int,
    event_id: int,
    channel: Channel | None,
    tone: Tone,
) -> None:
    """One draft per interviewer; without a profile, a button to draft them once it is set
    (sending /interview again would log the interview twice)."""
    try:
        results = await interviews.thank_yous(student, event_id, channel=channel, tone=tone)
    except ProfileRequired:
        await chat.send_message(PROFILE_FIRST, reply_markup=thanks_button(event_id, channel, tone))
        return
    except FieldsRequired as held:
        await chat.send_message(f"“{held.title}” needs: {', '.join(held.fields)}.")
        return
    for result in results:
        await send_draft(chat, result)


def interview_command(interviews: InterviewService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        first, rest = verb_of(text)
        if first == "log":  # as Discord's /interview log
            text = rest
        program, people, when, options = parts(text, 4)
        if not program:
            await chat.send_message(USAGE)
            return
        interviewers = interviewers_of(people)
        if not interviewers:
            raise InvalidInput(f"Name at least one interviewer.\n{USAGE}")
        no_contact, channel, tone = options_of(options)
        logged = await interviews.log(
            student, program=program, when=when, interviewers=interviewers, no_contact=no_contact
        )
        if logged.interview.no_contact:
            await chat.send_message(no_contact_text(logged))
            return
        await chat.send_message(
            clip(f"Logged: {logged.event.name} on {logged.event.held_on:%d %b %Y}.")
        )
        await send_thank_yous(chat, interviews, student, logged.event.id, channel, tone)

    return run


def thanks_click(interviews: InterviewService) -> Click:
    """The thank-yous drafted after the profile was set (the interview is re-read for the
    clicker: another student's interview is an expired action)."""

    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        channel = None if match["channel"] == "any" else Channel(match["channel"])
        await send_thank_yous(
            message.chat, interviews, student, row_id(match["id"]), channel, Tone(match["tone"])
        )
        return None

    return run
