"""Helpers for JSON export/restore tests: a rich account, and comparing two exports.

Two exports of the same data differ only in what a restore cannot (and must not) carry over:
row ids (new ones are given, references follow them), the student's id, when the export was
made, and what describes the old account's place in Discord (its DM channel, last server and
DM reachability), which the bot learns again on first use.
"""

from __future__ import annotations

import copy
from typing import Any

from bot.core.drafts import DraftRequest
from bot.core.events import EventKind
from bot.core.models import ContactDraft, ExchangeKind, ItemKind, Role
from bot.core.services import Services
from tests.fakes import FakeClock

# Per table: the columns that name another table's row.
REFERENCES = {
    "exchanges": {"contact_id": "contacts"},
    "drafts": {"contact_id": "contacts"},
    "reminders": {"contact_id": "contacts"},
    "contact_events": {"contact_id": "contacts", "event_id": "events"},
}
OWNER_COLUMNS = ("owner_id", "student_id")
ACCOUNT_COLUMNS = ("id", "dm_channel_id", "guild_id", "unreachable_since")
TRICKY_NOTES = (
    'Said "hi" — *bold* _it_ `code` **x** {{ 7*7 }} {% if x %} @everyone <@123>\n'
    "second line: ünïcode 漢字 🩺 'single' \\back\\slash"
)


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with ids renumbered by order of appearance (references alike), owner ids,
    the export time and the Discord-account columns removed."""
    doc = copy.deepcopy(document)
    for key in ("exported_at", "student_id"):
        doc.pop(key, None)
    numbering: dict[str, dict[Any, int]] = {}
    for table, rows in doc.items():
        if not isinstance(rows, list):
            continue
        if table != "students":
            numbering[table] = {row["id"]: n for n, row in enumerate(rows, 1) if "id" in row}
    for table, rows in doc.items():
        if not isinstance(rows, list):
            continue
        for row in rows:
            for column in OWNER_COLUMNS:
                row.pop(column, None)
            if table == "students":
                for column in ACCOUNT_COLUMNS:
                    row.pop(column, None)
            elif "id" in row:
                row["id"] = numbering[table][row["id"]]
            for column, target in REFERENCES.get(table, {}).items():
                if row.get(column) is not None:
                    row[column] = numbering[target][row[column]]
    return doc


async def rich_account(services: Services, clock: FakeClock, owner: int) -> None:
    """Every kind of data a student can have: contacts with every field and awkward text,
    exchanges, events linked to contacts, drafts sent and not, reminders done and open,
    reminder settings, a profile, a weekly goal and the last tip."""
    await services.reminders.setup(
        owner, timezone="Europe/Paris", weekday=2, hour=8, cadence={"attending": 45}
    )
    await services.drafts.save_profile(
        owner,
        {
            "name": "Zoë O'Brien-Łukasz",
            "school": 'St "Mary\'s" School of Medicine',
            "stage": "MS2",
            "interests": "cardiology, *global* health {{ x }}",
            "pitch": "I'm a **second-year** student — 漢字 — into {% raw %}HF{% endraw %}.",
            "signoff": "Warmly",
            "follow_up_delay_days": 9,
        },
    )
    contacts = services.contacts
    full = await contacts.add(
        owner,
        ContactDraft(
            name="José Núñez-Ørsted",
            role=Role.ATTENDING,
            title="Dr.",
            address_as="Dr. Núñez-Ørsted {{ 7*7 }} @everyone",
            specialty="Cardiología",
            institution="Hospital Clínic «Barcelona»",
            met_event='Grand Rounds: "HF" & you',
            met_on=clock.now().date(),
            email="Jose.Nunez@Example.org",
            profile_url="https://www.linkedin.com/in/jose",
            notes=TRICKY_NOTES,
            tags=("mentor", "cardio", "médico"),
            discord_user_id=987_654_321_098_765_432,
            cadence_days=60,
        ),
    )
    bare = await contacts.add(owner, ContactDraft(name="Sam"), allow_duplicate=True)
    third = await contacts.add(
        owner, ContactDraft(name="A. `Backtick` {{name}}", role=Role.RESEARCHER, tags=("x",))
    )
    assert full.contact and bare.contact and third.contact
    first, second, other = full.contact.id, bare.contact.id, third.contact.id
    await contacts.log_exchange(owner, first, ExchangeKind.MET, note=TRICKY_NOTES)
    await contacts.log_exchange(owner, second, ExchangeKind.EMAILED, when="yesterday")
    await contacts.log_exchange(owner, first, ExchangeKind.REPLIED, note=None)
    await contacts.snooze(owner, other)
    event = await services.events.log(owner, "Cardio «Day» {{ 1 }}", EventKind.CONFERENCE)
    await services.events.add_people(owner, event.id, ["José Núñez-Ørsted", "New Person"])
    await services.events.log(owner, "Empty workshop", EventKind.WORKSHOP, "3 days ago")
    [sent] = await services.drafts.start(
        owner, DraftRequest(kind="followup", people=(second,), fields={"event": "the *talk*"})
    )
    await services.drafts.mark_sent(owner, sent.draft.id)
    await services.drafts.start(
        owner,
        DraftRequest(kind="followup", people=(first,), fields={"discussed": "{{ trial }} “HF”"}),
    )
    done = await services.reminders.remind(owner, first, "tomorrow", "Ask about 'shadowing'")
    await services.reminders.remind(owner, None, "in 3 days", "Thank-you card ✉️ **now**")
    await services.reminders.remind(owner, other, "next monday", None)
    clock.advance(days=1, hours=1)
    await services.reminders.done(owner, ItemKind.REMINDER, done.id)
    await services.coaching.set_goal(owner, new_contacts=3, follow_ups=4, check_ins=0)
    await services.coaching.tip(owner)
