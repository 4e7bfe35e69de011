"""A student's rows as the export format's records (bot/core/export_format.py), for both stores.

Where each section of an export lives (table, the column naming the student, the order of its
rows) and how one row, read by name, becomes one record: the SQLite and PostgreSQL privacy
repositories read the same tables and columns (values are the same ISO text on both), so they
share this. What a row holds beyond its record (derived search keys, the old account's place in
Discord, delivery state) is simply not read.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.core.events import EventKind
from bot.core.export_format import (
    CoachingRecord,
    ContactRecord,
    DraftRecord,
    EventPersonRecord,
    EventRecord,
    ExchangeRecord,
    GoalRecord,
    InterviewRecord,
    LetterRecord,
    ProfileRecord,
    ReminderRecord,
    ReminderSettingsRecord,
    SeasonPlanRecord,
    StudentRecord,
)
from bot.core.letters import LetterStage
from bot.core.models import Channel, ExchangeKind, Role, Tone
from bot.core.season import Route
from bot.storage.rows import from_db_day, from_db_time

Row = Mapping[str, Any]


def _time(value: str | None) -> datetime | None:
    return from_db_time(value) if value else None


def _day(value: str) -> Any:
    day = from_db_day(value)
    assert day is not None  # a NOT NULL column
    return day


def _student(r: Row) -> StudentRecord:
    return StudentRecord(r["timezone"], _time(r["welcomed_at"]), from_db_time(r["created_at"]))


def _profile(r: Row) -> ProfileRecord:
    return ProfileRecord(
        name=r["name"],
        school=r["school"],
        stage=r["stage"],
        interests=r["interests"],
        pitch=r["pitch"],
        signoff=r["signoff"],
        contact_line=r["contact_line"],
        follow_up_delay_days=int(r["follow_up_delay_days"]),
        english=r["english"],
        updated_at=from_db_time(r["updated_at"]),
    )


def _contact(r: Row) -> ContactRecord:
    return ContactRecord(
        id=int(r["id"]),
        name=r["name"],
        role=Role(r["role"]),
        title=r["title"],
        specialty=r["specialty"],
        institution=r["institution"],
        met_event=r["met_event"],
        met_on=from_db_day(r["met_on"]),
        email=r["email"],
        profile_url=r["profile_url"],
        notes=r["notes"],
        tags=tuple(json.loads(r["tags"] or "[]")),
        discord_user_id=r["discord_user_id"],
        cadence_days=r["cadence_days"],
        address_as=r["address_as"],
        created_at=from_db_time(r["created_at"]),
        updated_at=from_db_time(r["updated_at"]),
        follow_up_on=from_db_day(r["follow_up_on"]),
        snoozed_until=from_db_day(r["snoozed_until"]),
    )


def _exchange(r: Row) -> ExchangeRecord:
    return ExchangeRecord(
        contact=int(r["contact_id"]),
        kind=ExchangeKind(r["kind"]),
        happened_on=_day(r["happened_on"]),
        note=r["note"],
        created_at=from_db_time(r["created_at"]),
    )


def _draft(r: Row) -> DraftRecord:
    return DraftRecord(
        contact=int(r["contact_id"]),
        template=r["template_id"],
        channel=Channel(r["channel"]),
        version=int(r["version"]),
        fields=json.loads(r["fields"]),
        tone=Tone(r["tone"]),
        created_at=from_db_time(r["created_at"]),
        sent_at=_time(r["sent_at"]),
        nudge_due_at=_time(r["nudge_due_at"]),
    )


def _reminder_settings(r: Row) -> ReminderSettingsRecord:
    return ReminderSettingsRecord(
        enabled=bool(r["enabled"]),
        paused=bool(r["paused"]),
        digest_weekday=int(r["digest_weekday"]),
        digest_hour=int(r["digest_hour"]),
        quiet_when_empty=bool(r["quiet_when_empty"]),
        cadence=json.loads(r["cadence"] or "{}"),
        consented_at=from_db_time(r["consented_at"]),
    )


def _reminder(r: Row) -> ReminderRecord:
    contact = r["contact_id"]
    return ReminderRecord(
        id=int(r["id"]),
        contact=None if contact is None else int(contact),
        note=r["note"],
        due_at=from_db_time(r["due_at"]),
        created_at=from_db_time(r["created_at"]),
        done_at=_time(r["done_at"]),
    )


def _coaching(r: Row) -> CoachingRecord:
    numbers = (r["goal_contacts"], r["goal_follow_ups"], r["goal_check_ins"])
    goal = None if numbers[0] is None else GoalRecord(*(int(n or 0) for n in numbers))
    return CoachingRecord(r["last_tip"], goal, from_db_time(r["updated_at"]))


def _event(r: Row) -> EventRecord:
    return EventRecord(
        id=int(r["id"]),
        name=r["name"],
        kind=EventKind(r["kind"]),
        held_on=_day(r["held_on"]),
        created_at=from_db_time(r["created_at"]),
    )


def _event_person(r: Row) -> EventPersonRecord:
    return EventPersonRecord(int(r["contact_id"]), int(r["event_id"]))


def _season_plan(r: Row) -> SeasonPlanRecord:
    return SeasonPlanRecord(
        cycle=r["cycle"],
        route=Route(r["route"]),
        graduation_year=r["graduation_year"],
        specialties=tuple(str(s) for s in json.loads(r["specialties"] or "[]")),
        updated_at=from_db_time(r["updated_at"]),
        ask_done_on=from_db_day(r["ask_done_on"]),
        ask_snoozed_until=from_db_day(r["ask_snoozed_until"]),
    )


def _letter(r: Row) -> LetterRecord:
    return LetterRecord(
        contact=int(r["contact_id"]),
        stage=LetterStage(r["stage"]),
        asked_on=_day(r["asked_on"]),
        deadline=from_db_day(r["deadline"]),
        programs=r["programs"],
        submitted_on=from_db_day(r["submitted_on"]),
        snoozed_until=from_db_day(r["snoozed_until"]),
        created_at=from_db_time(r["created_at"]),
        updated_at=from_db_time(r["updated_at"]),
        checked_on=from_db_day(r["checked_on"]),
    )


def _interview(r: Row) -> InterviewRecord:
    return InterviewRecord(
        event=int(r["event_id"]),
        program=r["program"],
        no_contact=bool(r["no_contact"]),
        created_at=from_db_time(r["created_at"]),
    )


# Section → (its table, the column naming the student, the order of its rows, row → record).
# The order is the order of insertion (ids, or the student's key for one-row tables), so an
# export restored and exported again lists everything in the same order.
SECTION_SOURCES: dict[str, tuple[str, str, str, Callable[[Row], Any]]] = {
    "student": ("students", "id", "id", _student),
    "profile": ("profiles", "student_id", "student_id", _profile),
    "contacts": ("contacts", "owner_id", "id", _contact),
    "exchanges": ("exchanges", "owner_id", "id", _exchange),
    "drafts": ("drafts", "owner_id", "id", _draft),
    "reminder_settings": ("reminder_settings", "student_id", "student_id", _reminder_settings),
    "reminders": ("reminders", "owner_id", "id", _reminder),
    "coaching": ("coach_state", "student_id", "student_id", _coaching),
    "events": ("events", "owner_id", "id", _event),
    # contact_events has no id: SQLite's rowid, PostgreSQL's `rowid` column (migration 0005).
    "event_people": ("contact_events", "owner_id", "rowid", _event_person),
    "season_plan": ("season_plans", "student_id", "student_id", _season_plan),
    "letters": ("letter_requests", "owner_id", "id", _letter),
    "interviews": ("interviews", "owner_id", "event_id", _interview),
}
