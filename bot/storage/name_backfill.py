"""The data step of migration 0009: parse the names of contacts stored before it.

SQL cannot parse a name, so the migration adds the columns and this step fills them with the
same parser every new contact goes through. It runs inside the migration's transaction: a
database is never at version 9 with rows whose parts are missing.
"""

from __future__ import annotations

import aiosqlite

from bot.core.names import parse_name

BATCH = 500


def name_columns(name: str, title: str | None) -> dict[str, str | None]:
    """The stored parts of a contact's name (a contact's title option wins over the name's)."""
    parsed = parse_name(name, title)
    return {
        "name_title": parsed.title,
        "given_name": parsed.given or None,
        "middle_names": parsed.middle or None,
        "family_name": parsed.family or None,
        "name_suffix": parsed.suffix,
        "post_nominals": parsed.post_nominals_text,
        "person_key": parsed.key,
    }


async def backfill_name_parts(db: aiosqlite.Connection) -> None:
    """Fill the name parts of every contact that has none, in batches by id."""
    last = 0
    while True:
        async with db.execute(
            "SELECT id, name, title FROM contacts WHERE id > ? ORDER BY id LIMIT ?",
            (last, BATCH),
        ) as cursor:
            rows = list(await cursor.fetchall())
        if not rows:
            return
        updates = []
        for contact_id, name, title in rows:
            parts = name_columns(name, title)
            updates.append({**parts, "id": contact_id})
        assignments = ", ".join(f"{k} = :{k}" for k in updates[0] if k != "id")
        await db.executemany(f"UPDATE contacts SET {assignments} WHERE id = :id", updates)
        last = rows[-1][0]
