"""Uploads built to hurt: each gets a clear message or a bounded import, in bounded memory."""

from __future__ import annotations

import tracemalloc

import pytest

from bot.core.errors import UnreadableFile
from bot.core.importers import (
    MAX_CARD_PROPERTIES,
    MAX_LINE_CHARS,
    MAX_ROWS,
    ParsedFile,
    parse_file,
)
from tests.hostile_files import HOSTILE, MB

SIZE = 5 * MB  # the largest upload ImportService accepts
# (file, what the student is told, or None when it imports with the bounds applied)
EXPECTED: dict[str, str | None] = {
    "vcard-one-photo": None,
    "vcard-folded-photo": None,
    "vcard-tiny-cards": f"more than {MAX_ROWS:,} contacts",
    "vcard-many-properties": f"more than {MAX_CARD_PROPERTIES} properties",
    "vcard-folded-note": None,
    "one-line": f"Line 1 is over {MAX_LINE_CHARS:,} characters",
    "blank-lines": "blank lines count too",
    "csv-huge-quoted-cell": "Line 2: one value is far too long",
    "csv-huge-quoted-line": f"Line 2 is over {MAX_LINE_CHARS:,} characters",
}


def _parse_measured(data: bytes) -> tuple[ParsedFile | UnreadableFile, int]:
    tracemalloc.start()
    try:
        try:
            result: ParsedFile | UnreadableFile = parse_file(data)
        except UnreadableFile as error:
            result = error
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[ParsedFile | UnreadableFile, int]]:
    return {name: _parse_measured(build(SIZE)) for name, build in HOSTILE.items()}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_gets_a_clear_answer_in_bounded_memory(
    name: str, results: dict[str, tuple[ParsedFile | UnreadableFile, int]]
) -> None:
    """Each 5 MB hostile file is refused with a message naming the bound, or imported within
    the bounds; Python allocates at most a few times the file while reading it (one base64
    PHOTO used to take 719 MiB)."""
    result, peak = results[name]
    expected = EXPECTED[name]
    if expected is None:
        assert isinstance(result, ParsedFile), result
    else:
        assert isinstance(result, UnreadableFile), result
        assert expected in result.user_message
        assert result.user_message.endswith("Nothing was imported.")
    assert peak < 4 * SIZE, f"{peak / MB:.1f} MiB"


def test_binary_properties_are_dropped_and_the_rest_kept(
    results: dict[str, tuple[ParsedFile | UnreadableFile, int]],
) -> None:
    """A card with a PHOTO imports with its name and e-mail; the photo is never read."""
    for name in ("vcard-one-photo", "vcard-folded-photo"):
        parsed = results[name][0]
        assert isinstance(parsed, ParsedFile)
        [(_, draft)] = parsed.drafts
        assert (draft.name, draft.email) == ("Amara Okafor", "amara@example.org")


def test_an_oversize_card_is_rejected_alone() -> None:
    """A card over the size bound is skipped with its line; the cards around it import."""
    big = HOSTILE["vcard-folded-note"](200_000)
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Sam Lee\r\nEND:VCARD\r\n"
    parsed = parse_file(card + big + card)
    assert [d.name for _, d in parsed.drafts] == ["Sam Lee", "Sam Lee"]
    assert parsed.rejected == ((5, "this vCard is over 64 KB of text"),)


@pytest.mark.parametrize("binary", ["LOGO", "SOUND", "KEY", "photo"])
def test_every_binary_property_is_dropped(binary: str) -> None:
    """LOGO, SOUND and KEY go the way of PHOTO, whatever their case, even in vCard 2.1's
    unindented base64."""
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ada Lovelace\r\n"
        f"{binary};ENCODING=BASE64;TYPE=JPEG:"
        + "QUJD" * 20_000
        + "\r\n"
        + "QUJDQUJD\r\nQUJD\r\n\r\nNOTE:kept\r\nEND:VCARD\r\n"
    )
    parsed = parse_file(text.encode())
    [(_, draft)] = parsed.drafts
    assert draft.name == "Ada Lovelace" and draft.notes == "kept"


def test_blank_lines_count_toward_the_row_limit() -> None:
    rows = "name,role,notes\n" + "Ada,,\n" * 5 + "\n" * 10
    with pytest.raises(UnreadableFile, match="blank lines count too"):
        parse_file(rows.encode(), max_rows=14)
    assert len(parse_file(rows.encode(), max_rows=15).drafts) == 5
