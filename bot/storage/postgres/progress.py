"""The progress figures as SQL counts on PostgreSQL (bot/storage/progress.py's queries, whose
comments tell which index each count walks; the same indexes exist here, migration 0011)."""

from __future__ import annotations

from datetime import date, timedelta

from bot.core.models import Role
from bot.core.progress import FOLLOW_UP_WINDOW_DAYS, NetworkCounts, WeekCounts, week_start
from bot.storage.postgres.rows import Pool
from bot.storage.progress import _OUTREACH, _REPLIED

# The weeks of the window from generate_series; day bounds are ISO text (COLLATE "C", as the
# columns), so each count is a range on a text index, as on SQLite.
_WEEKS = f"""
SELECT w.n,
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = $1 AND created_at >= w.start AND created_at < w.stop),
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = $1 AND first_outreach_on >= w.start AND first_outreach_on < w.stop),
       (SELECT COUNT(*) FROM exchanges
         WHERE owner_id = $1 AND kind IN ({_OUTREACH})
           AND happened_on >= w.start AND happened_on < w.stop),
       (SELECT COUNT(*) FROM exchanges
         WHERE owner_id = $1 AND kind = {_REPLIED}
           AND happened_on >= w.start AND happened_on < w.stop)
  FROM (SELECT n, to_char($2::date + 7 * n, 'YYYY-MM-DD') COLLATE "C" AS start,
               to_char($2::date + 7 * (n + 1), 'YYYY-MM-DD') COLLATE "C" AS stop
          FROM generate_series(0, $3 - 1) AS n) AS w
 ORDER BY w.n
"""

_ROLES = """
SELECT role, COUNT(*), COUNT(met_on) FROM contacts WHERE owner_id = $1
 GROUP BY role ORDER BY role
"""

# Ties in code point order, as progress.ranked sorts them (the column collates as "C").
_SPECIALTIES = """
SELECT specialty, COUNT(*) AS n FROM contacts
 WHERE owner_id = $1 AND specialty IS NOT NULL AND specialty <> ''
 GROUP BY specialty ORDER BY n DESC, specialty LIMIT $2
"""

_RATES = """
SELECT (SELECT COUNT(*) FROM contacts
         WHERE owner_id = $1 AND first_outreach_on IS NOT NULL
           AND first_outreach_on >= met_on
           AND first_outreach_on <= to_char(met_on::date + $2::integer, 'YYYY-MM-DD')),
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = $1 AND first_written_on IS NOT NULL),
       (SELECT COUNT(*) FROM contacts
         WHERE owner_id = $1 AND first_written_on IS NOT NULL
           AND last_replied_on >= first_written_on)
"""


async def week_counts(pool: Pool, owner_id: int, *, today: date, weeks: int) -> list[WeekCounts]:
    first = week_start(today) - timedelta(weeks=weeks - 1)
    rows = await pool.fetch(_WEEKS, owner_id, first, weeks)
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


async def network_counts(pool: Pool, owner_id: int, *, top: int) -> NetworkCounts:
    by_role = [(Role(role), count, met) for role, count, met in await pool.fetch(_ROLES, owner_id)]
    specialties = tuple(
        (value, count) for value, count in await pool.fetch(_SPECIALTIES, owner_id, top)
    )
    row = await pool.fetchrow(_RATES, owner_id, FOLLOW_UP_WINDOW_DAYS)
    followed_up, written, replied = tuple(row) if row else (0, 0, 0)
    return NetworkCounts(
        roles=tuple((role, count) for role, count, _ in by_role),
        specialties=specialties,
        met=sum(met for _, _, met in by_role),
        followed_up=followed_up,
        written=written,
        replied=replied,
    )
