"""`/letters`, the letters-of-recommendation ledger, and the buttons of a letter reminder.

`/letters ask writer | deadline | programs` records a writer asked (one of the student's
contacts, by name); `/letters` (or `/letters list`) shows the ledger numbered, with a row of
buttons per letter for the stages it may move to; `/letters mark N | stage` does the same by
hand; `/letters remove N` asks first (Remove / Keep). N is the letter's number in the list, or
its writer's name. Every call goes to the same `SeasonService` as Discord's `/letters`.

A letter reminder (in the digest, its own message, or `/due`) carries Draft / Done / Snooze as
`letter:{action}:{task}:{letter}`, the task included so a button left on an old message cannot
act on what the letter owes now; the reminder to ask writers offers the student's likely
writers as buttons (`letter:writer:{contact}`). These call `SeasonReminderService`, as Discord's
letter buttons do. Every id is re-read for the student who clicks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.letters import LetterRequest, LetterStage, LetterTask, advance
from bot.core.meetings import long_date
from bot.core.models import Contact, DueItem
from bot.core.names import display_name
from bot.core.season_reminders import ALREADY_DONE, DONE_SAID, SeasonReminderService
from bot.core.season_service import LetterAsked, LetterLine, SeasonService
from bot.core.text import fold
from bot.telegram_adapter import callbacks
from bot.telegram_adapter.drafts import Deliver
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.lookup import contact_named
from bot.telegram_adapter.parsing import parts
from bot.telegram_adapter.presenters import TEXT_MAX, clip
from bot.telegram_adapter.wording import for_telegram

ROW_ID_MAX = 2**63 - 1  # the largest row id the stores hold
LEDGER_BUTTONS = 10  # letters with buttons in one message; the rest by /letters mark N
WRITERS_SHOWN = 10  # writers offered as buttons for an ask, one a row
_TASKS = {
    LetterTask.CHECK: "check in if it isn't in",
    LetterTask.THANK: "send a thank-you",
    LetterTask.OUTCOME: "tell them how the Match went",
}
# A button's short word for each stage a student marks ("asked" is where /letters ask starts).
STAGE_WORDS = {
    LetterStage.AGREED: "agreed",
    LetterStage.SUBMITTED: "submitted",
    LetterStage.THANKED: "thanked",
    LetterStage.TOLD: "told outcome",
    LetterStage.DECLINED: "declined",
}
STAGES = ", ".join(stage.value for stage in STAGE_WORDS)
USAGE = (
    "/letters ask writer | deadline | programs — e.g. /letters ask Amara Okafor | August 1 | "
    "internal medicine programs (the writer is one of your contacts; add them with /add)\n"
    "/letters — your letters, with buttons to move each one on\n"
    f"/letters mark N | stage — stages: {STAGES}\n"
    "/letters remove N — stop tracking a letter\n"
    "N is the letter's number in /letters, or its writer's name."
)
EMPTY = (
    "No letters tracked yet. /letters ask records a writer you've asked, and I'll remind you "
    "to check in, to thank them, and to tell them how the Match went."
)
# What a letter reminder's Done says (answers to a button press: at most 200 characters).
NO_WRITERS = (
    "None of your contacts is faculty, an attending, a researcher or another likely writer "
    "yet. Add the people who know your work with /add, then draft the ask with "
    "/outreach letter | their name."
)
UNAVAILABLE = "Season reminders aren't available on this bot."


def verb_of(text: str) -> tuple[str, str]:
    """The first word (folded) and the rest: "ask Amara | May 1" → ("ask", "Amara | May 1");
    any white space separates them (a phone may put a line break after the word)."""
    words = text.split(maxsplit=1)
    if not words:
        return "", ""
    return words[0].casefold(), words[1] if len(words) > 1 else ""


def row_id(text: str) -> int:
    """An id from button data; one no row can have is a button the bot never made."""
    value = int(text)
    if not 0 < value <= ROW_ID_MAX:
        raise ExpiredAction()
    return value


def writer_name(contact: Contact) -> str:
    return display_name(contact.parsed_name, contact.draft.title)


# -- presenting ---------------------------------------------------------------------------------


PROGRAMS_SHOWN = 80  # of a letter's programs in the list, so 30 letters fit one message


def letter_line(line: LetterLine, programs_max: int = TEXT_MAX) -> str:
    """Stage, deadline, programs and what is next, as the ledger shows them."""
    found = [line.letter.stage.label]
    if line.letter.deadline is not None:
        found.append(f"due {long_date(line.letter.deadline)}")
    if line.letter.programs:
        found.append(clip(line.letter.programs, programs_max))
    if line.due is not None:
        found.append(f"next: {_TASKS[line.due.task]} on {long_date(line.due.due_on)}")
    elif line.letter.stage in (LetterStage.ASKED, LetterStage.AGREED):
        found.append("add a deadline, or set up your cycle with /season setup, for a check-in")
    return " · ".join(found)


def ledger_text(lines: Sequence[LetterLine]) -> str:
    if not lines:
        return EMPTY
    text = ["Your letters of recommendation"]
    text += [
        f"{n}. {clip(writer_name(line.writer), 120)} — {letter_line(line, PROGRAMS_SHOWN)}"
        for n, line in enumerate(lines, 1)
    ]
    if ledger_keyboard(lines) is not None:
        text.append("The buttons move a letter on (by its number).")
    text.append("/letters mark N | stage moves one on; /letters remove N stops tracking one.")
    return clip("\n".join(text))


def next_stages(letter: LetterRequest) -> list[LetterStage]:
    """The stages the core lets this letter move to (its own rule, asked, not restated)."""
    found = []
    for stage in STAGE_WORDS:
        if stage is letter.stage:
            continue
        try:
            advance(letter, stage, today=letter.asked_on)
        except InvalidInput:
            continue
        found.append(stage)
    return found


def ledger_keyboard(lines: Sequence[LetterLine]) -> InlineKeyboardMarkup | None:
    rows = []
    for n, line in enumerate(lines[:LEDGER_BUTTONS], 1):
        row = [
            callbacks.button(f"{n}: {STAGE_WORDS[stage]}", "letters", stage.value, line.letter.id)
            for stage in next_stages(line.letter)
        ]
        if row:
            rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


def asked_text(asked: LetterAsked) -> str:
    name = writer_name(asked.line.writer)
    lead = "Tracking a letter from" if asked.created else "Updated the letter from"
    text = [f"{lead} {name}", letter_line(asked.line)]
    if asked.warning:
        text.append(f"Short notice: {asked.warning}")
    text.append(
        f"/outreach letter | {asked.line.writer.draft.name} drafts the ask · "
        "/letters shows your letters with buttons to move them on"
    )
    return clip("\n".join(text))


# -- the command --------------------------------------------------------------------------------


def stage_of(text: str | None) -> LetterStage:
    key = fold(text or "").strip()
    for stage, word in STAGE_WORDS.items():
        if key in (stage.value, word, fold(stage.label)):
            return stage
    raise InvalidInput(f"Which stage? One of: {STAGES}, e.g. /letters mark 1 | submitted")


def letter_named(lines: Sequence[LetterLine], text: str | None) -> LetterLine:
    """A letter by its number in /letters, or by its writer's name."""
    typed = (text or "").strip()
    if not typed:
        raise InvalidInput(USAGE)
    if typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(lines):
            return lines[number - 1]
        raise InvalidInput(
            f"There's no letter {typed[:10]}: you're tracking {len(lines)}. /letters lists "
            "them with their numbers."
        )
    key = fold(typed)
    exact = [line for line in lines if fold(line.writer.name) == key]
    found = exact or [line for line in lines if key in fold(line.writer.name)]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InvalidInput(f"You're tracking no letter from “{typed[:60]}”. /letters lists them.")
    raise InvalidInput("More than one letter matches that name: use its number from /letters.")


def letters_command(season: SeasonService, contacts: ContactService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        action, rest = verb_of(text)
        if action in ("", "list"):
            lines = await season.letters(student)
            await chat.send_message(ledger_text(lines), reply_markup=ledger_keyboard(lines))
            return
        if action == "ask":
            writer, deadline, programs = parts(rest, 3)
            if not writer:
                await chat.send_message(USAGE)
                return
            contact = await contact_named(contacts, student, writer, command="/letters ask")
            asked = await season.ask_letter(
                student, contact.id, deadline=deadline, programs=programs
            )
            await chat.send_message(asked_text(asked))
            return
        if action == "mark":
            which, stage = parts(rest, 2)
            line = letter_named(await season.letters(student), which)
            moved = await season.mark(student, line.letter.id, stage_of(stage))
            await chat.send_message(clip(f"{writer_name(moved.writer)} — {letter_line(moved)}"))
            return
        if action == "remove":
            line = letter_named(await season.letters(student), rest)
            letter = line.letter.id
            await chat.send_message(
                clip(
                    f"Stop tracking the letter from {writer_name(line.writer)}? "
                    "Its reminders stop too."
                ),
                reply_markup=InlineKeyboardMarkup(
                    [
                        [
                            callbacks.button("🗑️ Remove", "letters", "remove", letter),
                            callbacks.button("Keep", "letters", "keep", letter),
                        ]
                    ]
                ),
            )
            return
        raise InvalidInput(USAGE)

    return run


def ledger_click(season: SeasonService) -> Click:
    """A ledger button: a stage (the ledger is redrawn), or Remove / Keep after /letters remove."""

    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        action, letter = match["action"], row_id(match["id"])
        if action == "keep":
            await message.edit_text("Kept: still tracking that letter.")
            return None
        if action == "remove":
            await season.remove(student, letter)
            await message.edit_text("Stopped tracking that letter.")
            return None
        moved = await season.mark(student, letter, LetterStage(action))
        lines = await season.letters(student)
        text, keyboard = ledger_text(lines), ledger_keyboard(lines)
        old = message.reply_markup.to_dict() if message.reply_markup else None
        # Telegram refuses an edit that changes nothing (a second press of the same stage).
        if text != message.text or (keyboard.to_dict() if keyboard else None) != old:
            await message.edit_text(text, reply_markup=keyboard)
        return clip(f"{writer_name(moved.writer)}: {moved.letter.stage.label}", 200)

    return run


# -- a letter reminder's buttons ----------------------------------------------------------------


def letter_row(item: DueItem, label: str = "") -> list[InlineKeyboardButton]:
    """A letter item's Draft / Done / Snooze, labelled like the other items' (by number)."""
    assert item.letter is not None
    task, letter, suffix = item.letter.task, item.ref, f" {label}" if label else ""
    return [
        callbacks.button(f"✏️{suffix or ' Draft'}", "letter", "draft", task, letter),
        callbacks.button(f"✅{suffix or ' Done'}", "letter", "done", task, letter),
        callbacks.button(f"💤{suffix or ' Snooze'}", "letter", "snooze", task, letter),
    ]


def _service(reminders: SeasonReminderService | None) -> SeasonReminderService:
    if reminders is None:
        raise InvalidInput(UNAVAILABLE)
    return reminders


async def offer_writers(chat: Chat, service: SeasonReminderService, student: int) -> None:
    await service.item(student, LetterTask.ASK, 0)  # still owed, or "no longer due"
    writers = await service.writer_choices(student)
    if not writers:
        await chat.send_message(NO_WRITERS)
        return
    rows = [
        [callbacks.button(clip(writer_name(c), 60), "letter", "writer", c.id)]
        for c in writers[:WRITERS_SHOWN]
    ]
    await chat.send_message(
        "Who would you like to ask? I'll draft the request; record it with /letters ask once "
        "you've sent it.",
        reply_markup=InlineKeyboardMarkup(rows),
    )


def letter_item_click(
    reminders: SeasonReminderService | None, drafts: DraftService, deliver: Deliver
) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        service = _service(reminders)
        action, task = match["action"], LetterTask(match["task"])
        letter = int(match["id"]) if task is LetterTask.ASK else row_id(match["id"])
        if action == "draft":
            if task is LetterTask.ASK:
                await offer_writers(message.chat, service, student)
                return None
            request = await service.draft_request(student, task, letter)
            await deliver(message.chat, student, lambda: drafts.start(student, request))
            return None
        if action == "done":
            done = await service.done(student, task, letter)
            return for_telegram(DONE_SAID[task]) if done else ALREADY_DONE
        until = await service.snooze(student, task, letter)
        return f"Snoozed until {long_date(until)}."

    return run


def writer_click(
    reminders: SeasonReminderService | None, drafts: DraftService, deliver: Deliver
) -> Click:
    """A writer picked for the ask reminder's Draft: drafts the letter request."""

    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        service = _service(reminders)
        request = await service.draft_request(
            student, LetterTask.ASK, 0, writer_id=row_id(match["id"])
        )
        await deliver(message.chat, student, lambda: drafts.start(student, request))
        return None

    return run
