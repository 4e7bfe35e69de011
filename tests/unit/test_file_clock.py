"""FileOffsetClock (TEST_CLOCK_FILE): several processes' time, moved together by one file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.file_clock import FileOffsetClock, move_clock


def test_the_clock_is_wall_time_plus_the_files_offset(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    clock, other = FileOffsetClock(path), FileOffsetClock(path)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)  # no file: wall time
    move_clock(path, 3600.0)
    assert timedelta(minutes=59) < clock.now() - datetime.now(UTC) < timedelta(minutes=61)
    move_clock(path, 3661.5)  # a jump past a lease: every reader sees it at once
    for reader in (clock, other):
        late = reader.now() - datetime.now(UTC)
        assert timedelta(seconds=3660) < late < timedelta(seconds=3663)
    assert not path.with_name("clock.tmp").exists()  # replaced whole, never half-written
