"""The export format: what `/privacy export` writes and a restore reads, in the domain's words.

Version 3. A document is a header (`format`, `version`, `exported_at`, `student_id`) and one
list per section below, one record per line. Records name things as the student and the
services do (`contact`, `template`, `goal`), never as a store lays them out: each store turns
its rows into these records (`PrivacyRepository.snapshot`), and `bot.core.export_reader`
turns a document back into what a restore writes. Ids exist only so that one record can name
another in the same document (an exchange's `contact` is the `id` of a record of
`contacts`); a restore gives new ones.

Older files are upgraded to this shape before they are read (`bot.core.export_upgrade`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.core.letters import LetterStage
from bot.core.meetings import EventKind
from bot.core.models import Channel, ExchangeKind, Role, Tone
from bot.core.season import Route

EXPORT_FORMAT = "networking-coach-export"
# 1: the first; 2: contacts carry `address_as`; 3: sections and fields in the domain's words
# (no table or column names), the residency season (plan, letters, interviews).
EXPORT_VERSION = 3
HEADER_KEYS = frozenset({"format", "version", "exported_at", "student_id"})


@dataclass(frozen=True, slots=True)
class StudentRecord:
    timezone: str | None
    welcomed_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    name: str
    school: str
    stage: str
    interests: str | None
    pitch: str | None
    signoff: str | None
    contact_line: str | None
    follow_up_delay_days: int
    english: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ContactRecord:
    id: int
    name: str
    role: Role
    title: str | None
    specialty: str | None
    institution: str | None
    met_event: str | None
    met_on: date | None
    email: str | None
    profile_url: str | None
    notes: str | None
    tags: tuple[str, ...]
    discord_user_id: int | None
    cadence_days: int | None
    address_as: str | None
    created_at: datetime
    updated_at: datetime
    follow_up_on: date | None
    snoozed_until: date | None


@dataclass(frozen=True, slots=True)
class ExchangeRecord:
    contact: int
    kind: ExchangeKind
    happened_on: date
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DraftRecord:
    contact: int
    template: str
    channel: Channel
    version: int
    fields: dict[str, str]
    tone: Tone
    created_at: datetime
    sent_at: datetime | None
    nudge_due_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReminderSettingsRecord:
    enabled: bool
    paused: bool
    digest_weekday: int
    digest_hour: int
    quiet_when_empty: bool
    cadence: dict[str, int]  # role → days
    consented_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderRecord:
    id: int
    contact: int | None
    note: str | None
    due_at: datetime
    created_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class GoalRecord:
    new_contacts: int
    follow_ups: int
    check_ins: int


@dataclass(frozen=True, slots=True)
class CoachingRecord:
    last_tip: str | None
    goal: GoalRecord | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    name: str
    kind: EventKind
    held_on: date
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EventPersonRecord:
    """A contact met at an event."""

    contact: int
    event: int


@dataclass(frozen=True, slots=True)
class SeasonPlanRecord:
    cycle: str
    route: Route
    graduation_year: int | None
    specialties: tuple[str, ...]
    updated_at: datetime
    # The reminder to ask writers for this cycle: done on, or snoozed until (local days).
    ask_done_on: date | None = None
    ask_snoozed_until: date | None = None


@dataclass(frozen=True, slots=True)
class LetterRecord:
    contact: int  # the writer
    stage: LetterStage
    asked_on: date
    deadline: date | None
    programs: str | None
    submitted_on: date | None
    snoozed_until: date | None
    created_at: datetime
    updated_at: datetime
    checked_on: date | None = None  # when the student last checked in with the writer


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    event: int  # the interview's event (its people are the interviewers)
    program: str
    no_contact: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ExportSnapshot:
    """Everything of one student's that an export holds, as of one instant. Sections are in
    the document's order: a section comes after every section it refers to."""

    student: tuple[StudentRecord, ...] = ()
    profile: tuple[ProfileRecord, ...] = ()
    contacts: tuple[ContactRecord, ...] = ()
    exchanges: tuple[ExchangeRecord, ...] = ()
    drafts: tuple[DraftRecord, ...] = ()
    reminder_settings: tuple[ReminderSettingsRecord, ...] = ()
    reminders: tuple[ReminderRecord, ...] = ()
    coaching: tuple[CoachingRecord, ...] = ()
    events: tuple[EventRecord, ...] = ()
    event_people: tuple[EventPersonRecord, ...] = ()
    season_plan: tuple[SeasonPlanRecord, ...] = ()
    letters: tuple[LetterRecord, ...] = ()
    interviews: tuple[InterviewRecord, ...] = ()

    def sections(self) -> Iterator[tuple[str, tuple[Any, ...]]]:
        for name in SECTIONS:
            yield name, getattr(self, name)


SECTIONS: tuple[str, ...] = tuple(f.name for f in fields(ExportSnapshot))
# The fields of each section's records: what a reader accepts.
SECTION_FIELDS: Mapping[str, frozenset[str]] = {
    "student": frozenset(f.name for f in fields(StudentRecord)),
    "profile": frozenset(f.name for f in fields(ProfileRecord)),
    "contacts": frozenset(f.name for f in fields(ContactRecord)),
    "exchanges": frozenset(f.name for f in fields(ExchangeRecord)),
    "drafts": frozenset(f.name for f in fields(DraftRecord)),
    "reminder_settings": frozenset(f.name for f in fields(ReminderSettingsRecord)),
    "reminders": frozenset(f.name for f in fields(ReminderRecord)),
    "coaching": frozenset(f.name for f in fields(CoachingRecord)),
    "events": frozenset(f.name for f in fields(EventRecord)),
    "event_people": frozenset(f.name for f in fields(EventPersonRecord)),
    "season_plan": frozenset(f.name for f in fields(SeasonPlanRecord)),
    "letters": frozenset(f.name for f in fields(LetterRecord)),
    "interviews": frozenset(f.name for f in fields(InterviewRecord)),
}
GOAL_FIELDS = frozenset(f.name for f in fields(GoalRecord))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if is_dataclass(value) and not isinstance(value, type):
        return record_json(value)
    return value


def record_json(record: Any) -> dict[str, Any]:
    """A record as the document's JSON object: dates and times in ISO 8601, choices by value."""
    return {f.name: _plain(getattr(record, f.name)) for f in fields(record)}
