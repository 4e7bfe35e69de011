"""The bot's own contacts CSV: what `/privacy export` writes and `/contact import` reads back.

One row per contact, UTF-8 with a header; tags are joined with "; ". The csv module's default
(Excel) dialect quotes what needs quoting, so notes with commas, quotes and line breaks survive.

Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or carriage
return) as a formula: a contact named `=HYPERLINK(...)` from someone else's export would run
when the student opens the file. Such cells are written with a leading `'` (the spreadsheet
convention for "this is text"), and `/contact import` strips it again.
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
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"


def neutralised(cell: str) -> str:
    """The cell as a spreadsheet shows it as text, never runs it as a formula."""
    return TEXT_MARK + cell if cell.startswith(FORMULA_STARTS) else cell


def unneutralised(cell: str) -> str:
    """A cell as it was before `neutralised` (for reading the bot's own export back)."""
    if cell.startswith(TEXT_MARK) and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def write_contacts_csv(contacts: Iterable[Contact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for contact in contacts:
        d = contact.draft
        row = [
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
        writer.writerow([neutralised(str(cell)) for cell in row])
    return out.getvalue()
