"""The bot's own contacts CSV: what `/privacy export` writes and `/contact import` reads back.

One row per contact, UTF-8 with a header; tags are joined with "; ". The csv module's default
(Excel) dialect quotes what needs quoting, so notes with commas, quotes and line breaks survive.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from bot.core.models import Contact

COLUMNS = (
    "name",
    "title",
    "role",
    "specialty",
    "institution",
    "met_event",
    "met_on",
    "email",
    "profile_url",
    "notes",
    "tags",
    "cadence_days",
)
TAG_SEPARATOR = "; "


def write_contacts_csv(contacts: Iterable[Contact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for contact in contacts:
        d = contact.draft
        writer.writerow(
            [
                d.name,
                d.title or "",
                d.role.value,
                d.specialty or "",
                d.institution or "",
                d.met_event or "",
                d.met_on.isoformat() if d.met_on else "",
                d.email or "",
                d.profile_url or "",
                d.notes or "",
                TAG_SEPARATOR.join(d.tags),
                d.cadence_days or "",
            ]
        )
    return out.getvalue()
