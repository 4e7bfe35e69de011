"""Reads behind autocomplete go through an index of the student's rows, never the table's rows:
a student at the 5,000-contact cap pays an index walk, not a read of every contact."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database

pytestmark = pytest.mark.storage

A = 111_111_111_111_111_111
NOW = datetime(2026, 3, 8, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("column", ["specialty", "event"])
async def test_value_suggestions_read_an_index_only(tmp_path: Path, column: str) -> None:
    """The specialty and event suggestions list distinct values from a covering index."""
    db = await open_database(tmp_path / "coach.sqlite3")
    try:
        await migrate(db)
        statements: list[str] = []
        await db.set_trace_callback(statements.append)
        await SqliteContactRepository(db).distinct_values(A, column, "", limit=25)
        await db.set_trace_callback(None)
        [query] = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
        async with db.execute("EXPLAIN QUERY PLAN " + query) as cursor:
            plan = [row[3] for row in await cursor.fetchall()]
    finally:
        await db.close()
    assert any(step.startswith("SEARCH c USING COVERING INDEX") for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
