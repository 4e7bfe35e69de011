"""Conversions between Python values and SQLite columns, in one place."""

from __future__ import annotations

from datetime import UTC, date, datetime


def to_db_time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetimes are not stored")
    return value.astimezone(UTC).isoformat()


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def to_db_day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def from_db_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def like_pattern(key: str, *, prefix_only: bool = False) -> str:
    """A LIKE pattern matching `key` literally (use with ESCAPE '\\')."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%" if prefix_only else f"%{escaped}%"
