"""Step-by-step answers, kept between a student's messages.

A front end without forms (a chat, where each answer arrives as its own message) asks one
question at a time. The answers so far live in the database through the pending store, not
in the process: after a restart, or with another process reading the next message, the
student carries on where they were. A student has one conversation at a time (starting one
drops the one before), and one left unanswered for CONVERSATION_TTL is gone.

What the questions say, and what the finished answers are handed to, is the front end's; the
core keeps the state, refuses an answer to a conversation that has moved on (two replies at
once, a button under an old question), and caps each answer's length.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.ports import Clock, PendingRepository
from bot.core.students import StudentService
from bot.core.text import clean_block

log = logging.getLogger(__name__)

PENDING_CONVERSATION = "conversation"
CONVERSATION_TTL = timedelta(hours=1)
# Longer than any one field the services take (a contact's notes: 2,000): the service the
# answers go to applies the field's own limit and says which.
ANSWER_MAX = 2_000


@dataclass(frozen=True, slots=True)
class Conversation:
    """One student's form in progress: its steps in order and the answers so far (None: the
    step was skipped). `context` is what the front end needs at the end (a held request's id,
    the contact being edited)."""

    id: int
    form: str
    steps: tuple[str, ...]
    answers: Mapping[str, str | None] = field(default_factory=dict)
    context: Mapping[str, Any] = field(default_factory=dict)

    @property
    def step(self) -> str | None:
        """The next unanswered step, None when every step is answered."""
        return next((s for s in self.steps if s not in self.answers), None)

    @property
    def done(self) -> bool:
        return self.step is None

    @property
    def position(self) -> tuple[int, int]:
        """(this step's number from 1, how many steps): "2 of 4"."""
        return min(len(self.answers) + 1, len(self.steps)), len(self.steps)


def _payload(conversation: Conversation) -> dict[str, Any]:
    return {
        "form": conversation.form,
        "steps": list(conversation.steps),
        "answers": dict(conversation.answers),
        "context": dict(conversation.context),
    }


def _conversation(pending_id: int, payload: Mapping[str, Any]) -> Conversation:
    return Conversation(
        id=pending_id,
        form=str(payload["form"]),
        steps=tuple(payload["steps"]),
        answers=dict(payload["answers"]),
        context=dict(payload.get("context", {})),
    )


class ConversationService:
    def __init__(self, pending: PendingRepository, students: StudentService, clock: Clock) -> None:
        self._pending = pending
        self._students = students
        self._clock = clock

    async def start(
        self,
        student_id: int,
        form: str,
        steps: Sequence[str],
        *,
        context: Mapping[str, Any] | None = None,
        answers: Mapping[str, str | None] | None = None,
    ) -> Conversation:
        """Begin `form` (dropping any conversation the student had open); `answers` are steps
        already known (typed with the command)."""
        if not steps:
            raise ValueError("a conversation needs at least one step")
        await self._students.get(student_id)  # the state is the student's: their row first
        await self.cancel(student_id)
        draft = Conversation(
            id=0, form=form, steps=tuple(steps), answers=dict(answers or {}), context=context or {}
        )
        return await self._keep(student_id, draft)

    async def current(self, student_id: int) -> Conversation | None:
        """The student's open conversation, if one is live."""
        held = await self._pending.held(student_id, PENDING_CONVERSATION, now=self._clock.now())
        if not held:
            return None
        pending_id, payload = held[-1]
        return _conversation(pending_id, payload)

    async def answer(
        self, student_id: int, conversation_id: int, value: str | None
    ) -> Conversation:
        """Record `value` (None: skip) for the conversation's next step. The returned
        conversation is the one to ask from next (a new id), or `done`: then it is no longer
        kept, and the caller hands its answers on. An answer to a conversation that has moved
        on or expired is refused (ExpiredAction), so two quick replies never count twice."""
        text = clean_block(value) if value is not None else None
        if text is not None and len(text) > ANSWER_MAX:
            raise InvalidInput(f"That's over {ANSWER_MAX:,} characters; send a shorter answer.")
        payload = await self._pending.take(
            student_id, conversation_id, PENDING_CONVERSATION, now=self._clock.now()
        )
        if payload is None:
            raise ExpiredAction()
        conversation = _conversation(conversation_id, payload)
        step = conversation.step
        if step is None:  # kept although finished: nothing more to ask
            return conversation
        answered = Conversation(
            id=conversation.id,
            form=conversation.form,
            steps=conversation.steps,
            answers={**conversation.answers, step: text or None},
            context=conversation.context,
        )
        if answered.done:
            log.info("conversation done student=%s form=%s", student_id, answered.form)
            return answered
        return await self._keep(student_id, answered)

    async def restore(self, student_id: int, conversation: Conversation) -> Conversation:
        """Keep a finished conversation again, its last answer taken back: what the answers
        were handed to refused that one (too long, not a date), and the student retries it."""
        if not conversation.answers:
            return await self._keep(student_id, conversation)
        last = [s for s in conversation.steps if s in conversation.answers][-1]
        answers = {k: v for k, v in conversation.answers.items() if k != last}
        return await self._keep(
            student_id,
            Conversation(
                id=0,
                form=conversation.form,
                steps=conversation.steps,
                answers=answers,
                context=conversation.context,
            ),
        )

    async def cancel(self, student_id: int) -> bool:
        """Drop the student's open conversation; whether there was one."""
        now = self._clock.now()
        held = await self._pending.held(student_id, PENDING_CONVERSATION, now=now)
        for pending_id, _ in held:
            await self._pending.take(student_id, pending_id, PENDING_CONVERSATION, now=now)
        return bool(held)

    async def _keep(self, student_id: int, conversation: Conversation) -> Conversation:
        pending_id = await self._pending.put(
            student_id,
            PENDING_CONVERSATION,
            _payload(conversation),
            expires_at=self._clock.now() + CONVERSATION_TTL,
        )
        return Conversation(
            id=pending_id,
            form=conversation.form,
            steps=conversation.steps,
            answers=conversation.answers,
            context=conversation.context,
        )
