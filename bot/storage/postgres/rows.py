"""What the PostgreSQL repositories share: the pool they take, placeholders and row counts.

Values are stored as on SQLite (bot/storage/rows.py converts them): times as ISO-8601 UTC
text, days as ISO dates, so both stores hold and compare the same text.
"""

from __future__ import annotations

import re

import asyncpg

# Every repository takes the pool: a statement borrows a connection for its own duration, so
# one slow statement never holds up the others (SQLite's single connection does).
Pool = asyncpg.Pool

_MARK = re.compile(r"\?")


def numbered(sql: str) -> str:
    """SQL written with `?` for each parameter, in PostgreSQL's `$1, $2, …` (for statements
    composed from parts, whose numbers would otherwise be counted by hand). The statements
    never hold a literal question mark."""
    counter = iter(range(1, 10_000))
    return _MARK.sub(lambda _: f"${next(counter)}", sql)


def affected(status: str) -> int:
    """The row count of a command status ('UPDATE 1', 'DELETE 0', 'INSERT 0 1')."""
    return int(status.rsplit(" ", 1)[-1])
