"""The database on disk: private file modes, and deletions that leave no readable trace."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.storage.database import backup, migrate, open_database
from bot.storage.privacy import SqlitePrivacyRepository

pytestmark = pytest.mark.storage

T = datetime(2026, 3, 8, 12, tzinfo=UTC).isoformat()
SECRET = "zq-unique-note-7f3a9c"  # appears nowhere else in any file


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    """The database, -wal and -shm are created 0600 whatever the umask allows."""
    path = tmp_path / "data" / "coach.sqlite3"
    db = await open_database(path)
    try:
        await migrate(db)
        await db.execute(f"INSERT INTO students (id, created_at) VALUES (1, '{T}')")
        files = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        await db.close()


async def test_an_older_world_readable_database_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "coach.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    db = await open_database(path)
    await db.close()
    assert _mode(path) == 0o600


async def test_backup_file_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`coach db backup` output is 0600 too."""
    path = tmp_path / "coach.sqlite3"
    db = await open_database(path)
    await migrate(db)
    await db.close()
    copy = tmp_path / "backups" / "nightly.sqlite3"
    backup(path, copy)
    assert _mode(copy) == 0o600
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert main(["db", "backup", str(tmp_path / "second.sqlite3")]) == 0
    assert _mode(tmp_path / "second.sqlite3") == 0o600


def _on_disk(path: Path) -> bytes:
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal", "-shm")
        if Path(f"{path}{suffix}").exists()
    )


async def test_deleted_text_is_gone_from_the_database_and_its_wal(tmp_path: Path) -> None:
    """After deleting a student, their note can't be found in any byte of the files."""
    path = tmp_path / "coach.sqlite3"
    db = await open_database(path)
    try:
        await migrate(db)
        for student in (1, 2):
            await db.execute(f"INSERT INTO students (id, created_at) VALUES ({student}, '{T}')")
        for n in range(40):  # enough rows to span several pages (and free some on delete)
            await db.execute(
                "INSERT INTO contacts (owner_id, name, name_key, role, notes, tags, tags_key, "
                "search_key, created_at, updated_at) VALUES (?, ?, ?, 'faculty', ?, '[]', '', "
                "?, ?, ?)",
                (1, f"Person {n}", f"person {n}", f"{SECRET} {n}", f"{SECRET} {n}", T, T),
            )
        await db.execute(
            "INSERT INTO contacts (owner_id, name, name_key, role, notes, tags, tags_key, "
            "search_key, created_at, updated_at) VALUES (2, 'Kept', 'kept', 'faculty', "
            "'kept-note', '[]', '', 'kept', ?, ?)",
            (T, T),
        )
        assert SECRET.encode() in _on_disk(path)
        await SqlitePrivacyRepository(db).delete_student(1)
        on_disk = _on_disk(path)
        assert SECRET.encode() not in on_disk
        assert b"kept-note" in on_disk  # the other student's data is where it was
    finally:
        await db.close()
