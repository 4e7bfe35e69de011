"""DraftService: follow-up and outreach drafts, from the student's profile, the contact and the
situation, rendered by the template catalogue.

A draft request that cannot finish yet — no profile, or a field its template needs — is held in
pending storage and resumed when the student has filled in the form, so nothing typed is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from bot.content.samples import SAMPLES, sample_for
from bot.content.templates import (
    CHANNELS,
    MissingFields,
    RenderedDraft,
    TemplateCatalogue,
    TemplateInfo,
)
from bot.core import draft_values, phrasing
from bot.core.contacts import ContactService
from bot.core.errors import CoachError, ExpiredAction, InvalidInput
from bot.core.meetings import EventKind, MetAt, choose_meeting, long_date
from bot.core.models import (
    DRAFT_FIELDS,
    ENGLISH,
    Channel,
    Contact,
    ContactDraft,
    Draft,
    Profile,
    Tone,
)
from bot.core.names import first_name, surname
from bot.core.phrasing import day_month
from bot.core.ports import (
    Clock,
    DraftRepository,
    MeetingLookup,
    PendingRepository,
    ProfileRepository,
)
from bot.core.text import clean_line, fold

log = logging.getLogger(__name__)

MAX_CONTACTS_PER_REQUEST = 5
PENDING_DRAFT = "draft-request"
PENDING_TTL = timedelta(hours=24)

FIELD_LIMITS = {
    "event": 150,
    "discussed": 300,
    "ask": 200,
    "topic": 200,
    "deadline": 60,
    "program": 150,
    "update": 300,
    "finding": 200,
    "availability": 100,
    "paper": 400,  # a title in quotes, the journal and the year (bot.core.papers.cite)
}
FIELD_LABELS = {
    "event": "Event",
    "discussed": "What you talked about",
    "ask": "Your one ask",
    "topic": "Paper or research topic",
    "deadline": "Deadline",
    "program": "Program",
    "update": "Your news",
    "finding": "What caught your eye",
    "availability": "Your availability",
    "paper": "The paper (title, journal, year)",
}
PROFILE_LIMITS = {
    "name": 80,
    "school": 120,
    "stage": 80,
    "interests": 200,
    "pitch": 800,
    "signoff": 40,
    "contact_line": 150,
}
DELAY_RANGE = (2, 30)

# Which follow-up fits a linked event's kind. Kinds that say little about the occasion
# (interest-group meetings can be talks or mixers; "other") fall back to the name's words.
_KIND_FOLLOWUPS: dict[EventKind, str] = {
    EventKind.CONFERENCE: "followup_conference",
    EventKind.SOCIAL: "followup_conference",  # "a conference, mixer or networking event"
    EventKind.TALK: "followup_talk",
    EventKind.WORKSHOP: "followup_talk",  # "after a talk, seminar or workshop"
    EventKind.OFFICE_HOURS: "followup_office_hours",
    EventKind.SHADOWING: "followup_shadowing",
    EventKind.ROTATION: "followup_rotation",
    EventKind.INTERVIEW: "followup_interview",
}
# Which follow-up fits an event, from words in its name; the catalogue decides the rest.
_FOLLOWUP_HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("followup_office_hours", ("office hour",)),
    ("followup_shadowing", ("shadow",)),
    ("followup_rotation", ("rotation", "clerkship", "placement", "sub-i", "elective")),
    ("followup_interview", ("interview",)),
    ("followup_mentor_meeting", ("mentor",)),
    (
        "followup_talk",
        (
            "talk",
            "seminar",
            "lecture",
            "grand rounds",
            "workshop",
            "webinar",
            "journal club",
            "presentation",
            "panel",
        ),
    ),
)
DEFAULT_FOLLOWUP = "followup_conference"


class ProfileRequired(Exception):
    """The student has no profile yet; the request is held as `pending_id`."""

    def __init__(self, pending_id: int) -> None:
        super().__init__(pending_id)
        self.pending_id = pending_id


class FieldsRequired(Exception):
    """The template needs `fields`; the request is held as `pending_id`."""

    def __init__(self, pending_id: int, fields: tuple[str, ...], title: str) -> None:
        super().__init__(pending_id, fields)
        self.pending_id = pending_id
        self.fields = fields
        self.title = title


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """What the student asked for: up to five people (ids, or names of new contacts)."""

    kind: str
    people: tuple[int | str, ...]
    template_id: str | None = None
    channel: Channel | None = None
    fields: dict[str, str] = field(default_factory=dict)
    tone: Tone = Tone.WARM


@dataclass(frozen=True, slots=True)
class DraftResult:
    """A draft ready to show: the stored record, who it is for, and its rendered text."""

    draft: Draft
    contact: Contact
    template: TemplateInfo
    rendered: RenderedDraft
    checks: tuple[str, ...] = ()  # what the student should look at before sending


def greeting(contact: Contact) -> str:
    """The student's "address as", else a title or role-fitting greeting (names.greeting_for)."""
    return contact.greeting


def when_phrase(day: date, today: date, english: str = "us") -> str:
    """How a person says when something happened: 'yesterday', 'on Thursday', 'on November 12'
    (UK: 'on 12 November'), 'in March'. Always with its preposition (docs/drafts.md)."""
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"on {day:%A}"
    if days < 45:
        return f"on {day_month(day, english)}"
    if day.year == today.year:
        return f"in {day:%B}"
    if days < 300:
        return f"last {day:%B}"
    return f"in {day:%B} {day.year}"


def pick_followup(
    event: str | None, available: Sequence[str], kind: EventKind | None = None
) -> str:
    """The follow-up template an event's kind (when linked) or name suggests, among those in
    the catalogue."""
    by_kind = _KIND_FOLLOWUPS.get(kind) if kind is not None else None
    if by_kind is not None and by_kind in available:
        return by_kind
    key = fold(event or "")
    for template_id, words in _FOLLOWUP_HINTS:
        if template_id in available and any(word in key for word in words):
            return template_id
    if DEFAULT_FOLLOWUP in available:
        return DEFAULT_FOLLOWUP
    return available[0]


def clean_fields(fields: Mapping[str, str | None]) -> dict[str, str]:
    """Cleaned situation fields; InvalidInput naming any that is too long."""
    cleaned: dict[str, str] = {}
    for key, value in fields.items():
        if key not in FIELD_LIMITS:
            raise ValueError(f"unknown draft field {key!r}")
        text = clean_line(value)
        if text is None:
            continue
        if len(text) > FIELD_LIMITS[key]:
            raise InvalidInput(
                f"{FIELD_LABELS[key]} is {len(text)} characters; keep it under "
                f"{FIELD_LIMITS[key]} so the message stays short."
            )
        cleaned[key] = text
    return cleaned


def validate_profile(profile: Profile) -> Profile:
    values: dict[str, Any] = {}
    for key, limit in PROFILE_LIMITS.items():
        text = clean_line(getattr(profile, key))
        if text is not None and len(text) > limit:
            raise InvalidInput(f"Your {key.replace('_', ' ')} is over {limit} characters.")
        values[key] = text
    for key, label in (("name", "name"), ("school", "school"), ("stage", "year or stage")):
        if not values[key]:
            raise InvalidInput(f"Your profile needs your {label}; drafts use it.")
    low, high = DELAY_RANGE
    if not low <= profile.follow_up_delay_days <= high:
        raise InvalidInput(f"The follow-up delay must be between {low} and {high} days.")
    if profile.english not in ENGLISH:
        raise InvalidInput("Pick US or UK English.")
    return replace(profile, **values)


def _request_to_json(request: DraftRequest) -> dict[str, Any]:
    data = asdict(request)
    data["people"] = list(request.people)
    data["channel"] = request.channel.value if request.channel else None
    data["tone"] = Tone(request.tone).value
    return data


def _request_from_json(data: Mapping[str, Any]) -> DraftRequest:
    return DraftRequest(
        kind=data["kind"],
        people=tuple(data["people"]),
        template_id=data["template_id"],
        channel=Channel(data["channel"]) if data["channel"] else None,
        fields=dict(data["fields"]),
        tone=Tone(data.get("tone") or Tone.WARM),
    )


class DraftService:
    def __init__(
        self,
        contacts: ContactService,
        profiles: ProfileRepository,
        drafts: DraftRepository,
        pending: PendingRepository,
        catalogue: TemplateCatalogue,
        clock: Clock,
        meetings: MeetingLookup | None = None,
    ) -> None:
        self._contacts = contacts
        self._profiles = profiles
        self._drafts = drafts
        self._pending = pending
        self._catalogue = catalogue
        self._clock = clock
        self._meetings = meetings

    @property
    def catalogue(self) -> TemplateCatalogue:
        return self._catalogue

    # -- profile -----------------------------------------------------------------------------

    async def profile(self, owner_id: int) -> Profile | None:
        return await self._profiles.get(owner_id)

    async def save_profile(self, owner_id: int, changes: Mapping[str, Any]) -> Profile:
        """Create or change the profile; a new one needs name, school and stage."""
        current = await self._profiles.get(owner_id) or Profile(name="", school="", stage="")
        profile = validate_profile(replace(current, **changes))
        await self._contacts.ensure_student(owner_id)
        log.info("profile saved owner=%s", owner_id)
        return await self._profiles.save(owner_id, profile, now=self._clock.now())

    # -- drafting ----------------------------------------------------------------------------

    async def start(self, owner_id: int, request: DraftRequest) -> list[DraftResult]:
        """Draft one message per person, or hold the request for a profile or missing fields."""
        if not request.people:
            raise InvalidInput("Name at least one person to write to.")
        if len(request.people) > MAX_CONTACTS_PER_REQUEST:
            raise InvalidInput(f"Draft for up to {MAX_CONTACTS_PER_REQUEST} people at a time.")
        request = replace(request, fields=clean_fields(request.fields), tone=Tone(request.tone))
        info = self._template_for(request)
        profile = await self._profiles.get(owner_id)
        if profile is None:
            raise ProfileRequired(await self._hold(owner_id, request))
        people = await self._resolve_people(owner_id, request)
        meetings = await self._meetings_for(owner_id, people, request.fields.get("event"))
        if request.template_id is None:
            # The follow-up fits where the contact was met: the linked event's kind first,
            # then the words of the typed event or of the contact's "where met".
            met = next((m for m in meetings.values() if m is not None), None)
            name = (
                request.fields.get("event")
                or (met.name if met else None)
                or next((c.draft.met_event for c in people if c.draft.met_event), None)
            )
            if name or met:
                info = self._template_for(
                    replace(request, fields={"event": name or ""}), met.kind if met else None
                )
        request = replace(request, template_id=info.id)
        missing = tuple(
            name
            for name in info.requires
            if not request.fields.get(name)
            and not all(self._known_for(contact, name, meetings) for contact in people)
        )
        if missing:
            held = replace(request, people=tuple(c.id for c in people))
            raise FieldsRequired(await self._hold(owner_id, held), missing, info.title)
        results = []
        for index, contact in enumerate(people):
            channel = request.channel or _default_channel(contact)
            draft = await self._drafts.add(
                owner_id,
                contact.id,
                info.id,
                channel,
                request.fields,
                now=self._clock.now(),
                tone=request.tone,
            )
            versions = self._catalogue.versions(info.id, channel.value)
            if draft is not None and index % versions:
                # People met together may compare notes: give each a different wording.
                draft = await self._drafts.update(
                    owner_id,
                    draft.id,
                    channel=channel,
                    version=index % versions + 1,
                    fields=draft.fields,
                    tone=draft.tone,
                )
            if draft is None:
                raise CoachError("That contact was removed while I was drafting.")
            results.append(await self._result(owner_id, draft, profile=profile, contact=contact))
        log.info("drafted owner=%s template=%s count=%d", owner_id, info.id, len(results))
        return results

    async def resume(
        self, owner_id: int, pending_id: int, fields: Mapping[str, str | None] | None = None
    ) -> list[DraftResult]:
        """Continue a held request (after the profile or missing fields were filled in).

        The request is used up only once the form's fields pass the rules, so a rejected form
        (a field too long) can be corrected and sent again.
        """
        now = self._clock.now()
        payload = await self._pending.peek(owner_id, pending_id, PENDING_DRAFT, now=now)
        if payload is None:
            raise ExpiredAction()
        request = _request_from_json(payload)
        if fields:
            merged = {**request.fields, **{k: v for k, v in fields.items() if v}}
            request = replace(request, fields=clean_fields(merged))
        if await self._pending.take(owner_id, pending_id, PENDING_DRAFT, now=now) is None:
            raise ExpiredAction()  # another submission of the same form got there first
        return await self.start(owner_id, request)

    async def pending_request(self, owner_id: int, pending_id: int) -> DraftRequest:
        payload = await self._pending.peek(
            owner_id, pending_id, PENDING_DRAFT, now=self._clock.now()
        )
        if payload is None:
            raise ExpiredAction()
        return _request_from_json(payload)

    async def show(self, owner_id: int, draft_id: int) -> DraftResult:
        return await self._result(owner_id, await self._draft(owner_id, draft_id))

    async def next_version(self, owner_id: int, draft_id: int) -> DraftResult:
        draft = await self._draft(owner_id, draft_id)
        versions = self._catalogue.versions(draft.template_id, draft.channel.value)
        return await self._change(draft, version=draft.version % versions + 1)

    async def change_tone(
        self, owner_id: int, draft_id: int, tone: Tone | None = None
    ) -> DraftResult:
        """Write the draft in `tone`, or in the next one (warm → formal → brief → warm)."""
        draft = await self._draft(owner_id, draft_id)
        if tone is None:
            order = list(Tone)
            tone = order[(order.index(draft.tone) + 1) % len(order)]
        return await self._change(draft, tone=tone)

    async def other_channel(
        self, owner_id: int, draft_id: int, channel: Channel | None = None
    ) -> DraftResult:
        """Write the draft for `channel`, or for the next one (e-mail → LinkedIn → DM)."""
        draft = await self._draft(owner_id, draft_id)
        if channel is None:
            order = [Channel(c) for c in CHANNELS]
            channel = order[(order.index(draft.channel) + 1) % len(order)]
        return await self._change(draft, channel=channel, version=1)

    async def edit_fields(
        self, owner_id: int, draft_id: int, fields: Mapping[str, str | None]
    ) -> DraftResult:
        """Replace the situation fields given (an empty value clears one)."""
        draft = await self._draft(owner_id, draft_id)
        merged = {**draft.fields}
        for key, value in clean_fields({k: v for k, v in fields.items() if v}).items():
            merged[key] = value
        for key, given in fields.items():
            if not (given or "").strip():
                merged.pop(key, None)
        info = self._catalogue.get(draft.template_id)
        if info is not None:
            contact = await self._contacts.get(owner_id, draft.contact_id)
            meetings = await self._meetings_for(owner_id, [contact], merged.get("event"))
            missing = [
                f
                for f in info.requires
                if not merged.get(f) and not self._known_for(contact, f, meetings)
            ]
            if missing:
                names = ", ".join(FIELD_LABELS[m].lower() for m in missing)
                raise InvalidInput(f"This message needs the {names}; it can't be left empty.")
        return await self._change(draft, fields=merged)

    async def mark_sent(self, owner_id: int, draft_id: int) -> DraftResult:
        """Log the exchange once and set when a polite nudge falls due if no reply comes."""
        draft = await self._draft(owner_id, draft_id)
        if draft.sent_at is not None:
            raise InvalidInput("You already marked this one as sent.")
        profile = await self._profiles.get(owner_id)
        delay = (
            profile.follow_up_delay_days if profile else Profile("", "", "").follow_up_delay_days
        )
        now = self._clock.now()
        sent = await self._drafts.mark_sent(
            owner_id, draft_id, sent_at=now, nudge_due_at=now + timedelta(days=delay)
        )
        if sent is None:
            raise InvalidInput("You already marked this one as sent.")
        await self._contacts.log_exchange(
            owner_id,
            draft.contact_id,
            draft.channel.exchange,
            note=f"Sent the “{self._title(draft)}” draft ({draft.channel.label}).",
        )
        log.info("draft sent owner=%s draft=%s", owner_id, draft_id)
        return await self._result(owner_id, sent)

    async def preview(
        self, owner_id: int, template_id: str, channel: Channel
    ) -> tuple[TemplateInfo, RenderedDraft, bool]:
        """Render a template with the student's profile (or a sample one) and a sample contact.

        Returns the template, the draft, and whether the student's own profile was used.
        """
        info = self._catalogue.get(template_id)
        if info is None:
            raise InvalidInput("There's no template by that name. `/templates list` shows them.")
        sample = sample_for(info.id, dict(SAMPLES["full"]))
        profile = await self._profiles.get(owner_id)
        if profile is not None:
            sample["me"] = _me(profile, sample["them"]["specialty"])
        rendered = self._catalogue.render(info.id, channel.value, sample)
        return info, rendered, profile is not None

    # -- helpers -----------------------------------------------------------------------------

    def _template_for(self, request: DraftRequest, kind: EventKind | None = None) -> TemplateInfo:
        if request.template_id:
            info = self._catalogue.get(request.template_id)
            if info is None:
                raise InvalidInput(
                    "There's no template by that name. Pick one from the suggestions, "
                    "or see `/templates list`."
                )
            return info
        if request.kind != "followup":
            raise InvalidInput("Pick what kind of message to write.")
        available = [t.id for t in self._catalogue.templates("followup")]
        if not available:
            raise CoachError("No follow-up templates are installed.")
        picked = self._catalogue.get(pick_followup(request.fields.get("event"), available, kind))
        assert picked is not None  # pick_followup chooses among the catalogue's own ids
        return picked

    async def _hold(self, owner_id: int, request: DraftRequest) -> int:
        await self._contacts.ensure_student(owner_id)
        return await self._pending.put(
            owner_id,
            PENDING_DRAFT,
            _request_to_json(request),
            expires_at=self._clock.now() + PENDING_TTL,
        )

    async def _resolve_people(self, owner_id: int, request: DraftRequest) -> list[Contact]:
        people: list[Contact] = []
        for person in request.people:
            if isinstance(person, int):
                contact = await self._contacts.get(owner_id, person)
            else:
                contact = await self._contacts.find_or_create(
                    owner_id,
                    ContactDraft(
                        name=person,
                        met_event=request.fields.get("event"),
                        met_on=await self._contacts.today(owner_id),
                    ),
                )
            if all(c.id != contact.id for c in people):
                people.append(contact)
        return people

    async def _meetings_for(
        self, owner_id: int, people: Sequence[Contact], named: str | None
    ) -> dict[int, MetAt | None]:
        """The linked event that counts for each person (see meetings.choose_meeting)."""
        if self._meetings is None or not people:
            return {}
        linked = await self._meetings.linked_events(owner_id, [c.id for c in people])
        today = await self._contacts.today(owner_id)
        return {c.id: choose_meeting(linked.get(c.id, ()), today, named=named) for c in people}

    @staticmethod
    def _known_for(
        contact: Contact, name: str, meetings: Mapping[int, MetAt | None] | None = None
    ) -> bool:
        if name != "event":
            return False
        return bool(contact.draft.met_event) or bool(meetings and meetings.get(contact.id))

    async def _draft(self, owner_id: int, draft_id: int) -> Draft:
        draft = await self._drafts.get(owner_id, draft_id)
        if draft is None:
            raise InvalidInput("I couldn't find that draft. It may belong to someone else.")
        return draft

    def _title(self, draft: Draft) -> str:
        info = self._catalogue.get(draft.template_id)
        return info.title if info else draft.template_id

    async def _change(self, draft: Draft, **changes: Any) -> DraftResult:
        updated = await self._drafts.update(
            draft.owner_id,
            draft.id,
            channel=changes.get("channel", draft.channel),
            version=changes.get("version", draft.version),
            fields=changes.get("fields", draft.fields),
            tone=changes.get("tone", draft.tone),
        )
        if updated is None:
            raise InvalidInput("I couldn't find that draft any more.")
        return await self._result(draft.owner_id, updated)

    async def _result(
        self,
        owner_id: int,
        draft: Draft,
        *,
        profile: Profile | None = None,
        contact: Contact | None = None,
    ) -> DraftResult:
        info = self._catalogue.get(draft.template_id)
        if info is None:
            raise CoachError("The template this draft used has been removed from the catalogue.")
        profile = profile or await self._profiles.get(owner_id)
        if profile is None:
            raise ProfileRequired(
                await self._hold(
                    owner_id,
                    DraftRequest(
                        kind=info.kind,
                        people=(draft.contact_id,),
                        template_id=info.id,
                        channel=draft.channel,
                        fields=draft.fields,
                        tone=draft.tone,
                    ),
                )
            )
        contact = contact or await self._contacts.get(owner_id, draft.contact_id)
        context, checks = await self._context(owner_id, profile, contact, draft.fields)
        context["tone"] = Tone(draft.tone).value
        try:
            rendered = self._catalogue.render(info.id, draft.channel.value, context, draft.version)
        except MissingFields as missing:
            names = ", ".join(FIELD_LABELS[m].lower() for m in missing.fields)
            raise InvalidInput(f"This message needs the {names}; use Edit details.") from None
        return DraftResult(
            draft=draft, contact=contact, template=info, rendered=rendered, checks=checks
        )

    async def _context(
        self, owner_id: int, profile: Profile, contact: Contact, fields: Mapping[str, str]
    ) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The template values (docs/drafts.md), and what the student should check."""
        today = await self._contacts.today(owner_id)
        english = profile.english
        situation = draft_values.situation_values(fields, english=english)
        context: dict[str, Any] = {name: fields.get(name) for name in DRAFT_FIELDS}
        context.update(situation.values)
        met = (await self._meetings_for(owner_id, [contact], fields.get("event"))).get(contact.id)
        if met is not None:
            # The event record knows the day and the kind; the typed name (if any) is the
            # same event in the student's own words, so it is kept.
            context["event"] = context["event"] or phrasing.with_the(met.name)
            context["met_when"] = when_phrase(met.held_on, today, english)
            context["event_kind"] = met.kind.noun
            context["event_date"] = long_date(met.held_on, english)
        else:
            typed, where_met = fields.get("event"), contact.draft.met_event
            context["event"] = context["event"] or phrasing.with_the(where_met)
            # The day they met belongs to where they met: not to another occasion typed here.
            other = typed and where_met and fold(typed) != fold(where_met)
            met_on = None if other else contact.draft.met_on
            context["met_when"] = when_phrase(met_on, today, english) if met_on else None
            context["event_date"] = long_date(met_on, english) if met_on else None
        history = await self._contacts.history(owner_id, contact.id)
        sent = [x for x in history if x.kind.value in ("emailed", "messaged")]
        context["sent_when"] = when_phrase(sent[0].happened_on, today, english) if sent else None
        if not context.get("discussed"):
            # What the student noted about this person (the event form's line, the contact's
            # notes, an exchange) is the specific detail that makes the draft theirs.
            context["discussed"] = draft_values.note_detail(contact.draft.notes, history)
        context["me"] = _me(profile, contact.draft.specialty)
        context["them"] = {
            "greeting": greeting(contact),
            "name": _plain_name(contact),
            "first_name": first_name(contact.name),
            "family_name": surname(contact.name),
            "title": contact.draft.title,
            "role": contact.role.label.lower(),
            "specialty": phrasing.trim(contact.draft.specialty),
            "institution": phrasing.trim(contact.draft.institution),
            "known": draft_values.acquainted(history),
        }
        return context, situation.checks


def _plain_name(contact: Contact) -> str:
    """Their name without title, credentials or suffix ("Helen Marsh"), as docs/drafts.md
    promises; the name as typed when it has no parts."""
    person = contact.parsed_name
    plain = " ".join(p for p in (person.given, person.middle, person.family) if p)
    return plain or contact.name


def _me(profile: Profile, specialty: str | None) -> dict[str, Any]:
    return draft_values.student_values(
        profile, first_name=first_name(profile.name), specialty=specialty
    )


def _default_channel(contact: Contact) -> Channel:
    if contact.draft.email:
        return Channel.EMAIL
    if contact.draft.profile_url and "linkedin." in contact.draft.profile_url.lower():
        return Channel.LINKEDIN
    if contact.draft.discord_user_id:
        return Channel.DM
    return Channel.EMAIL
