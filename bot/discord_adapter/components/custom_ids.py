"""The custom_id grammar: `<feature>:<action>:<id>[:<arg>]`, within Discord's 100 characters.

Buttons, menus and forms all carry one, and `routing.Router` matches it to a handler. A format
is forever: a digest sent months ago still carries the ids it was built with, so a pattern may
gain alternatives but never lose one.
"""

from __future__ import annotations

from bot.core.errors import InvalidInput

CUSTOM_ID_MAX = 100  # Discord's limit for buttons, menus and modals
ID = r"\d{1,20}"
# Row ids and snowflakes are SQLite integers (signed 64-bit); a crafted or damaged custom_id
# can carry 20 digits that don't fit, which the database would refuse with an OverflowError.
INT64_MAX = 2**63 - 1
UNKNOWN_ID = (
    "That button or form points at something I can't find, and nothing was changed. "
    "Run the command again to continue."
)


def ref(text: str) -> int:
    """A custom_id's number; InvalidInput when it can't be an id (over SQLite's int64)."""
    value = int(text)
    if not 0 <= value <= INT64_MAX:
        raise InvalidInput(UNKNOWN_ID)
    return value


def checked(custom_id: str) -> str:
    """`custom_id`, refused (a bug, not the student's input) when Discord would refuse it."""
    if len(custom_id) > CUSTOM_ID_MAX:
        raise ValueError("custom_id over Discord's 100-character limit")
    return custom_id
