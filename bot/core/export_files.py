"""The files of `/privacy export`, built from one snapshot of the student's rows (a worker's job).

Everything here is a module-level function of plain data, run through the `Offload` port: for a
student at the 5,000-contact cap the files take seconds of CPU, which on the event loop
would stall every other student's interaction and the gateway heartbeat.

All the files come from the same snapshot (the records the JSON holds, bot/core/export_format.py),
so they agree with each other: the CSV, vCard and follow-ups calendar read the contacts'
records, and each contact's last exchange is taken from the exchanges'. A student with a season
plan, letters or interviews also gets a calendar of their upcoming deadlines (the cycle's dates
from their plan, letters' deadlines, interview days).

Sizes. Where the files go limits a file's size, the size of the files of one message together,
and how many files a message holds (`FileLimits`, given by whoever sends them). The files go as
they are when they fit; otherwise in one zip archive (deflate: the JSON shrinks about ten
times); otherwise the JSON zipped alone and the others zipped after it; and when even the
JSON's archive is too large, the JSON is cut into numbered parts, each a zip archive of its own
holding an export document with some of the records (`part`: which of how many).
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
from bot.core.export_format import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    ContactRecord,
    ExchangeRecord,
    ExportSnapshot,
    ReminderRecord,
    record_json,
)
from bot.core.letters import LetterStage
from bot.core.models import Contact, ContactDraft
from bot.core.season import Route

__all__ = ["EXPORT_FORMAT", "EXPORT_VERSION", "ExportFiles", "ExportRequest", "FileLimits"]
CALENDAR_DAYS = 200  # follow-ups due this far ahead (every default cadence) go in the calendar
FOLLOW_UP_HOUR = 9  # calendar entries sit at 09:00 local

JSON_NAME = "networking-coach.json"
CSV_NAME = "contacts.csv"
VCARD_NAME = "contacts.vcf"
CALENDAR_NAME = "follow-ups.ics"
DEADLINES_NAME = "season-deadlines.ics"
ARCHIVE_NAME = "networking-coach-export.zip"
CONTACTS_ARCHIVE_NAME = "networking-coach-contacts.zip"
PART_KEY = "part"  # the document key of a part: {"export": id, "number": n, "of": total}
# A zip archive's own bytes (headers, central directory) on top of its members' compressed
# bytes, with room to spare: a part is cut so that its archive stays under the limit.
ARCHIVE_SLACK = 4096


class Packing(StrEnum):
    FILES = "files"  # the files as they are
    ARCHIVE = "archive"  # one zip archive holding them all
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
class CycleDay:
    """One dated fact of the student's application cycle, for the deadlines calendar."""

    key: str
    what: str
    on: date
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class ExportRequest:
    """Plain data in: the snapshot (section → its records in pickled chunks, see
    `pickled_snapshot`), the student's zone, the instant, limits, and the days of the cycle
    their season plan names (none without a plan, or when the cycle has no calendar)."""

    owner_id: int
    snapshot: dict[str, tuple[bytes, ...]]
    timezone: str
    now: datetime
    limits: FileLimits
    cycle: tuple[CycleDay, ...] = ()


# The records cross to the worker as pickled chunks, pickled on the event loop a chunk at a
# time: the process pool pickles a call's arguments under the GIL in one go, which would hold
# the loop for the whole snapshot; bytes cross at memory speed. A record (dates, times and
# choices as objects) pickles ~10 times slower than the row dict it replaced: 250 of the
# longest contacts take ~4 ms, so a chunk is that size.
CHUNK_ROWS = 250


async def pickled_snapshot(snapshot: ExportSnapshot) -> dict[str, tuple[bytes, ...]]:
    chunks: dict[str, tuple[bytes, ...]] = {}
    for section, records in snapshot.sections():
        pieces = []
        for start in range(0, len(records), CHUNK_ROWS):
            pieces.append(pickle.dumps(records[start : start + CHUNK_ROWS]))
            await asyncio.sleep(0)
        chunks[section] = tuple(pieces)
    return chunks


def unpickled_snapshot(chunks: Mapping[str, tuple[bytes, ...]]) -> ExportSnapshot:
    """The snapshot again (our own bytes from `pickled_snapshot`, never an upload's)."""
    return ExportSnapshot(
        **{
            section: tuple(r for piece in pieces for r in pickle.loads(piece))
            for section, pieces in chunks.items()
        }
    )


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
    reminders: Sequence[ReminderRecord],
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
        if reminder.done_at is not None:
            continue
        start = reminder.due_at.astimezone(UTC)
        if start < now:
            continue
        event = icalendar.Event()
        event.add("uid", f"reminder-{reminder.id}@networking-coach")
        event.add("dtstamp", now)
        event.add("summary", reminder.note or "Networking reminder")
        event.add("dtstart", start)
        event.add("duration", timedelta(minutes=15))
        calendar.add_component(event)
    return bytes(calendar.to_ical())  # icalendar leaves to_ical unannotated: Any


def deadlines_bytes(
    snapshot: ExportSnapshot, cycle: Sequence[CycleDay], *, now: datetime, timezone: str
) -> bytes | None:
    """The season's upcoming deadlines as an iCalendar file of all-day entries: the cycle's
    dates (from the student's plan), each open letter's deadline (its own, else the day
    applications can be submitted) and each interview's day. None when there is none."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    entries: list[tuple[str, date, str]] = []
    plan = snapshot.season_plan[0] if snapshot.season_plan else None
    if plan is not None and plan.route is not Route.NOT_THIS_YEAR:
        for day in cycle:
            what = f"{day.what[:1].upper()}{day.what[1:]}"
            if day.approximate:
                what += " (approximate date)"
            entries.append((f"cycle-{plan.cycle}-{day.key}", day.on, what))
    submissions = next((d.on for d in cycle if d.key == "submissions_open"), None)
    names = {c.id: c.name for c in snapshot.contacts}
    for letter in snapshot.letters:
        if letter.stage not in (LetterStage.ASKED, LetterStage.AGREED):
            continue
        deadline = letter.deadline or submissions
        if deadline is not None:
            writer = names.get(letter.contact, "your writer")
            entries.append((f"letter-{letter.contact}", deadline, f"Letter due from {writer}"))
    held = {e.id: e.held_on for e in snapshot.events}
    for interview in snapshot.interviews:
        if interview.event in held:
            on = held[interview.event]
            entries.append((f"interview-{interview.event}", on, f"Interview: {interview.program}"))
    upcoming = sorted((e for e in entries if e[1] >= today), key=lambda e: (e[1], e[0]))
    if not upcoming:
        return None
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Networking Coach//EN")
    calendar.add("version", "2.0")
    for uid, on, summary in upcoming:
        event = icalendar.Event()
        event.add("uid", f"{uid}@networking-coach")
        event.add("dtstamp", now)
        event.add("summary", summary)
        event.add("dtstart", on)  # a date: an all-day entry
        event.add("dtend", on + timedelta(days=1))
        calendar.add_component(event)
    return bytes(calendar.to_ical())


# -- contacts from the snapshot's records -------------------------------------------------------


def contacts_from_records(
    records: Iterable[ContactRecord], exchanges: Iterable[ExchangeRecord]
) -> list[Contact]:
    """The snapshot's contacts as `Contact`s, with the exchange figures the calendar needs."""
    last: dict[int, date] = {}
    count: dict[int, int] = {}
    for exchange in exchanges:
        cid = exchange.contact
        count[cid] = count.get(cid, 0) + 1
        if cid not in last or exchange.happened_on > last[cid]:
            last[cid] = exchange.happened_on
    contacts = []
    for r in records:
        draft = ContactDraft(
            name=r.name,
            role=r.role,
            title=r.title,
            specialty=r.specialty,
            institution=r.institution,
            met_event=r.met_event,
            met_on=r.met_on,
            email=r.email,
            profile_url=r.profile_url,
            notes=r.notes,
            tags=r.tags,
            discord_user_id=r.discord_user_id,
            cadence_days=r.cadence_days,
            address_as=r.address_as,
        )
        contacts.append(
            Contact(
                id=r.id,
                owner_id=0,  # the export's own: only ids within the document matter
                draft=draft,
                created_at=r.created_at,
                updated_at=r.updated_at,
                last_contacted_on=last.get(r.id),
                exchange_count=count.get(r.id, 0),
                follow_up_on=r.follow_up_on,
                snoozed_until=r.snoozed_until,
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


def _record_line(record: Any) -> str:
    return json.dumps(record_json(record), ensure_ascii=False, separators=(", ", ": "))


def document_bytes(header: Mapping[str, Any], tables: Mapping[str, Iterable[str]]) -> bytes:
    """A JSON document: the header's keys, then each section as a list, one record per line
    (readable in a text editor, without the indentation that made the file a third larger)."""
    out = ["{"]
    items = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in header.items()]
    for section, lines in tables.items():
        body = ",\n    ".join(lines)
        name = json.dumps(section)
        items.append(f"  {name}: [\n    {body}\n  ]" if body else f"  {name}: []")
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
    """The files (JSON, CSV, vCard, the follow-ups calendar, and the season's deadlines when
    there are any), packed for `request.limits` (a worker's job: plain data in, bytes out)."""
    snapshot = unpickled_snapshot(request.snapshot)
    header = _header(request.owner_id, request.now)
    table_lines = {
        section: [_record_line(record) for record in records]
        for section, records in snapshot.sections()
    }
    json_file = (JSON_NAME, document_bytes(header, table_lines))
    contacts = contacts_from_records(snapshot.contacts, snapshot.exchanges)
    others = [
        (CSV_NAME, write_contacts_csv(contacts).encode("utf-8")),
        (VCARD_NAME, vcard_text(contacts).encode("utf-8")),
        (
            CALENDAR_NAME,
            calendar_bytes(
                contacts, snapshot.reminders, now=request.now, timezone=request.timezone
            ),
        ),
    ]
    deadlines = deadlines_bytes(snapshot, request.cycle, now=request.now, timezone=request.timezone)
    if deadlines is not None:
        others.append((DEADLINES_NAME, deadlines))
    messages, packing, parts = pack(json_file, others, request.limits, (header, table_lines))
    return ExportFiles(messages=messages, contact_count=len(contacts), packing=packing, parts=parts)
