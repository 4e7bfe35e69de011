"""The progress figures as SQL counts: `progress.weekly_counts` and `progress.network_counts`.

Each query walks an index of one student's rows (migration 0011) and returns a handful of rows:
per week within the window, or per role and specialty. The rules are bot/core/progress.py's;
tests/storage/test_progress_figures.py holds these queries equal to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import aiosqlite

from bot.core.models import ExchangeKind, Role
from bot.core.progress import (
    FOLLOW_UP_WINDOW_DAYS,
    OUTREACH_KINDS,
    NetworkCounts,
    WeekCounts,
    week_start,
)

_OUTREACH = ", ".join(f"'{kind.value}'" for kind in sorted(OUTREACH_KINDS))
_REPLIED = f"'{ExchangeKind.REPLIED.value}'"


# One row per week of the window, oldest first: the weeks are made by a recursive CTE (each
# Monday 7 days after the last, as week_start's weeks run) and each count is one index range,
# walked without a function call per row: contacts_owner_created, contacts_owner_outreach,
# exchanges_owner_kind_day. A contact counts in the week of the UTC day it was recorded
# (Contact.created_at.date()); `created_at` is ISO text, so a day bound compares as text. A
# follow-up is a contact's first outreach; the week's other outreach exchanges are check-ins.
_WEEKS = f"""
WITH RECURSIVE weeks (n, start, stop) AS (
  SELECT 0, :first, date(:first, '+7 days')
  UNION ALL
  SELECT n + 1, stop, date(stop, '+7 days') FROM weeks WHERE n + 1 < :weeks
)
SELECT n,
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = :owner AND created_at >= start AND created_at < stop),
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = :owner AND first_outreach_on >= start AND first_outreach_on < stop),
       (SELECT COUNT(*) FROM exchanges
         WHERE owner_id = :owner AND kind IN ({_OUTREACH})
           AND happened_on >= start AND happened_on < stop),
       (SELECT COUNT(*) FROM exchanges
         WHERE owner_id = :owner AND kind = {_REPLIED}
           AND happened_on >= start AND happened_on < stop)
  FROM weeks ORDER BY n
"""

# Every role the student has, with how many of them were met on a known day (contacts_owner_role).
_ROLES = """
SELECT role, COUNT(*), COUNT(met_on) FROM contacts WHERE owner_id = ?
 GROUP BY role ORDER BY role
"""

# Grouped in the order of contacts_owner_specialty; ties in code point order, as
# progress.ranked sorts them (SQLite compares text as UTF-8 bytes).
_SPECIALTIES = """
SELECT specialty, COUNT(*) AS n FROM contacts
 WHERE owner_id = ? AND specialty IS NOT NULL AND specialty != ''
 GROUP BY specialty ORDER BY n DESC, specialty LIMIT ?
"""

# Followed up within the window: the first outreach on the day met or up to
# progress.FOLLOW_UP_WINDOW_DAYS later (contacts_owner_outreach: only those followed up).
# Replied: a reply on or after the first message (contacts_owner_written).
_RATES = """
SELECT (SELECT COUNT(*) FROM contacts
         WHERE owner_id = :owner AND first_outreach_on IS NOT NULL
           AND first_outreach_on >= met_on
           AND first_outreach_on <= date(met_on, '+' || :window || ' days')),
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = :owner AND first_written_on IS NOT NULL),
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = :owner AND first_written_on IS NOT NULL
           AND last_replied_on >= first_written_on)
"""


async def week_counts(
    db: aiosqlite.Connection, owner_id: int, *, today: date, weeks: int
) -> list[WeekCounts]:
    first = week_start(today) - timedelta(weeks=weeks - 1)
    params = {"owner": owner_id, "first": first.isoformat(), "weeks": weeks}
    async with db.execute(_WEEKS, params) as cursor:
        rows = await cursor.fetchall()
    return [
        WeekCounts(
            start=first + timedelta(weeks=n),
            new_contacts=new_contacts,
            follow_ups=follow_ups,
            check_ins=outreach - follow_ups,
            replies=replies,
        )
        for n, new_contacts, follow_ups, outreach, replies in rows
    ]


async def network_counts(db: aiosqlite.Connection, owner_id: int, *, top: int) -> NetworkCounts:
    async with db.execute(_ROLES, (owner_id,)) as cursor:
        by_role = [(Role(role), count, met) for role, count, met in await cursor.fetchall()]
    async with db.execute(_SPECIALTIES, (owner_id, top)) as cursor:
        specialties = tuple((value, count) for value, count in await cursor.fetchall())
    async with db.execute(_RATES, {"owner": owner_id, "window": FOLLOW_UP_WINDOW_DAYS}) as cursor:
        row: Sequence[int] | None = await cursor.fetchone()
    followed_up, written, replied = row or (0, 0, 0)
    return NetworkCounts(
        roles=tuple((role, count) for role, count, _ in by_role),
        specialties=specialties,
        met=sum(met for _, _, met in by_role),
        followed_up=followed_up,
        written=written,
        replied=replied,
    )
