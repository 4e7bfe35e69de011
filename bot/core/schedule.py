"""When the next weekly digest falls due, in UTC, from a student's local day and hour.

Pure functions: the database stores the result, APScheduler only ticks. Local times that do not
exist (the hour skipped when clocks go forward) resolve to the first instant after the gap; local
times that occur twice (when clocks go back) resolve to the first of the two. So across either
transition the digest arrives once, never twice and never skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def local_instant(day: datetime, hour: int, zone: ZoneInfo) -> datetime:
    """`hour`:00 on `day`'s calendar date in `zone`, as an aware UTC datetime (see module doc)."""
    naive = datetime.combine(day.date(), time(hour))
    return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)


def next_weekly_occurrence(after: datetime, weekday: int, hour: int, timezone: str) -> datetime:
    """The first instant strictly after `after` that is `weekday` (0 = Monday) at `hour` local."""
    if after.tzinfo is None:
        raise ValueError("after must be aware")
    zone = ZoneInfo(timezone)
    local = after.astimezone(zone)
    days_ahead = (weekday - local.weekday()) % 7
    candidate_day = local + timedelta(days=days_ahead)
    candidate = local_instant(candidate_day, hour, zone)
    if candidate <= after:
        candidate = local_instant(candidate_day + timedelta(days=7), hour, zone)
    return candidate


def is_valid_timezone(name: str) -> bool:
    return name in _zones()


def suggest_timezones(typed: str, limit: int = 25) -> list[str]:
    """IANA names containing what was typed, best first (prefix of a city, then anywhere)."""
    key = typed.strip().lower().replace(" ", "_")
    names = sorted(_zones())
    if not key:
        return list(COMMON_TIMEZONES[:limit])
    starts = [
        n for n in names if n.lower().split("/")[-1].startswith(key) or n.lower().startswith(key)
    ]
    anywhere = [n for n in names if key in n.lower() and n not in starts]
    return (starts + anywhere)[:limit]


COMMON_TIMEZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Vancouver",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Pacific/Auckland",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "UTC",
)


@cache
def _zones() -> frozenset[str]:
    # Only Area/City names (and UTC): the legacy aliases ("EST5EDT", "US/Eastern") confuse.
    names = (n for n in available_timezones() if "/" in n)
    return frozenset(n for n in names if n.split("/")[0] in _AREAS) | {"UTC"}


# The IANA continent and ocean areas; "US/", "Canada/", "Etc/" and the like are legacy links.
_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
