"""Domain records: students, contacts and the exchanges logged with them.

All datetimes are aware and in UTC; calendar days (when someone was met, when an exchange
happened) are plain `date`s in the student's own timezone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.core.meetings import MetAt
from bot.core.names import PersonName, greeting_for, parse_name
from bot.core.season import SeasonStatus


class Role(StrEnum):
    """Who a contact is to the student; drives default keep-in-touch cadence and drafts."""

    CLASSMATE = "classmate"
    PEER_MENTOR = "peer_mentor"
    TUTOR = "tutor"
    FACULTY = "faculty"
    RESEARCHER = "researcher"
    RESIDENT = "resident"
    FELLOW = "fellow"
    ATTENDING = "attending"
    CLINICIAN = "clinician"
    PROGRAM_DIRECTOR = "program_director"
    ALUMNUS = "alumnus"
    SPEAKER = "speaker"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.CLASSMATE: "Classmate",
    Role.PEER_MENTOR: "Peer mentor",
    Role.TUTOR: "Tutor",
    Role.FACULTY: "Faculty",
    Role.RESEARCHER: "Researcher",
    Role.RESIDENT: "Resident",
    Role.FELLOW: "Fellow",
    Role.ATTENDING: "Attending",
    Role.CLINICIAN: "Nurse or other clinician",
    Role.PROGRAM_DIRECTOR: "Program director",
    Role.ALUMNUS: "Alumnus",
    Role.SPEAKER: "Speaker",
    Role.OTHER: "Other",
}


class ExchangeKind(StrEnum):
    """What happened between the student and a contact."""

    MET = "met"
    EMAILED = "emailed"
    MESSAGED = "messaged"
    CALLED = "called"
    MEETING = "meeting"
    REPLIED = "replied"

    @property
    def label(self) -> str:
        return _EXCHANGE_LABELS[self]


_EXCHANGE_LABELS = {
    ExchangeKind.MET: "Met in person",
    ExchangeKind.EMAILED: "Emailed them",
    ExchangeKind.MESSAGED: "Messaged them",
    ExchangeKind.CALLED: "Called",
    ExchangeKind.MEETING: "Had a meeting",
    ExchangeKind.REPLIED: "They replied",
}


@dataclass(frozen=True, slots=True)
class ContactDraft:
    """Everything the student can say about a contact; validated before it is stored."""

    name: str
    role: Role = Role.OTHER
    title: str | None = None
    specialty: str | None = None
    institution: str | None = None
    met_event: str | None = None
    met_on: date | None = None
    email: str | None = None
    profile_url: str | None = None
    notes: str | None = None
    tags: tuple[str, ...] = ()
    discord_user_id: int | None = None
    cadence_days: int | None = None
    address_as: str | None = None  # how drafts greet them, when the student chose it


EDITABLE_FIELDS = frozenset(f.name for f in fields(ContactDraft))


@dataclass(frozen=True, slots=True)
class Contact:
    """A stored contact, always belonging to exactly one student (`owner_id`)."""

    id: int
    owner_id: int
    draft: ContactDraft
    created_at: datetime
    updated_at: datetime
    last_contacted_on: date | None = None
    exchange_count: int = 0
    follow_up_on: date | None = None
    snoozed_until: date | None = None
    awaiting_reply_since: datetime | None = None
    person: PersonName | None = None  # the stored parse of the name; parsed on demand if absent

    @property
    def name(self) -> str:
        return self.draft.name

    @property
    def parsed_name(self) -> PersonName:
        if self.person is not None:
            return self.person
        return parse_name(self.draft.name, self.draft.title)

    @property
    def suggested_greeting(self) -> str:
        """The greeting the bot would choose without the student's "address as"."""
        return greeting_for(self.parsed_name, self.role.value)

    @property
    def greeting(self) -> str:
        """How drafts address them: the student's "address as", else names.greeting_for."""
        return greeting_for(self.parsed_name, self.role.value, self.draft.address_as)

    @property
    def role(self) -> Role:
        return self.draft.role

    def with_draft(self, draft: ContactDraft) -> Contact:
        return replace(self, draft=draft, person=None)


@dataclass(frozen=True, slots=True)
class Exchange:
    """One logged interaction with a contact."""

    id: int
    contact_id: int
    kind: ExchangeKind
    happened_on: date
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Student:
    """A Discord user who has used the bot; `id` is their Discord user id."""

    id: int
    timezone: str | None
    welcomed: bool
    created_at: datetime
    unreachable_since: datetime | None = None
    guild_id: int | None = None


@dataclass(frozen=True, slots=True)
class ContactFilter:
    """Narrows `/contact list`; every part is optional and they combine with AND."""

    role: Role | None = None
    tag: str | None = None
    specialty: str | None = None
    event: str | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.role or self.tag or self.specialty or self.event)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing, with enough to draw page buttons."""

    items: tuple[Contact, ...]
    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return (self.number + 1) * self.size < self.total


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """The result of adding: the saved contact, or the existing ones it may duplicate."""

    contact: Contact | None = None
    duplicates: tuple[Contact, ...] = field(default_factory=tuple)
    pending_id: int | None = None


@dataclass(frozen=True, slots=True)
class Profile:
    """The student's own details, used to write every draft."""

    name: str
    school: str
    stage: str
    interests: str | None = None
    pitch: str | None = None
    signoff: str | None = None
    contact_line: str | None = None
    follow_up_delay_days: int = 7
    english: str = "us"  # "us" or "uk": spelling and date forms in drafts


ENGLISH = ("us", "uk")


class Tone(StrEnum):
    """How a draft sounds (every template handles each, docs/drafts.md)."""

    WARM = "warm"
    FORMAL = "formal"
    BRIEF = "brief"

    @property
    def label(self) -> str:
        return {"warm": "Warm", "formal": "Formal", "brief": "Brief"}[self]


class Channel(StrEnum):
    """Where the student will send a draft."""

    EMAIL = "email"
    LINKEDIN = "linkedin"
    DM = "dm"

    @property
    def label(self) -> str:
        return {"email": "E-mail", "linkedin": "LinkedIn note", "dm": "Direct message"}[self]

    @property
    def exchange(self) -> ExchangeKind:
        return ExchangeKind.EMAILED if self is Channel.EMAIL else ExchangeKind.MESSAGED


# What the student says about the situation (all optional; templates say which they need).
DRAFT_FIELDS = (
    "event",
    "discussed",
    "ask",
    "topic",
    "deadline",
    "program",
    "update",
    "finding",
    "availability",
    "paper",  # filled from a DOI or PubMed id (bot.core.papers)
)


@dataclass(frozen=True, slots=True)
class Draft:
    """A drafted message for one contact: what it was written from, and whether it was sent."""

    id: int
    owner_id: int
    contact_id: int
    template_id: str
    channel: Channel
    version: int
    fields: dict[str, str]
    created_at: datetime
    sent_at: datetime | None = None
    nudge_due_at: datetime | None = None
    tone: Tone = Tone.WARM


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    """A student's consent to reminder DMs and when their weekly digest comes."""

    student_id: int
    consented_at: datetime
    enabled: bool = True
    paused: bool = False
    digest_weekday: int = 6  # 0 = Monday … 6 = Sunday
    digest_hour: int = 18
    quiet_when_empty: bool = False
    cadence: dict[str, int] = field(default_factory=dict)  # Role value → days
    next_digest_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.enabled and not self.paused


@dataclass(frozen=True, slots=True)
class OneOffReminder:
    id: int
    owner_id: int
    contact_id: int | None
    note: str | None
    due_at: datetime
    created_at: datetime
    done_at: datetime | None = None


class ItemKind(StrEnum):
    """What a due item asks of the student."""

    NUDGE = "nudge"
    FOLLOW_UP = "follow_up"
    REMINDER = "reminder"
    CHECK_IN = "check_in"
    LETTER = "letter"  # a letter of recommendation's reminder (bot.core.season_reminders)

    @property
    def label(self) -> str:
        return {
            "nudge": "Nudge",
            "follow_up": "Follow up",
            "reminder": "Reminder",
            "check_in": "Check in",
            "letter": "Letter",
        }[self]


@dataclass(frozen=True, slots=True)
class LetterReminder:
    """What a letter item asks: its task (a `bot.core.letters.LetterTask` value), the letter
    (0 for the reminder to ask writers) and the coach's line, dates filled; `{writer}` is left
    for the adapter, which escapes the name."""

    task: str
    letter_id: int
    said: str


@dataclass(frozen=True, slots=True)
class DueItem:
    """One thing to do: follow up, nudge, check in, or a one-off reminder."""

    kind: ItemKind
    due_on: date
    contact: Contact | None = None
    reminder: OneOffReminder | None = None
    sent_at: datetime | None = None  # nudges: when the unanswered message went out
    met_at: MetAt | None = None  # follow-ups and check-ins: the event where they met
    letter: LetterReminder | None = None  # letter items: the contact is the writer, if any

    @property
    def ref(self) -> int:
        """The id the item's buttons carry: the reminder for reminders, the letter for letter
        items, else the contact."""
        if self.reminder is not None:
            return self.reminder.id
        if self.letter is not None:
            return self.letter.letter_id
        assert self.contact is not None
        return self.contact.id


@dataclass(frozen=True, slots=True)
class WeekActivity:
    contacts_added: int = 0
    messages_sent: int = 0
    replies: int = 0


@dataclass(frozen=True, slots=True)
class Digest:
    """What is due for a student this week, most urgent first."""

    student_id: int
    today: date
    items: tuple[DueItem, ...]
    activity: WeekActivity
    tip: str | None = None
    late_by_hours: int = 0
    progress: Any = None  # bot.core.progress.GoalProgress (goal and streak), when coaching is on
    more: int = 0  # items due this week beyond `items` (counted, not loaded)
    # Messages whose send may or may not have reached the student (told once, in this digest).
    maybe_missed: tuple[MaybeMissed, ...] = ()
    season: SeasonStatus | None = None  # the week in the student's application cycle, if any


@dataclass(frozen=True, slots=True)
class MaybeMissed:
    """A message the bot tried to send and cannot know arrived (its claim outlived the
    transport's idempotency window): the next weekly digest says so, and names the item again
    when it is still open."""

    kind: str  # digest | reminder | nudge | another feature's kind
    due_on: date  # the student's local day it was due
    item: DueItem | None = None


MessageRef = int
"""What the transport returns for a sent message; kept in the delivery ledger, never read by
the core."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One claimed send: a digest occurrence, a reminder, or a nudge."""

    id: int
    student_id: int
    kind: str
    ref: str
    due_at: datetime
    claimed_at: datetime
    attempts: int = 0
    sent_at: datetime | None = None
    # Read by the lease that took this claim for a retry: its last attempt certainly never
    # reached the platform, so a resend cannot be a second copy, however old the claim.
    resend_safe: bool = False

    @property
    def key(self) -> str:
        """The idempotency key of this claim's message: the same on every retry, so the
        transport can recognise a resend after a crash. (`coach-<id>` is what the bot has
        always sent: a claim left open across an upgrade keeps its key.)"""
        return f"coach-{self.id}"
