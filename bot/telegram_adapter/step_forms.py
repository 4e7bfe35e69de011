"""The step-by-step forms: their questions, each answer's check, and the one core call the
finished answers go to.

- `/add` alone: name, role (buttons), where you met, notes.
- `/log` alone: who (one of the student's contacts), what happened (buttons), when, a note.
- `/profile` alone: name, school, year (changing it, Skip keeps each part).
- `/followup` alone: who, where you met, what you talked about, your ask.
- `/outreach` alone: the kind (buttons), then who.
- `/pitch` alone: the pitch builder's three questions.
- **Add people I met** under an event: the people, one a line.
- `/edit name` alone: the fields Discord's edit form holds, Skip keeping each, - clearing it.
- A draft's **Edit details**: its situation fields, the same way.
- A draft the core holds (ProfileRequired, FieldsRequired) goes on as the profile's questions
  or as one question per detail its template needs, then the draft arrives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

from telegram import Chat

from bot.core.coaching import PITCH_PART_MAX, CoachingService
from bot.core.contacts import ContactService
from bot.core.conversations import Conversation
from bot.core.drafts import (
    FIELD_LABELS,
    DraftRequest,
    DraftResult,
    DraftService,
    FieldsRequired,
    ProfileRequired,
    clean_fields,
    validate_profile,
)
from bot.core.errors import InvalidInput
from bot.core.events import Event, EventService
from bot.core.models import AddOutcome, Contact, ContactDraft, ExchangeKind, Profile, Role
from bot.core.validation import validate_draft, validate_note
from bot.telegram_adapter import presenters, record_text
from bot.telegram_adapter.coaching import send_pitch
from bot.telegram_adapter.contacts import add_contact
from bot.telegram_adapter.drafts import outreach_template
from bot.telegram_adapter.events import people_lines, show_event
from bot.telegram_adapter.exchanges import kind_of
from bot.telegram_adapter.lookup import contact_named
from bot.telegram_adapter.parsing import role_of
from bot.telegram_adapter.steps import CLEAR, Step, StepByStep

ADD, LOG, PROFILE, FIELDS, FOLLOWUP, OUTREACH = (
    "add",
    "log",
    "profile",
    "fields",
    "followup",
    "outreach",
)
DETAILS = "draft_details"
DETAILS_MAX = 5  # as Discord's edit-details form: the common fields, then the template's
PROFILE_FIRST = "Drafts are signed with your details: three quick questions first, then your draft."


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


def _field_check(name: str) -> Callable[[str], object]:
    return lambda value: clean_fields({name: value})


def _field_step(name: str, *, optional: bool = False, example: str = "") -> Step:
    label = FIELD_LABELS.get(name, name.replace("_", " ").capitalize())
    question = f"{label}?" + (f" e.g. {example}" if example else "")
    return Step(question, optional=optional, check=_field_check(name))


Finish = Callable[[Chat, int, Conversation], Awaitable[None]]


class _Form:
    """A form made of a step function and a finish (the `steps.Form` protocol)."""

    def __init__(self, step: Callable[[Conversation], Step], finish: Finish) -> None:
        self._step = step
        self._finish = finish

    def step(self, conversation: Conversation) -> Step:
        return self._step(conversation)

    async def finish(self, chat: Chat, student: int, done: Conversation) -> None:
        await self._finish(chat, student, done)


def _kept(now: object, *, clears: bool) -> str | None:
    """The line under a question that changes what the student has: what it is now."""
    if not now:
        return None
    keeps = "Skip keeps it" + ("; - clears it" if clears else "")
    return presenters.clip(f"Now: {now} ({keeps})", 600)


def _changed(answers: Mapping[str, str | None], cleared: str | None) -> dict[str, str | None]:
    """The answers that change something: skipped ones left out, "-" as `cleared`."""
    return {key: cleared if value == CLEAR else value for key, value in answers.items() if value}


ADD_STEPS = {
    "name": Step(
        "Who did you meet? Their name as you'd write it, e.g. Dr. Amara Okafor, MD",
        check=_contact_check("name"),
    ),
    "role": Step(
        "What's their role? Pick one, or type it.",
        optional=True,
        choices=tuple((role.label, role.value) for role in Role),
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
FOLLOWUP_STEPS = {
    "person": Step(
        "Who are you writing to? A contact's name, or someone new, e.g. Dr. Amara Okafor",
        check=_contact_check("name"),
    ),
    "event": _field_step("event", optional=True, example="the cardiology interest group talk"),
    "discussed": _field_step(
        "discussed", optional=True, example="how her clinic follows up after discharge"
    ),
    "ask": _field_step("ask", optional=True, example="Could I shadow one of your clinics?"),
}


class ContactForms:
    """`/add` and `/log` step by step."""

    def __init__(
        self,
        steps: StepByStep,
        contacts: ContactService,
        events: EventService,
        added: Callable[[Chat, AddOutcome], Awaitable[None]],
    ) -> None:
        self._steps = steps
        self._contacts = contacts
        self._events = events
        self._added = added
        steps.register(
            {
                ADD: _Form(self._add_step, self._finish_add),
                LOG: _Form(self._log_step, self._finish_log),
            }
        )

    async def start_add(self, chat: Chat, student: int) -> None:
        await self._steps.start(chat, student, ADD, tuple(ADD_STEPS))

    async def start_log(self, chat: Chat, student: int) -> None:
        # The log's first answer is looked up among this student's contacts.
        await self._steps.start(chat, student, LOG, tuple(LOG_STEPS), context={"student": student})

    async def ask_log(self, chat: Chat, student: int, contact: Contact) -> None:
        """📝 Log an exchange under a contact's card: the contact is known, the rest is asked."""
        await self._steps.start(
            chat,
            student,
            LOG,
            tuple(LOG_STEPS),
            context={"student": student, "contact": contact.id},
            answers={"person": contact.name},
        )

    def _add_step(self, conversation: Conversation) -> Step:
        return ADD_STEPS[conversation.step or "name"]

    async def _finish_add(self, chat: Chat, student: int, done: Conversation) -> None:
        answers = done.answers
        contact = ContactDraft(
            name=answers.get("name") or "",
            role=role_of(answers.get("role")),
            met_event=answers.get("met_event"),
            notes=answers.get("notes"),
        )
        await self._added(chat, await add_contact(self._contacts, self._events, student, contact))

    def _log_step(self, conversation: Conversation) -> Step:
        key = conversation.step or "person"
        student = int(conversation.context["student"])
        if key == "person":

            async def known(value: str) -> object:
                return await contact_named(self._contacts, student, value)

            return replace(LOG_STEPS[key], check=known)
        if key == "when":

            async def day(value: str) -> object:
                return await self._contacts.parse_day(student, value)

            return replace(LOG_STEPS[key], check=day)
        return LOG_STEPS[key]

    async def _finish_log(self, chat: Chat, student: int, done: Conversation) -> None:
        answers = done.answers
        chosen = done.context.get("contact")  # from a card's button: that contact, re-read
        if isinstance(chosen, int):
            contact = await self._contacts.get(student, chosen)
        else:
            contact = await contact_named(self._contacts, student, answers.get("person") or "")
        updated, exchange = await self._contacts.log_exchange(
            student,
            contact.id,
            kind_of(answers.get("kind")),
            when=answers.get("when"),
            note=answers.get("note"),
        )
        await chat.send_message(
            presenters.contact_card(
                updated,
                heading=f"Logged: {exchange.kind.label.lower()} on {exchange.happened_on:%d %b}",
            )
        )


LOG_STEPS = {
    "person": Step("Who was it with? One of your contacts' names, e.g. Amara Okafor"),
    "kind": Step(
        "What happened? Pick one, or type it.",
        optional=True,
        choices=tuple((kind.label, kind.value) for kind in ExchangeKind),
        check=kind_of,
    ),
    "when": Step(
        "When? e.g. today, yesterday, 3 days ago, 2026-11-28 (Skip: today)", optional=True
    ),
    "note": Step("A note? (what was said, what comes next)", optional=True, check=validate_note),
}


class DraftForms:
    """The drafts' questions: `/profile`, `/followup` and `/outreach` alone, and a held draft
    going on as questions."""

    def __init__(
        self,
        steps: StepByStep,
        drafts: DraftService,
        send_draft: Callable[[Chat, DraftResult], Awaitable[None]],
    ) -> None:
        self._steps = steps
        self._drafts = drafts
        self._send_draft = send_draft
        steps.register(
            {
                PROFILE: _Form(self._profile_step, self._finish_profile),
                FIELDS: _Form(self._fields_step, self._finish_fields),
                FOLLOWUP: _Form(
                    lambda c: FOLLOWUP_STEPS[c.step or "person"], self._finish_followup
                ),
                OUTREACH: _Form(self._outreach_step, self._finish_outreach),
                DETAILS: _Form(self._details_step, self._finish_details),
            }
        )

    # -- drafting ------------------------------------------------------------------------------

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
            await chat.send_message(presenters.clip(f"“{held.title}” needs a few details first."))
            await self._steps.start(
                chat, student, FIELDS, held.fields, context={"held": held.pending_id}
            )
            return
        for result in results:
            await self._send_draft(chat, result)

    # -- profile -------------------------------------------------------------------------------

    async def start_profile(self, chat: Chat, student: int, *, held: int | None = None) -> None:
        current = await self._drafts.profile(student)
        shown = {k: getattr(current, k) for k in PROFILE_STEPS} if current else {}
        context: dict[str, Any] = {"current": shown}
        if held is not None:
            context["held"] = held
        await self._steps.start(chat, student, PROFILE, tuple(PROFILE_STEPS), context=context)

    def _profile_step(self, conversation: Conversation) -> Step:
        key = conversation.step or "name"
        kept = conversation.context.get("current", {}).get(key)
        # A student changing their profile keeps what they skip.
        return replace(PROFILE_STEPS[key], optional=bool(kept), note=_kept(kept, clears=False))

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

    # -- a held draft's details ----------------------------------------------------------------

    def _fields_step(self, conversation: Conversation) -> Step:
        return _field_step(conversation.step or "ask")

    async def _finish_fields(self, chat: Chat, student: int, done: Conversation) -> None:
        held = done.context.get("held")
        if not isinstance(held, int):
            raise InvalidInput("That draft request is gone; send the command again.")
        fields = dict(done.answers)
        await self.deliver(chat, student, lambda: self._drafts.resume(student, held, fields))

    # -- a draft's details ---------------------------------------------------------------------

    async def ask_details(self, chat: Chat, student: int, result: DraftResult) -> None:
        """✏️ Edit details: the draft's situation, one field at a time (Skip keeps, - clears)."""
        names = ["event", "discussed", "ask"]
        for name in (*result.template.requires, *result.template.uses):
            if name in FIELD_LABELS and name not in names:
                names.append(name)
        names = names[:DETAILS_MAX]
        current = {name: result.draft.fields.get(name) for name in names}
        if not current.get("event"):
            current["event"] = result.contact.draft.met_event
        context = {
            "draft": result.draft.id,
            "current": current,
            "required": [n for n in names if n in result.template.requires],
        }
        await self._steps.start(chat, student, DETAILS, tuple(names), context=context)

    def _details_step(self, conversation: Conversation) -> Step:
        key = conversation.step or "event"
        now = conversation.context.get("current", {}).get(key)
        required = key in conversation.context.get("required", [])
        return replace(
            _field_step(key, optional=True),
            note=_kept(now, clears=not required),
            clearable=not required,
        )

    async def _finish_details(self, chat: Chat, student: int, done: Conversation) -> None:
        # The service clears a field given as empty.
        fields = _changed(done.answers, cleared="")
        draft_id = int(done.context["draft"])
        if not fields:
            await chat.send_message("Nothing changed.")
            return
        await self._send_draft(chat, await self._drafts.edit_fields(student, draft_id, fields))

    # -- /followup and /outreach alone ---------------------------------------------------------

    async def start_followup(self, chat: Chat, student: int) -> None:
        await self._steps.start(chat, student, FOLLOWUP, tuple(FOLLOWUP_STEPS))

    async def _finish_followup(self, chat: Chat, student: int, done: Conversation) -> None:
        answers = done.answers
        fields = {k: v for k in ("event", "discussed", "ask") if (v := answers.get(k))}
        request = DraftRequest(
            kind="followup", people=(answers.get("person") or "",), fields=fields
        )
        await self.deliver(chat, student, lambda: self._drafts.start(student, request))

    async def start_outreach(self, chat: Chat, student: int) -> None:
        await self._steps.start(chat, student, OUTREACH, ("kind", "person"))

    def _outreach_kinds(self) -> tuple[tuple[str, str], ...]:
        return tuple((t.title, t.id) for t in self._drafts.catalogue.templates("outreach"))

    def _outreach_kind(self, value: str) -> str:
        template = outreach_template(self._drafts, value)
        if template is None:
            raise InvalidInput(f"I don't have a first message called “{value[:40]}”; pick one.")
        return template.id

    def _outreach_step(self, conversation: Conversation) -> Step:
        if conversation.step == "kind":
            return Step(
                "What kind of first message? Pick one.",
                choices=self._outreach_kinds(),
                columns=2,
                check=self._outreach_kind,
            )
        return replace(FOLLOWUP_STEPS["person"], question="Who is it to? e.g. Dr. Amara Okafor")

    async def _finish_outreach(self, chat: Chat, student: int, done: Conversation) -> None:
        answers = done.answers
        request = DraftRequest(
            kind="outreach",
            people=(answers.get("person") or "",),
            template_id=self._outreach_kind(answers.get("kind") or ""),
        )
        await self.deliver(chat, student, lambda: self._drafts.start(student, request))


EVENT_PEOPLE = "event_people"


class EventForms:
    """**Add people I met** under an event: one question, the people one a line."""

    def __init__(self, steps: StepByStep, events: EventService) -> None:
        self._steps = steps
        self._events = events
        steps.register({EVENT_PEOPLE: _Form(self._step, self._finish)})

    async def ask_people(self, chat: Chat, student: int, event: Event) -> None:
        context = {"event": event.id, "name": presenters.clip(event.name, 100)}
        await self._steps.start(chat, student, EVENT_PEOPLE, ("people",), context=context)

    def _step(self, conversation: Conversation) -> Step:
        return Step(
            f"Who did you meet at “{conversation.context.get('name', 'the event')}”? Up to 5, "
            "one a line: their name, then — and a one-line note if you like, e.g.\n"
            "Dr. Amara Okafor, MD — runs the cardiology elective",
            check=people_lines,
        )

    async def _finish(self, chat: Chat, student: int, done: Conversation) -> None:
        event_id = int(done.context["event"])
        await self._events.add_people(student, event_id, people_lines(done.answers["people"] or ""))
        await show_event(chat, self._events, student, event_id, "Saved")


PITCH = "pitch"
PITCH_STEPS = {"intro": "intro_prompt", "interest": "interest_prompt", "hope": "hope_prompt"}


class CoachingForms:
    """`/pitch` alone: the pitch builder's three questions, then the pitch to save."""

    def __init__(self, steps: StepByStep, coaching: CoachingService) -> None:
        self._steps = steps
        self._coaching = coaching
        steps.register({PITCH: _Form(self._step, self._finish)})

    async def start_pitch(self, chat: Chat, student: int) -> None:
        await self._steps.start(chat, student, PITCH, tuple(PITCH_STEPS))

    def _step(self, conversation: Conversation) -> Step:
        words = self._coaching.library.pitch
        return Step(words[PITCH_STEPS[conversation.step or "intro"]], check=_pitch_check)

    async def _finish(self, chat: Chat, student: int, done: Conversation) -> None:
        answers = [done.answers.get(key) for key in PITCH_STEPS]
        await send_pitch(chat, self._coaching, await self._coaching.compose_pitch(student, answers))


def _pitch_check(value: str) -> None:
    if len(value) > PITCH_PART_MAX:
        raise InvalidInput(f"Keep each answer under {PITCH_PART_MAX} characters.")


EDIT = "edit"
# Discord's edit form: its five fields, in its order.
EDIT_STEPS = {
    "name": "Their name?",
    "address_as": "How should drafts greet them? e.g. Dr. Okafor",
    "specialty": "Their specialty?",
    "institution": "Where do they work?",
    "notes": "Your notes about them?",
}


class EditForm:
    """`/edit name` alone: each of the edit form's fields, Skip keeping it, - clearing it."""

    def __init__(self, steps: StepByStep, contacts: ContactService) -> None:
        self._steps = steps
        self._contacts = contacts
        steps.register({EDIT: _Form(self._step, self._finish)})

    async def ask_edit(self, chat: Chat, student: int, contact: Contact) -> None:
        draft = contact.draft
        current = {key: getattr(draft, key) for key in EDIT_STEPS}
        context = {"contact": contact.id, "current": current, "greeting": contact.greeting}
        await self._steps.start(chat, student, EDIT, tuple(EDIT_STEPS), context=context)

    def _step(self, conversation: Conversation) -> Step:
        key = conversation.step or "name"
        now = conversation.context.get("current", {}).get(key)
        if key == "address_as" and not now:
            now = f"{conversation.context.get('greeting')} (suggested)"
        return Step(
            EDIT_STEPS[key],
            optional=True,
            check=_contact_check(key),
            note=_kept(now, clears=key != "name"),
            clearable=key != "name",
        )

    async def _finish(self, chat: Chat, student: int, done: Conversation) -> None:
        changes = _changed(done.answers, cleared=None)
        contact_id = int(done.context["contact"])
        if not changes:
            await chat.send_message("Nothing changed.")
            return
        updated = await self._contacts.update(student, contact_id, changes)
        today = await self._contacts.today(student)
        await chat.send_message(record_text.contact_card(updated, today, heading="Updated"))
