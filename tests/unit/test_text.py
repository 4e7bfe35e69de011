"""fold, clean_line and clean_block: what student text becomes before storage and matching."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.text import clean_block, clean_line, fold, has_visible_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("José Núñez", "jose nunez"),
        ("JOSÉ   NÚÑEZ", "jose nunez"),
        ("  padded  ", "padded"),
        ("Zoë Ångström", "zoe angstrom"),
        ("Straße", "strasse"),
        ("ﬁnance", "finance"),  # NFKD splits the ligature
        ("Ada\u200bLovelace", "adalovelace"),
        ("soft\u00adhyphen", "softhyphen"),
        ("tab\tand\nnewline", "tab and newline"),
        ("", ""),
        ("100% a_b \\", "100% a_b \\"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    """fold lower-cases, strips accents and invisible characters, and collapses white space."""
    assert fold(text) == expected


@given(st.text(max_size=50))
def test_fold_is_idempotent(text: str) -> None:
    """Folding a folded key changes nothing."""
    assert fold(fold(text)) == fold(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\u200b\u200c\u2060\ufeff", None),
        ("\u202e\u202a", None),
        ("  Ada   Lovelace  ", "Ada Lovelace"),
        ("Ada\nLovelace", "Ada Lovelace"),
        ("Ada\r\n\tLovelace", "Ada Lovelace"),
        ("\u202eevil\u202c.exe", "evil.exe"),
        ("\u2066isolate\u2069", "isolate"),
        ("nul\x00bel\x07esc\x1bdel\x7f", "nulbelescdel"),
        ("**bold** @everyone {{ 7*7 }} \"q\" 'q'", "**bold** @everyone {{ 7*7 }} \"q\" 'q'"),
        ("e\u0301", "é"),  # NFC
        ("👩\u200d⚕️", "👩\u200d⚕️"),  # zero-width joiner kept
    ],
    ids=repr,
)
def test_clean_line(text: str | None, expected: str | None) -> None:
    """clean_line gives one visible line, or None when nothing visible is left."""
    assert clean_line(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, None),
        ("", None),
        ("\n\n  \n", None),
        ("\u200b\n\ufeff", None),
        ("one\ntwo", "one\ntwo"),
        ("one   \ntwo  ", "one\ntwo"),
        ("one\n\n\n\n\ntwo", "one\n\ntwo"),
        ("\n\n  lead and trail  \n\n", "lead and trail"),
        ("tab\there", "tab here"),
        ("cr\r\nlf", "cr\nlf"),
        ("ctl\x00\x07\x1b[0m", "ctl[0m"),
        ("\u202eflip\u202c", "flip"),
        ("- [x] *markdown*\n> quote", "- [x] *markdown*\n> quote"),
    ],
    ids=repr,
)
def test_clean_block(text: str | None, expected: str | None) -> None:
    """clean_block keeps line breaks, trims trailing space and squeezes blank runs to one."""
    assert clean_block(text) == expected


@pytest.mark.parametrize(
    ("text", "visible"),
    [("a", True), (" ", False), ("\u200b", False), ("\u00ad\ufeff", False), ("\u200d", True)],
    ids=repr,
)
def test_has_visible_text(text: str, visible: bool) -> None:
    """Invisible characters alone are not visible text."""
    assert has_visible_text(text) is visible


@given(st.text(max_size=80))
def test_clean_line_never_leaves_controls(text: str) -> None:
    """Whatever goes in, a cleaned line has no control characters, newlines or bidi overrides."""
    cleaned = clean_line(text)
    if cleaned is not None:
        assert cleaned == cleaned.strip()
        assert "\n" not in cleaned and "  " not in cleaned
        assert not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in cleaned)
        assert not any(0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069 for ch in cleaned)
        assert clean_line(cleaned) == cleaned
