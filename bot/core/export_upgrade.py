"""Exports of versions 1 and 2, upgraded to version 3's shape before they are read.

Versions 1 and 2 were one list of rows per database table, column by column, with JSON held
as text (tags, a draft's fields, the cadence) and flags as 0/1. This maps them onto version
3's sections and fields (bot/core/export_format.py) and nothing more: every value is checked
afterwards by the version 3 reader, so a damaged old file is refused as a damaged new one
would be. What is unknown stays as it is, and the reader names it. Version 1 differs from 2
only by having no `address_as`, which version 3 reads as none.

The season (plan, letters, interviews) was never in these versions: an old file has none.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

# Derived columns (recomputed on insert), the old owner's ids, and the old account's place in
# Discord (learnt again on first use): in no version 3 record.
_DROPPED = frozenset(
    {"owner_id", "student_id"}
    | {"name_key", "specialty_key", "event_key", "email_key", "tags_key", "search_key"}
    | {"name_title", "given_name", "middle_names", "family_name", "name_suffix", "post_nominals"}
    | {"person_key", "due_on", "due_kind"}
    | {"first_outreach_on", "first_written_on", "last_replied_on"}
)
_GOAL = {"goal_contacts": "new_contacts", "goal_follow_ups": "follow_ups"}
_GOAL |= {"goal_check_ins": "check_ins"}


def _parsed(value: Any) -> Any:
    """A JSON-as-text column as its value; left as it was when it isn't JSON (the reader then
    says the field is not a list or an object)."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return value


def _flag(value: Any) -> Any:
    return bool(value) if value in (0, 1) and not isinstance(value, bool) else value


def _renamed(row: dict[str, Any], names: dict[str, str], drop: frozenset[str]) -> dict[str, Any]:
    return {names.get(k, k): v for k, v in row.items() if k not in _DROPPED and k not in drop}


def _student(row: dict[str, Any]) -> dict[str, Any]:
    gone = frozenset({"id", "dm_channel_id", "guild_id", "unreachable_since"})
    return _renamed(row, {}, gone)


def _contact(row: dict[str, Any]) -> dict[str, Any]:
    out = _renamed(row, {}, frozenset())
    if "tags" in out:
        out["tags"] = _parsed(out["tags"])
    return out


def _with_contact(row: dict[str, Any]) -> dict[str, Any]:
    return _renamed(row, {"contact_id": "contact"}, frozenset({"id"}))


def _draft(row: dict[str, Any]) -> dict[str, Any]:
    out = _renamed(row, {"contact_id": "contact", "template_id": "template"}, frozenset({"id"}))
    if "fields" in out:
        out["fields"] = _parsed(out["fields"])
    return out


def _reminder_settings(row: dict[str, Any]) -> dict[str, Any]:
    out = _renamed(row, {}, frozenset({"next_digest_at"}))
    for name in ("enabled", "paused", "quiet_when_empty"):
        if name in out:
            out[name] = _flag(out[name])
    if "cadence" in out:
        out["cadence"] = _parsed(out["cadence"])
    return out


def _reminder(row: dict[str, Any]) -> dict[str, Any]:
    return _renamed(row, {"contact_id": "contact"}, frozenset())


def _coaching(row: dict[str, Any]) -> dict[str, Any]:
    out = _renamed(row, {}, frozenset(_GOAL))
    goal = {new: row.get(old) for old, new in _GOAL.items()}
    out["goal"] = goal if any(v is not None for v in goal.values()) else None
    return out


def _event(row: dict[str, Any]) -> dict[str, Any]:
    return _renamed(row, {}, frozenset())


def _event_person(row: dict[str, Any]) -> dict[str, Any]:
    return _renamed(row, {"contact_id": "contact", "event_id": "event"}, frozenset())


# Version 2 table → (version 3 section, how a row becomes a record).
_TABLES: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "students": ("student", _student),
    "profiles": ("profile", lambda row: _renamed(row, {}, frozenset())),
    "contacts": ("contacts", _contact),
    "exchanges": ("exchanges", _with_contact),
    "drafts": ("drafts", _draft),
    "reminder_settings": ("reminder_settings", _reminder_settings),
    "reminders": ("reminders", _reminder),
    "coach_state": ("coaching", _coaching),
    "events": ("events", _event),
    "contact_events": ("event_people", _event_person),
}


def upgraded_from_v2(document: dict[str, Any], header_keys: frozenset[str]) -> dict[str, Any]:
    """A version 1 or 2 document in version 3's sections and fields (the header unchanged but
    for the version); rows that are not objects, and tables it doesn't know, left as they are."""
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key in header_keys:
            out[key] = value
            continue
        section, upgrade = _TABLES.get(key, (key, None))
        if upgrade is not None and isinstance(value, list):
            value = [upgrade(row) if isinstance(row, dict) else row for row in value]
        out[section] = value
    return out
