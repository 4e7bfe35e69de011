"""The rules a contact must satisfy before it is stored, with messages that say how to fix it."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from bot.core.errors import InvalidInput
from bot.core.models import ContactDraft
from bot.core.names import normalise_title, parse_name
from bot.core.text import clean_block, clean_line

NAME_MAX = 100
ADDRESS_AS_MAX = 100
TITLE_MAX = 40
SPECIALTY_MAX = 100
INSTITUTION_MAX = 150
EVENT_MAX = 150
EMAIL_MAX = 254  # RFC 5321 path limit
URL_MAX = 500
NOTES_MAX = 2000
TAGS_MAX = 10
TAG_MAX = 32
EXCHANGE_NOTE_MAX = 1000
CADENCE_MIN_DAYS = 7
CADENCE_MAX_DAYS = 730

_TAG_SPLIT = re.compile(r"[,;\n]+")


def _limit(label: str, value: str | None, maximum: int) -> str | None:
    if value is not None and len(value) > maximum:
        raise InvalidInput(
            f"{label} is {len(value):,} characters; the limit is {maximum:,}. Nothing was saved."
        )
    return value


def parse_tags(text: str | None) -> tuple[str, ...]:
    """Comma-separated tags, lower-cased, without `#`, deduplicated in order."""
    if not text:
        return ()
    tags: list[str] = []
    for part in _TAG_SPLIT.split(text):
        tag = clean_line(part.strip().lstrip("#"))
        if tag is None:
            continue
        tag = tag.casefold()
        _limit(f"The tag “{tag[:20]}…”", tag, TAG_MAX)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > TAGS_MAX:
        raise InvalidInput(f"That's {len(tags)} tags; a contact can have up to {TAGS_MAX}.")
    return tuple(tags)


def normalise_email(text: str | None) -> str | None:
    value = clean_line(text)
    if value is None:
        return None
    _limit("The e-mail address", value, EMAIL_MAX)
    try:
        # No DNS look-up: this only checks the address is well formed.
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise InvalidInput(
            f"“{value[:60]}” doesn't look like an e-mail address (like name@school.edu)."
        ) from None


def normalise_url(text: str | None) -> str | None:
    value = clean_line(text)
    if value is None:
        return None
    _limit("The profile URL", value, URL_MAX)
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or "." not in host or " " in value:
        raise InvalidInput(
            "The profile URL must be a web address starting with http:// or https:// "
            "(for example https://www.linkedin.com/in/your-contact)."
        )
    return value


def validate_draft(draft: ContactDraft) -> ContactDraft:
    """A cleaned copy of `draft`, or InvalidInput naming the first rule it breaks."""
    name = clean_line(draft.name)
    if name is None:
        raise InvalidInput("A contact needs a name. Nothing was saved.")
    cadence = draft.cadence_days
    if cadence is not None and not CADENCE_MIN_DAYS <= cadence <= CADENCE_MAX_DAYS:
        raise InvalidInput(
            f"Keep-in-touch cadence must be between {CADENCE_MIN_DAYS} and {CADENCE_MAX_DAYS} days."
        )
    return replace(
        draft,
        name=_limit("The name", name, NAME_MAX) or name,
        title=_limit("The title", normalise_title(draft.title), TITLE_MAX),
        specialty=_limit("The specialty", clean_line(draft.specialty), SPECIALTY_MAX),
        institution=_limit("The institution", clean_line(draft.institution), INSTITUTION_MAX),
        met_event=_limit("Where you met", clean_line(draft.met_event), EVENT_MAX),
        email=normalise_email(draft.email),
        profile_url=normalise_url(draft.profile_url),
        notes=_limit("Your note about them", clean_block(draft.notes), NOTES_MAX),
        tags=parse_tags(",".join(draft.tags)),
        address_as=_limit("“Address as”", clean_line(draft.address_as), ADDRESS_AS_MAX),
    )


def validate_note(text: str | None) -> str | None:
    return _limit("The note", clean_block(text), EXCHANGE_NOTE_MAX)


def name_key(name: str) -> str:
    """What duplicate detection compares: the parsed given and family name, folded.

    "Dr. Helen Marsh", "Helen Marsh, MD" and "Marsh, Helen" share one key.
    """
    return parse_name(name).key


def email_key(email: str | None) -> str | None:
    return email.casefold() if email else None
