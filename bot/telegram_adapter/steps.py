"""Step-by-step prompts: where Discord opens a form, Telegram asks one question at a time.

The answers so far are kept by the core's ConversationService, in the database: after a restart,
or with another process reading the next message, the student carries on. Each question comes
with its buttons (a contact's role as choices; Skip where a step is optional; Cancel), and the
student may type instead ("skip", "cancel", or /cancel). Each answer is checked as it arrives,
with the rule of the field it fills, so a wrong one is asked again, not discovered at the end.
A command sent meanwhile runs as usual and leaves the questions where they were.

Forms: `/add` alone (name, role, where you met, notes), `/profile` alone (name, school, year),
and a draft held by the core for the student's details or for what its template needs.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.core.contacts import ContactService
from bot.core.conversations import Conversation, ConversationService
from bot.core.drafts import (
    FIELD_LABELS,
    DraftResult,
    DraftService,
    FieldsRequired,
    ProfileRequired,
    clean_fields,
    validate_profile,
)
from bot.core.errors import CoachError, InvalidInput
from bot.core.models import AddOutcome, ContactDraft, Profile, Role
from bot.core.validation import validate_draft
from bot.telegram_adapter import callbacks, presenters
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.parsing import role_of

FORM_ADD = "add"
FORM_PROFILE = "profile"
FORM_FIELDS = "fields"  # what a held draft request's template needs
SKIP_WORDS = frozenset({"skip", "-", "/skip"})
CANCEL_WORDS = frozenset({"cancel", "stop", "/cancel"})
NOTHING_OPEN = "Nothing to answer right now. Send /help to see what I can do."
CANCELLED = "Stopped; nothing was saved. Start again whenever you like."
PROFILE_FIRST = "Drafts are signed with your details: three quick questions first, then your draft."


@dataclass(frozen=True, slots=True)
class Step:
    question: str
    optional: bool = False
    # Buttons that answer the question: (label, the answer they give).
    choices: tuple[tuple[str, str], ...] = ()
    # Raises InvalidInput for an answer the field can't take (the step is then asked again).
    check: Callable[[str], object] | None = None


def _contact_check(field: str) -> Callable[[str], object]:
    """The contact rules for one field, on a contact that has only that field."""

    def check(value: str) -> object:
        changes: dict[str, Any] = {field: value}
        return validate_draft(replace(ContactDraft(name="-"), **changes))

    return check


def _profile_check(field: str) -> Callable[[str], object]:
    """The profile rules for one field (length, not empty)."""

    def check(value: str) -> object:
        changes: dict[str, Any] = {field: value}
        return validate_profile(replace(Profile(name="-", school="-", stage="-"), **changes))

    return check


ROLE_CHOICES = tuple((role.label, role.value) for role in Role)

ADD_STEPS = {
    "name": Step(
        "Who did you meet? Their name as you'd write it, e.g. Dr. Amara Okafor, MD",
        check=_contact_check("name"),
    ),
    "role": Step(
        "What's their role? Pick one, or type it.",
        optional=True,
        choices=ROLE_CHOICES,
        check=role_of,
    ),
    "met_event": Step(
        "Where did you meet? e.g. the cardiology interest group talk",
        optional=True,
        check=_contact_check("met_event"),
    ),
    "notes": Step(
        "Anything to remember about them? (what you talked about, what they suggested)",
        optional=True,
        check=_contact_check("notes"),
    ),
}
PROFILE_STEPS = {
    "name": Step(
        "Your name, as drafts should sign it? e.g. Maya Chen", check=_profile_check("name")
    ),
    "school": Step(
        "Your school? e.g. Riverside School of Medicine", check=_profile_check("school")
    ),
    "stage": Step("Your year or stage? e.g. MS2", check=_profile_check("stage")),
}


def _field_step(name: str) -> Step:
    label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
    return Step(f"{label}?", check=lambda value: clean_fields({name: value}))


def step_of(conversation: Conversation) -> Step | None:
    key = conversation.step
    if key is None:
        return None
    if conversation.form == FORM_ADD:
        return ADD_STEPS[key]
    if conversation.form == FORM_PROFILE:
        current = conversation.context.get("current", {})
        step = PROFILE_STEPS[key]
        # A student changing their profile keeps what they skip.
        return Step(step.question, optional=bool(current.get(key)), check=step.check)
    return _field_step(key)


def question_text(conversation: Conversation) -> str:
    step = step_of(conversation)
    assert step is not None
    number, total = conversation.position
    lines = [f"({number} of {total}) {step.question}"]
    if conversation.form == FORM_PROFILE:
        kept = conversation.context.get("current", {}).get(conversation.step or "")
        if kept:
            lines.append(f"Now: {kept} (Skip keeps it)")
    return presenters.clip("\n".join(lines))


def question_keyboard(conversation: Conversation) -> InlineKeyboardMarkup:
    step = step_of(conversation)
    assert step is not None
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    for index, (label, _) in enumerate(step.choices):
        row.append(callbacks.button(label, "step", "pick", conversation.id, index))
        if len(row) == 3:
            rows.append(row)
            row = []
    if row:
        rows.append(row)
    last = [callbacks.button("Cancel", "step", "cancel", conversation.id)]
    if step.optional:
        last.insert(0, callbacks.button("Skip", "step", "skip", conversation.id))
    rows.append(last)
    return InlineKeyboardMarkup(rows)


async def ask(chat: Chat, conversation: Conversation) -> None:
    await chat.send_message(
        question_text(conversation), reply_markup=question_keyboard(conversation)
    )


# What a finished form is handed to: the chat, the student and the answers.
Finish = Callable[[Chat, int, Conversation], Awaitable[None]]


class StepByStep:
    """Starts forms, takes their answers (typed or pressed) and hands finished ones on."""

    def __init__(
        self,
        conversations: ConversationService,
        contacts: ContactService,
        drafts: DraftService,
        *,
        added: Callable[[Chat, AddOutcome], Awaitable[None]],
        send_draft: Callable[[Chat, DraftResult], Awaitable[None]],
    ) -> None:
        self._conversations = conversations
        self._contacts = contacts
        self._drafts = drafts
        self._added = added
        self._send_draft = send_draft
        self._finish: Mapping[str, Finish] = {
            FORM_ADD: self._finish_add,
            FORM_PROFILE: self._finish_profile,
            FORM_FIELDS: self._finish_fields,
        }

    async def deliver(
        self, chat: Chat, student: int, make: Callable[[], Awaitable[list[DraftResult]]]
    ) -> None:
        """Run a draft request and send each draft; one the core holds for the student's
        details or for what its template needs goes on as questions."""
        try:
            results = await make()
        except ProfileRequired as held:
            await chat.send_message(PROFILE_FIRST)
            await self.start_profile(chat, student, held=held.pending_id)
            return
        except FieldsRequired as held:
            await self.start_fields(chat, student, held.pending_id, held.fields, held.title)
            return
        for result in results:
            await self._send_draft(chat, result)

    # -- starting ----------------------------------------------------------------------------

    async def start_add(self, chat: Chat, student: int) -> None:
        await ask(chat, await self._conversations.start(student, FORM_ADD, tuple(ADD_STEPS)))

    async def start_profile(self, chat: Chat, student: int, *, held: int | None = None) -> None:
        current = await self._drafts.profile(student)
        shown = {k: getattr(current, k) for k in PROFILE_STEPS} if current else {}
        context: dict[str, object] = {"current": shown}
        if held is not None:
            context["held"] = held
        conversation = await self._conversations.start(
            student, FORM_PROFILE, tuple(PROFILE_STEPS), context=context
        )
        await ask(chat, conversation)

    async def start_fields(
        self, chat: Chat, student: int, held: int, fields: tuple[str, ...], title: str
    ) -> None:
        conversation = await self._conversations.start(
            student, FORM_FIELDS, fields, context={"held": held}
        )
        await chat.send_message(presenters.clip(f"“{title}” needs a few details first."))
        await ask(chat, conversation)

    # -- answering ---------------------------------------------------------------------------

    def text_reply(self) -> Command:
        """A plain message in the private chat: the answer to the open question."""

        async def run(chat: Chat, student: int, text: str) -> None:
            conversation = await self._conversations.current(student)
            if conversation is None:
                await chat.send_message(NOTHING_OPEN)
                return
            word = text.strip().casefold()
            if word in CANCEL_WORDS:
                await self._cancel(chat, student)
                return
            step = step_of(conversation)
            if word in SKIP_WORDS and step is not None and step.optional:
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
                return "That question was already answered; nothing was changed."
            if match["action"] == "cancel":
                await self._cancel(message.chat, student)
                return None
            step = step_of(conversation)
            if step is None:
                return None
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
            return label

        return run

    async def _cancel(self, chat: Chat, student: int) -> None:
        had = await self._conversations.cancel(student)
        await chat.send_message(CANCELLED if had else NOTHING_OPEN)

    async def _answer(
        self, chat: Chat, student: int, conversation: Conversation, value: str | None
    ) -> None:
        step = step_of(conversation)
        if value is not None and step is not None and step.check is not None:
            step.check(value)  # InvalidInput: shown, and the same question stands
        answered = await self._conversations.answer(student, conversation.id, value)
        if not answered.done:
            await ask(chat, answered)
            return
        try:
            await self._finish[answered.form](chat, student, answered)
        except CoachError:
            # Refused as a whole (rare: each answer was checked): the last one can be given
            # again rather than the whole form.
            await self._conversations.restore(student, answered)
            raise

    # -- finishing ---------------------------------------------------------------------------

    async def _finish_add(self, chat: Chat, student: int, done: Conversation) -> None:
        answers = done.answers
        name = answers.get("name")
        if not name:
            raise InvalidInput("A contact needs a name.")
        contact = ContactDraft(
            name=name,
            role=role_of(answers.get("role")),
            met_event=answers.get("met_event"),
            notes=answers.get("notes"),
        )
        await self._added(chat, await self._contacts.add(student, contact))

    async def _finish_profile(self, chat: Chat, student: int, done: Conversation) -> None:
        changes = {k: v for k, v in done.answers.items() if v}
        profile = await self._drafts.save_profile(student, changes)
        await chat.send_message(
            presenters.clip(
                f"Saved: {profile.name} | {profile.school} | {profile.stage}. "
                "Drafts are signed with these."
            )
        )
        held = done.context.get("held")
        if isinstance(held, int):
            await self.deliver(chat, student, lambda: self._drafts.resume(student, held))

    async def _finish_fields(self, chat: Chat, student: int, done: Conversation) -> None:
        held = done.context.get("held")
        if not isinstance(held, int):
            raise InvalidInput("That draft request is gone; send the command again.")
        fields = dict(done.answers)
        await self.deliver(chat, student, lambda: self._drafts.resume(student, held, fields))
