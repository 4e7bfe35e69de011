"""Helpers for JSON export/restore tests: a rich account, and comparing two exports.

Two exports of the same data differ only in what a restore cannot (and must not) carry over:
record ids (new ones are given, references follow them), the student's id and when the export
was made. (Version 3 has no owner ids or Discord-account fields at all.)
"""

from __future__ import annotations

import copy
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.core.contacts import MAX_CONTACTS
from bot.core.drafts import FIELD_LIMITS, DraftRequest
from bot.core.events import EventKind
from bot.core.letters import PROGRAMS_MAX, LetterStage
from bot.core.models import ContactDraft, ExchangeKind, ItemKind, Role
from bot.core.reminders import REMINDER_NOTE_MAX
from bot.core.schedule import next_weekly_occurrence
from bot.core.season import SPECIALTIES_MAX, SPECIALTY_MAX_CHARS
from bot.core.services import Services
from bot.core.text import fold
from bot.core.validation import (
    EVENT_MAX,
    EXCHANGE_NOTE_MAX,
    INSTITUTION_MAX,
    NOTES_MAX,
    SPECIALTY_MAX,
    TAGS_MAX,
    validate_draft,
)
from bot.storage.backends import Repositories
from bot.storage.coaching import SqliteCoachRepository
from bot.storage.contacts import SqliteContactRepository, contact_columns
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.events import SqliteEventRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.postgres.rows import numbered
from bot.storage.privacy import SqlitePrivacyRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.restore import SqliteRestoreRepository
from bot.storage.rows import to_db_day, to_db_time
from bot.storage.season import SqliteSeasonRepository
from bot.storage.students import SqliteStudentRepository
from tests.fakes import FakeClock, build_services

# Per section: the fields that name another section's record.
REFERENCES = {
    "exchanges": {"contact": "contacts"},
    "drafts": {"contact": "contacts"},
    "reminders": {"contact": "contacts"},
    "event_people": {"contact": "contacts", "event": "events"},
    "letters": {"contact": "contacts"},
    "interviews": {"event": "events"},
}
TRICKY_NOTES = (
    'Said "hi" — *bold* _it_ `code` **x** {{ 7*7 }} {% if x %} @everyone <@123>\n'
    "second line: ünïcode 漢字 🩺 'single' \\back\\slash"
)


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with ids renumbered by order of appearance (references alike), without the
    student's id and the export time."""
    doc = copy.deepcopy(document)
    for key in ("exported_at", "student_id"):
        doc.pop(key, None)
    numbering: dict[str, dict[Any, int]] = {}
    for section, records in doc.items():
        if isinstance(records, list):
            numbering[section] = {r["id"]: n for n, r in enumerate(records, 1) if "id" in r}
    for section, records in doc.items():
        if not isinstance(records, list):
            continue
        for record in records:
            if "id" in record:
                record["id"] = numbering[section][record["id"]]
            for field, target in REFERENCES.get(section, {}).items():
                if record.get(field) is not None:
                    record[field] = numbering[target][record[field]]
    return doc


async def rich_account(services: Services, clock: FakeClock, owner: int) -> None:
    """Every kind of data a student can have: contacts with every field and awkward text,
    exchanges, events linked to contacts, drafts sent and not, reminders done and open,
    reminder settings, a profile, a weekly goal and the last tip; and, when the services have
    the season, a season plan, letters at two stages and an interview."""
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
    if services.season is not None and services.interviews is not None:
        await services.season.setup(
            owner, cycle="us-2027", graduation_year=2027, specialties="Cardiology, Internal «Med»"
        )
        asked = await services.season.ask_letter(
            owner, first, deadline="2026-08-20", programs="St Mary's IM; Riverside {{ x }}"
        )
        await services.season.ask_letter(owner, other)
        await services.season.mark(owner, asked.line.letter.id, LetterStage.AGREED)
        await services.interviews.log(
            owner,
            program="Riverside *Internal* Medicine",
            when="2026-03-01",
            interviewers=[first, "Dr. Ada Interviewer"],
            no_contact=True,
        )


# -- a heavy account, written with bulk SQL ----------------------------------------------------

WORDS = [
    "residency",
    "research",
    "cardiology",
    "clinic",
    "mentor",
    "shadowing",
    "rounds",
    "paper",
    "abstract",
    "poster",
    "interview",
    "letter",
    "match",
    "program",
    "fellowship",
    "echo",
    "trial",
    "cohort",
    "patients",
    "outcomes",
    "call",
    "coffee",
    "email",
    "thanks",
    "question",
    "advice",
    "elective",
    "rotation",
    "anatomy",
    "lab",
    "grant",
    "summer",
    "project",
    "conference",
    "talk",
    "slides",
    "meeting",
    "follow",
    "up",
    "next",
    "week",
    "asked",
    "about",
    "her",
    "his",
    "their",
    "team",
]


def _text(rng: random.Random, length: int) -> str:
    """Words in a random order up to `length` characters: text that compresses like notes."""
    out: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:length].strip()


@dataclass(frozen=True, slots=True)
class HeavyShape:
    """How much a heavy account holds; `longest` fills every text field to its maximum."""

    contacts: int = MAX_CONTACTS
    exchanges: int = 20_000
    drafts: int = 2_000
    reminders: int = 1_000
    events: int = 100
    links: int = 5_000
    letters: int = 30  # the season service's cap on writers asked in one cycle
    interviews: int = 50
    longest: bool = False


async def seed_heavy_account(
    db: Any, owner: int, now: datetime, shape: HeavyShape = HeavyShape(), *, rng_seed: int = 5
) -> None:
    """Write one student with `shape`'s rows in every exported table, in one transaction, each
    row valid by the services' own rules (a restore reads it back)."""
    rng = random.Random(rng_seed)
    stamp = to_db_time(now)
    today = now.date()
    longest = shape.longest
    roles = list(Role)
    await db.execute("BEGIN")
    await db.execute(
        "INSERT INTO students (id, timezone, welcomed_at, created_at) VALUES (?, ?, ?, ?)",
        (owner, "Europe/Paris", stamp, stamp),
    )
    await db.execute(
        "INSERT INTO profiles (student_id, name, school, stage, interests, pitch, signoff, "
        "follow_up_delay_days, updated_at) VALUES (?, 'Zoë Student', 'Riverside School of "
        "Medicine', 'MS2', 'cardiology', 'I am a second-year student.', 'Best', 7, ?)",
        (owner, stamp),
    )
    await db.execute(
        "INSERT INTO reminder_settings (student_id, consented_at, digest_weekday, digest_hour, "
        "cadence, next_digest_at) VALUES (?, ?, 2, 8, '{\"attending\": 45}', ?)",
        (owner, stamp, to_db_time(next_weekly_occurrence(now, 2, 8, "Europe/Paris"))),
    )
    await db.execute(
        "INSERT INTO coach_state (student_id, last_tip, goal_contacts, goal_follow_ups, "
        "goal_check_ins, updated_at) VALUES (?, NULL, 3, 4, 1, ?)",
        (owner, stamp),
    )
    rows = []
    for i in range(shape.contacts):
        first, last = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
        draft = ContactDraft(
            name=f"{first} {last}" if not longest else f"{first} {last} " + "x" * 60,
            role=roles[i % len(roles)],
            title="Dr." if i % 3 == 0 else None,
            specialty=_text(rng, SPECIALTY_MAX if longest else 20),
            institution=_text(rng, INSTITUTION_MAX if longest else 30),
            met_event=_text(rng, EVENT_MAX if longest else 25),
            met_on=today - timedelta(days=rng.randrange(1, 700)),
            email=f"{first.lower()}.{i}@example.edu" if longest or i % 2 else None,
            profile_url=f"https://www.linkedin.com/in/p{i}-" + "x" * (400 if longest else 8),
            notes=_text(rng, NOTES_MAX if longest else rng.randrange(0, 300)) or None,
            tags=tuple(f"tag{(i + k) % 40}" for k in range(TAGS_MAX if longest else i % 3)),
            cadence_days=60 if i % 5 == 0 else None,
            address_as=f"Dr. {last}" if longest else None,
        )
        row = contact_columns(validate_draft(draft))
        row.update(owner_id=owner, created_at=stamp, updated_at=stamp)
        rows.append(row)
    names = ", ".join(rows[0])
    await db.executemany(
        f"INSERT INTO contacts ({names}) VALUES ({', '.join(':' + k for k in rows[0])})", rows
    )
    async with db.execute("SELECT id FROM contacts WHERE owner_id = ? ORDER BY id", (owner,)) as c:
        ids = [row[0] for row in await c.fetchall()]
    kinds = list(ExchangeKind)
    await db.executemany(
        "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                owner,
                ids[n % len(ids)],
                kinds[n % len(kinds)].value,
                to_db_day(today - timedelta(days=rng.randrange(0, 700))),
                _text(rng, EXCHANGE_NOTE_MAX if longest else rng.randrange(0, 160)) or None,
                stamp,
            )
            for n in range(shape.exchanges)
        ],
    )
    await db.executemany(
        "INSERT INTO drafts (owner_id, contact_id, template_id, channel, version, fields, "
        "created_at, sent_at, tone) VALUES (?, ?, 'followup_conference', ?, 1, ?, ?, ?, ?)",
        [
            (
                owner,
                ids[n % len(ids)],
                ("email", "linkedin", "dm")[n % 3],
                json.dumps({"event": _text(rng, 150 if longest else 30)}),
                stamp,
                stamp if n % 2 else None,
                ("warm", "formal", "brief")[n % 3],
            )
            for n in range(shape.drafts)
        ],
    )
    await db.executemany(
        "INSERT INTO reminders (owner_id, contact_id, note, due_at, created_at, done_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                owner,
                ids[n % len(ids)] if n % 4 else None,
                _text(rng, REMINDER_NOTE_MAX if longest else 60),
                to_db_time(now + timedelta(days=n % 60 - 10)),
                stamp,
                stamp if n % 3 == 0 else None,
            )
            for n in range(shape.reminders)
        ],
    )
    event_ids = []
    for n in range(shape.events):
        name = f"Event {n} " + _text(rng, 80 if longest else 20)
        async with db.execute(
            "INSERT INTO events (owner_id, name, name_key, kind, held_on, created_at) "
            "VALUES (?, ?, ?, 'conference', ?, ?) RETURNING id",
            (owner, name, fold(name), to_db_day(today - timedelta(days=n)), stamp),
        ) as cursor:
            event_ids.append((await cursor.fetchone())[0])
    if event_ids:
        await db.executemany(
            "INSERT OR IGNORE INTO contact_events (owner_id, contact_id, event_id) "
            "VALUES (?, ?, ?)",
            [(owner, ids[n % len(ids)], event_ids[n % len(event_ids)]) for n in range(shape.links)],
        )
    await db.execute(
        "INSERT INTO season_plans (student_id, cycle, route, graduation_year, specialties, "
        "updated_at) VALUES (?, 'us-2027', 'eras_nrmp', 2027, ?, ?)",
        (owner, json.dumps(["x" * SPECIALTY_MAX_CHARS] * SPECIALTIES_MAX), stamp),
    )
    await db.executemany(
        "INSERT INTO letter_requests (owner_id, contact_id, stage, asked_on, deadline, programs, "
        "created_at, updated_at) VALUES (?, ?, 'asked', ?, ?, ?, ?, ?)",
        [
            (
                owner,
                ids[n],
                to_db_day(today),
                to_db_day(today + timedelta(days=60)),
                _text(rng, PROGRAMS_MAX if longest else 40),
                stamp,
                stamp,
            )
            for n in range(min(shape.letters, len(ids)))
        ],
    )
    await db.executemany(
        "INSERT INTO interviews (event_id, owner_id, program, no_contact, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (
                event_ids[n],
                owner,
                _text(rng, FIELD_LIMITS["program"] if longest else 30),
                n % 2,
                stamp,
            )
            for n in range(min(shape.interviews, len(event_ids)))
        ],
    )
    await db.execute("COMMIT")


FIRST_NAMES = ("Amara", "José", "Priya", "Chen", "Fatima", "Liam", "Zoë", "Noah", "Inès", "Kwame")
FAMILY_NAMES = ("Okafor", "Núñez", "Shah", "Wei", "Haddad", "Murphy", "Łukasz", "Sørensen")


def sqlite_services(
    db: aiosqlite.Connection,
    clock: FakeClock,
    *,
    privacy: SqlitePrivacyRepository | None = None,
    **extra: Any,
) -> Services:
    """Services over every SQLite repository of one database (what a restore touches), the
    rest from the fakes; `extra` passes anything else build_services takes."""
    return build_services(
        clock,
        students=SqliteStudentRepository(db),
        contacts=SqliteContactRepository(db),
        pending=SqlitePendingRepository(db),
        profiles=SqliteProfileRepository(db),
        drafts=SqliteDraftRepository(db),
        reminders=SqliteReminderRepository(db),
        coach=SqliteCoachRepository(db),
        events=SqliteEventRepository(db),
        privacy=privacy or SqlitePrivacyRepository(db),
        restore=SqliteRestoreRepository(db),
        season=SqliteSeasonRepository(db),
        **extra,
    )


def store_services(
    repos: Repositories, clock: FakeClock, *, privacy: Any = None, **extra: Any
) -> Services:
    """sqlite_services over either store's repositories (bot/storage/backends.py)."""
    return build_services(
        clock,
        students=repos.students,
        contacts=repos.contacts,
        pending=repos.pending,
        profiles=repos.profiles,
        drafts=repos.drafts,
        reminders=repos.reminders,
        coach=repos.coach,
        events=repos.events,
        privacy=privacy or repos.privacy,
        restore=repos.restore,
        season=repos.season,
        **extra,
    )


class _Rows:
    """The part of an aiosqlite cursor seed_heavy_account reads."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows

    async def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[tuple[Any, ...]]:
        return self._rows

    async def __aenter__(self) -> _Rows:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


_NAMED = re.compile(r"(?<!:):([a-z_]+)")


class PostgresAsSqlite:
    """Just enough of aiosqlite's connection, over one asyncpg connection, for the SQLite
    seeders of this module (seed_heavy_account) to fill a PostgreSQL database the same way:
    `?` and `:name` parameters numbered, INSERT OR IGNORE as ON CONFLICT DO NOTHING."""

    def __init__(self, connection: Any) -> None:
        self._connection = connection

    @staticmethod
    def _sql(sql: str, named: bool) -> tuple[str, list[str]]:
        names: list[str] = []
        if named:

            def number(match: re.Match[str]) -> str:
                names.append(match[1])
                return f"${len(names)}"

            sql = _NAMED.sub(number, sql)
        else:
            sql = numbered(sql)
        if sql.startswith("INSERT OR IGNORE INTO"):
            sql = sql.replace("INSERT OR IGNORE INTO", "INSERT INTO", 1) + " ON CONFLICT DO NOTHING"
        return sql, names

    async def _run(self, sql: str, params: Any) -> _Rows:
        named = isinstance(params, dict)
        text, names = self._sql(sql, named)
        values = [params[n] for n in names] if named else list(params)
        return _Rows([tuple(r) for r in await self._connection.fetch(text, *values)])

    def execute(self, sql: str, params: Any = ()) -> Any:
        work = self._run(sql, params)

        class _Both:
            def __await__(self) -> Any:
                return work.__await__()

            async def __aenter__(self) -> _Rows:
                return await work

            async def __aexit__(self, *exc: object) -> None:
                return None

        return _Both()

    async def executemany(self, sql: str, rows: list[Any]) -> None:
        if not rows:
            return
        named = isinstance(rows[0], dict)
        text, names = self._sql(sql, named)
        values = [[row[n] for n in names] for row in rows] if named else [list(r) for r in rows]
        await self._connection.executemany(text, values)
