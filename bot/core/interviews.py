"""Residency interviews: logged as an event of kind "interview" with its interviewers as the
event's people, then one thank-you draft per interviewer, unless the program asked for no
contact after interviews.

An interview is an event so that everything events already give applies: the interviewers are
linked to it, the draft's "when we met" comes from its day, and `/event show` lists it. What
only an interview has (the program's name as drafts use it, the no-contact rule) is one row
beside the event, in the season's store.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.drafts import FIELD_LIMITS, DraftRequest, DraftResult, DraftService
from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.events import EVENT_NAME_MAX, PEOPLE_PER_FORM, Event, EventService
from bot.core.meetings import EventKind
from bot.core.models import Channel, Contact, ContactDraft, Tone
from bot.core.season import Interview
from bot.core.text import clean_line
from bot.core.validation import validate_draft

if TYPE_CHECKING:
    from bot.core.contacts import ContactService
    from bot.core.ports import Clock, EventRepository, SeasonRepository
    from bot.core.season_service import SeasonService

log = logging.getLogger(__name__)

THANK_YOU_TEMPLATE = "followup_interview"
# A program's no-contact rule lasts until the Match is over; without a calendar, this long.
QUIET_WITHOUT_CALENDAR = timedelta(days=150)
NO_CONTACT = (
    "This program asked applicants not to contact it after interviews, so I won't draft "
    "thank-yous, and I've kept these interviewers out of your follow-up reminders until the "
    "Match is over. Respecting that request is the courteous choice, and the Match rules "
    "support it."
)


@dataclass(frozen=True, slots=True)
class InterviewLogged:
    interview: Interview
    event: Event
    interviewers: tuple[Contact, ...]


class InterviewService:
    def __init__(
        self,
        repo: SeasonRepository,
        events: EventService,
        event_repo: EventRepository,
        contacts: ContactService,
        drafts: DraftService,
        season: SeasonService,
        clock: Clock,
    ) -> None:
        self._repo = repo
        self._events = events
        self._event_repo = event_repo
        self._contacts = contacts
        self._drafts = drafts
        self._season = season
        self._clock = clock

    async def log(
        self,
        owner_id: int,
        *,
        program: str,
        when: str | None,
        interviewers: Sequence[int | str],
        no_contact: bool = False,
    ) -> InterviewLogged:
        """Record the interview and who interviewed (contacts found by name or created)."""
        name = clean_line(program)
        if name is None:
            raise InvalidInput("Name the program you interviewed with.")
        if len(name) > FIELD_LIMITS["program"]:
            raise InvalidInput(
                f"Keep the program under {FIELD_LIMITS['program']} characters. Nothing was saved."
            )
        if not interviewers:
            raise InvalidInput("Name at least one interviewer.")
        if len(interviewers) > PEOPLE_PER_FORM:
            raise InvalidInput(f"Log up to {PEOPLE_PER_FORM} interviewers at a time.")
        day = await self._contacts.parse_day(owner_id, when) or await self._contacts.today(owner_id)
        # Check every id before anything is stored: a foreign id changes nothing.
        known = [await self._contacts.get(owner_id, p) for p in interviewers if isinstance(p, int)]
        for person in interviewers:
            if isinstance(person, str):
                # The contact rules, before the event is stored: a refused name saves nothing.
                if clean_line(person) is None:
                    raise InvalidInput("An interviewer's name is empty.")
                validate_draft(ContactDraft(name=person))
        event = await self._events.log(
            owner_id, _event_name(name), EventKind.INTERVIEW, day.isoformat()
        )
        people: list[Contact] = []
        for person in interviewers:
            if isinstance(person, int):
                contact = next(c for c in known if c.id == person)
            else:
                contact = await self._contacts.find_or_create(
                    owner_id, ContactDraft(name=person, met_event=event.name, met_on=day)
                )
            if all(c.id != contact.id for c in people):
                await self._event_repo.link(owner_id, contact.id, event.id)
                people.append(contact)
        await self._repo.put_interview(
            owner_id, event.id, name, no_contact=no_contact, now=self._clock.now()
        )
        if no_contact:
            await self._quiet(owner_id, people)
        interview = Interview(event.id, owner_id, name, no_contact)
        log.info("interview logged owner=%s event=%s n=%d", owner_id, event.id, len(people))
        return InterviewLogged(interview, event, tuple(people))

    async def thank_yous(
        self,
        owner_id: int,
        event_id: int,
        *,
        channel: Channel | None = None,
        tone: Tone = Tone.WARM,
    ) -> list[DraftResult]:
        """One thank-you draft per interviewer; refused, with why, for a no-contact program."""
        interview = await self._repo.interview(owner_id, event_id)
        if interview is None:
            raise ExpiredAction()
        if interview.no_contact:
            raise InvalidInput(NO_CONTACT)
        people = tuple((await self._event_repo.people(owner_id, event_id))[:PEOPLE_PER_FORM])
        request = DraftRequest(
            kind="followup",
            people=people,
            template_id=THANK_YOU_TEMPLATE,
            channel=channel,
            fields={"program": interview.program},
            tone=tone,
        )
        return await self._drafts.start(owner_id, request)

    async def _quiet(self, owner_id: int, people: Sequence[Contact]) -> None:
        """No follow-up reminders for these interviewers until the Match is over."""
        today = await self._contacts.today(owner_id)
        calendar = await self._season.calendar_for(owner_id)
        until = (
            calendar.on("match_day") + timedelta(days=1)
            if calendar is not None and calendar.on("match_day") > today
            else today + QUIET_WITHOUT_CALENDAR
        )
        for contact in people:
            await self._contacts.snooze(owner_id, contact.id, days=(until - today).days)


def _event_name(program: str) -> str:
    """ "the St Mary's internal medicine residency" → "St Mary's internal medicine residency
    interview", within an event name's limit."""
    base = program[4:] if program.lower().startswith("the ") else program
    suffix = " interview"
    return base[: EVENT_NAME_MAX - len(suffix)].rstrip() + suffix
