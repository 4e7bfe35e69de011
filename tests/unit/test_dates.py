"""parse_past_date: the documented forms, refusals, and the student's timezone (DST included)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import dateparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.dates import DATE_HINT, local_today, parse_past_date
from bot.core.errors import InvalidInput

# Sunday 8 March 2026, noon UTC.
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-01", date(2026, 3, 1)),
        ("2026-03-08", date(2026, 3, 8)),
        ("today", date(2026, 3, 8)),
        ("Today", date(2026, 3, 8)),
        ("  today  ", date(2026, 3, 8)),
        ("yesterday", date(2026, 3, 7)),
        ("last friday", date(2026, 3, 6)),
        ("Last  Friday", date(2026, 3, 6)),
        ("3 days ago", date(2026, 3, 5)),
        ("10 days ago", date(2026, 2, 26)),
        ("1950-01-01", date(1950, 1, 1)),
    ],
)
def test_documented_forms(text: str, expected: date) -> None:
    """The five documented forms (ISO, today, yesterday, last <weekday>, N days ago) parse."""
    assert parse_past_date(text, now=NOW, timezone="UTC") == expected


def test_iso_example_from_hint_parses_when_past() -> None:
    """The hint's own example, 2026-03-14, parses once that day has come."""
    later = datetime(2026, 3, 14, 0, 0, tzinfo=UTC)
    assert parse_past_date("2026-03-14", now=later, timezone="UTC") == date(2026, 3, 14)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 6, 12, 0, tzinfo=UTC), date(2026, 2, 27)),  # on a Friday: a week back
        (datetime(2026, 3, 7, 12, 0, tzinfo=UTC), date(2026, 3, 6)),  # Saturday
        (datetime(2026, 3, 12, 12, 0, tzinfo=UTC), date(2026, 3, 6)),  # Thursday
    ],
)
def test_last_weekday_is_in_the_past(now: datetime, expected: date) -> None:
    """'last friday' names the most recent Friday before today."""
    assert parse_past_date("last friday", now=now, timezone="UTC") == expected


@pytest.mark.parametrize(
    "text", ["2026-03-09", "2027-01-01", "tomorrow", "in 3 days", "9999-12-31"]
)
def test_future_dates_refused(text: str) -> None:
    """A day after today is refused with a message saying it is in the future."""
    with pytest.raises(InvalidInput, match="in the future"):
        parse_past_date(text, now=NOW, timezone="UTC")


@pytest.mark.parametrize(
    "text",
    [
        "{{7*7}}",
        "{{ 7*7 }}",
        "${7*7}",
        "7*7",
        "<script>",
        "'; DROP TABLE exchanges; --",
        "hello",
        "banana bread",
        "",
        "   ",
        "x" * 41,
        "2026-02-30",
        "2026-13-01",
        "1949-12-31",
        "1900-01-01",
        "aujourd'hui",
        "😀",
        "@everyone",
    ],
)
def test_non_dates_refused(text: str) -> None:
    """Text that is not a plausible past date is refused with a hint, never guessed at."""
    with pytest.raises(InvalidInput) as caught:
        parse_past_date(text, now=NOW, timezone="UTC")
    assert caught.value.user_message


def test_refusal_shows_the_hint() -> None:
    """An unreadable date's message lists the accepted forms."""
    with pytest.raises(InvalidInput) as caught:
        parse_past_date("{{7*7}}", now=NOW, timezone="UTC")
    assert DATE_HINT in caught.value.user_message


@pytest.mark.parametrize(
    ("now", "zone", "text", "expected"),
    [
        # 03:30 UTC on 8 March is still the evening of 7 March in Los Angeles.
        (datetime(2026, 3, 8, 3, 30, tzinfo=UTC), "America/Los_Angeles", "today", date(2026, 3, 7)),
        (datetime(2026, 3, 8, 3, 30, tzinfo=UTC), "UTC", "today", date(2026, 3, 8)),
        (
            datetime(2026, 3, 8, 3, 30, tzinfo=UTC),
            "America/Los_Angeles",
            "yesterday",
            date(2026, 3, 6),
        ),
        (
            datetime(2026, 3, 8, 3, 30, tzinfo=UTC),
            "America/Los_Angeles",
            "3 days ago",
            date(2026, 3, 4),
        ),
        (datetime(2026, 3, 7, 12, 0, tzinfo=UTC), "Pacific/Kiritimati", "today", date(2026, 3, 8)),
        (datetime(2026, 3, 7, 12, 0, tzinfo=UTC), "Pacific/Pago_Pago", "today", date(2026, 3, 7)),
        (datetime(2026, 3, 7, 18, 29, tzinfo=UTC), "Asia/Kolkata", "today", date(2026, 3, 7)),
        (datetime(2026, 3, 7, 18, 30, tzinfo=UTC), "Asia/Kolkata", "today", date(2026, 3, 8)),
        # Saturday 7 March 23:00 in Los Angeles: last Friday is the day before.
        (
            datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
            "America/Los_Angeles",
            "last friday",
            date(2026, 3, 6),
        ),
    ],
)
def test_read_in_students_timezone(now: datetime, zone: str, text: str, expected: date) -> None:
    """Relative dates are read from the student's local calendar day, not UTC's."""
    assert parse_past_date(text, now=now, timezone=zone) == expected


def test_iso_date_future_only_in_students_zone() -> None:
    """An ISO date that is today in UTC but tomorrow for the student is refused."""
    now = datetime(2026, 3, 8, 3, 30, tzinfo=UTC)
    assert parse_past_date("2026-03-08", now=now, timezone="UTC") == date(2026, 3, 8)
    with pytest.raises(InvalidInput, match="in the future"):
        parse_past_date("2026-03-08", now=now, timezone="America/Los_Angeles")


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        # New York springs forward at 07:00 UTC on 8 March 2026 (02:00 EST -> 03:00 EDT).
        (_utc(2026, 3, 8, 4, 59), "America/New_York", date(2026, 3, 7)),
        (_utc(2026, 3, 8, 5, 0), "America/New_York", date(2026, 3, 8)),
        (_utc(2026, 3, 8, 6, 59), "America/New_York", date(2026, 3, 8)),
        (_utc(2026, 3, 8, 7, 0), "America/New_York", date(2026, 3, 8)),
        (_utc(2026, 3, 9, 3, 59), "America/New_York", date(2026, 3, 8)),
        (_utc(2026, 3, 9, 4, 0), "America/New_York", date(2026, 3, 9)),
        # New York falls back at 06:00 UTC on 1 November 2026 (02:00 EDT -> 01:00 EST).
        (_utc(2026, 11, 1, 3, 59), "America/New_York", date(2026, 10, 31)),
        (_utc(2026, 11, 1, 4, 0), "America/New_York", date(2026, 11, 1)),
        (_utc(2026, 11, 1, 5, 30), "America/New_York", date(2026, 11, 1)),  # first 01:30
        (_utc(2026, 11, 1, 6, 30), "America/New_York", date(2026, 11, 1)),  # second 01:30
        (_utc(2026, 11, 2, 4, 59), "America/New_York", date(2026, 11, 1)),
        (_utc(2026, 11, 2, 5, 0), "America/New_York", date(2026, 11, 2)),
        # London springs forward at 01:00 UTC on 29 March 2026 (GMT -> BST).
        (_utc(2026, 3, 28, 23, 59), "Europe/London", date(2026, 3, 28)),
        (_utc(2026, 3, 29, 0, 0), "Europe/London", date(2026, 3, 29)),
        (_utc(2026, 3, 29, 1, 0), "Europe/London", date(2026, 3, 29)),
        (_utc(2026, 3, 29, 22, 59), "Europe/London", date(2026, 3, 29)),
        (_utc(2026, 3, 29, 23, 0), "Europe/London", date(2026, 3, 30)),
        # London falls back at 01:00 UTC on 25 October 2026 (BST -> GMT).
        (_utc(2026, 10, 24, 22, 59), "Europe/London", date(2026, 10, 24)),
        (_utc(2026, 10, 24, 23, 0), "Europe/London", date(2026, 10, 25)),
        (_utc(2026, 10, 25, 0, 30), "Europe/London", date(2026, 10, 25)),  # 01:30 BST
        (_utc(2026, 10, 25, 1, 30), "Europe/London", date(2026, 10, 25)),  # 01:30 GMT
        (_utc(2026, 10, 25, 23, 59), "Europe/London", date(2026, 10, 25)),
        (_utc(2026, 10, 26, 0, 0), "Europe/London", date(2026, 10, 26)),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, datetime) else None,
)
def test_today_and_yesterday_across_dst(now: datetime, zone: str, today: date) -> None:
    """Around both DST changes, 'today' and 'yesterday' are the student's local days."""
    assert parse_past_date("today", now=now, timezone=zone) == today
    assert parse_past_date("yesterday", now=now, timezone=zone) == today - timedelta(days=1)
    assert parse_past_date(today.isoformat(), now=now, timezone=zone) == today
    assert local_today(now, zone) == today
    with pytest.raises(InvalidInput, match="future"):
        parse_past_date((today + timedelta(days=1)).isoformat(), now=now, timezone=zone)


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (_utc(2026, 3, 10, 12, 0), "America/New_York", date(2026, 3, 7)),
        (_utc(2026, 11, 3, 12, 0), "America/New_York", date(2026, 10, 31)),
        (_utc(2026, 3, 31, 12, 0), "Europe/London", date(2026, 3, 28)),
        (_utc(2026, 10, 27, 23, 30), "Europe/London", date(2026, 10, 24)),
    ],
)
def test_days_ago_across_dst(now: datetime, zone: str, expected: date) -> None:
    """'3 days ago' counts calendar days even when a DST change lies between."""
    assert parse_past_date("3 days ago", now=now, timezone=zone) == expected


ZONES = [
    "UTC",
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
]


@settings(max_examples=150, deadline=None)
@given(
    now=st.datetimes(
        min_value=datetime(1960, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(ZONES),
)
def test_today_is_the_local_date(now: datetime, zone: str) -> None:
    """For any instant and zone, 'today' is the local date and 'yesterday' the day before."""
    local = now.astimezone(ZoneInfo(zone)).date()
    assert parse_past_date("today", now=now, timezone=zone) == local
    assert parse_past_date("yesterday", now=now, timezone=zone) == local - timedelta(days=1)
    assert local_today(now, zone) == local


@pytest.mark.parametrize(
    "text", ["today", "Yesterday", "0 days ago", "1 day ago", "3 days ago", "400 days ago"]
)
@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Pacific/Kiritimati"])
def test_fast_forms_agree_with_dateparser(text: str, zone: str) -> None:
    """today / yesterday / N days ago skip dateparser (it is slow) and give the days it gives."""
    local_now = NOW.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    expected = dateparser.parse(
        text,
        languages=["en"],
        settings={"RELATIVE_BASE": local_now, "PREFER_DATES_FROM": "past"},
    )
    assert expected is not None
    assert parse_past_date(text, now=NOW, timezone=zone) == expected.date()
