"""When weekly digests fall due (bot.core.schedule), across timezones and DST, and the future
times students type for one-off reminders (bot.core.dates.parse_future_time)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.dates import parse_future_time
from bot.core.errors import InvalidInput
from bot.core.schedule import (
    COMMON_TIMEZONES,
    is_valid_timezone,
    local_instant,
    next_weekly_occurrence,
    suggest_timezones,
)

ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC")
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# -- ordinary cases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("after", "weekday", "hour", "zone", "expected"),
    [
        # Later the same day.
        (utc(2026, 1, 5, 8, 59, 59), MON, 9, "UTC", utc(2026, 1, 5, 9)),
        # Exactly at the occurrence: strictly after, so a week on.
        (utc(2026, 1, 5, 9), MON, 9, "UTC", utc(2026, 1, 12, 9)),
        # Just past it: a week on.
        (utc(2026, 1, 5, 9, 0, 1), MON, 9, "UTC", utc(2026, 1, 12, 9)),
        # New York in winter is UTC-5: Sunday 18:00 EST is 23:00 UTC.
        (utc(2026, 1, 7), SUN, 18, "America/New_York", utc(2026, 1, 11, 23)),
        # New York in summer is UTC-4: Sunday 18:00 EDT is 22:00 UTC.
        (utc(2026, 7, 1), SUN, 18, "America/New_York", utc(2026, 7, 5, 22)),
        # Local evening is already the next UTC day.
        (utc(2026, 1, 6, 3), MON, 23, "America/New_York", utc(2026, 1, 6, 4)),
        # Kolkata is UTC+5:30 all year.
        (utc(2026, 1, 5), MON, 9, "Asia/Kolkata", utc(2026, 1, 5, 3, 30)),
        # Sydney in January is UTC+11: local Monday morning is Sunday in UTC.
        (utc(2026, 1, 4), MON, 8, "Australia/Sydney", utc(2026, 1, 4, 21)),
        # Sydney in July is UTC+10.
        (utc(2026, 7, 1), MON, 8, "Australia/Sydney", utc(2026, 7, 5, 22)),
        # London in summer is UTC+1; midnight local is 23:00 UTC the evening before.
        (utc(2026, 6, 1), SAT, 0, "Europe/London", utc(2026, 6, 5, 23)),
        # Local weekday differs from the UTC weekday of `after`.
        (utc(2026, 1, 4, 23, 30), SUN, 20, "America/New_York", utc(2026, 1, 5, 1)),
    ],
)
def test_next_weekly_occurrence_table(
    after: datetime, weekday: int, hour: int, zone: str, expected: datetime
) -> None:
    """Ordinary cases: the next local weekday at the hour, as UTC."""
    assert next_weekly_occurrence(after, weekday, hour, zone) == expected


def test_next_weekly_occurrence_needs_aware_time() -> None:
    """A naive `after` is refused rather than guessed at."""
    with pytest.raises(ValueError):
        next_weekly_occurrence(datetime(2026, 1, 5, 9), MON, 9, "UTC")


def test_next_weekly_occurrence_accepts_any_offset() -> None:
    """The same instant given in another offset gives the same answer."""
    after = utc(2026, 1, 5, 8)
    other = after.astimezone(ZoneInfo("Asia/Kolkata"))
    assert next_weekly_occurrence(other, MON, 9, "UTC") == utc(2026, 1, 5, 9)


def test_local_instant_resolves_gap_and_fold() -> None:
    """A skipped local hour resolves after the gap; a repeated one to its first occurrence."""
    ny = ZoneInfo("America/New_York")
    # 2026-03-08 02:00 does not exist in New York: 03:00 EDT = 07:00 UTC.
    assert local_instant(datetime(2026, 3, 8), 2, ny) == utc(2026, 3, 8, 7)
    # 2026-11-01 01:00 happens twice: the first is EDT (UTC-4).
    assert local_instant(datetime(2026, 11, 1), 1, ny) == utc(2026, 11, 1, 5)


# -- properties -------------------------------------------------------------------------------


def _exists(day: datetime, hour: int, zone: ZoneInfo) -> bool:
    """Whether `hour`:00 on that local day is a real wall time in `zone`."""
    naive = datetime.combine(day.date(), time(hour))
    round_trip = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return round_trip.replace(tzinfo=None) == naive


def _check_occurrence(result: datetime, after: datetime, weekday: int, hour: int, name: str):
    zone = ZoneInfo(name)
    assert result.tzinfo is not None and result.utcoffset() == timedelta(0)
    assert result > after
    assert result <= after + timedelta(days=7, hours=1)
    local = result.astimezone(zone)
    assert local.weekday() == weekday
    assert local.minute == 0 and local.second == 0 and local.microsecond == 0
    if _exists(local, hour, zone):
        assert local.hour == hour
        assert local.fold == 0, "a repeated hour resolves to its first occurrence"
    else:
        # The first instant after the gap: just before it, the wall clock read earlier.
        target = datetime.combine(local.date(), time(hour))
        assert local.replace(tzinfo=None) > target
        before = (result - timedelta(seconds=1)).astimezone(zone).replace(tzinfo=None)
        assert before < target


instants = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(
    after=instants,
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    zone=st.sampled_from(ZONES),
)
def test_next_occurrence_properties(after: datetime, weekday: int, hour: int, zone: str) -> None:
    """Strictly after, within a week (plus a DST hour), on the local weekday and hour."""
    result = next_weekly_occurrence(after, weekday, hour, zone)
    _check_occurrence(result, after, weekday, hour, zone)


def _iterate(after: datetime, weekday: int, hour: int, zone: str, weeks: int) -> list[datetime]:
    results = []
    for _ in range(weeks):
        after = next_weekly_occurrence(after, weekday, hour, zone)
        results.append(after)
    return results


def _assert_one_per_week(results: list[datetime], zone: str) -> None:
    weeks = [r.astimezone(ZoneInfo(zone)).isocalendar()[:2] for r in results]
    assert len(set(weeks)) == len(weeks), "two occurrences in one ISO week"
    mondays = [
        r.astimezone(ZoneInfo(zone)).date() - timedelta(days=r.astimezone(ZoneInfo(zone)).weekday())
        for r in results
    ]
    gaps = {later - earlier for earlier, later in itertools.pairwise(mondays)}
    assert gaps == {timedelta(days=7)}, "a week was skipped"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    after=instants,
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    zone=st.sampled_from(ZONES),
)
def test_iterating_gives_one_occurrence_per_week(
    after: datetime, weekday: int, hour: int, zone: str
) -> None:
    """Feeding each result back in for 60 weeks: one occurrence per ISO week, none skipped."""
    results = _iterate(after, weekday, hour, zone, 60)
    for previous, result in zip([after, *results], results, strict=False):
        _check_occurrence(result, previous, weekday, hour, zone)
    _assert_one_per_week(results, zone)


# The 2026 transitions, with the digest hour set to the skipped or repeated local hour.
TRANSITIONS = [
    pytest.param("America/New_York", utc(2026, 3, 8), 2, id="new-york-spring-skipped-2"),
    pytest.param("America/New_York", utc(2026, 11, 1), 1, id="new-york-autumn-repeated-1"),
    pytest.param("Europe/London", utc(2026, 3, 29), 1, id="london-spring-skipped-1"),
    pytest.param("Europe/London", utc(2026, 10, 25), 1, id="london-autumn-repeated-1"),
    pytest.param("Australia/Sydney", utc(2026, 4, 5), 2, id="sydney-autumn-repeated-2"),
    pytest.param("Australia/Sydney", utc(2026, 10, 4), 2, id="sydney-spring-skipped-2"),
]


@pytest.mark.parametrize(("zone", "transition_day", "hour"), TRANSITIONS)
@pytest.mark.parametrize("start_weeks_before", [0, 1, 3])
def test_transition_weeks_get_exactly_one_occurrence(
    zone: str, transition_day: datetime, hour: int, start_weeks_before: int
) -> None:
    """Across each 2026 transition, on the transition Sunday at the odd hour: once a week."""
    after = transition_day - timedelta(days=7 * start_weeks_before + 3)
    results = _iterate(after, SUN, hour, zone, 60)
    for previous, result in zip([after, *results], results, strict=False):
        _check_occurrence(result, previous, SUN, hour, zone)
    _assert_one_per_week(results, zone)
    local_days = [r.astimezone(ZoneInfo(zone)).date() for r in results]
    assert local_days.count(transition_day.date()) == 1


@pytest.mark.parametrize(("zone", "transition_day", "hour"), TRANSITIONS)
def test_transition_day_from_every_minute_of_the_day(
    zone: str, transition_day: datetime, hour: int
) -> None:
    """Asking from any moment of the transition day never yields that day twice in a row."""
    tz = ZoneInfo(zone)
    local_midnight = datetime.combine(transition_day.date(), time(0), tzinfo=tz)
    start = local_midnight.astimezone(UTC)
    for minutes in range(0, 25 * 60, 10):
        after = start + timedelta(minutes=minutes)
        first = next_weekly_occurrence(after, SUN, hour, zone)
        second = next_weekly_occurrence(first, SUN, hour, zone)
        _check_occurrence(first, after, SUN, hour, zone)
        assert second.astimezone(tz).date() - first.astimezone(tz).date() == timedelta(days=7)


# -- timezones --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("America/New_York", True),
        ("Europe/London", True),
        ("Australia/Sydney", True),
        ("Asia/Kolkata", True),
        ("UTC", True),
        ("US/Eastern", False),
        ("EST5EDT", False),
        ("Etc/GMT+5", False),
        ("Mars/Olympus_Mons", False),
        ("america/new_york", False),
        ("", False),
    ],
)
def test_is_valid_timezone(name: str, valid: bool) -> None:
    """Only Area/City IANA names (and UTC) are accepted; legacy aliases are not."""
    assert is_valid_timezone(name) is valid


def test_suggest_timezones_empty_gives_common() -> None:
    """Nothing typed: the common zones, in their curated order, all valid."""
    assert suggest_timezones("") == list(COMMON_TIMEZONES)
    assert suggest_timezones("   ", limit=3) == list(COMMON_TIMEZONES[:3])
    assert all(is_valid_timezone(name) for name in COMMON_TIMEZONES)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("london", "Europe/London"),
        ("LONDON", "Europe/London"),
        ("new york", "America/New_York"),
        ("kolk", "Asia/Kolkata"),
        ("sydney", "Australia/Sydney"),
        ("utc", "UTC"),
    ],
)
def test_suggest_timezones_finds_city(typed: str, first: str) -> None:
    """A city (any case, spaces for underscores) comes first among the suggestions."""
    assert suggest_timezones(typed)[0] == first


def test_suggest_timezones_limit_and_validity() -> None:
    """At most `limit` suggestions, prefix matches before substring ones, all valid."""
    found = suggest_timezones("america", limit=25)
    assert len(found) == 25
    assert all(is_valid_timezone(name) for name in found)
    assert all(name.startswith("America/") for name in found)
    assert len(suggest_timezones("a", limit=5)) == 5
    assert suggest_timezones("zzzzqq") == []
    assert not any(n.startswith(("Etc/", "US/")) for n in suggest_timezones("e"))


# -- parse_future_time ------------------------------------------------------------------------

# Wednesday 4 March 2026, 10:00 in New York (EST, UTC-5); DST starts Sunday 8 March.
NOW = utc(2026, 3, 4, 15)
NY = "America/New_York"


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        # No time given: 09:00 local.
        ("next friday", NY, utc(2026, 3, 6, 14)),
        ("friday", NY, utc(2026, 3, 6, 14)),
        ("tomorrow", NY, utc(2026, 3, 5, 14)),
        # "in …" keeps the local time of day; two weeks on, New York is on EDT.
        ("in 2 weeks", NY, utc(2026, 3, 18, 14)),
        ("in 3 days", NY, utc(2026, 3, 7, 15)),
        # 3 March has passed this year: next year's.
        ("March 3 9am", NY, utc(2027, 3, 3, 14)),
        ("March 10 9am", NY, utc(2026, 3, 10, 13)),
        ("2026-12-01 14:00", NY, utc(2026, 12, 1, 19)),
        ("2026-12-01", NY, utc(2026, 12, 1, 14)),
        ("2026-12-01 14:00", "Asia/Kolkata", utc(2026, 12, 1, 8, 30)),
        ("tomorrow", "Australia/Sydney", utc(2026, 3, 5, 22)),
    ],
)
def test_parse_future_time_table(text: str, zone: str, expected: datetime) -> None:
    """Typed times are read in the student's zone, 09:00 when no time is given, as UTC."""
    assert parse_future_time(text, now=NOW, timezone=zone) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "already passed"),
        ("2026-03-01", "already passed"),
        ("2029-01-01", "two years"),
        ("in 3 years", "two years"),
        ("banana", "couldn't read"),
        ("{{7*7}}", "couldn't read"),
        ("<@123> tomorrow", "couldn't read"),
        ("x" * 61, "couldn't read"),
        ("", "couldn't read"),
    ],
)
def test_parse_future_time_refuses(text: str, message: str) -> None:
    """Past times, more than two years ahead, and junk are refused with a hint."""
    with pytest.raises(InvalidInput, match=message):
        parse_future_time(text, now=NOW, timezone=NY)


def test_parse_future_time_drops_seconds() -> None:
    """Results are on the minute, and always strictly in the future."""
    now = utc(2026, 3, 4, 15, 0, 42, 123)
    result = parse_future_time("in 2 hours", now=now, timezone=NY)
    assert result.second == 0 and result.microsecond == 0
    assert result > now
