"""The worst uploads of a given size: what the import's bounds are tested and benchmarked on.

Shared by tests/unit/test_hostile_uploads.py and `python -m bench.uploads`; each builder
returns the file's bytes, `size` bytes or a little under.
"""

from __future__ import annotations

import base64
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
