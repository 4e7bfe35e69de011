"""PrivacyService: a student's data, all of it, to take away (export) or to erase (delete).

The export reads the student's records (the store's work: `PrivacyRepository.snapshot` returns
the export format's records, bot/core/export_format.py) and hands them, as plain data, to
`bot.core.export_files.build_export` through the `Offload` port: building and packing the files
is CPU work that must not hold up the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.content.season import DATE_KEYS, Calendar
from bot.core.contacts import ContactService
from bot.core.export_files import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    CycleDay,
    ExportFiles,
    ExportRequest,
    FileLimits,
    build_export,
    pickled_snapshot,
)
from bot.core.export_format import ExportSnapshot
from bot.core.ports import Clock, Offload, PrivacyRepository
from bot.core.season import Route

log = logging.getLogger(__name__)

UNLIMITED = 2**62

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "ExportFiles", "FileLimits", "PrivacyService"]


class PrivacyService:
    def __init__(
        self,
        data: PrivacyRepository,
        contacts: ContactService,
        clock: Clock,
        offload: Offload,
        *,
        calendars: Callable[[str], Calendar | None] | None = None,
    ) -> None:
        self._data = data
        self._contacts = contacts
        self._clock = clock
        self._offload = offload  # worker processes in the bot
        self._calendars = calendars  # the season's cycles (SeasonLibrary.calendar)

    def _cycle(self, snapshot: ExportSnapshot) -> tuple[CycleDay, ...]:
        """The days of the cycle the student's plan names, for the deadlines calendar."""
        plan = snapshot.season_plan[0] if snapshot.season_plan else None
        if plan is None or self._calendars is None or plan.route is Route.NOT_THIS_YEAR:
            return ()
        calendar = self._calendars(plan.cycle)
        if calendar is None or calendar.match_system != plan.route.value:
            return ()
        return tuple(
            CycleDay(key, DATE_KEYS.get(key, key.replace("_", " ")), day.on, day.approximate)
            for key, day in calendar.dates.items()
        )

    async def export(
        self, owner_id: int, *, max_file_bytes: int | None = None, max_files: int = 10
    ) -> ExportFiles:
        """Everything: JSON (lossless), contacts as CSV and vCard, a calendar of follow-ups
        and one of the season's deadlines (when there are any), packed so
        that no file and no message's files together pass `max_file_bytes` and no message
        holds more than `max_files` (zipped, or the JSON in parts, if needed; None: no limit)."""
        size = max_file_bytes if max_file_bytes is not None else UNLIMITED
        limits = FileLimits(size, size, max_files)
        now = self._clock.now()
        snapshot = await self._data.snapshot(owner_id)
        zone = await self._contacts.timezone_for(owner_id)
        request = ExportRequest(
            owner_id, await pickled_snapshot(snapshot), zone, now, limits, self._cycle(snapshot)
        )
        export = await self._offload.run(build_export, request)
        log.info(
            "export owner=%s contacts=%d packing=%s messages=%d",
            owner_id,
            export.contact_count,
            export.packing.value,
            len(export.messages),
        )
        return export

    async def delete_everything(self, owner_id: int) -> dict[str, int]:
        """Erase every row of the student's (reminders stop with them)."""
        removed = await self._data.delete_student(owner_id)
        log.info("deleted all data owner=%s rows=%d", owner_id, sum(removed.values()))
        return removed
