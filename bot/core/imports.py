"""ImportService: a dry-run preview of an uploaded contacts file, then the import itself.

The parsed rows wait in pending storage (24 h) between the preview and the student's
**Import**; matching is redone at that moment, against the contacts as they are then.

Parsing, validating and matching an upload of thousands of rows is CPU work: it runs through the
`Offload` port (worker processes in the bot), with plain data crossing both ways
(`read_upload`, `plan_rows`); only the reads and writes of the store stay here.

A JSON upload is the bot's own export: it is a restore, not a merge (bot.core.restore), and
goes through the same preview, pending row and buttons.

Matching is by profile URL, then e-mail, then folded name (only when no URL or e-mail says
they are different people). A match never loses anything the student wrote: the import only
fills fields that are empty and adds tags, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, fields, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from bot.core.contacts import MAX_CONTACTS, ContactService, draft_from_json, draft_to_json
from bot.core.errors import ExpiredAction, InvalidInput
from bot.core.export_reader import MAX_EXPORT_BYTES, is_export_upload
from bot.core.importers import MAX_ROWS, ImportFormat, ParsedFile, parse_file
from bot.core.models import ContactDraft, Role
from bot.core.ports import Clock, Offload, PendingRepository
from bot.core.restore import (
    CheckedPart,
    PartsPreview,
    RestorePreview,
    RestoreResult,
    RestoreService,
)
from bot.core.validation import TAGS_MAX, email_key, name_key, validate_draft

log = logging.getLogger(__name__)

PENDING_IMPORT = "import"
PENDING_TTL = timedelta(hours=24)
MAX_BYTES = 5 * 1024 * 1024  # a contacts file (CSV, vCard): what the parsers are bounded for
# An export to restore (its JSON, or the zip `/privacy export` sends) may be as large as the
# largest export: the cap follows from the export (bot.core.export_reader.MAX_EXPORT_BYTES).
MAX_RESTORE_BYTES = MAX_EXPORT_BYTES
RESTORE_SUFFIXES = (".json", ".zip")
PROGRESS_EVERY = 1000
RESTORE = "restore"  # a held JSON export's text (rows held before zipped restores)
RESTORE_HELD = "restore_zlib"  # a held export: its JSON, zlib-compressed, in base64
PENDING_PART = "import-part"  # one part of an export cut in parts, until all are in

Progress = Callable[[int, int], Awaitable[None]]  # (saved so far, to save in all)
# Fields an import may fill when empty; the name is never changed, tags and role are merged.
_FILLABLE = tuple(
    f.name
    for f in fields(ContactDraft)
    if f.name not in {"name", "tags", "role", "discord_user_id"}
)


@dataclass(frozen=True, slots=True)
class ImportPreview:
    """What an import would do; nothing has been saved yet."""

    format: ImportFormat
    rows: int  # contacts read from the file (not counting rejected rows)
    new: int
    updated: int  # existing contacts that would gain details or tags
    unchanged: int  # existing contacts that already have everything the file says
    repeated: int  # rows that repeat an earlier row of the same file (merged into it)
    rejected: tuple[tuple[int, str], ...]  # (line, reason), in file order
    pending_id: int | None  # None: there is nothing to import

    @property
    def matching(self) -> int:
        return self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int


def url_key(url: str | None) -> str | None:
    """Scheme-, "www."-, case- and trailing-slash-insensitive: one profile, one key."""
    if not url:
        return None
    parts = urlsplit(url.casefold() if "://" in url else "https://" + url.casefold())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else None


def fill_in(existing: ContactDraft, incoming: ContactDraft) -> ContactDraft:
    """`existing` with its empty fields filled from `incoming` and its tags added to.

    Nothing the student wrote is replaced: not a note, not an e-mail, not the name. A role
    of "Other" counts as empty.
    """
    changes: dict[str, Any] = {
        key: getattr(incoming, key)
        for key in _FILLABLE
        if getattr(existing, key) is None and getattr(incoming, key) is not None
    }
    if existing.role is Role.OTHER and incoming.role is not Role.OTHER:
        changes["role"] = incoming.role
    extra = [t for t in incoming.tags if t not in existing.tags]
    if extra and len(existing.tags) < TAGS_MAX:
        changes["tags"] = (*existing.tags, *extra)[: max(TAGS_MAX, len(existing.tags))]
    return replace(existing, **changes) if changes else existing


@dataclass(eq=False)
class _Slot:
    """One contact the import touches: an existing one (with its id) or a new one."""

    draft: ContactDraft
    contact_id: int | None = None
    original: ContactDraft | None = None
    matched: bool = False  # an existing contact some row of the file matched


class _Plan:
    """Matches rows against contacts (and against earlier rows of the same file)."""

    def __init__(self, contacts: Iterable[tuple[int, ContactDraft]]) -> None:
        self.slots: list[_Slot] = []
        self.repeated = 0
        self._by_url: dict[str, _Slot] = {}
        self._by_email: dict[str, _Slot] = {}
        self._by_name: dict[str, _Slot] = {}
        for contact_id, draft in sorted(contacts, key=lambda c: c[0]):
            self._index(_Slot(draft, contact_id, draft))

    def _index(self, slot: _Slot, *, new: bool = True) -> None:
        if new:
            self.slots.append(slot)
        d = slot.draft
        if (key := url_key(d.profile_url)) is not None:
            self._by_url.setdefault(key, slot)
        if (key := email_key(d.email)) is not None:
            self._by_email.setdefault(key, slot)
        self._by_name.setdefault(name_key(d.name), slot)

    def _match(self, draft: ContactDraft) -> _Slot | None:
        url, email = url_key(draft.profile_url), email_key(draft.email)
        if url is not None and (slot := self._by_url.get(url)):
            return slot
        if email is not None and (slot := self._by_email.get(email)):
            return slot
        slot = self._by_name.get(name_key(draft.name))
        if slot is None:
            return None
        other = slot.draft
        if url and other.profile_url and url_key(other.profile_url) != url:
            return None  # same name, different profiles: two people
        if email and other.email and email_key(other.email) != email:
            return None
        return slot

    def add(self, draft: ContactDraft) -> None:
        slot = self._match(draft)
        if slot is None:
            self._index(_Slot(draft))
            return
        if slot.contact_id is None:
            self.repeated += 1
        slot.matched = True
        slot.draft = fill_in(slot.draft, draft)
        self._index(slot, new=False)

    @property
    def new(self) -> list[_Slot]:
        return [s for s in self.slots if s.contact_id is None]

    @property
    def changed(self) -> list[_Slot]:
        return [s for s in self.slots if s.original is not None and s.draft != s.original]

    @property
    def unchanged(self) -> int:
        return sum(1 for s in self.slots if s.matched and s.draft == s.original)


class ImportService:
    def __init__(
        self,
        contacts: ContactService,
        pending: PendingRepository,
        clock: Clock,
        offload: Offload,
        restore: RestoreService | None = None,
    ) -> None:
        self._contacts = contacts
        self._pending = pending
        self._clock = clock
        self._offload = offload
        self._restore = restore

    def check_size(self, size: int, name: str = "") -> None:
        """Refuse a file by its announced size and name, before anyone downloads it: a
        contacts file up to MAX_BYTES, an export to restore (.json, .zip) up to
        MAX_RESTORE_BYTES."""
        restoring = self._restore is not None and name.casefold().endswith(RESTORE_SUFFIXES)
        limit = MAX_RESTORE_BYTES if restoring else MAX_BYTES
        if size > limit:
            what = "restore exports" if restoring else "import files"
            raise InvalidInput(
                f"That file is {size / 1024 / 1024:.1f} MB; I can {what} up to "
                f"{limit // 1024 // 1024} MB. Export fewer contacts (or split the file) "
                "and try again. Nothing was imported."
            )
        if size == 0:
            raise InvalidInput("That file is empty: there are no contacts in it.")

    async def preview(
        self, owner_id: int, data: bytes
    ) -> ImportPreview | RestorePreview | PartsPreview:
        """Read the file and say what importing it would do; hold its rows for `confirm`."""
        restoring = self._restore is not None and is_export_upload(data)
        self.check_size(len(data), ".zip" if restoring else "")
        if self._restore is not None and restoring:
            checked = await self._restore.check(owner_id, data)
            if isinstance(checked, CheckedPart):
                parts = await self._held_parts(owner_id, checked)
                if isinstance(parts, PartsPreview):
                    return parts
                checked = await self._restore.check_parts(owner_id, parts)
            restore, held = checked
            pending_id: int | None = await self._pending.put(
                owner_id,
                PENDING_IMPORT,
                {RESTORE_HELD: base64.b64encode(held).decode("ascii")},
                expires_at=self._clock.now() + PENDING_TTL,
            )
            log.info("restore previewed owner=%s pending=%s", owner_id, pending_id)
            return replace(restore, pending_id=pending_id)
        await self._contacts.ensure_student(owner_id)
        existing = await self._existing(owner_id)
        upload = await self._offload.run(read_upload, data, existing)
        _check_capacity(len(existing), upload.plan.new)
        pending_id = None
        if upload.plan.new or upload.plan.changed:
            pending_id = await self._pending.put(
                owner_id,
                PENDING_IMPORT,
                {"format": upload.format.value, "rows": upload.rows},
                expires_at=self._clock.now() + PENDING_TTL,
            )
        log.info(
            "import previewed owner=%s format=%s rows=%d rejected=%d pending=%s",
            owner_id,
            upload.format.value,
            len(upload.rows),
            len(upload.rejected),
            pending_id,
        )
        return ImportPreview(
            format=upload.format,
            rows=len(upload.rows),
            new=upload.plan.new,
            updated=upload.plan.changed,
            unchanged=upload.plan.unchanged,
            repeated=upload.plan.repeated,
            rejected=upload.rejected,
            pending_id=pending_id,
        )

    async def _held_parts(self, owner_id: int, checked: CheckedPart) -> PartsPreview | list[bytes]:
        """Hold this part; once every part of its export is in, take them all (in order)."""
        now = self._clock.now()
        part = checked.part
        rows = [
            (pending_id, payload)
            for pending_id, payload in await self._pending.held(owner_id, PENDING_PART, now=now)
            if payload["export"] == part.export
        ]
        numbers = {payload["number"] for _, payload in rows}
        if part.number not in numbers:
            payload: dict[str, Any] = {
                "export": part.export,
                "number": part.number,
                "of": part.of,
                "held": base64.b64encode(checked.held).decode("ascii"),
            }
            pending_id = await self._pending.put(
                owner_id, PENDING_PART, payload, expires_at=now + PENDING_TTL
            )
            rows.append((pending_id, payload))
        received = tuple(sorted({payload["number"] for _, payload in rows}))
        log.info(
            "export part held owner=%s part=%d of=%d received=%d",
            owner_id,
            part.number,
            part.of,
            len(received),
        )
        if len(received) < part.of:
            return PartsPreview(part.number, part.of, received)
        taken = []
        for pending_id, _ in sorted(rows, key=lambda row: row[1]["number"]):
            held = await self._pending.take(owner_id, pending_id, PENDING_PART, now=now)
            if held is None:
                raise ExpiredAction()
            taken.append(base64.b64decode(held["held"]))
        return taken

    async def _existing(self, owner_id: int) -> list[tuple[int, ContactDraft]]:
        # Own fields only: matching needs no exchanges, and 5,000 contacts cross to a worker.
        return [(c.id, c.draft) for c in await self._contacts.plain_contacts(owner_id)]

    async def confirm(
        self, owner_id: int, pending_id: int, progress: Progress | None = None
    ) -> ImportResult | RestoreResult:
        """Import the held rows (once: a second click finds them gone)."""
        payload = await self._pending.take(
            owner_id, pending_id, PENDING_IMPORT, now=self._clock.now()
        )
        if payload is None:
            raise ExpiredAction()
        if RESTORE_HELD in payload and self._restore is not None:
            held = base64.b64decode(payload[RESTORE_HELD])
            return await self._restore.restore_held(owner_id, held)
        if RESTORE in payload and self._restore is not None:
            return await self._restore.restore(owner_id, payload[RESTORE].encode("utf-8"))
        existing = await self._existing(owner_id)
        plan = await self._offload.run(plan_rows, existing, payload["rows"])
        _check_capacity(len(existing), plan.new)
        added: list[int] = []
        for done, (contact_id, draft) in enumerate(plan.work, 1):
            if contact_id is None:
                outcome = await self._contacts.add(owner_id, draft, allow_duplicate=True)
                if outcome.contact is not None:
                    added.append(outcome.contact.id)
            else:
                changes = {key: getattr(draft, key) for key in (*_FILLABLE, "role", "tags")}
                await self._contacts.update(owner_id, contact_id, changes)
            if progress is not None and done % PROGRESS_EVERY == 0 and done < len(plan.work):
                await progress(done, len(plan.work))
        await self._contacts.spread_first_check_ins(owner_id, added)
        result = ImportResult(added=plan.new, updated=plan.changed, unchanged=plan.unchanged)
        log.info(
            "import done owner=%s added=%d updated=%d unchanged=%d",
            owner_id,
            result.added,
            result.updated,
            result.unchanged,
        )
        return result

    async def cancel(self, owner_id: int, pending_id: int) -> None:
        """Forget the held rows; nothing is imported."""
        if await self._pending.take(owner_id, pending_id, PENDING_IMPORT, now=self._clock.now()):
            return
        raise ExpiredAction()


def _validated(
    parsed: ParsedFile,
) -> tuple[list[tuple[int, ContactDraft]], list[tuple[int, str]]]:
    """The rows the contact rules accept, and every rejected row with its reason."""
    valid: list[tuple[int, ContactDraft]] = []
    rejected = list(parsed.rejected)
    for line, draft in parsed.drafts:
        try:
            valid.append((line, validate_draft(draft)))
        except InvalidInput as error:
            reason = error.user_message.removesuffix(" Nothing was saved.")
            rejected.append((line, reason))
    rejected.sort()
    return valid, rejected


@dataclass(frozen=True, slots=True)
class PlannedImport:
    """What matching decided: counts, and the writes in order (changed contacts, then new)."""

    new: int
    changed: int
    unchanged: int
    repeated: int
    work: tuple[tuple[int | None, ContactDraft], ...]  # (contact id or None for new, draft)


@dataclass(frozen=True, slots=True)
class ReadUpload:
    """An upload read, validated and matched: what the preview shows and the rows it holds."""

    format: ImportFormat
    rows: list[list[Any]]  # [line, draft as JSON]: the pending payload's rows
    rejected: tuple[tuple[int, str], ...]
    plan: PlannedImport


def _planned(
    existing: Iterable[tuple[int, ContactDraft]], rows: Iterable[ContactDraft]
) -> PlannedImport:
    plan = _Plan(existing)
    for draft in rows:
        plan.add(draft)
    changed, new = plan.changed, plan.new
    return PlannedImport(
        new=len(new),
        changed=len(changed),
        unchanged=plan.unchanged,
        repeated=plan.repeated,
        work=tuple((slot.contact_id, slot.draft) for slot in (*changed, *new)),
    )


def read_upload(data: bytes, existing: list[tuple[int, ContactDraft]]) -> ReadUpload:
    """Parse, validate and match an upload against the student's contacts (a worker's job)."""
    parsed = parse_file(data, max_rows=MAX_ROWS)
    valid, rejected = _validated(parsed)
    return ReadUpload(
        format=parsed.format,
        rows=[[line, draft_to_json(draft)] for line, draft in valid],
        rejected=tuple(rejected),
        plan=_planned(existing, (draft for _, draft in valid)),
    )


def plan_rows(existing: list[tuple[int, ContactDraft]], rows: list[list[Any]]) -> PlannedImport:
    """Match held rows against the contacts as they are now (a worker's job)."""
    return _planned(existing, (draft_from_json(data) for _, data in rows))


def _check_capacity(have: int, new: int) -> None:
    if have + new > MAX_CONTACTS:
        raise InvalidInput(
            f"This file would add {new:,} new contacts to your {have:,}; one student can keep "
            f"at most {MAX_CONTACTS:,}. Remove some rows (or contacts you no longer need) and "
            "try again. Nothing was imported."
        )
