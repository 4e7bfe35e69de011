"""Backups of a live database, restores, and upgrades from every earlier schema version."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import aiosqlite
import pytest

from bot.__main__ import main
from bot.storage.database import available_migrations, backup, migrate, open_database, restore

pytestmark = pytest.mark.storage

T = "2026-03-08T12:00:00+00:00"
# Rows valid at each schema version: seeded before upgrading, checked after.
SEEDS: dict[int, list[str]] = {
    1: [
        f"INSERT INTO students (id, timezone, created_at) VALUES (1, 'Europe/London', '{T}')",
        "INSERT INTO contacts (id, owner_id, name, name_key, role, notes, tags, tags_key, "
        f"search_key, created_at, updated_at) VALUES (10, 1, 'José Núñez', 'jose nunez', "
        f"'faculty', 'kept notes', '[\"cardio\"]', ',cardio,', 'jose nunez', '{T}', '{T}')",
        "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
        f"VALUES (1, 10, 'emailed', '2026-03-01', 'sent CV', '{T}')",
    ],
    2: [
        "INSERT INTO profiles (student_id, name, school, stage, updated_at) "
        f"VALUES (1, 'Maya', 'Riverside', 'second-year', '{T}')",
        "INSERT INTO drafts (owner_id, contact_id, template_id, channel, fields, created_at, "
        f"sent_at, nudge_due_at) VALUES (1, 10, 'followup_talk', 'email', '{{}}', '{T}', "
        f"'{T}', '{T}')",
    ],
    3: [
        "INSERT INTO reminder_settings (student_id, consented_at, next_digest_at) "
        f"VALUES (1, '{T}', '{T}')",
        "INSERT INTO reminders (owner_id, contact_id, note, due_at, created_at) "
        f"VALUES (1, 10, 'call', '{T}', '{T}')",
        "INSERT INTO deliveries (student_id, kind, ref, due_at, claimed_at, sent_at) "
        f"VALUES (1, 'digest', '{T}', '{T}', '{T}', '{T}')",
    ],
    4: [
        "INSERT INTO coach_state (student_id, last_tip, goal_contacts, goal_follow_ups, "
        f"goal_check_ins, updated_at) VALUES (1, 'events:2', 2, 3, 1, '{T}')",
    ],
    5: [
        "INSERT INTO events (id, owner_id, name, name_key, kind, held_on, created_at) "
        f"VALUES (20, 1, 'Cardiology Day', 'cardiology day', 'conference', '2026-03-01', '{T}')",
        "INSERT INTO contact_events (owner_id, contact_id, event_id) VALUES (1, 10, 20)",
        "INSERT INTO guild_event_settings (guild_id, enabled, delay_minutes, updated_at) "
        f"VALUES (7, 1, 60, '{T}')",
        "INSERT INTO scheduled_event_endings (guild_id, event_id, name, ended_at, notify_at) "
        f"VALUES (7, 99, 'Grand rounds', '{T}', '{T}')",
    ],
    6: [  # indexes only: rows that the new indexes cover
        "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
        f"VALUES (1, 10, 'replied', '2026-03-02', NULL, '{T}')",
        "INSERT INTO drafts (owner_id, contact_id, template_id, channel, fields, created_at) "
        f"VALUES (1, 10, 'followup_talk', 'linkedin', '{{}}', '{T}')",
    ],
    7: [  # an index only: a second contact, touched later, that it orders first
        "INSERT INTO contacts (id, owner_id, name, name_key, role, notes, tags, tags_key, "
        f"search_key, created_at, updated_at) VALUES (11, 1, 'Ana Lee', 'ana lee', "
        f"'resident', NULL, '[]', ',', 'ana lee', '{T}', '2026-03-09T08:00:00+00:00')",
    ],
    8: [  # a formal draft, and a profile in UK English
        "INSERT INTO drafts (owner_id, contact_id, template_id, channel, fields, created_at, "
        f"tone) VALUES (1, 10, 'outreach_letter', 'email', '{{}}', '{T}', 'formal')",
        "UPDATE profiles SET english = 'uk' WHERE student_id = 1",
    ],
    9: [  # name parts and the student's "address as"
        "INSERT INTO contacts (id, owner_id, name, name_key, role, tags, tags_key, search_key, "
        "created_at, updated_at, address_as, given_name, family_name, person_key) VALUES "
        "(12, 1, 'Helen Marsh, MD', 'helen marsh, md', 'attending', '[]', ',', 'helen marsh', "
        f"'{T}', '{T}', 'Dr. Marsh', 'Helen', 'Marsh', 'helen marsh')",
    ],
    10: [  # the stored due day: a snoozed contact, its day set by the insert trigger
        "INSERT INTO contacts (id, owner_id, name, name_key, role, tags, tags_key, search_key, "
        f"snoozed_until, created_at, updated_at) VALUES (13, 1, 'Kai Wu', 'kai wu', 'tutor', "
        f"'[]', ',', 'kai wu', '2026-09-01', '{T}', '{T}')",
    ],
    11: [  # the progress days: a call to Kai, kept on Kai's row by the insert trigger
        "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
        f"VALUES (1, 13, 'called', '2026-03-05', NULL, '{T}')",
    ],
    12: [  # the season: a plan and one letter asked of Kai
        "INSERT INTO season_plans (student_id, cycle, route, graduation_year, specialties, "
        f"updated_at) VALUES (1, 'us-2027', 'eras_nrmp', 2027, '[\"Surgery\"]', '{T}')",
        "INSERT INTO letter_requests (owner_id, contact_id, stage, asked_on, deadline, "
        f"created_at, updated_at) VALUES (1, 13, 'agreed', '2026-03-02', '2026-08-01', '{T}', "
        f"'{T}')",
    ],
    13: [  # a retry's lease: an open claim taken again by a process
        "INSERT INTO deliveries (student_id, kind, ref, due_at, claimed_at, leased_at) "
        f"VALUES (1, 'reminder', '1', '{T}', '{T}', '{T}')",
    ],
    14: [  # a heavy job cooling down, shared by every process
        "INSERT INTO job_claims (student_id, kind, token, started_at, finished_at) "
        f"VALUES (1, 'export', 'a1b2', '{T}', '{T}')",
    ],
    15: [  # the process that sends proactive messages, until its lease runs out
        f"INSERT INTO sender_leases (name, holder, expires_at) VALUES ('proactive', 'c3d4', '{T}')",
    ],
    16: [  # a send that may not have arrived, for the next digest to mention
        "INSERT INTO deliveries (student_id, kind, ref, due_at, claimed_at, sent_at, outcome) "
        f"VALUES (1, 'reminder', '7', '{T}', '{T}', '{T}', 'uncertain')",
    ],
    17: [  # the season's reminders: a letter whose writer the student checked in with
        "INSERT INTO letter_requests (owner_id, contact_id, stage, asked_on, deadline, "
        f"checked_on, created_at, updated_at) VALUES (1, 10, 'asked', '2026-03-01', "
        f"'2026-08-01', '2026-07-20', '{T}', '{T}')",
    ],
    18: [  # a Telegram account acting as student 1, and a code it was made with
        "INSERT INTO linked_accounts (front_end, account_id, student_id, delivers, linked_at) "
        f"VALUES ('telegram', 5000001, 1, 1, '{T}')",
        "INSERT INTO link_codes (code_hash, student_id, front_end, account_id, created_at, "
        f"expires_at, used_at) VALUES ('ab12', 1, 'discord', 1, '{T}', '{T}', '{T}')",
    ],
    19: [  # a send the platform certainly never took, waiting for its retry's lease
        "INSERT INTO deliveries (student_id, kind, ref, due_at, claimed_at, attempts, unsent) "
        f"VALUES (1, 'nudge', '3', '{T}', '{T}', 1, 1)",
    ],
}
LATEST = len(available_migrations())


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [
            r[0]
            for r in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[tuple[Path, aiosqlite.Connection]]:
    path = tmp_path / "coach.sqlite3"
    db = await open_database(path)
    await migrate(db)
    for version in sorted(SEEDS):
        for statement in SEEDS[version]:
            await db.execute(statement)
    yield path, db
    await db.close()


def test_every_migration_has_seed_rows() -> None:
    """A new migration must come with rows that prove upgrades keep data."""
    assert sorted(SEEDS) == [m.version for m in available_migrations()]


@pytest.mark.parametrize("start", range(1, LATEST))
async def test_upgrade_from_every_earlier_version_keeps_data(tmp_path: Path, start: int) -> None:
    """A database at any earlier version, with data, upgrades to the latest losing nothing."""
    path = tmp_path / f"v{start}.sqlite3"
    db = await open_database(path)
    try:
        await migrate(db, target=start)
        for version in range(1, start + 1):
            for statement in SEEDS[version]:
                await db.execute(statement)
        before = _counts(path)
        assert await migrate(db) == list(range(start + 1, LATEST + 1))
    finally:
        await db.close()
    after = _counts(path)
    assert {t: n for t, n in after.items() if t in before} == before
    with sqlite3.connect(path) as check:
        assert check.execute("SELECT notes FROM contacts WHERE id = 10").fetchone()[0] == (
            "kept notes"
        )
        assert check.execute("PRAGMA user_version").fetchone()[0] == LATEST
        if start < 9:  # Migration 9's data step parsed the names stored before it.
            assert check.execute(
                "SELECT given_name, family_name, person_key FROM contacts WHERE id = 10"
            ).fetchone() == ("José", "Núñez", "jose nunez")
        # Migration 10's backfill: every contact that was there has its due day.
        assert check.execute("SELECT COUNT(*) FROM contacts WHERE due_on IS NULL").fetchone() == (
            0,
        )
        # Migration 11's backfill: the e-mail of version 1 is contact 10's first outreach.
        assert check.execute(
            "SELECT first_outreach_on, first_written_on FROM contacts WHERE id = 10"
        ).fetchone() == ("2026-03-01", "2026-03-01")


async def test_upgrade_parses_names_stored_before_parts_existed(tmp_path: Path) -> None:
    """Contacts saved at version 7 get their name parts, so old and new spellings match."""
    path = tmp_path / "v7.sqlite3"
    db = await open_database(path)
    try:
        await migrate(db, target=7)
        await db.execute(SEEDS[1][0])
        for i, (name, title) in enumerate(
            [("Dr. Helen Marsh", None), ("Beethoven, Ludwig van", "Prof"), ("ZHANG Wei", None)]
        ):
            await db.execute(
                "INSERT INTO contacts (id, owner_id, name, name_key, role, title, tags, tags_key, "
                "search_key, created_at, updated_at) VALUES (?, 1, ?, ?, 'faculty', ?, '[]', ',', "
                "'', ?, ?)",
                (30 + i, name, name.casefold(), title, T, T),
            )
        assert await migrate(db) == list(range(8, LATEST + 1))
        async with db.execute(
            "SELECT name_title, given_name, family_name, person_key FROM contacts ORDER BY id"
        ) as cursor:
            rows = await cursor.fetchall()
    finally:
        await db.close()
    assert [tuple(r) for r in rows] == [
        ("Dr.", "Helen", "Marsh", "helen marsh"),
        ("Prof.", "Ludwig", "van Beethoven", "ludwig van beethoven"),
        (None, "Wei", "Zhang", "wei zhang"),
    ]


async def test_backup_of_a_live_database_has_everything(
    live: tuple[Path, aiosqlite.Connection], tmp_path: Path
) -> None:
    """A backup taken while the bot holds the database open (WAL) is complete and consistent."""
    path, db = live
    await db.execute(f"INSERT INTO students (id, created_at) VALUES (2, '{T}')")
    copy = tmp_path / "backups" / "copy.sqlite3"
    backup(path, copy)
    assert _counts(copy) == _counts(path)
    with sqlite3.connect(copy) as check:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with pytest.raises(FileExistsError):
        backup(path, copy)


async def test_restore_brings_back_the_backup(
    live: tuple[Path, aiosqlite.Connection], tmp_path: Path
) -> None:
    """Restoring replaces the database with the backup's contents."""
    path, db = live
    copy = tmp_path / "copy.sqlite3"
    backup(path, copy)
    await db.execute("DELETE FROM students")
    await db.close()
    assert _counts(path)["contacts"] == 0
    assert restore(copy, path) == LATEST
    assert _counts(path) == _counts(copy)


def test_restore_refuses_a_damaged_file(tmp_path: Path) -> None:
    """A file that is not a healthy database is refused and nothing is replaced."""
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    target = tmp_path / "target.sqlite3"
    with pytest.raises((ValueError, sqlite3.DatabaseError)):
        restore(junk, target)
    assert not target.exists() or target.stat().st_size == 0


async def test_backup_and_restore_commands(
    live: tuple[Path, aiosqlite.Connection],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`coach db backup PATH` and `coach db restore PATH --yes` work without a token."""
    path, _ = live
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    copy = tmp_path / "nightly.sqlite3"
    assert main(["db", "backup", str(copy)]) == 0
    assert "Backed up" in capsys.readouterr().out
    assert main(["db", "restore", str(copy)]) == 1  # asks for --yes first
    assert "--yes" in capsys.readouterr().err
    assert main(["db", "restore", str(copy), "--yes"]) == 0
    assert main(["db", "restore", str(tmp_path / "missing.sqlite3"), "--yes"]) == 1
