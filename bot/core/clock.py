"""The one source of the current time for services (tests inject a fake)."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Wall-clock time as an aware UTC datetime."""

    def now(self) -> datetime:
        return datetime.now(UTC)
