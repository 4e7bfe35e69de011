"""Reading the bot's own JSON export back: untrusted bytes in, a validated `Restore` out.

Pure, no I/O. The document (bot/core/export_format.py; an older version is upgraded to it
first, bot/core/export_upgrade.py) is checked as strictly as what students type: every field
by the rules the services apply (lengths, choices, dates, ranges), and every id that refers to
another record must name a record of the same document. The first problem raises
`InvalidInput` naming the section and the record (1-based, as a person counts), so nothing is
restored from a bad file.

The file's `student_id` and its record ids are never used as such: the records go to whoever
imports the file, and ids only say which record refers to which (the repository gives them new
ids).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, NoReturn, TypeVar

from bot.content.coach import TOPICS
from bot.content.season import CYCLE_KEY
from bot.core.coaching import GOAL_MAX
from bot.core.contacts import MAX_CONTACTS
from bot.core.drafts import DELAY_RANGE, FIELD_LIMITS, clean_fields, validate_profile
from bot.core.errors import CoachError, InvalidInput
from bot.core.events import EVENT_NAME_MAX, EventKind
from bot.core.export_files import JSON_NAME, PART_KEY
from bot.core.export_format import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    GOAL_FIELDS,
    HEADER_KEYS,
    SECTION_FIELDS,
)
from bot.core.export_upgrade import upgraded_from_v2
from bot.core.letters import PROGRAMS_MAX, LetterStage
from bot.core.models import (
    DRAFT_FIELDS,
    Channel,
    ContactDraft,
    ExchangeKind,
    Profile,
    ReminderSettings,
    Role,
    Tone,
)
from bot.core.progress import WeeklyGoal
from bot.core.reminders import REMINDER_NOTE_MAX
from bot.core.schedule import is_valid_timezone
from bot.core.season import SPECIALTIES_MAX, SPECIALTY_MAX_CHARS, Route
from bot.core.text import clean_block, clean_line
from bot.core.validation import CADENCE_MAX_DAYS, CADENCE_MIN_DAYS, validate_draft, validate_note

NOTHING = "Nothing was imported."
MB = 1024 * 1024
# The largest export document a restore reads. The export has no size cap of its own (only
# contacts are capped, at 5,000), so this is set well above the export of an account at the
# caps with every text field at its longest (5,000 such contacts and 20,000 exchanges with
# 1,000-character notes make ~40 MB): reading 64 MB of JSON in a worker peaks at a few hundred
# MB. An upload (the JSON itself, or the zip the export sends) is refused above it too.
MAX_EXPORT_BYTES = 64 * MB
ZIP_MAGIC = b"PK\x03\x04"
# The export's archive holds five files; anything with more entries is not one of ours.
MAX_ZIP_ENTRIES = 8
READ_CHUNK = 1024 * 1024
# No text of an export is longer than a few thousand characters (notes: 2,000); a longer
# value is refused before the services' rules clean it (cleaning 5 MB of text takes seconds).
TEXT_MAX = 20_000
DRAFT_VERSION_MAX = 20
INT64_MAX = 2**63 - 1
GRADUATION_YEARS = (1950, 2200)  # a plan's years, checked loosely: an old plan stays valid
_TEMPLATE_ID = re.compile(r"[a-z0-9_]{1,64}")
_TIP_KEY = re.compile(r"(?P<topic>[a-z_]{1,40}):\d{1,4}")
# 1 and 2 (one list per table) are upgraded to 3's sections before they are read.
READABLE_VERSIONS = frozenset({1, 2, EXPORT_VERSION})
_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")
_ROLES = frozenset(role.value for role in Role)


@dataclass(frozen=True, slots=True)
class RestoredStudent:
    timezone: str | None
    welcomed_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RestoredProfile:
    profile: Profile
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RestoredContact:
    draft: ContactDraft
    created_at: datetime
    updated_at: datetime
    follow_up_on: date | None = None
    snoozed_until: date | None = None


@dataclass(frozen=True, slots=True)
class RestoredExchange:
    contact: int  # index into Restore.contacts
    kind: ExchangeKind
    happened_on: date
    note: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RestoredDraft:
    contact: int  # index into Restore.contacts
    template_id: str
    channel: Channel
    version: int
    fields: dict[str, str]
    created_at: datetime
    sent_at: datetime | None = None
    nudge_due_at: datetime | None = None
    tone: Tone = Tone.WARM


@dataclass(frozen=True, slots=True)
class RestoredReminder:
    contact: int | None  # index into Restore.contacts
    note: str | None
    due_at: datetime
    created_at: datetime
    done_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RestoredEvent:
    name: str
    kind: EventKind
    held_on: date
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RestoredCoachState:
    last_tip: str | None
    goal: WeeklyGoal | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RestoredSeasonPlan:
    cycle: str
    route: Route
    graduation_year: int | None
    specialties: tuple[str, ...]
    updated_at: datetime
    ask_done_on: date | None = None
    ask_snoozed_until: date | None = None


@dataclass(frozen=True, slots=True)
class RestoredLetter:
    contact: int  # index into Restore.contacts: the writer
    stage: LetterStage
    asked_on: date
    deadline: date | None
    programs: str | None
    submitted_on: date | None
    snoozed_until: date | None
    created_at: datetime
    updated_at: datetime
    checked_on: date | None = None


@dataclass(frozen=True, slots=True)
class RestoredInterview:
    event: int  # index into Restore.events
    program: str
    no_contact: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Restore:
    """Everything a valid export holds, with references as indices into these tuples.

    `reminder_settings` carries student id 0 and no next digest time: the service fills both
    in for the importing student.
    """

    student: RestoredStudent | None = None
    profile: RestoredProfile | None = None
    contacts: tuple[RestoredContact, ...] = ()
    exchanges: tuple[RestoredExchange, ...] = ()
    drafts: tuple[RestoredDraft, ...] = ()
    reminder_settings: ReminderSettings | None = None
    reminders: tuple[RestoredReminder, ...] = ()
    coach: RestoredCoachState | None = None
    events: tuple[RestoredEvent, ...] = ()
    links: tuple[tuple[int, int], ...] = ()  # (contact index, event index)
    season_plan: RestoredSeasonPlan | None = None
    letters: tuple[RestoredLetter, ...] = ()
    interviews: tuple[RestoredInterview, ...] = ()


class _Row:
    """One record of one section; each accessor validates a field or raises naming the record."""

    def __init__(self, section: str, number: int, data: object, names: frozenset[str]) -> None:
        self.section, self.number = section, number
        if not isinstance(data, dict):
            self.fail("is not an object with named fields")
        unknown = sorted(set(data) - names)
        if unknown:
            self.fail(f"has a field I don't know, “{str(unknown[0])[:40]}”")
        self.data: dict[str, Any] = data

    def fail(self, problem: str) -> NoReturn:
        raise InvalidInput(f"`{self.section}` record {self.number} {problem}. {NOTHING}")

    def check(self, validate: Callable[[], _T]) -> _T:
        """Run a service's validation rule; its message is prefixed with the row."""
        try:
            return validate()
        except CoachError as error:
            reason = error.user_message.removesuffix(" Nothing was saved.")
            raise InvalidInput(
                f"`{self.section}` record {self.number}: {reason} {NOTHING}"
            ) from None

    def _value(self, name: str, required: bool) -> Any:
        if name not in self.data or self.data[name] is None:
            if required:
                self.fail(f"has no `{name}`")
            return None
        return self.data[name]

    def has(self, name: str) -> bool:
        """Whether the record gives `name` (fields added later are missing from older files)."""
        return self.data.get(name) is not None

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self._value(name, required)
        if value is None:
            return None
        if not isinstance(value, str):
            self.fail(f"has a `{name}` that is not text")
        if len(value) > TEXT_MAX:
            self.fail(f"has a `{name}` of {len(value):,} characters, far longer than it can be")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(f"has a `{name}` that is not valid text")
        return value

    def integer(self, name: str, low: int, high: int, *, required: bool = False) -> int | None:
        value = self._value(name, required)
        if value is None:
            return None
        # bool is an int to Python; true/false in a number column is a damaged file.
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(f"has a `{name}` that is not a whole number")
        if not low <= value <= high:
            self.fail(f"has a `{name}` outside {low:,}–{high:,}")
        return value

    def boolean(self, name: str) -> bool:
        value = self._value(name, True)
        if not isinstance(value, bool):
            self.fail(f"has a `{name}` that is not true or false")
        return value

    def time(self, name: str, *, required: bool = False) -> datetime | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            parsed: datetime | None = datetime.fromisoformat(value)
            if parsed is not None and parsed.tzinfo is not None:
                parsed.astimezone(UTC)  # a year-1 time east of UTC has no UTC equivalent
        except (ValueError, OverflowError):
            parsed = None
        if parsed is None or parsed.tzinfo is None or len(value) > 40:
            self.fail(f"has a `{name}` that is not a date and time with its UTC offset")
        assert parsed is not None
        return parsed

    def day(self, name: str, *, required: bool = False) -> date | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        try:
            if len(value) == 10:
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"has a `{name}` that is not a date like 2026-03-14")

    def choice(self, name: str, kind: type[_E]) -> _E:
        value = self.text(name, required=True)
        assert value is not None  # required: text() failed the row otherwise
        try:
            return kind(value)
        except ValueError:
            self.fail(f"has a `{name}` I don't know, “{str(value)[:40]}”")

    def listed(self, name: str, *, required: bool = True) -> list[Any]:
        value = self._value(name, required)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"has a `{name}` that is not a list")
        return value

    def mapping(self, name: str, *, required: bool = True) -> dict[str, Any] | None:
        value = self._value(name, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(f"has a `{name}` that is not an object")
        return value

    def ref(self, name: str, ids: Mapping[int, int], *, required: bool = True) -> int | None:
        """The index of the record this field names, which must be in the same document."""
        value = self.integer(name, -INT64_MAX, INT64_MAX, required=required)
        if value is None:
            return None
        if value not in ids:
            self.fail(f"refers to {name} {value}, which is not in the file")
        return ids[value]


def _parse_json(data: bytes) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"That JSON file isn't UTF-8 text (byte {error.start:,}). {NOTHING}"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"That JSON file can't be read: line {error.lineno}, column {error.colno}: "
            f"{error.msg}. {NOTHING}"
        ) from None
    except RecursionError:
        raise InvalidInput(
            f"That JSON file is nested too deeply to be an export. {NOTHING}"
        ) from None


def is_zip(data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC)


def is_export_upload(data: bytes) -> bool:
    """Whether the upload is (or zips) a JSON export rather than a CSV or vCard file."""
    return is_json(data) or is_zip(data)


def _not_an_export_zip(detail: str) -> InvalidInput:
    return InvalidInput(
        f"That zip file isn't a Networking Coach export ({detail}): upload the "
        f"`networking-coach-export.zip` that `/privacy export` sends, as it is. {NOTHING}"
    )


def unzipped_export(data: bytes, *, limit: int = MAX_EXPORT_BYTES) -> bytes:
    """The export JSON inside a zip upload, read with bounds: at most MAX_ZIP_ENTRIES entries,
    one JSON member, and never more than `limit` bytes decompressed whatever the archive's
    headers claim (a zip bomb stops at the limit, after reading only that much)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_an_export_zip("it can't be opened") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _not_an_export_zip(f"it holds {len(entries):,} files; an export holds at most 5")
        members = [e for e in entries if not e.is_dir() and e.filename.endswith(".json")]
        named = [e for e in members if e.filename.rsplit("/", 1)[-1] == JSON_NAME]
        if len(named) == 1:
            member = named[0]
        elif len(members) == 1:
            member = members[0]
        else:
            raise _not_an_export_zip(f"it has no `{JSON_NAME}` in it")
        if member.file_size > limit:
            raise InvalidInput(
                f"The export in that zip file is {member.file_size / MB:,.0f} MB unpacked; I "
                f"can restore up to {limit // MB} MB. {NOTHING}"
            )
        out = bytearray()
        try:
            with archive.open(member) as stream:
                while chunk := stream.read(READ_CHUNK):
                    out += chunk
                    if len(out) > limit:
                        raise InvalidInput(
                            f"The export in that zip file unpacks to more than {limit // MB} "
                            f"MB, more than any export. {NOTHING}"
                        )
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError):
            # Damaged data, a wrong CRC, encryption or a compression method we don't read.
            raise _not_an_export_zip("its contents can't be read") from None
        except zipfile.LargeZipFile:
            raise _not_an_export_zip("it is too large") from None
        return bytes(out)


def export_json(data: bytes, *, limit: int = MAX_EXPORT_BYTES) -> bytes:
    """The JSON of an export upload: the upload itself, or the export inside a zip."""
    if len(data) > limit:
        raise InvalidInput(
            f"That file is {len(data) / MB:,.0f} MB; I can restore exports up to "
            f"{limit // MB} MB. {NOTHING}"
        )
    return unzipped_export(data, limit=limit) if is_zip(data) else data


MAX_PARTS = 100


@dataclass(frozen=True, slots=True)
class ExportPart:
    """One numbered part of an export (`/privacy export` cuts a JSON too large to attach)."""

    export: str  # the same for every part of one export
    number: int
    of: int


def _export_document(data: bytes) -> dict[str, Any]:
    document = _parse_json(data)
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput(
            "That JSON file isn't a Networking Coach export (the `networking-coach.json` "
            f"that `/privacy export` sends). {NOTHING}"
        )
    return document


def export_part(data: bytes) -> ExportPart | None:
    """Which part of an export the JSON is, or None for a whole export."""
    document = _export_document(data)
    part = document.get(PART_KEY)
    if part is None:
        return None
    export, number, total = (
        (part.get("export"), part.get("number"), part.get("of"))
        if isinstance(part, dict)
        else (None, None, None)
    )
    if (
        not isinstance(export, str)
        or not re.fullmatch(r"[0-9a-f]{16}", export)
        or not isinstance(number, int)
        or not isinstance(total, int)
        or isinstance(number, bool)
        or isinstance(total, bool)
        or not 1 <= number <= total <= MAX_PARTS
    ):
        raise InvalidInput(f"That export part has a damaged `part` header. {NOTHING}")
    return ExportPart(export, number, total)


def merged_parts(parts: list[bytes]) -> bytes:
    """The whole export document from all its parts' JSON, in any order (each part's rows in
    turn, section by section); InvalidInput if one is missing, repeated or from another export."""
    documents = sorted(
        (_export_document(data) for data in parts), key=lambda d: d[PART_KEY]["number"]
    )
    first = documents[0][PART_KEY]
    numbers = [d[PART_KEY]["number"] for d in documents]
    if {d[PART_KEY]["export"] for d in documents} != {first["export"]} or numbers != list(
        range(1, first["of"] + 1)
    ):
        raise InvalidInput(f"Those export parts don't belong together. {NOTHING}")
    merged: dict[str, Any] = {k: v for k, v in documents[0].items() if k in HEADER_KEYS}
    for document in documents:
        for table, rows in document.items():
            if table in HEADER_KEYS or table == PART_KEY:
                continue
            if not isinstance(rows, list):
                raise InvalidInput(
                    f"`{table[:40]}` in that export is not a list of records. {NOTHING}"
                )
            merged.setdefault(table, []).extend(rows)
    text = json.dumps(merged, ensure_ascii=False).encode("utf-8")
    if len(text) > MAX_EXPORT_BYTES:
        raise InvalidInput(
            f"Those parts make an export over {MAX_EXPORT_BYTES // MB} MB, more than I can "
            f"restore. {NOTHING}"
        )
    return text


def is_json(data: bytes) -> bool:
    """Whether the upload is JSON rather than CSV or vCard (neither starts with { or [)."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"["))


def read_export(data: bytes) -> Restore:
    """The validated contents of a `/privacy export` file (its JSON, or the zip it came in),
    or InvalidInput saying why."""
    document = _parse_json(export_json(data))
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise InvalidInput(
            "That JSON file isn't a Networking Coach export (the `networking-coach.json` "
            f"that `/privacy export` sends). {NOTHING}"
        )
    version = document.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or version not in READABLE_VERSIONS
    ):
        shown = json.dumps(version, ensure_ascii=False)[:20]
        raise InvalidInput(
            f"That export is version {shown}; I can restore versions 1 to {EXPORT_VERSION}. "
            f"Export again with this bot, or update it. {NOTHING}"
        )
    if PART_KEY in document:
        raise InvalidInput(
            f"That file is one part of an export too large to send in one piece: upload the "
            f"parts one after another with `/contact import`. {NOTHING}"
        )
    if version < EXPORT_VERSION:
        document = upgraded_from_v2(document, HEADER_KEYS)
    unknown = sorted(set(document) - HEADER_KEYS - set(_READERS))
    if unknown:
        raise InvalidInput(
            f"That export has a section I don't know, `{unknown[0][:40]}`. {NOTHING}"
        )
    reader = _Reader()
    for section, read in _READERS.items():
        records = document.get(section, [])
        if not isinstance(records, list):
            raise InvalidInput(f"`{section}` in that export is not a list of records. {NOTHING}")
        names = SECTION_FIELDS[section]
        for number, data_record in enumerate(records, 1):
            read(reader, _Row(section, number, data_record, names))
    return reader.result()


class _Reader:
    """Accumulates the records section by section (in the document's order: records referred
    to come first)."""

    def __init__(self) -> None:
        self.restore = Restore()
        self.contact_ids: dict[int, int] = {}
        self.event_ids: dict[int, int] = {}
        self.contacts: list[RestoredContact] = []
        self.exchanges: list[RestoredExchange] = []
        self.drafts: list[RestoredDraft] = []
        self.reminders: list[RestoredReminder] = []
        self.events: list[RestoredEvent] = []
        self.links: dict[tuple[int, int], None] = {}
        self.letters: dict[int, RestoredLetter] = {}  # by writer
        self.interviews: dict[int, RestoredInterview] = {}  # by event

    def result(self) -> Restore:
        return replace(
            self.restore,
            contacts=tuple(self.contacts),
            exchanges=tuple(self.exchanges),
            drafts=tuple(self.drafts),
            reminders=tuple(self.reminders),
            events=tuple(self.events),
            links=tuple(self.links),
            letters=tuple(self.letters.values()),
            interviews=tuple(self.interviews.values()),
        )

    def single(self, row: _Row, current: object) -> None:
        if current is not None:
            row.fail("is a second one; an export holds one")

    def new_id(self, row: _Row, ids: dict[int, int], index: int) -> None:
        row_id = row.integer("id", -INT64_MAX, INT64_MAX, required=True)
        assert row_id is not None
        if row_id in ids:
            row.fail(f"repeats the id {row_id}")
        ids[row_id] = index

    # -- one method per section --------------------------------------------------------------

    def student(self, row: _Row) -> None:
        self.single(row, self.restore.student)
        timezone = row.text("timezone")
        if timezone is not None and not is_valid_timezone(timezone):
            row.fail(f"has a timezone I don't know, “{timezone[:40]}”")
        self.restore = _with(
            self.restore,
            student=RestoredStudent(
                timezone, row.time("welcomed_at"), _required(row.time("created_at", required=True))
            ),
        )

    def profile(self, row: _Row) -> None:
        self.single(row, self.restore.profile)
        low, high = DELAY_RANGE
        draft = Profile(
            name=row.text("name", required=True) or "",
            school=row.text("school", required=True) or "",
            stage=row.text("stage", required=True) or "",
            interests=row.text("interests"),
            pitch=row.text("pitch"),
            signoff=row.text("signoff"),
            contact_line=row.text("contact_line"),
            follow_up_delay_days=_required(
                row.integer("follow_up_delay_days", low, high, required=True)
            ),
            # Exports from before the setting existed were all US English.
            english=row.text("english") or "us",
        )
        profile = row.check(lambda: validate_profile(draft))
        updated_at = _required(row.time("updated_at", required=True))
        self.restore = _with(self.restore, profile=RestoredProfile(profile, updated_at))

    def contact(self, row: _Row) -> None:
        if len(self.contacts) >= MAX_CONTACTS:
            row.fail(f"is one more than the {MAX_CONTACTS:,} contacts one student can keep")
        self.new_id(row, self.contact_ids, len(self.contacts))
        tags = row.listed("tags", required=False)
        if not all(isinstance(t, str) for t in tags) or len(tags) > 50:
            row.fail("has `tags` that are not a short list of text")
        draft = ContactDraft(
            name=row.text("name", required=True) or "",
            role=row.choice("role", Role),
            title=row.text("title"),
            specialty=row.text("specialty"),
            institution=row.text("institution"),
            met_event=row.text("met_event"),
            met_on=row.day("met_on"),
            email=row.text("email"),
            profile_url=row.text("profile_url"),
            notes=row.text("notes"),
            tags=tuple(tags),
            discord_user_id=row.integer("discord_user_id", 1, INT64_MAX),
            cadence_days=row.integer("cadence_days", CADENCE_MIN_DAYS, CADENCE_MAX_DAYS),
            address_as=row.text("address_as"),
        )
        for tag in draft.tags:  # validate_draft would silently split a tag holding a comma
            if len(tag) > TEXT_MAX or clean_line(tag) != tag or "," in tag or ";" in tag:
                row.fail(f"has a tag that isn't one clean word or phrase, “{tag[:20]}”")
        self.contacts.append(
            RestoredContact(
                draft=row.check(lambda: validate_draft(draft)),
                created_at=_required(row.time("created_at", required=True)),
                updated_at=_required(row.time("updated_at", required=True)),
                follow_up_on=row.day("follow_up_on"),
                snoozed_until=row.day("snoozed_until"),
            )
        )

    def exchange(self, row: _Row) -> None:
        note = row.text("note")
        self.exchanges.append(
            RestoredExchange(
                contact=_required(row.ref("contact", self.contact_ids)),
                kind=row.choice("kind", ExchangeKind),
                happened_on=_required(row.day("happened_on", required=True)),
                note=row.check(lambda: validate_note(note)),
                created_at=_required(row.time("created_at", required=True)),
            )
        )

    def draft(self, row: _Row) -> None:
        template_id = row.text("template", required=True) or ""
        if not _TEMPLATE_ID.fullmatch(template_id):
            row.fail(f"has a `template` that isn't a template name, “{template_id[:40]}”")
        fields = row.mapping("fields") or {}
        if not all(
            k in DRAFT_FIELDS and isinstance(v, str) and len(v) <= TEXT_MAX
            for k, v in fields.items()
        ):
            row.fail("has `fields` that are not the situation fields a draft uses")
        cleaned = row.check(lambda: clean_fields(fields))
        self.drafts.append(
            RestoredDraft(
                contact=_required(row.ref("contact", self.contact_ids)),
                template_id=template_id,
                channel=row.choice("channel", Channel),
                version=_required(row.integer("version", 1, DRAFT_VERSION_MAX, required=True)),
                fields=cleaned,
                created_at=_required(row.time("created_at", required=True)),
                sent_at=row.time("sent_at"),
                nudge_due_at=row.time("nudge_due_at"),
                tone=row.choice("tone", Tone) if row.has("tone") else Tone.WARM,
            )
        )

    def reminder_settings(self, row: _Row) -> None:
        self.single(row, self.restore.reminder_settings)
        cadence = row.mapping("cadence") or {}
        for role, days in cadence.items():
            if role not in _ROLES:
                row.fail(f"has a cadence for a role I don't know, “{str(role)[:40]}”")
            if not isinstance(days, int) or isinstance(days, bool):
                row.fail("has a cadence that is not a whole number of days")
            if not CADENCE_MIN_DAYS <= days <= CADENCE_MAX_DAYS:
                row.fail(f"has a cadence outside {CADENCE_MIN_DAYS}–{CADENCE_MAX_DAYS} days")
        settings = ReminderSettings(
            student_id=0,
            consented_at=_required(row.time("consented_at", required=True)),
            enabled=row.boolean("enabled"),
            paused=row.boolean("paused"),
            digest_weekday=_required(row.integer("digest_weekday", 0, 6, required=True)),
            digest_hour=_required(row.integer("digest_hour", 0, 23, required=True)),
            quiet_when_empty=row.boolean("quiet_when_empty"),
            cadence=cadence,
        )
        self.restore = _with(self.restore, reminder_settings=settings)

    def reminder(self, row: _Row) -> None:
        row.integer("id", -INT64_MAX, INT64_MAX)  # only names the reminder in the calendar
        note = row.text("note")
        cleaned = clean_block(note)
        if cleaned is not None and len(cleaned) > REMINDER_NOTE_MAX:
            row.fail(f"has a note over {REMINDER_NOTE_MAX} characters")
        contact = row.ref("contact", self.contact_ids, required=False)
        if contact is None and cleaned is None:
            row.fail("names neither a contact nor a note")
        self.reminders.append(
            RestoredReminder(
                contact=contact,
                note=cleaned,
                due_at=_required(row.time("due_at", required=True)),
                created_at=_required(row.time("created_at", required=True)),
                done_at=row.time("done_at"),
            )
        )

    def coaching(self, row: _Row) -> None:
        self.single(row, self.restore.coach)
        tip = row.text("last_tip")
        match = _TIP_KEY.fullmatch(tip) if tip is not None else None
        if tip is not None and (match is None or match["topic"] not in TOPICS):
            row.fail(f"has a `last_tip` I don't know, “{tip[:40]}”")
        raw_goal = row.mapping("goal", required=False)
        goal = None
        if raw_goal is not None:
            inner = _Row(row.section, row.number, raw_goal, GOAL_FIELDS)
            numbers = [
                inner.integer(name, 0, GOAL_MAX)
                for name in ("new_contacts", "follow_ups", "check_ins")
            ]
            if any(n is None for n in numbers):
                row.fail("has a weekly goal with some of its three numbers missing")
            goal = WeeklyGoal(*(n or 0 for n in numbers))
        updated_at = _required(row.time("updated_at", required=True))
        self.restore = _with(self.restore, coach=RestoredCoachState(tip, goal, updated_at))

    def event(self, row: _Row) -> None:
        self.new_id(row, self.event_ids, len(self.events))
        name = clean_line(row.text("name", required=True))
        if name is None or len(name) > EVENT_NAME_MAX:
            row.fail(f"needs a `name` of 1–{EVENT_NAME_MAX} characters")
        assert name is not None
        self.events.append(
            RestoredEvent(
                name=name,
                kind=row.choice("kind", EventKind),
                held_on=_required(row.day("held_on", required=True)),
                created_at=_required(row.time("created_at", required=True)),
            )
        )

    def event_person(self, row: _Row) -> None:
        key = (
            _required(row.ref("contact", self.contact_ids)),
            _required(row.ref("event", self.event_ids)),
        )
        if key in self.links:
            row.fail("links the same contact and event a second time")
        self.links[key] = None

    def season_plan(self, row: _Row) -> None:
        self.single(row, self.restore.season_plan)
        cycle = row.text("cycle", required=True) or ""
        if not CYCLE_KEY.match(cycle):
            row.fail(f"has a `cycle` that isn't a cycle like us-2027, “{cycle[:40]}”")
        specialties = row.listed("specialties", required=False)
        if len(specialties) > SPECIALTIES_MAX or not all(
            isinstance(s, str)
            and len(s) <= SPECIALTY_MAX_CHARS
            and clean_line(s) == s
            and s != ""
            and not any(c in s for c in ",;")
            for s in specialties
        ):
            row.fail(
                f"has `specialties` that are not up to {SPECIALTIES_MAX} names of at most "
                f"{SPECIALTY_MAX_CHARS} characters"
            )
        low, high = GRADUATION_YEARS
        self.restore = _with(
            self.restore,
            season_plan=RestoredSeasonPlan(
                cycle=cycle,
                route=row.choice("route", Route),
                graduation_year=row.integer("graduation_year", low, high),
                specialties=tuple(specialties),
                updated_at=_required(row.time("updated_at", required=True)),
                ask_done_on=row.day("ask_done_on"),
                ask_snoozed_until=row.day("ask_snoozed_until"),
            ),
        )

    def letter(self, row: _Row) -> None:
        contact = _required(row.ref("contact", self.contact_ids))
        if contact in self.letters:
            row.fail("is a second letter from the same writer; one writer writes one letter")
        programs = clean_block(row.text("programs"))
        if programs is not None and len(programs) > PROGRAMS_MAX:
            row.fail(f"has `programs` over {PROGRAMS_MAX} characters")
        self.letters[contact] = RestoredLetter(
            contact=contact,
            stage=row.choice("stage", LetterStage),
            asked_on=_required(row.day("asked_on", required=True)),
            deadline=row.day("deadline"),
            programs=programs,
            submitted_on=row.day("submitted_on"),
            snoozed_until=row.day("snoozed_until"),
            created_at=_required(row.time("created_at", required=True)),
            updated_at=_required(row.time("updated_at", required=True)),
            checked_on=row.day("checked_on"),
        )

    def interview(self, row: _Row) -> None:
        event = _required(row.ref("event", self.event_ids))
        if event in self.interviews:
            row.fail("is a second interview on the same event")
        program = clean_line(row.text("program", required=True))
        limit = FIELD_LIMITS["program"]
        if program is None or len(program) > limit:
            row.fail(f"needs a `program` of 1–{limit} characters")
        assert program is not None
        self.interviews[event] = RestoredInterview(
            event=event,
            program=program,
            no_contact=row.boolean("no_contact"),
            created_at=_required(row.time("created_at", required=True)),
        )


def _required(value: _T | None) -> _T:
    assert value is not None  # the accessor was called with required=True
    return value


def _with(restore: Restore, **changes: Any) -> Restore:
    return replace(restore, **changes)


# Section → its reader, in the document's order (a section after those it refers to).
_READERS: dict[str, Callable[[_Reader, _Row], None]] = {
    "student": _Reader.student,
    "profile": _Reader.profile,
    "contacts": _Reader.contact,
    "exchanges": _Reader.exchange,
    "drafts": _Reader.draft,
    "reminder_settings": _Reader.reminder_settings,
    "reminders": _Reader.reminder,
    "coaching": _Reader.coaching,
    "events": _Reader.event,
    "event_people": _Reader.event_person,
    "season_plan": _Reader.season_plan,
    "letters": _Reader.letter,
    "interviews": _Reader.interview,
}
