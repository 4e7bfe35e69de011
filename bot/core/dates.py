"""Calendar dates typed by students: `2026-03-14`, `today`, `last friday`, `3 days ago`.

dateparser does the natural-language work; this module fixes its settings, keeps it to English
and to plain date-ish text, and interprets everything in the student's own timezone.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser

from bot.core.errors import InvalidInput

# dateparser will find a date in almost anything ("{{7*7}}" becomes 7 July). Only letters,
# digits, spaces and the usual separators reach it.
_DATEISH = re.compile(r"^[A-Za-z0-9 ,./:\-]{1,40}$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A lone word or number is too vague ("5" would become some 5th; "march" some day in March):
# one word must be a day name, or the text must have a number and something else.
_ONE_WORD_DAYS = frozenset(
    [
        "today",
        "yesterday",
        "tomorrow",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
)

# The commonest answers, read without dateparser: it costs 1–3 ms of the event loop per call,
# which every other student's interaction waits behind. Same days as dateparser gives.
_DAYS_BACK = {"today": 0, "yesterday": 1}
_DAYS_AGO = re.compile(r"^(\d{1,4}) days? ago$")

DATE_HINT = "Try `2026-03-14`, `today`, `yesterday`, `last friday` or `3 days ago`."


def parse_past_date(text: str, *, now: datetime, timezone: str) -> date:
    """The calendar day `text` names, as seen in `timezone`; it may not be in the future."""
    raw = " ".join(text.split())
    if not _DATEISH.match(raw):
        raise InvalidInput(f"I couldn't read “{raw[:40]}” as a date. {DATE_HINT}")
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    if _ISO.match(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            raise InvalidInput(f"{raw} is not a real date. {DATE_HINT}") from None
    elif (back := _days_back(raw.lower())) is not None:
        day = local_now.date() - timedelta(days=back)
    else:
        if " " not in raw and not re.search(r"\d\D+\d", raw) and raw.lower() not in _ONE_WORD_DAYS:
            raise InvalidInput(f"“{raw}” is too vague to be a date. {DATE_HINT}")
        parsed = dateparser.parse(
            raw,
            languages=["en"],
            settings={
                "RELATIVE_BASE": local_now.replace(tzinfo=None),
                "PREFER_DATES_FROM": "past",
                "RETURN_AS_TIMEZONE_AWARE": False,
                "STRICT_PARSING": False,
            },
        )
        if parsed is None:
            raise InvalidInput(f"I couldn't read “{raw}” as a date. {DATE_HINT}")
        day = parsed.date()
    if day > local_now.date():
        raise InvalidInput(f"{day:%d %B %Y} is in the future. When did you meet or talk?")
    if day.year < 1950:
        raise InvalidInput(f"{day:%d %B %Y} is too far back. {DATE_HINT}")
    return day


def _days_back(lowered: str) -> int | None:
    if lowered in _DAYS_BACK:
        return _DAYS_BACK[lowered]
    match = _DAYS_AGO.match(lowered)
    return int(match[1]) if match else None


def local_today(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


# "3pm", "15:30", "9 am", "noon": did the student say a time of day?
_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}|\d{1,2}\s*(am|pm)\b|\bnoon\b|\bmidnight\b", re.I)
DEFAULT_REMINDER_HOUR = 9
WHEN_HINT = "Try `next friday`, `in 2 weeks`, `March 3 9am` or `2026-12-01 14:00`."


def parse_future_time(text: str, *, now: datetime, timezone: str) -> datetime:
    """The instant `text` names in `timezone` (9:00 local when no time is given), in UTC."""
    raw = " ".join(text.split())
    if not re.match(r"^[A-Za-z0-9 ,./:\-]{1,60}$", raw):
        raise InvalidInput(f"I couldn't read “{raw[:40]}” as a time. {WHEN_HINT}")
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    parsed = dateparser.parse(
        raw,
        languages=["en"],
        settings={
            "RELATIVE_BASE": local_now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise InvalidInput(f"I couldn't read “{raw}” as a time. {WHEN_HINT}")
    if not _TIME_OF_DAY.search(raw) and not raw.lower().startswith("in "):
        parsed = parsed.replace(hour=DEFAULT_REMINDER_HOUR, minute=0, second=0, microsecond=0)
    instant = parsed.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if instant <= now:
        raise InvalidInput(f"{parsed:%d %B %Y %H:%M} has already passed. {WHEN_HINT}")
    if instant > now + timedelta(days=730):
        raise InvalidInput("Reminders can be set up to two years ahead.")
    return instant.replace(second=0, microsecond=0)
