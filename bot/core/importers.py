"""Reading contacts out of other tools' exports: bytes in, drafts (with line numbers) out.

Pure functions, no I/O. The format is recognised by content, never by file name: a vCard
begins with BEGIN:VCARD; a CSV is whichever export its header row belongs to (LinkedIn's
Connections.csv, Google Contacts in either header layout, or this bot's own export). Rows that
cannot become a contact are returned with a reason; a file that cannot be read at all raises
`UnreadableFile` naming the line, so nothing is imported from it.

Drafts are not validated here (ContactService's rules do that when they are saved); the
importers only clip free text to the stored limits, so a long LinkedIn headline does not cost
the student the whole contact.

The file is untrusted, so its size is bounded before any parser sees it: lines are read one at
a time without copying the file (MAX_LINE_CHARS each), blank lines count toward the row limit,
a vCard keeps at most MAX_CARD_PROPERTIES properties and MAX_CARD_CHARS characters, and its
binary properties (a PHOTO, a LOGO, a SOUND or a KEY, often megabytes of base64 the bot never
uses) are dropped while streaming, before anything decodes or joins them. `python -m
bench.uploads` measures memory and time for the worst 5 MB files.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import vobject

from bot.core.contact_csv import COLUMNS, TAG_SEPARATOR, unneutralised
from bot.core.errors import UnreadableFile
from bot.core.models import ContactDraft, Role
from bot.core.validation import (
    EVENT_MAX,
    INSTITUTION_MAX,
    NOTES_MAX,
    SPECIALTY_MAX,
    TAG_MAX,
    TAGS_MAX,
    TITLE_MAX,
)

MAX_ROWS = 10_000  # contacts and blank lines together
# Longer than any real export's line (a Google Contacts row with long notes is a few thousand);
# binary vCard properties are dropped before this check, whatever their length.
MAX_LINE_CHARS = 32_768
MAX_CARD_PROPERTIES = 200  # a full address-book card has a few dozen
MAX_CARD_CHARS = 65_536  # after binary properties are dropped: notes are clipped far below
BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
# LinkedIn puts a few "Notes:" lines before its header; nobody puts twenty.
HEADER_SEARCH_RECORDS = 20
DELIMITERS = (",", ";", "\t")  # Excel re-saves CSV with ';' in many European locales
MULTI_VALUE = " ::: "  # Google Contacts joins several values in one cell with this
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*\.?[ -](\d{4})")


class ImportFormat(StrEnum):
    """Which export a file was recognised as."""

    LINKEDIN = "linkedin"
    GOOGLE = "google"
    VCARD = "vcard"
    COACH = "coach"

    @property
    def label(self) -> str:
        return {
            "linkedin": "LinkedIn connections",
            "google": "Google Contacts",
            "vcard": "vCard",
            "coach": "Networking Coach export",
        }[self]


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A file's contacts, each with the line it starts on, and the rows that were skipped."""

    format: ImportFormat
    drafts: tuple[tuple[int, ContactDraft], ...]
    rejected: tuple[tuple[int, str], ...]


class _Rejected(Exception):
    """One row cannot become a contact (the reason is shown with its line number)."""


def parse_file(data: bytes, *, max_rows: int = MAX_ROWS) -> ParsedFile:
    """The contacts in `data`, whichever supported export it is; UnreadableFile if none."""
    text = _decode(data)
    if not text.strip():
        raise UnreadableFile("That file is empty: there are no contacts in it.")
    if text.lstrip().upper().startswith("BEGIN:VCARD"):
        return _parse_vcards(text, max_rows)
    return _parse_csv(text, max_rows)


# -- decoding ----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Outlook and old Excel save UTF-16
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(
                "That file says it is UTF-16 text but isn't. Export it again as CSV or vCard."
            ) from None
    else:
        try:
            text = data.decode("utf-8-sig")  # "-sig": Google's and Excel's exports start with a BOM
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise UnreadableFile(
                f"Line {line} isn't UTF-8 text, so this doesn't look like a contacts export. "
                "Upload LinkedIn's Connections.csv, a Google Contacts CSV or a .vcf file "
                "(saved as UTF-8). Nothing was imported."
            ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise UnreadableFile(
            f"Line {line} contains binary data, so this isn't a CSV or vCard file. "
            "Nothing was imported."
        )
    return text


# -- CSV ---------------------------------------------------------------------------------------

_CSV_ERRORS = (
    ("unexpected end of data", "a quoted value starts here and is never closed (a missing '\"')"),
    ("expected after", "a closing quote is followed by more text in the same value"),
    ("field larger than field limit", "one value is far too long"),
    ("new-line character seen in unquoted field", "a line break appears where it can't"),
)


def _lines(text: str) -> Iterator[tuple[int, str, bool]]:
    """(line number, the line without its ending, too long?) one at a time, without copying
    the text: a line over MAX_LINE_CHARS comes as its first MAX_LINE_CHARS characters only."""
    newline = "\n" if "\n" in text or "\r" not in text else "\r"  # old Mac files: CR only
    start, end_of_text = 0, len(text)
    number = 0
    while start < end_of_text:
        end = text.find(newline, start)
        if end < 0:
            end = end_of_text
        number += 1
        too_long = end - start > MAX_LINE_CHARS
        line = text[start : min(end, start + MAX_LINE_CHARS)]
        yield number, line.removesuffix("\r"), too_long
        start = end + 1


def _line_too_long(number: int) -> UnreadableFile:
    return UnreadableFile(
        f"Line {number} is over {MAX_LINE_CHARS:,} characters, far longer than any contact. "
        "This doesn't look like a contacts export; export the file again. Nothing was imported."
    )


def _bounded_lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, for the csv module; UnreadableFile at a line over
    MAX_LINE_CHARS (before the csv module builds it)."""
    for number, line, too_long in _lines(text):
        if too_long:
            raise _line_too_long(number)
        yield line + "\n"


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line the record starts on, cells); a quoted value may span several lines."""
    reader = csv.reader(_bounded_lines(text), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            detail = next(
                (said for key, said in _CSV_ERRORS if key in str(error)), "the CSV is malformed"
            )
            raise UnreadableFile(
                f"Line {start}: {detail}. Fix that line (or export the file again) and "
                "try again. Nothing was imported."
            ) from None
        yield start, row
        start = reader.line_num + 1


def _norm(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split()).casefold()


Mapper = Callable[[Mapping[str, str]], ContactDraft]


def _classify(names: set[str]) -> tuple[ImportFormat, Mapper] | None:
    if {"first name", "last name", "url", "connected on"} <= names:
        return ImportFormat.LINKEDIN, _from_linkedin
    if {"first name", "last name"} <= names and names & {
        "e-mail 1 - value",
        "organization name",
        "labels",
    }:
        return ImportFormat.GOOGLE, _from_google
    if names & {"given name", "family name"} and names & {
        "e-mail 1 - value",
        "group membership",
        "organization 1 - name",
    }:
        return ImportFormat.GOOGLE, _from_google
    if "name" in names and len(names & set(COLUMNS)) >= 3:
        return ImportFormat.COACH, _from_coach
    return None


def _find_header(
    text: str,
) -> tuple[ImportFormat, Mapper, list[str], Iterator[tuple[int, list[str]]]]:
    first_error: UnreadableFile | None = None
    for delimiter in DELIMITERS:
        records = _csv_records(text, delimiter)
        try:
            for _, (_, cells) in zip(range(HEADER_SEARCH_RECORDS), records, strict=False):
                found = _classify({_norm(c) for c in cells})
                if found is not None:
                    return found[0], found[1], [_norm(c) for c in cells], records
        except UnreadableFile as error:
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    raise UnreadableFile(
        "I couldn't find a header row I recognise in the first "
        f"{HEADER_SEARCH_RECORDS} lines. Upload LinkedIn's Connections.csv (from Settings → "
        "Data privacy → Get a copy of your data), a Google Contacts CSV export, a .vcf file, "
        "or a file from `/privacy export`. Nothing was imported."
    )


def _parse_csv(text: str, max_rows: int) -> ParsedFile:
    fmt, mapper, header, records = _find_header(text)
    drafts: list[tuple[int, ContactDraft]] = []
    rejected: list[tuple[int, str]] = []
    rows = 0
    for line, cells in records:
        rows += 1  # a blank line too: 5 MB of them must not keep the parser busy
        if rows > max_rows:
            raise _too_many(max_rows)
        if not any(c.strip() for c in cells):
            continue  # blank lines between or after the rows
        row: dict[str, str] = {}
        for name, cell in zip(header, cells, strict=False):
            row.setdefault(name, cell.strip())
        try:
            drafts.append((line, mapper(row)))
        except _Rejected as why:
            rejected.append((line, str(why)))
    return ParsedFile(fmt, tuple(drafts), tuple(rejected))


def _too_many(max_rows: int) -> UnreadableFile:
    return UnreadableFile(
        f"That file has more than {max_rows:,} contacts (blank lines count too), the most I "
        "import at once. Split it into smaller files and import each one. Nothing was imported."
    )


# -- field helpers -----------------------------------------------------------------------------


def _clip(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _first(value: str | None) -> str | None:
    """The first of several values Google joined into one cell."""
    if not value:
        return None
    return value.split(MULTI_VALUE)[0].strip() or None


def _join(*parts: str | None, sep: str = " ") -> str | None:
    joined = sep.join(p.strip() for p in parts if p and p.strip())
    return joined or None


def _name(*parts: str | None) -> str:
    name = _join(*parts)
    if name is None:
        raise _Rejected("it has no name")
    return name


def _tags(values: Sequence[str]) -> tuple[str, ...]:
    tags: list[str] = []
    for value in values:
        tag = value.strip().lstrip("#").strip().casefold()
        if tag and tag[:TAG_MAX] not in tags:
            tags.append(tag[:TAG_MAX])
    return tuple(tags[:TAGS_MAX])


def _notes(position: str | None, notes: str | None) -> str | None:
    """A job title ("Resident Physician") has no field of its own: it leads the notes."""
    first = f"Position: {position.strip()}" if position and position.strip() else None
    return _clip(_join(first, notes, sep="\n"), NOTES_MAX)


def _day(text: str | None) -> date | None:
    """LinkedIn's "12 Mar 2024" (month names in English whatever the locale) or ISO dates."""
    if not text:
        return None
    text = text.strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _DAY_MONTH_YEAR.fullmatch(text)
    if match and match[2].casefold() in _MONTHS:
        try:
            return date(int(match[3]), _MONTHS[match[2].casefold()], int(match[1]))
        except ValueError:
            return None
    return None


def _draft(**values: Any) -> ContactDraft:
    return ContactDraft(
        name=values["name"],
        role=values.get("role", Role.OTHER),
        title=_clip(values.get("title"), TITLE_MAX),
        specialty=_clip(values.get("specialty"), SPECIALTY_MAX),
        institution=_clip(values.get("institution"), INSTITUTION_MAX),
        met_event=_clip(values.get("met_event"), EVENT_MAX),
        met_on=values.get("met_on"),
        email=values.get("email") or None,
        profile_url=values.get("profile_url") or None,
        notes=values.get("notes"),
        tags=values.get("tags", ()),
        cadence_days=values.get("cadence_days"),
    )


# -- CSV mappers -------------------------------------------------------------------------------


def _from_linkedin(row: Mapping[str, str]) -> ContactDraft:
    return _draft(
        name=_name(row.get("first name"), row.get("last name")),
        institution=row.get("company"),
        notes=_notes(row.get("position"), None),
        email=row.get("email address"),
        profile_url=row.get("url"),
        met_on=_day(row.get("connected on")),
    )


def _numbered(row: Mapping[str, str], pattern: str) -> str | None:
    """The first non-empty value among numbered columns ("E-mail 1 - Value", "E-mail 2 - …")."""
    regex = re.compile(pattern)
    for name, value in row.items():
        if regex.fullmatch(name) and _first(value):
            return _first(value)
    return None


def _labels(cell: str | None) -> list[str]:
    """Google's own groups ("* myContacts", "* starred") are not the student's tags."""
    if not cell:
        return []
    return [v for v in (p.strip() for p in cell.split(MULTI_VALUE)) if v and not v.startswith("*")]


def _from_google(row: Mapping[str, str]) -> ContactDraft:
    if "first name" in row:  # the current layout
        name = _join(row.get("first name"), row.get("middle name"), row.get("last name"))
        institution, position = row.get("organization name"), row.get("organization title")
        department, labels = row.get("organization department"), row.get("labels")
    else:  # the older one ("Given Name", "Organization 1 - Name", "Group Membership")
        name = row.get("name") or _join(
            row.get("given name"), row.get("additional name"), row.get("family name")
        )
        institution = _numbered(row, r"organization \d+ - name")
        position = _numbered(row, r"organization \d+ - title")
        department = _numbered(row, r"organization \d+ - department")
        labels = row.get("group membership")
    name = name or row.get("nickname") or row.get("file as")
    return _draft(
        name=_name(name),
        title=row.get("name prefix"),
        institution=_first(institution),
        specialty=_first(department),
        notes=_notes(_first(position), row.get("notes")),
        email=_numbered(row, r"e-mail \d+ - value"),
        profile_url=_numbered(row, r"website \d+ - value"),
        tags=_tags(_labels(labels)),
    )


def _role(text: str | None) -> Role:
    if not text:
        return Role.OTHER
    key = _norm(text)
    for role in Role:
        if key in (role.value, role.label.casefold()):
            return role
    raise _Rejected(f"its role “{text[:40]}” isn't one I know")


def _from_coach(cells: Mapping[str, str]) -> ContactDraft:
    row = {key: unneutralised(value) for key, value in cells.items()}  # our export's "'="
    cadence_text = row.get("cadence_days") or ""
    try:
        cadence = int(cadence_text) if cadence_text else None
    except ValueError:
        raise _Rejected(f"its cadence_days “{cadence_text[:20]}” isn't a number") from None
    met_on_text = row.get("met_on")
    met_on = _day(met_on_text)
    if met_on_text and met_on is None:
        raise _Rejected(f"its met_on “{met_on_text[:20]}” isn't a date like 2026-03-14")
    tags = (row.get("tags") or "").replace(TAG_SEPARATOR.strip(), ",").split(",")
    return _draft(
        name=_name(row.get("name")),
        role=_role(row.get("role")),
        title=row.get("title"),
        specialty=row.get("specialty"),
        institution=row.get("institution"),
        met_event=row.get("met_event"),
        met_on=met_on,
        email=row.get("email"),
        profile_url=row.get("profile_url"),
        notes=_clip(row.get("notes"), NOTES_MAX),
        tags=_tags(tags),
        cadence_days=cadence,
    )


# -- vCard -------------------------------------------------------------------------------------


def _property_name(line: str) -> str:
    """ "PHOTO" for "item1.PHOTO;ENCODING=b:..." (the group and parameters left off)."""
    head = line[:80].split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].strip().upper()


@dataclass(slots=True)
class _Card:
    start: int
    lines: list[str]
    properties: int = 0
    chars: int = 0
    oversize: bool = False
    skipping: bool = False  # inside a binary property (its folded lines are dropped too)

    def add(self, line: str) -> None:
        self.chars += len(line) + 2
        if self.chars > MAX_CARD_CHARS:
            self.oversize, self.lines = True, []  # keep nothing more of it
        elif not self.oversize:
            self.lines.append(line)


def _cards(text: str, max_rows: int) -> Iterator[tuple[int, str | None]]:
    """(line the card begins on, its text, or None when it is over MAX_CARD_CHARS): cards are
    split here so each keeps its line, and bounded before vobject reads them."""
    card: _Card | None = None
    records = 0  # cards and blank lines outside them
    for number, line, too_long in _lines(text):
        if card is None:
            word = line.strip().upper()
            if not word:
                records += 1
                if records > max_rows:
                    raise _too_many(max_rows)
            elif word == "BEGIN:VCARD":
                records += 1
                if records > max_rows:
                    raise _too_many(max_rows)
                card = _Card(number, [line])
            elif too_long:
                raise _line_too_long(number)
            else:
                raise UnreadableFile(
                    f"Line {number} is outside any vCard (each card starts with BEGIN:VCARD "
                    "and ends with END:VCARD). Nothing was imported."
                )
            continue
        folded = line[:1] in (" ", "\t")
        # vCard 2.1 wraps base64 without indenting it: a line without ":" continues it.
        if card.skipping and (folded or ":" not in line[:80]):
            continue
        if folded:
            if too_long:
                raise _line_too_long(number)
            card.add(line)
            continue
        name = _property_name(line)
        card.skipping = name in BINARY_PROPERTIES
        if card.skipping:
            continue
        if too_long:
            raise _line_too_long(number)
        word = line.strip().upper()
        if word == "BEGIN:VCARD":
            raise UnreadableFile(
                f"The vCard that starts on line {card.start} has no END:VCARD before the next "
                f"card on line {number}. Nothing was imported."
            )
        if word == "END:VCARD":
            card.add(line)
            yield card.start, None if card.oversize else "\r\n".join(card.lines) + "\r\n"
            card = None
            continue
        card.properties += 1
        if card.properties > MAX_CARD_PROPERTIES:
            raise UnreadableFile(
                f"The vCard that starts on line {card.start} has more than "
                f"{MAX_CARD_PROPERTIES} properties, more than any contact needs. Export the "
                "file again. Nothing was imported."
            )
        card.add(line)
    if card is not None:
        raise UnreadableFile(
            f"The vCard that starts on line {card.start} never ends (no END:VCARD). "
            "The file may be cut short; export it again. Nothing was imported."
        )


def _parse_vcards(text: str, max_rows: int) -> ParsedFile:
    drafts: list[tuple[int, ContactDraft]] = []
    rejected: list[tuple[int, str]] = []
    # Split (and count) every card before reading any: a file over the limits is refused in a
    # fraction of a second, not after vobject has read 10,000 cards. The texts together are
    # no larger than the file.
    for line, card_text in list(_cards(text, max_rows)):
        if card_text is None:
            rejected.append((line, f"this vCard is over {MAX_CARD_CHARS // 1024} KB of text"))
            continue
        try:
            drafts.append((line, _from_vcard(card_text)))
        except _Rejected as why:
            rejected.append((line, str(why)))
    return ParsedFile(ImportFormat.VCARD, tuple(drafts), tuple(rejected))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return _join(*(_text(v) for v in value), sep=", ")
    return str(value).strip() or None


def _from_vcard(card_text: str) -> ContactDraft:
    try:
        card = vobject.readOne(card_text)
    except Exception:  # vobject raises many types on bad input; the file is untrusted
        raise _Rejected("this vCard couldn't be read") from None
    try:
        return _vcard_draft(card)
    except _Rejected:
        raise
    except Exception:  # an odd value (a list where text should be, bad encoding …)
        raise _Rejected("this vCard has a value I couldn't read") from None


def _vcard_draft(card: Any) -> ContactDraft:
    contents: dict[str, list[Any]] = card.contents

    def values(key: str) -> list[Any]:
        return [line.value for line in contents.get(key, [])]

    def first(key: str) -> str | None:
        return next((t for v in values(key) if (t := _text(v))), None)

    prefix = given = family = additional = None
    names = values("n")
    if names and isinstance(names[0], vobject.vcard.Name):
        n = names[0]
        prefix, given, additional, family = (
            _text(n.prefix),
            _text(n.given),
            _text(n.additional),
            _text(n.family),
        )
    name = first("fn") or _join(given, additional, family)
    if name and prefix and name.startswith(prefix + " "):
        name = name[len(prefix) + 1 :]  # "Dr. José Núñez": the title has a field of its own
    org = next((v for v in values("org") if v), None)
    org_parts = [_text(p) for p in (org if isinstance(org, list) else [org])] if org else []
    categories: list[str] = []
    for value in values("categories"):
        categories += [str(v) for v in value] if isinstance(value, list) else str(value).split(",")
    return _draft(
        name=_name(name),
        title=prefix,
        institution=org_parts[0] if org_parts else None,
        specialty=_join(*org_parts[1:], sep=", ") if len(org_parts) > 1 else None,
        notes=_notes(first("title"), first("note")),
        email=first("email"),
        profile_url=first("url"),
        tags=_tags(categories),
    )
