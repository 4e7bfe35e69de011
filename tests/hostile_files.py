"""The worst uploads of a given size: what the import's bounds are tested and benchmarked on.

Shared by tests/unit/test_hostile_uploads.py and `python -m bench.uploads`; each builder
returns the file's bytes, `size` bytes or a little under. HOSTILE_EXPORTS are what a restore
must refuse (tests/unit/test_hostile_exports.py).
"""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Callable

MB = 1024 * 1024
CARD = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n"


def _base64(size: int) -> bytes:
    raw = bytes(range(256)) * (size * 3 // 4 // 256 + 1)
    return base64.b64encode(raw)[:size]


def vcard_one_photo(size: int = 5 * MB) -> bytes:
    """One card whose PHOTO is the whole file, on one line (vCard 3.0 ENCODING=b)."""
    head = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Amara Okafor\r\nPHOTO;ENCODING=b;TYPE=JPEG:"
    tail = b"\r\nEMAIL:amara@example.org\r\nEND:VCARD\r\n"
    return head + _base64(size - len(head) - len(tail)) + tail


def vcard_folded_photo(size: int = 5 * MB) -> bytes:
    """The same PHOTO folded at 75 characters, as most address books write it."""
    head = b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Amara Okafor\r\nitem1.PHOTO;ENCODING=BASE64:"
    tail = b"\r\nEMAIL:amara@example.org\r\nEND:VCARD\r\n"
    body = _base64((size - len(head) - len(tail)) * 74 // 77)
    folded = b"\r\n ".join(body[i : i + 74] for i in range(0, len(body), 74))
    return head + folded + tail


def vcard_tiny_cards(size: int = 5 * MB) -> bytes:
    """As many minimal cards as fit (over a hundred thousand)."""
    return CARD * (size // len(CARD))


def vcard_many_properties(size: int = 5 * MB) -> bytes:
    """One card with a hundred thousand NOTE lines."""
    head, tail = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\n", b"END:VCARD\r\n"
    line = b"NOTE:a short note\r\n"
    return head + line * ((size - len(head) - len(tail)) // len(line)) + tail


def vcard_folded_note(size: int = 5 * MB) -> bytes:
    """One card whose NOTE is folded over the whole file."""
    head, tail = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nNOTE:", b"\r\nEND:VCARD\r\n"
    fold = b"x" * 73 + b"\r\n "
    return head + fold * ((size - len(head) - len(tail)) // len(fold)) + b"x" + tail


def one_line(size: int = 5 * MB) -> bytes:
    """5 MB without a line break."""
    return b"name,role,notes," + b"a" * (size - 16)


def blank_lines(size: int = 5 * MB) -> bytes:
    """A header, one contact, then nothing but line breaks."""
    head = b"name,role,notes\nAda,,\n"
    return head + b"\n" * (size - len(head))


def csv_huge_quoted_cell(size: int = 5 * MB) -> bytes:
    """One quoted notes cell as large as the file, its text broken into short lines."""
    head, tail = b'name,role,notes\nAda,,"', b'"\n'
    line = b"x" * 99 + b"\n"
    return head + line * ((size - len(head) - len(tail)) // len(line)) + tail


def csv_huge_quoted_line(size: int = 5 * MB) -> bytes:
    """One quoted cell as large as the file, on one line."""
    head, tail = b'name,role,notes\nAda,,"', b'"\n'
    return head + b"x" * (size - len(head) - len(tail)) + tail


HOSTILE: dict[str, Callable[[int], bytes]] = {
    "vcard-one-photo": vcard_one_photo,
    "vcard-folded-photo": vcard_folded_photo,
    "vcard-tiny-cards": vcard_tiny_cards,
    "vcard-many-properties": vcard_many_properties,
    "vcard-folded-note": vcard_folded_note,
    "one-line": one_line,
    "blank-lines": blank_lines,
    "csv-huge-quoted-cell": csv_huge_quoted_cell,
    "csv-huge-quoted-line": csv_huge_quoted_line,
}


# -- hostile exports: what a restore (`/contact import` of a .json or .zip) must refuse ---------

EXPORT_HEAD = b'{"format": "networking-coach-export", "version": 2, '


def _zip(members: list[tuple[str, bytes]], level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(unpacked: int = 65 * MB) -> bytes:
    """An export-named member of `unpacked` bytes of spaces: a few tens of KB zipped."""
    return _zip([("networking-coach.json", EXPORT_HEAD + b" " * unpacked + b"}")])


def zip_bomb_lying(unpacked: int = 65 * MB) -> bytes:
    """The same bomb whose headers claim the member unpacks to 1 KB (only reading tells)."""
    data = bytearray(zip_bomb(unpacked))
    real = (len(EXPORT_HEAD) + unpacked + 1).to_bytes(4, "little")
    fake = (1024).to_bytes(4, "little")
    # The local header (offset 22) and the central directory entry (offset 24) hold the size.
    local = data.index(b"PK\x03\x04")
    central = data.index(b"PK\x01\x02")
    assert data[local + 22 : local + 26] == real and data[central + 24 : central + 28] == real
    data[local + 22 : local + 26] = fake
    data[central + 24 : central + 28] = fake
    return bytes(data)


def zip_many_entries(entries: int = 10_000) -> bytes:
    """Ten thousand tiny members."""
    return _zip([(f"f{n}.json", b"{}") for n in range(entries)], level=1)


def zip_nested() -> bytes:
    """A zip holding a zip holding the export name: never unpacked twice."""
    inner = _zip([("networking-coach.json", EXPORT_HEAD + b'"contacts": []}')])
    return _zip([("networking-coach-export.zip", inner)])


def json_deep(depth: int = 10_000) -> bytes:
    """An export whose contacts list nests ten thousand levels deep."""
    return EXPORT_HEAD + b'"contacts": ' + b"[" * depth + b"]" * depth + b"}"


def json_huge_string(size: int = 5 * MB) -> bytes:
    """One contact whose notes are a 5 MB string."""
    row = (
        b'{"id": 1, "name": "Ada", "role": "other", "tags": "[]", "created_at": '
        b'"2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00", "notes": "'
    )
    return EXPORT_HEAD + b'"contacts": [' + row + b"x" * size + b'"}]}'


# (builder, a phrase of what the student is told)
HOSTILE_EXPORTS: dict[str, tuple[Callable[[], bytes], str]] = {
    "zip-bomb": (zip_bomb, "unpacked; I can restore up to 64 MB"),
    "zip-bomb-lying": (zip_bomb_lying, "its contents can't be read"),
    "zip-many-entries": (zip_many_entries, "it holds 10,000 files"),
    "zip-nested": (zip_nested, "it has no `networking-coach.json` in it"),
    "json-deep": (json_deep, "nested too deeply"),
    "json-huge-string": (json_huge_string, "far longer than it can be"),
}
