"""The files of `/privacy export`, built from one snapshot of the student's rows (a worker's job).

Everything here is a module-level function of plain data, run through the `Offload` port: for a
student at the 5,000-contact cap the four files take seconds of CPU, which on the event loop
would stall every other student's interaction and the gateway heartbeat.

All four files come from the same snapshot (the rows the JSON holds), so they agree with each
other: the CSV, vCard and calendar read the contacts' rows, and each contact's last exchange is
taken from the exchanges' rows.

Sizes. Where the files go limits a file's size, the size of the files of one message together,
and how many files a message holds (`FileLimits`, given by whoever sends them). The files go as
they are when they fit; otherwise in one zip archive (deflate: the JSON shrinks about ten
times); otherwise the JSON zipped alone and the other three zipped after it; and when even the
JSON's archive is too large, the JSON is cut into numbered parts, each a zip archive of its own
holding an export document with some of the rows (`part`: which of how many).
"""

from __future__ import annotations

import asyncio
import io
import json
import pickle
import secrets
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import vobject

from bot.core.attention import due_on, needs_follow_up
from bot.core.contact_csv import write_contacts_csv
from bot.core.models import Contact, ContactDraft, Role

EXPORT_FORMAT = "networking-coach-export"
EXPORT_VERSION = 2  # 2: contacts carry `address_as`
CALENDAR_DAYS = 200  # follow-ups due this far ahead (every default cadence) go in the calendar
FOLLOW_UP_HOUR = 9  # calendar entries sit at 09:00 local

JSON_NAME = "networking-coach.json"
CSV_NAME = "contacts.csv"
VCARD_NAME = "contacts.vcf"
CALENDAR_NAME = "follow-ups.ics"
ARCHIVE_NAME = "networking-coach-export.zip"
CONTACTS_ARCHIVE_NAME = "networking-coach-contacts.zip"
PART_KEY = "part"  # the document key of a part: {"export": id, "number": n, "of": total}
# A zip archive's own bytes (headers, central directory) on top of its members' compressed
# bytes, with room to spare: a part is cut so that its archive stays under the limit.
ARCHIVE_SLACK = 4096


class Packing(StrEnum):
    FILES = "files"  # the four files as they are
    ARCHIVE = "archive"  # one zip archive holding the four files
    ARCHIVES = "archives"  # the JSON zipped alone, the other files zipped after it
    PARTS = "parts"  # the JSON in numbered parts (zip archives), the other files in a zip


@dataclass(frozen=True, slots=True)
class FileLimits:
    """What one message can carry: bytes per file, bytes of all its files, files."""

    max_file_bytes: int
    max_message_bytes: int
    max_files: int = 10

    def __post_init__(self) -> None:
        if self.max_file_bytes < 8 * 1024 or self.max_message_bytes < self.max_file_bytes:
            raise ValueError("file limits too small to carry an export")


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """Plain data in: the snapshot (table → its rows in pickled chunks, see `pickled_rows`),
    the student's zone, the instant, limits."""

    owner_id: int
    snapshot: dict[str, tuple[bytes, ...]]
    timezone: str
    now: datetime
    limits: FileLimits


# The rows cross to the worker as pickled chunks, pickled on the event loop a chunk at a time:
# the process pool pickles a call's arguments under the GIL in one go (~50 ms for 25,000 rows),
# which would hold the loop that long; bytes cross at memory speed.
CHUNK_ROWS = 2000


async def pickled_rows(
    snapshot: Mapping[str, list[dict[str, Any]]],
) -> dict[str, tuple[bytes, ...]]:
    chunks: dict[str, tuple[bytes, ...]] = {}
    for table, rows in snapshot.items():
        pieces = []
        for start in range(0, len(rows), CHUNK_ROWS):
            pieces.append(pickle.dumps(rows[start : start + CHUNK_ROWS]))
            await asyncio.sleep(0)
        chunks[table] = tuple(pieces)
    return chunks


def unpickled_rows(chunks: Mapping[str, tuple[bytes, ...]]) -> dict[str, list[dict[str, Any]]]:
    """The snapshot again (our own bytes from `pickled_rows`, never an upload's)."""
    return {
        table: [row for piece in pieces for row in pickle.loads(piece)]
        for table, pieces in chunks.items()
    }


@dataclass(frozen=True, slots=True)
class ExportFiles:
    """The export as the messages that carry it: each message a tuple of (file name, bytes)."""

    messages: tuple[tuple[tuple[str, bytes], ...], ...]
    contact_count: int
    packing: Packing = Packing.FILES
    parts: int = 0  # JSON parts, when packing is PARTS

    @property
    def files(self) -> tuple[tuple[str, bytes], ...]:
        """Every file of every message, in order."""
        return tuple(f for message in self.messages for f in message)


def vcard_text(contacts: Sequence[Contact]) -> str:
    """vCard 4.0, one card per contact (vobject escapes and folds)."""
    cards = []
    for contact in contacts:
        d = contact.draft
        card = vobject.vCard()
        card.add("version").value = "4.0"
        card.add("fn").value = d.name
        parts = d.name.split()
        card.add("n").value = vobject.vcard.Name(
            family=parts[-1] if len(parts) > 1 else "",
            given=" ".join(parts[:-1]) or d.name,
            prefix=d.title or "",
        )
        if d.email:
            card.add("email").value = d.email
        if d.institution:
            card.add("org").value = [d.institution]
        if d.specialty:
            card.add("title").value = d.specialty
        if d.profile_url:
            card.add("url").value = d.profile_url
        if d.notes:
            card.add("note").value = d.notes
        if d.tags:
            card.add("categories").value = list(d.tags)
        cards.append(card.serialize())
    return "".join(cards)


def calendar_bytes(
    contacts: Sequence[Contact],
    reminders: Sequence[dict[str, Any]],
    *,
    now: datetime,
    timezone: str,
) -> bytes:
    """Upcoming follow-ups and one-off reminders as an iCalendar file."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Networking Coach//EN")
    calendar.add("version", "2.0")
    for contact in contacts:
        due = due_on(contact)
        if due > today + timedelta(days=CALENDAR_DAYS):
            continue
        day = max(due, today)
        start = datetime.combine(day, time(FOLLOW_UP_HOUR), tzinfo=zone)
        event = icalendar.Event()
        what = "Follow up with" if needs_follow_up(contact) else "Check in with"
        event.add("uid", f"contact-{contact.id}@networking-coach")
        event.add("dtstamp", now)
        event.add("summary", f"{what} {contact.name}")
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        calendar.add_component(event)
    for reminder in reminders:
        if reminder.get("done_at"):
            continue
        start = datetime.fromisoformat(reminder["due_at"]).astimezone(UTC)
        if start < now:
            continue
        event = icalendar.Event()
        event.add("uid", f"reminder-{reminder['id']}@networking-coach")
        event.add("dtstamp", now)
        event.add("summary", reminder.get("note") or "Networking reminder")
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        calendar.add_component(event)
    return bytes(calendar.to_ical())  # icalendar leaves to_ical unannotated: Any


# -- contacts from the snapshot's rows ------------------------------------------------------------


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _time(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def contacts_from_rows(
    contact_rows: Iterable[Mapping[str, Any]], exchange_rows: Iterable[Mapping[str, Any]]
) -> list[Contact]:
    """The snapshot's contacts as `Contact`s, with the exchange figures the calendar needs."""
    last: dict[int, str] = {}
    count: dict[int, int] = {}
    for row in exchange_rows:
        cid = row["contact_id"]
        count[cid] = count.get(cid, 0) + 1
        if row["happened_on"] > last.get(cid, ""):
            last[cid] = row["happened_on"]
    contacts = []
    for row in contact_rows:
        draft = ContactDraft(
            name=row["name"],
            role=Role(row["role"]),
            title=row.get("title"),
            specialty=row.get("specialty"),
            institution=row.get("institution"),
            met_event=row.get("met_event"),
            met_on=_day(row.get("met_on")),
            email=row.get("email"),
            profile_url=row.get("profile_url"),
            notes=row.get("notes"),
            tags=tuple(json.loads(row.get("tags") or "[]")),
            discord_user_id=row.get("discord_user_id"),
            cadence_days=row.get("cadence_days"),
            address_as=row.get("address_as"),
        )
        contacts.append(
            Contact(
                id=row["id"],
                owner_id=row["owner_id"],
                draft=draft,
                created_at=_time(row["created_at"]),
                updated_at=_time(row["updated_at"]),
                last_contacted_on=_day(last.get(row["id"])),
                exchange_count=count.get(row["id"], 0),
                follow_up_on=_day(row.get("follow_up_on")),
                snoozed_until=_day(row.get("snoozed_until")),
            )
        )
    contacts.sort(key=lambda c: c.id)
    return contacts


# -- the JSON document ------------------------------------------------------------------------


def _header(owner_id: int, now: datetime) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": now.isoformat(),
        "student_id": str(owner_id),
    }


def _row_line(row: Mapping[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(", ", ": "))


def document_bytes(header: Mapping[str, Any], tables: Mapping[str, Iterable[str]]) -> bytes:
    """A JSON document: the header's keys, then each table as a list with one row per line
    (readable in a text editor, without the indentation that made the file a third larger)."""
    out = ["{"]
    items = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in header.items()]
    for table, lines in tables.items():
        body = ",\n    ".join(lines)
        items.append(f"  {json.dumps(table)}: [\n    {body}\n  ]" if body else f'  "{table}": []')
    out.append(",\n".join(items))
    out.append("}\n")
    return "\n".join(out).encode("utf-8")


# -- archives and parts -------------------------------------------------------------------------


def zip_bytes(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip archive of the files (level 6: most of the gain, a fraction of level 9's
    time)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def part_name(number: int, total: int) -> str:
    return f"networking-coach-part-{number}-of-{total}.zip"


def _fits(files: Sequence[tuple[str, bytes]], limits: FileLimits) -> bool:
    return (
        len(files) <= limits.max_files
        and all(len(data) <= limits.max_file_bytes for _, data in files)
        and sum(len(data) for _, data in files) <= limits.max_message_bytes
    )


def _chunks(lines: Sequence[tuple[str, str]], budget: int) -> Iterator[list[tuple[str, str]]]:
    """(table, line) pairs in order, cut where a chunk's text would pass `budget` bytes."""
    chunk: list[tuple[str, str]] = []
    size = 0
    for table, line in lines:
        length = len(line.encode("utf-8")) + 8
        if chunk and size + length > budget:
            yield chunk
            chunk, size = [], 0
        chunk.append((table, line))
        size += length
    if chunk:
        yield chunk


def _parts(
    header: Mapping[str, Any],
    table_lines: Mapping[str, list[str]],
    limit: int,
    raw_size: int,
    zipped_size: int,
) -> list[tuple[str, bytes]]:
    """The JSON cut into part documents whose archives each fit `limit` bytes."""
    export_id = secrets.token_hex(8)
    lines = [(table, line) for table, rows in table_lines.items() for line in rows]
    # Start from the whole file's compression ratio; halve the budget while a part is too big
    # (text that compresses worse than the average ends up in one part).
    budget = max(1024, int((limit - ARCHIVE_SLACK) * raw_size / max(zipped_size, 1) * 0.9))
    while True:
        chunks = list(_chunks(lines, budget))
        total = len(chunks)
        parts = []
        for number, chunk in enumerate(chunks, 1):
            tables: dict[str, list[str]] = {table: [] for table in table_lines}
            for table, line in chunk:
                tables[table].append(line)
            part = {**header, PART_KEY: {"export": export_id, "number": number, "of": total}}
            name = part_name(number, total)
            inner = name.removesuffix(".zip") + ".json"
            parts.append((name, zip_bytes([(inner, document_bytes(part, tables))])))
        if all(len(data) <= limit for _, data in parts) or budget <= 1024:
            return parts
        budget //= 2


def pack(
    json_file: tuple[str, bytes],
    others: Sequence[tuple[str, bytes]],
    limits: FileLimits,
    split: tuple[Mapping[str, Any], Mapping[str, list[str]]],
) -> tuple[tuple[tuple[tuple[str, bytes], ...], ...], Packing, int]:
    """The messages that carry the files within `limits`: as they are, zipped, or in parts."""
    files = [json_file, *others]
    if _fits(files, limits):
        return (tuple(files),), Packing.FILES, 0
    archive = zip_bytes(files)
    if _fits([(ARCHIVE_NAME, archive)], limits):
        return (((ARCHIVE_NAME, archive),),), Packing.ARCHIVE, 0
    messages: list[tuple[tuple[str, bytes], ...]] = []
    json_archive = zip_bytes([json_file])
    if _fits([(ARCHIVE_NAME, json_archive)], limits):
        packing, parts = Packing.ARCHIVES, []
        messages.append(((ARCHIVE_NAME, json_archive),))
    else:
        header, table_lines = split
        packing = Packing.PARTS
        parts = _parts(
            header, table_lines, limits.max_file_bytes, len(json_file[1]), len(json_archive)
        )
        current: list[tuple[str, bytes]] = []
        for part in parts:
            if current and not _fits([*current, part], limits):
                messages.append(tuple(current))
                current = []
            current.append(part)
        if current:
            messages.append(tuple(current))
    rest = zip_bytes(others)
    if _fits([(CONTACTS_ARCHIVE_NAME, rest)], limits):
        messages.append(((CONTACTS_ARCHIVE_NAME, rest),))
    else:  # each of the other files zipped on its own, those that fit (the JSON has it all)
        for name, data in others:
            single = (name + ".zip", zip_bytes([(name, data)]))
            if _fits([single], limits):
                messages.append((single,))
    return tuple(messages), packing, len(parts)


def build_export(request: ExportRequest) -> ExportFiles:
    """The four files (JSON, CSV, vCard, iCalendar), packed for `request.limits` (a worker's
    job: plain data in, bytes out)."""
    snapshot = unpickled_rows(request.snapshot)
    header = _header(request.owner_id, request.now)
    table_lines = {table: [_row_line(row) for row in rows] for table, rows in snapshot.items()}
    json_file = (JSON_NAME, document_bytes(header, table_lines))
    contacts = contacts_from_rows(snapshot.get("contacts", []), snapshot.get("exchanges", []))
    others = (
        (CSV_NAME, write_contacts_csv(contacts).encode("utf-8")),
        (VCARD_NAME, vcard_text(contacts).encode("utf-8")),
        (
            CALENDAR_NAME,
            calendar_bytes(
                contacts, snapshot.get("reminders", []), now=request.now, timezone=request.timezone
            ),
        ),
    )
    messages, packing, parts = pack(json_file, others, request.limits, (header, table_lines))
    return ExportFiles(messages=messages, contact_count=len(contacts), packing=packing, parts=parts)
