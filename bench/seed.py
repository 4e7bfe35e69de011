"""A whole school (or many) in one SQLite file, for the benchmarks.

    seeded = await seed_school(path, students=10_000, contacts_per_student=50, now=NOW)

Rows go in with bulk INSERTs in one transaction on the real, migrated schema; contact rows are
built by the repository's own `contact_columns`, so search keys match what the bot writes.
Seeding 500,000 contacts takes tens of seconds, so `cached_school` keeps each seeded file in
`bench/out/cache/` and hands every run a fresh copy of it.

What each student gets: a time zone, a server, a DM channel already open (as after opting in:
a digest is then one request), weekly-digest settings, `contacts_per_student` contacts met over
the past year (roles, specialties, events and tags varied; non-ASCII names), an exchange with
every third contact, and one open reminder; a profile (so `/followup` drafts at once instead of
asking for it first) and two drafts: one sent 10 days ago and one not sent yet.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.models import ContactDraft, ExchangeKind, Role
from bot.storage.contacts import contact_columns
from bot.storage.database import available_migrations, migrate, open_database
from bot.storage.rows import to_db_day, to_db_time

SEED_VERSION = 2  # bump when what a seeded school holds changes: cached files are rebuilt
CACHE = Path(__file__).parent / "out" / "cache"
STUDENT_BASE = 1_100_000_000_000_000_000
CHANNEL_BASE = 1_200_000_000_000_000_000
GUILD_ID = 1_300_000_000_000_000_001
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
FIRST = (
    "Amara",
    "José",
    "Priya",
    "Chen",
    "Fatima",
    "Liam",
    "Zoë",
    "Noah",
    "Sofia",
    "Omar",
    "Grace",
    "Mateo",
    "Aisha",
    "Lucas",
    "Hana",
    "Ravi",
    "Elena",
    "Kwame",
    "Yuki",
    "Inès",
    "Seo-yeon",
    "Björn",
    "Ngozi",
    "Tomás",
)
LAST = (
    "Okafor",
    "Núñez",
    "Shah",
    "Wei",
    "Haddad",
    "Murphy",
    "Martin",
    "Cohen",
    "Rossi",
    "Said",
    "Hopper",
    "García",
    "Bello",
    "Silva",
    "Kim",
    "Patel",
    "Petrova",
    "Mensah",
    "O'Brien",
    "Nguyen",
    "Łukasz",
    "Sørensen",
)
SPECIALTIES = (
    "Cardiology",
    "Neurology",
    "Pediatrics",
    "Surgery",
    "Oncology",
    "Psychiatry",
    "Dermatology",
    "Radiology",
    "Emergency Medicine",
    "Family Medicine",
)
EVENTS = (
    "Cardiology interest group",
    "AAMC Annual Meeting",
    "Grand rounds",
    "Research day",
    "Residency fair",
    "Alumni mixer",
    "Anatomy office hours",
)
TAGS = ("research", "mentor", "cardio", "peds", "letters", "shadowing")


def student_id(index: int) -> int:
    """The Discord user id of the index-th seeded student."""
    return STUDENT_BASE + index


def dm_channel_id(student: int) -> int:
    """The DM channel the seeded student's digests go to (the fake Discord must know it)."""
    return CHANNEL_BASE + (student - STUDENT_BASE)


@dataclass(frozen=True, slots=True)
class SeededSchool:
    path: Path
    students: tuple[int, ...]
    contacts: int
    now: datetime
    digest_due_at: datetime | None


def _drafts(rng: random.Random, count: int, today: date) -> Iterator[ContactDraft]:
    roles = list(Role)
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        yield ContactDraft(
            name=f"{first} {last}",
            role=roles[i % len(roles)],
            title="Dr." if i % 3 == 0 else None,
            specialty=rng.choice(SPECIALTIES),
            institution=f"Hospital {rng.randrange(40)}",
            met_event=rng.choice(EVENTS),
            met_on=today - timedelta(days=rng.randrange(1, 365)),
            email=f"{first.lower()}.{i}@example.edu" if i % 2 else None,
            notes="Talked about research and residency applications." if i % 4 == 0 else None,
            tags=(rng.choice(TAGS),),
        )


def _contact_rows(
    owner: int, rng: random.Random, count: int, now: datetime
) -> Iterator[dict[str, Any]]:
    stamp = to_db_time(now)
    for draft in _drafts(rng, count, now.date()):
        row = contact_columns(draft)
        row.update(
            owner_id=owner,
            created_at=stamp,
            updated_at=stamp,
            follow_up_on=to_db_day(draft.met_on + timedelta(days=7)) if draft.met_on else None,
        )
        yield row


async def seed_school(
    path: Path,
    *,
    students: int,
    contacts_per_student: int,
    now: datetime,
    digest_due_at: datetime | None = None,
    rng_seed: int = 7,
) -> SeededSchool:
    """Create `path` holding the school. With `digest_due_at`, every student's weekly digest
    falls due at that instant (the fan-out case); otherwise they spread over the week."""
    rng = random.Random(rng_seed)
    db = await open_database(path)
    try:
        await migrate(db)
        await db.execute("BEGIN")
        ids = tuple(student_id(i) for i in range(students))
        stamp = to_db_time(now)
        await db.executemany(
            "INSERT INTO students (id, timezone, welcomed_at, created_at, dm_channel_id, "
            "guild_id) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (s, ZONES[i % len(ZONES)], stamp, stamp, dm_channel_id(s), GUILD_ID)
                for i, s in enumerate(ids)
            ],
        )
        await db.executemany(
            "INSERT INTO reminder_settings (student_id, consented_at, digest_weekday, "
            "digest_hour, next_digest_at) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    s,
                    stamp,
                    i % 7,
                    17 + i % 4,
                    to_db_time(digest_due_at or now + timedelta(minutes=1 + i % (7 * 24 * 60))),
                )
                for i, s in enumerate(ids)
            ],
        )
        contact_rows: list[dict[str, Any]] = []
        for s in ids:
            contact_rows.extend(_contact_rows(s, rng, contacts_per_student, now))
        if contact_rows:
            names = ", ".join(contact_rows[0])
            marks = ", ".join(f":{key}" for key in contact_rows[0])
            await db.executemany(f"INSERT INTO contacts ({names}) VALUES ({marks})", contact_rows)
        # Exchanges with every third contact, and one open reminder per student.
        await db.execute(
            "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
            "SELECT owner_id, id, ?, ?, NULL, ? FROM contacts WHERE id % 3 = 0",
            (ExchangeKind.EMAILED.value, to_db_day(now.date() - timedelta(days=20)), stamp),
        )
        await db.execute(
            "INSERT INTO reminders (owner_id, contact_id, note, due_at, created_at) "
            "SELECT owner_id, MIN(id), 'Ask about the summer research slot', ?, ? "
            "FROM contacts GROUP BY owner_id",
            (to_db_time(now + timedelta(days=3)), stamp),
        )
        await db.executemany(
            "INSERT INTO profiles (student_id, name, school, stage, updated_at) "
            "VALUES (?, ?, 'Riverside School of Medicine', 'MS2', ?)",
            [(s, f"Student {i}", stamp) for i, s in enumerate(ids)],
        )
        # The drafts table feeds a correlated subquery of every contact read ("awaiting a
        # reply since"), so a school without drafts would hide its cost.
        sent = to_db_time(now - timedelta(days=10))
        fields = json.dumps({"event": "Research day"})
        for offset, sent_at in ((1, sent), (2, None)):
            await db.execute(
                "INSERT INTO drafts (owner_id, contact_id, template_id, channel, fields, "
                "created_at, sent_at) SELECT owner_id, MIN(id) + ?, 'followup_conference', "
                "'email', ?, ?, ? FROM contacts GROUP BY owner_id HAVING COUNT(*) > ?",
                (offset, fields, sent, sent_at, offset),
            )
        await db.execute("COMMIT")
        await db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        await db.close()
    return SeededSchool(path, ids, len(contact_rows), now, digest_due_at)


async def cached_school(
    destination: Path,
    *,
    students: int,
    contacts_per_student: int,
    now: datetime = datetime(2026, 11, 22, 15, tzinfo=UTC),
    digest_due_at: datetime | None = None,
    log: Callable[[str], None] = print,
) -> SeededSchool:
    """A fresh copy, at `destination`, of a school seeded once and kept in the cache."""
    due = digest_due_at.strftime("%Y%m%dT%H%M") if digest_due_at else "spread"
    key = (
        f"school-v{SEED_VERSION}-m{len(available_migrations())}-{students}x"
        f"{contacts_per_student}-{now:%Y%m%dT%H%M}-{due}.sqlite3"
    )
    cached = CACHE / key
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        log(f"seeding {students:,} students x {contacts_per_student} contacts (cached after)…")
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        await seed_school(
            partial,
            students=students,
            contacts_per_student=contacts_per_student,
            now=now,
            digest_due_at=digest_due_at,
        )
        partial.replace(cached)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, destination)
    ids = tuple(student_id(i) for i in range(students))
    return SeededSchool(destination, ids, students * contacts_per_student, now, digest_due_at)
