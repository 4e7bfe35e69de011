"""Cleaning and folding of student-entered text.

Text is stored as the student wrote it (markdown, quotes, `@everyone` and template syntax
included): escaping is the presenter's job and pings are switched off on the client. What is
removed here is only what no one types on purpose and what can disguise text: control
characters and bidirectional overrides.
"""

from __future__ import annotations

import re
import unicodedata

# U+202A..U+202E and U+2066..U+2069 reorder the text around them: a name could display as
# something else entirely. Zero-width joiners are kept (emoji sequences need them).
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_INVISIBLE = re.compile(r"[\u200b\u200c\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")


def _strip_controls(text: str, *, keep_newlines: bool) -> str:
    text = unicodedata.normalize("NFC", text).translate(_BIDI_CONTROLS)
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean_line(text: str | None) -> str | None:
    """One line of text with runs of white space collapsed; None when nothing visible is left."""
    if text is None:
        return None
    cleaned = _SPACES.sub(" ", _strip_controls(text, keep_newlines=False)).strip()
    return cleaned if has_visible_text(cleaned) else None


def clean_block(text: str | None) -> str | None:
    """Multi-line text (notes): line breaks kept, trailing space and blank runs trimmed."""
    if text is None:
        return None
    lines = [line.rstrip() for line in _strip_controls(text, keep_newlines=True).split("\n")]
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return cleaned if has_visible_text(cleaned) else None


def has_visible_text(text: str) -> bool:
    return bool(_INVISIBLE.sub("", text).strip())


def fold(text: str) -> str:
    """Case- and accent-insensitive key: 'José  Núñez' and 'jose nunez' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", _INVISIBLE.sub("", without_marks)).strip().casefold()
