"""`/event log|list|show|met`: events as records, as Discord's `/event`, with its two buttons.

`/event log name | date | kind` records one; `/event list` and `/event show name` read them.
Under an event, **Add people I met** asks for the names as a step-by-step question (the event
kept with the question in the database: `step_forms.EventForms`), and **Draft follow-ups**
drafts one for each person met there, each as its own plain message. `/event met name | person
| person` does the same in one line. An event name that fits several events gets a button per
event to pick from.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Chat, InlineKeyboardMarkup, Message

from bot.core.drafts import DraftService
from bot.core.errors import InvalidInput
from bot.core.events import Event, EventKind, EventService, parse_person
from bot.core.text import fold
from bot.core.validation import NAME_MAX
from bot.telegram_adapter import callbacks, record_text
from bot.telegram_adapter.drafts import Deliver
from bot.telegram_adapter.guards import Click, Command
from bot.telegram_adapter.presenters import clip

KINDS = ", ".join(kind.label.lower() for kind in EventKind)
EVENT_USAGE = (
    "/event log name | date | kind — e.g. /event log Cardiology interest group talk | "
    "yesterday | talk (date: default today; kind: " + KINDS + ")\n"
    "/event list — your events\n"
    "/event show name — an event and the people you met there\n"
    "/event met name | person | person — add people you met (Name — a one-line note)"
)
PICKED = 5  # buttons offered when a name fits several events
PICK_THEN_ADD = " Pick it, then press “Add people I met” under it (nobody was added yet)."


def kind_of(text: str | None) -> EventKind:
    if not text:
        return EventKind.OTHER
    key = fold(text).replace("-", " ").replace("_", " ")
    for kind in EventKind:
        if key in (kind.value.replace("_", " "), fold(kind.label).replace("-", " ")):
            return kind
    raise InvalidInput(f"I don't know the kind “{clip(text, 40)}”. Kinds: {KINDS}.")


def event_keyboard(event_id: int, *, with_people: bool) -> InlineKeyboardMarkup:
    """Discord's event buttons: people first; with people linked, their follow-ups too."""
    add = callbacks.button("👥 Add people I met", "event", "people", event_id)
    if not with_people:
        return InlineKeyboardMarkup([[add]])
    return InlineKeyboardMarkup(
        [[callbacks.button("✉️ Draft follow-ups", "event", "drafts", event_id), add]]
    )


async def show_event(
    chat: Chat, events: EventService, student: int, event_id: int, heading: str
) -> None:
    detail = await events.show(student, event_id)
    await chat.send_message(
        record_text.event_text(detail, heading=heading),
        reply_markup=event_keyboard(event_id, with_people=bool(detail.people)),
    )


async def event_named(
    chat: Chat, events: EventService, student: int, name: str, *, then: str = ""
) -> Event | None:
    """The student's one event of this name; when it fits several, None after offering a
    button per event (`then`: what to do once it is shown)."""
    found = list(await events.suggest(student, name))
    exact = [e for e in found if fold(e.name) == fold(name)]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1 and not exact:
        return found[0]
    if not found:
        raise InvalidInput(f"You have no event called “{clip(name, 60)}”. /event list shows yours.")
    rows = [
        [callbacks.button(clip(record_text.event_title(e), 60), "event", "show", e.id)]
        for e in (exact or found)[:PICKED]
    ]
    await chat.send_message(f"Which one?{then}", reply_markup=InlineKeyboardMarkup(rows))
    return None


def people_lines(text: str) -> list[str | None]:
    """One person a line (or between `|`); names keep their commas (“Okafor, MD, PhD”).

    Every name is checked before any is saved: the core adds people one by one, and Discord's
    form caps each field before it is sent, so an overlong name there never saves the others.
    """
    lines: list[str | None] = [line for line in re.split(r"[\n|]", text) if line.strip()]
    for line in lines:
        person = parse_person(line)
        if person is not None and len(person.name) > NAME_MAX:
            raise InvalidInput(
                f"Keep each name under {NAME_MAX} characters (a note goes after —); "
                "nobody was added."
            )
    return lines


def event_command(events: EventService) -> Command:
    async def run(chat: Chat, student: int, text: str) -> None:
        action, _, rest = text.partition(" ")
        action, rest = action.casefold(), rest.strip()
        if action == "list":
            await chat.send_message(record_text.event_list_text(await events.list_for(student)))
            return
        if action == "log" and rest:
            name, date, kind, *extra = [*(p.strip() for p in rest.split("|")), "", ""]
            if any(extra):
                raise InvalidInput(f"At most 3 parts separated by |, please.\n{EVENT_USAGE}")
            event = await events.log(student, name, kind_of(kind), date or None)
            await show_event(chat, events, student, event.id, "Logged")
            return
        if action == "show" and rest:
            shown = await event_named(chat, events, student, rest)
            if shown is not None:
                await show_event(chat, events, student, shown.id, "")
            return
        if action == "met" and rest:
            name, _, people = rest.partition("|")
            if not people.strip():
                raise InvalidInput(f"Name the people after a |.\n{EVENT_USAGE}")
            met_at = await event_named(chat, events, student, name.strip(), then=PICK_THEN_ADD)
            if met_at is not None:
                await events.add_people(student, met_at.id, people_lines(people))
                await show_event(chat, events, student, met_at.id, "Saved")
            return
        await chat.send_message(EVENT_USAGE)

    return run


def event_click(
    events: EventService,
    drafts: DraftService,
    deliver: Deliver,
    ask_people: Callable[[Chat, int, Event], Awaitable[None]],
) -> Click:
    async def run(message: Message, student: int, match: re.Match[str]) -> str | None:
        chat, event_id, action = message.chat, int(match["id"]), match["action"]
        if action == "show":
            await show_event(chat, events, student, event_id, "")
        elif action == "people":
            await ask_people(chat, student, await events.get(student, event_id))  # or not found
        else:
            request = await events.followup_request(student, event_id)
            await deliver(chat, student, lambda: drafts.start(student, request))
        return None

    return run
