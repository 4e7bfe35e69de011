"""FileOffsetClock: wall time plus the seconds a file holds, for tests that run the bot as
several real processes and must move their time together (past a lease, a retry delay)
without waiting for it. Settings accept it only against a Discord on loopback (TEST_CLOCK_FILE).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path


class FileOffsetClock:
    """`now()` is the wall clock moved on by the number in `path` (seconds; 0 while the file is
    missing). The file is read again only when it changes (a stat per call), and a writer
    replaces it whole (write a temporary file, then rename), so a half-written number is never
    read."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._seen: tuple[int, int, int] | None = None
        self._offset = timedelta()

    def now(self) -> datetime:
        try:
            stat = os.stat(self._path)
        except FileNotFoundError:
            self._seen, self._offset = None, timedelta()
        else:
            seen = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
            if seen != self._seen:
                self._seen = seen
                self._offset = timedelta(seconds=float(self._path.read_text().strip() or 0))
        return datetime.now(UTC) + self._offset


def move_clock(path: Path, seconds: float) -> None:
    """Set the offset every process reading `path` sees from its next `now()` (atomic)."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{seconds!r}\n")
    os.replace(temporary, path)
