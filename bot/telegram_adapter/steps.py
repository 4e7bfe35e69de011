"""Step-by-step questions: where Discord opens a form, Telegram asks one question at a time.

The answers so far are kept by the core's ConversationService, in the database: after a restart,
or with another process reading the next message, the student carries on. Each question comes
with its buttons (choices where there are few; Skip where a step is optional; Cancel), and the
student may type instead ("skip", "cancel", or /cancel). Each answer is checked as it arrives,
by the rule of the field it fills, so a wrong one is asked again, not discovered at the end.
A command sent meanwhile runs as usual and leaves the questions where they were.

The forms themselves (their steps, and what the answers are handed to) are in `step_forms`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.core.conversations import Conversation, ConversationService
from bot.core.errors import CoachError
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.wording import for_telegram

CLEAR = "-"
SKIP_WORDS = frozenset({"skip", CLEAR, "/skip"})
CANCEL_WORDS = frozenset({"cancel", "stop", "/cancel"})
NOTHING_OPEN = "Nothing to answer right now. Send /help to see what I can do."
CANCELLED = "Stopped; nothing was saved. Start again whenever you like."
ANSWERED = "That question was already answered; nothing was changed."


@dataclass(frozen=True, slots=True)
class Step:
    question: str
    optional: bool = False
    # Buttons that answer the question: (label, the answer they give).
    choices: tuple[tuple[str, str], ...] = ()
    columns: int = 3  # choices per row (fewer when the labels are long)
    # Raises a CoachError for an answer the field can't take (the step is then asked again);
    # may be a coroutine function (a contact's name is looked up).
    check: Callable[[str], object] | None = None
    # Shown under the question (what the student has now, when changing it).
    note: str | None = None
    # "-" answers the question (it clears the field) instead of skipping it.
    clearable: bool = False


class Form(Protocol):
    """A form's questions and what its answers are handed to."""

    def step(self, conversation: Conversation) -> Step:
        """The question for the conversation's next step."""
        ...

    async def finish(self, chat: Chat, student: int, done: Conversation) -> None: ...


def question_text(conversation: Conversation, step: Step) -> str:
    number, total = conversation.position
    lines = [f"({number} of {total}) {step.question}"]
    if step.note:
        lines.append(step.note)
    return presenters.clip("\n".join(lines))


def question_keyboard(conversation: Conversation, step: Step) -> InlineKeyboardMarkup:
    rows: list[list[InlineKeyboardButton]] = []
    for start in range(0, len(step.choices), step.columns):
        rows.append(
            [
                callbacks.button(label[:60], "step", "pick", conversation.id, start + offset)
                for offset, (label, _) in enumerate(step.choices[start : start + step.columns])
            ]
        )
    last = [callbacks.button("Cancel", "step", "cancel", conversation.id)]
    if step.optional:
        last.insert(0, callbacks.button("Skip", "step", "skip", conversation.id))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


class StepByStep:
    """Starts forms, takes their answers (typed or pressed) and hands finished ones on."""

    def __init__(self, conversations: ConversationService) -> None:
        self._conversations = conversations
        self._forms: dict[str, Form] = {}

    def register(self, forms: Mapping[str, Form]) -> None:
        """Forms this engine asks (each form's holder registers its own when it is built)."""
        self._forms.update(forms)

    async def start(
        self,
        chat: Chat,
        student: int,
        form: str,
        steps: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
        answers: Mapping[str, str | None] | None = None,
    ) -> None:
        """Begin `form` and ask its first unanswered question (`answers`: steps known already,
        e.g. the contact a button was under)."""
        conversation = await self._conversations.start(
            student, form, steps, context=context, answers=answers
        )
        await self._ask(chat, conversation)

    async def _ask(self, chat: Chat, conversation: Conversation) -> None:
        step = self._forms[conversation.form].step(conversation)
        await chat.send_message(
            question_text(conversation, step), reply_markup=question_keyboard(conversation, step)
        )

    # -- answering ---------------------------------------------------------------------------

    def text_reply(self) -> Command:
        """A plain message in the private chat: the answer to the open question."""

        async def run(chat: Chat, student: int, text: str) -> None:
            conversation = await self._conversations.current(student)
            if conversation is None or conversation.form not in self._forms:
                await chat.send_message(NOTHING_OPEN)
                return
            word = text.strip().casefold()
            if word in CANCEL_WORDS:
                await self._cancel(chat, student)
                return
            step = self._forms[conversation.form].step(conversation)
            clears = word == CLEAR and step.clearable
            if word in SKIP_WORDS and step.optional and not clears:
                await self._answer(chat, student, conversation, None)
                return
            await self._answer(chat, student, conversation, text)

        return run

    def cancel_command(self) -> Command:
        async def run(chat: Chat, student: int, text: str) -> None:
            await self._cancel(chat, student)

        return run

    def click(self) -> Click:
        async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
            conversation = await self._conversations.current(student)
            if conversation is None or conversation.id != int(match["id"]):
                return ANSWERED
            if match["action"] == "cancel":
                await self._cancel(message.chat, student)
                return None
            step = self._forms[conversation.form].step(conversation)
            if match["action"] == "skip":
                if not step.optional:
                    return "This one is needed."
                await self._answer(message.chat, student, conversation, None)
                return None
            index = int(match["choice"] or -1)
            if not 0 <= index < len(step.choices):
                return "That choice isn't offered any more; nothing was changed."
            label, value = step.choices[index]
            await self._answer(message.chat, student, conversation, value)
            return label[:200]

        return run

    async def _cancel(self, chat: Chat, student: int) -> None:
        had = await self._conversations.cancel(student)
        await chat.send_message(CANCELLED if had else NOTHING_OPEN)

    async def _answer(
        self, chat: Chat, student: int, conversation: Conversation, value: str | None
    ) -> None:
        form = self._forms[conversation.form]
        step = form.step(conversation)
        if value is not None and step.check is not None:
            checked = step.check(value)  # a CoachError: shown, and the same question stands
            if inspect.isawaitable(checked):
                await checked
        answered = await self._conversations.answer(student, conversation.id, value)
        if not answered.done:
            await self._ask(chat, answered)
            return
        try:
            await form.finish(chat, student, answered)
        except CoachError as refused:
            # Refused as a whole (rare: each answer was checked): said, and the last question
            # asked again rather than the whole form.
            await chat.send_message(for_telegram(refused.user_message))
            await self._ask(chat, await self._conversations.restore(student, answered))


# A command sent alone starts its questions (`Starter`), with words typed after it runs the
# one-line form.
Starter = Callable[[Chat, int], Awaitable[None]]


def or_ask(start: Starter, run: Command) -> Command:
    """The command with its one-line form; sent alone, its questions one at a time."""

    async def handle(chat: Chat, student: int, text: str) -> None:
        if text:
            await run(chat, student, text)
        else:
            await start(chat, student)

    return handle
