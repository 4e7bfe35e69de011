"""A contact named in a command: Telegram has no autocomplete, so names are typed in full.

The match is folded (case and accents don't matter), then, failing that, by the given and
family name the store keeps for every contact, so "Dr. Amara Okafor" finds "Prof. Amara Okafor,
MD, PhD". A name that fits several lists the near matches; one longer than any contact's name
is refused before any look-up.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.contacts import ContactService
from bot.core.errors import InvalidInput
from bot.core.models import Contact
from bot.core.text import fold
from bot.core.validation import NAME_MAX, name_key

SUGGESTED = 5  # near matches listed when a name fits several


async def find_named(
    contacts: ContactService, student: int, name: str
) -> tuple[Contact | None, Sequence[Contact]]:
    """The student's one contact with this name (or the only one the name suggests), else
    None and the near matches (none at all: nobody by that name)."""
    if len(name) > NAME_MAX:
        raise InvalidInput(
            f"That name is {len(name):,} characters; a contact's name is at most {NAME_MAX}. "
            "Nothing was changed."
        )
    key = name_key(name)
    found = list(await contacts.suggest(student, name))
    if not found and key:
        found = list(await contacts.suggest(student, key))
    exact = [c for c in found if fold(c.name) == fold(name)] or [
        c for c in found if name_key(c.name) == key
    ]
    if len(exact) == 1:
        return exact[0], found
    if len(found) == 1 and not exact:
        return found[0], found
    return None, found


async def contact_named(
    contacts: ContactService, student: int, name: str, *, command: str | None = None
) -> Contact:
    """The student's one contact with this name. `command` is what to send again when the
    name fits several or nobody (None: the student is answering a question, and simply types
    the name again)."""
    contact, found = await find_named(contacts, student, name)
    if contact is not None:
        return contact
    again = f"send {command} again" if command else "type it again"
    if not found:
        raise InvalidInput(
            f"You have no contact called “{name[:60]}”. Check the spelling and {again}, or "
            "add them with /add first."
        )
    names = "\n".join(f"• {c.name}" for c in found[:SUGGESTED])
    raise InvalidInput(f"Which one? {again.capitalize()} with the full name:\n{names}")
