"""What every handler shares: private chats only, the student behind the update, errors shown.

Personal data stays in private chats: in a group the bot says how to reach it one-to-one and
does nothing else. A CoachError's `user_message` is safe to show; anything else is logged by
ids only and answered with a generic line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from telegram import Chat, Message, Update
from telegram.constants import ChatType
from telegram.ext import CallbackContext

from bot.content.prompts import PromptLibrary
from bot.core.errors import CoachError
from bot.core.flight import Job, SingleFlight
from bot.telegram_adapter.answer_limits import ANSWERING
from bot.telegram_adapter.identity import TelegramIdentities
from bot.telegram_adapter.wording import for_telegram

log = logging.getLogger(__name__)

Context = CallbackContext[Any, Any, Any, Any]
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
# What a command receives: the chat to answer in, the student, and the text after the command.
Command = Callable[[Chat, int, str], Awaitable[None]]

SOMETHING_WENT_WRONG = (
    "Something went wrong on my side; nothing was changed. Try again in a minute."
)


def argument_text(text: str | None) -> str:
    """What follows the command ("/add@coach_bot Amara | attending" → "Amara | attending")."""
    if not text:
        return ""
    return text.partition(" ")[2].strip() if text.startswith("/") else text.strip()


def group_reply(prompts: PromptLibrary, bot_username: str) -> str:
    return prompts.render("telegram_group", bot_link=f"https://t.me/{bot_username}")


UNLINKED = TelegramIdentities()


def private_command(
    prompts: PromptLibrary,
    run: Command,
    identities: TelegramIdentities = UNLINKED,
    *,
    notice: Callable[[int], Awaitable[str | None]] | None = None,
) -> Handler:
    """A command in the student's private chat; `notice`, after it, says once what the student
    should know about their account (a send that bounced)."""

    async def handle(update: Update, context: Context) -> None:
        ANSWERING.set(True)  # this task's requests answer the student (answer_limits)
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if chat is None or user is None or message is None or user.is_bot:
            return
        if chat.type != ChatType.PRIVATE:
            await chat.send_message(group_reply(prompts, context.bot.username))
            return
        try:
            student = await identities.student(user.id)
            await run(chat, student, argument_text(message.text))
            said = await notice(student) if notice is not None else None
            if said:
                await chat.send_message(said)
        except CoachError as error:
            await chat.send_message(for_telegram(error.user_message))
        except Exception:
            log.exception("telegram command failed user=%s", user.id)
            await chat.send_message(SOMETHING_WENT_WRONG)

    return handle


# What a document upload receives: the message carrying it and the student.
Upload = Callable[[Message, int], Awaitable[None]]


def private_upload(
    prompts: PromptLibrary, run: Upload, identities: TelegramIdentities = UNLINKED
) -> Handler:
    """A file sent in the student's private chat (in a group: how to talk privately)."""

    async def handle(update: Update, context: Context) -> None:
        ANSWERING.set(True)  # this task's requests answer the student (answer_limits)
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if chat is None or user is None or message is None or user.is_bot:
            return
        if chat.type != ChatType.PRIVATE:
            await chat.send_message(group_reply(prompts, context.bot.username))
            return
        try:
            await run(message, await identities.student(user.id))
        except CoachError as error:
            await chat.send_message(for_telegram(error.user_message))
        except Exception:
            log.exception("telegram upload failed user=%s", user.id)
            await chat.send_message(SOMETHING_WENT_WRONG)

    return handle


@asynccontextmanager
async def single_flight(
    flights: SingleFlight | None, student: int, kind: str, what: str
) -> AsyncIterator[Job]:
    """The student's only job of `kind` (export, import, progress), when the bot keeps them;
    a refusal is a CoachError, shown like any other."""
    if flights is None:
        yield Job()
        return
    async with flights.hold(student, kind, what) as job:
        yield job


# What a button receives: the message it is under (in the clicker's own chat), the clicking
# student, and the matched data.
Click = Callable[[Message, int, "re.Match[str]"], Awaitable[str | None]]

NOT_YOURS = "These buttons belong to someone else's chat; nothing was changed."
GONE = "That message is too old to act on; send the command again."


def own_click(
    pattern: re.Pattern[str], run: Click, identities: TelegramIdentities = UNLINKED
) -> Handler:
    """An inline button press: checked to be the clicker's own private chat, then acted on for
    the clicker (every id in the data is re-read for them). `run` returns the short note shown
    on the button press, or None for a silent acknowledgement."""

    async def handle(update: Update, context: Context) -> None:
        ANSWERING.set(True)  # this task's requests answer the student (answer_limits)
        query = update.callback_query
        if query is None:
            return
        message = query.message
        match = pattern.match(query.data or "")
        if not isinstance(message, Message) or match is None:
            await query.answer(GONE, show_alert=True)
            return
        chat = message.chat
        if chat.type != ChatType.PRIVATE or chat.id != query.from_user.id:
            log.info("refused a click user=%s chat=%s", query.from_user.id, chat.id)
            await query.answer(NOT_YOURS, show_alert=True)
            return
        try:
            student = await identities.student(query.from_user.id)
            note = await run(message, student, match)
        except CoachError as error:
            await query.answer(for_telegram(error.user_message)[:200], show_alert=True)
            return
        except Exception:
            log.exception("telegram click failed user=%s", query.from_user.id)
            await query.answer(SOMETHING_WENT_WRONG, show_alert=True)
            return
        await query.answer(note)

    return handle


async def unknown_click(update: Update, context: Context) -> None:
    """A press whose data no button's grammar accepts (forged, or from a feature this bot no
    longer runs): answered, so the button stops spinning, and nothing is done."""
    if update.callback_query is not None:
        await update.callback_query.answer(GONE, show_alert=True)
