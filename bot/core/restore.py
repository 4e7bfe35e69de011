"""RestoreService: the bot's own JSON export, imported back into an empty account.

`/contact import` hands a JSON upload here (see ImportService); the preview and the Import /
Cancel buttons are the same as for a CSV. A restore is all or nothing: the file is validated
in full first (bot.core.export_reader), and the repository writes it in one transaction that
checks again, inside it, that the account is still empty.

Scheduling after a restore (the delivery ledger is not exported, so nothing counts as sent):
- the weekly digest's next time is recomputed from the restored day, hour and timezone and the
  clock, never taken from the file, so an old export cannot make a digest fire at once;
- one-off reminders keep their due time and done state: done ones stay done; open ones already
  past due are kept as they are, so the next tick delivers each once (or, if more than a day
  late, logs it as skipped and it shows in `/due` and the next digest) — the same rule as for
  reminders that fell due while the bot was down, rather than silently dropping or moving them;
- sent drafts keep their nudge time, under the same rule.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import zlib
from dataclasses import dataclass, replace
from typing import Any

from bot.core.errors import CoachError, InvalidInput
from bot.core.export_reader import (
    MAX_EXPORT_BYTES,
    ExportPart,
    Restore,
    export_json,
    export_part,
    merged_parts,
    read_export,
)
from bot.core.ports import Clock, Offload, RestoreRepository
from bot.core.schedule import next_weekly_occurrence
from bot.core.students import StudentService

log = logging.getLogger(__name__)


class AccountNotEmpty(CoachError):
    """A restore goes only into an empty account; `held` says what is there (kind → rows)."""

    def __init__(self, held: dict[str, int]) -> None:
        what = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in held.items() if n)
        super().__init__(
            f"Your account already holds data ({what}). Restoring a JSON export only works "
            "into an empty account: run `/privacy delete` first (export before, if you want "
            "to keep what is there), or import the export's `contacts.csv` to add its contacts "
            "to the ones you have. Nothing was imported."
        )
        self.held = held


@dataclass(frozen=True, slots=True)
class RestorePreview:
    """What a restore would bring back; nothing has been saved yet."""

    counts: dict[str, int]  # kind → rows, in display order
    timezone: str | None
    pending_id: int | None = None


@dataclass(frozen=True, slots=True)
class PartsPreview:
    """A part of an export received and held; the others still to come."""

    number: int
    of: int
    received: tuple[int, ...]
    pending_id: None = None  # nothing to confirm yet

    @property
    def missing(self) -> tuple[int, ...]:
        return tuple(n for n in range(1, self.of + 1) if n not in self.received)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    counts: dict[str, int]


def counts(restore: Restore) -> dict[str, int]:
    """How many of each kind of thing the file holds (what the preview and result show)."""
    return {
        "contacts": len(restore.contacts),
        "exchanges": len(restore.exchanges),
        "events": len(restore.events),
        "event links": len(restore.links),
        "drafts": len(restore.drafts),
        "open reminders": sum(1 for r in restore.reminders if r.done_at is None),
        "done reminders": sum(1 for r in restore.reminders if r.done_at is not None),
        "profile": int(restore.profile is not None),
        "reminder settings": int(restore.reminder_settings is not None),
        "weekly goal": int(restore.coach is not None and restore.coach.goal is not None),
        "season plan": int(restore.season_plan is not None),
        "letters of recommendation": len(restore.letters),
        "interviews": len(restore.interviews),
    }


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """A valid export upload, checked in a worker: what the preview shows, and the document
    to hold until the student confirms (zlib-compressed: the pending row stays small)."""

    counts: dict[str, int]
    timezone: str | None
    held: bytes


@dataclass(frozen=True, slots=True)
class CheckedPart:
    """One part of an export, its header checked (its rows are checked with all the parts)."""

    part: ExportPart
    held: bytes  # its JSON, zlib-compressed


def check_upload(data: bytes) -> CheckedUpload | CheckedPart:
    """Unpack (with bounds), parse and validate an export upload (a worker's job)."""
    document = export_json(data)
    part = export_part(document)
    if part is not None:
        return CheckedPart(part, zlib.compress(document, 6))
    return _checked(document)


def check_parts(held: list[bytes]) -> CheckedUpload:
    """All the parts of an export, put together and validated as one (a worker's job). The
    parts together are bounded like one export: never more than MAX_EXPORT_BYTES unpacked."""
    budget = MAX_EXPORT_BYTES
    documents = []
    for part in held:
        inflater = zlib.decompressobj()
        document = inflater.decompress(part, budget + 1)
        budget -= len(document)
        if budget < 0 or inflater.unconsumed_tail:
            raise InvalidInput(
                f"Those parts make an export over {MAX_EXPORT_BYTES // 1024 // 1024} MB, more "
                "than I can restore. Nothing was imported."
            )
        documents.append(document)
    return _checked(merged_parts(documents))


def _checked(document: bytes) -> CheckedUpload:
    restore = read_export(document)
    timezone = restore.student.timezone if restore.student else None
    return CheckedUpload(counts(restore), timezone, zlib.compress(document, 6))


# The validated rows come back from the worker in pickled chunks, unpickled one at a time with
# the event loop free in between: 25,000 rows in one piece take ~0.4 s to unpickle, all of it
# holding the loop (a result is unpickled under the GIL).
CHUNK_ROWS = 250
_BIG = ("contacts", "exchanges", "drafts", "reminders", "events", "links", "letters", "interviews")


@dataclass(frozen=True, slots=True)
class ChunkedRestore:
    head: bytes  # the Restore without its row tuples, pickled
    chunks: tuple[tuple[str, bytes], ...]  # (field, a pickled slice of its rows), in order


def chunked(restore: Restore) -> ChunkedRestore:
    empty: dict[str, Any] = {name: () for name in _BIG}
    head = replace(restore, **empty)
    chunks = []
    for name in _BIG:
        rows = getattr(restore, name)
        for start in range(0, len(rows), CHUNK_ROWS):
            chunks.append((name, pickle.dumps(rows[start : start + CHUNK_ROWS])))
    return ChunkedRestore(pickle.dumps(head), tuple(chunks))


async def unchunked(data: ChunkedRestore) -> Restore:
    """The Restore again, a chunk at a time (our own worker's bytes, never an upload's)."""
    rows: dict[str, list[Any]] = {name: [] for name in _BIG}
    for name, chunk in data.chunks:
        rows[name].extend(pickle.loads(chunk))
        await asyncio.sleep(0)
    head: Restore = pickle.loads(data.head)
    filled: dict[str, Any] = {k: tuple(v) for k, v in rows.items()}
    return replace(head, **filled)


def read_held(held: bytes) -> ChunkedRestore:
    """The held document, validated again (a worker's job: the rules may have changed)."""
    return chunked(read_export(zlib.decompress(held)))


def read_upload_export(data: bytes) -> ChunkedRestore:
    """An upload read and validated in full (a worker's job)."""
    return chunked(read_export(data))


class RestoreService:
    def __init__(
        self, repo: RestoreRepository, students: StudentService, clock: Clock, offload: Offload
    ) -> None:
        self._repo = repo
        self._students = students
        self._clock = clock
        # Unpacking, parsing and validating tens of megabytes of JSON is CPU work: it runs in
        # the bot's worker processes, not on the event loop.
        self._offload = offload

    async def _require_empty(self, owner_id: int) -> None:
        held = await self._repo.holdings(owner_id)
        if any(held.values()):
            raise AccountNotEmpty(held)

    async def check(self, owner_id: int, data: bytes) -> tuple[RestorePreview, bytes] | CheckedPart:
        """Validate the file and the account; say what would be restored (saves nothing).
        Also returns the document to hold for `restore_held`; for one part of an export, the
        part (`check_parts` reads them all once they are in)."""
        checked = await self._offload.run(check_upload, data)
        await self._students.get(owner_id)
        await self._require_empty(owner_id)
        if isinstance(checked, CheckedPart):
            return checked
        return RestorePreview(counts=checked.counts, timezone=checked.timezone), checked.held

    async def check_parts(self, owner_id: int, held: list[bytes]) -> tuple[RestorePreview, bytes]:
        """`check` for an export's parts, all of them."""
        checked = await self._offload.run(check_parts, held)
        await self._require_empty(owner_id)
        return RestorePreview(counts=checked.counts, timezone=checked.timezone), checked.held

    async def restore_held(self, owner_id: int, held: bytes) -> RestoreResult:
        """Restore a document `check` held into the student's (still empty) account."""
        return await self._restore(
            owner_id, await unchunked(await self._offload.run(read_held, held))
        )

    async def restore(self, owner_id: int, data: bytes) -> RestoreResult:
        """Restore an upload into the student's (still empty) account, all or nothing."""
        return await self._restore(
            owner_id, await unchunked(await self._offload.run(read_upload_export, data))
        )

    async def _restore(self, owner_id: int, restore: Restore) -> RestoreResult:
        await self._students.get(owner_id)
        await self._require_empty(owner_id)  # early, friendly; the repository checks again
        if restore.reminder_settings is not None:
            settings = replace(restore.reminder_settings, student_id=owner_id)
            if settings.active:
                zone = restore.student.timezone if restore.student else None
                zone = zone or await self._students.timezone_for(owner_id)
                settings = replace(
                    settings,
                    next_digest_at=next_weekly_occurrence(
                        self._clock.now(), settings.digest_weekday, settings.digest_hour, zone
                    ),
                )
            restore = replace(restore, reminder_settings=settings)
        await self._repo.restore(owner_id, restore)
        result = RestoreResult(counts(restore))
        log.info(
            "restore done owner=%s contacts=%d exchanges=%d events=%d drafts=%d reminders=%d",
            owner_id,
            len(restore.contacts),
            len(restore.exchanges),
            len(restore.events),
            len(restore.drafts),
            len(restore.reminders),
        )
        return result
