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

Heavy students (`heavy=Heavy(students=20, contacts=5_000, exchanges=4)`): the first 20 students
get 5,000 contacts each (the per-student cap) and 4 exchanges with every one of them, spread
from the day met to the seed's `now` (5,000 contacts + 20,000 exchanges: the issue's export
case), a note on every fourth, and a draft sent for every tenth contact. The exchanges go in as
one INSERT … SELECT; migration 0010's triggers keep each contact's due_on / due_kind right as
they land, as they do for every other writer.
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
    heavy: tuple[int, ...] = ()  # the students at `heavy_contacts` (the first ones)


@dataclass(frozen=True, slots=True)
class Heavy:
    """How many students sit at the cap, and how much history each one has."""

    students: int = 0
    contacts: int = 5_000
    exchanges: int = 4  # per contact

    def key(self) -> str:
        """Part of a cached file's name (empty for a school without heavy students)."""
        return f"-h{self.students}x{self.contacts}x{self.exchanges}" if self.students else ""


# What heavy students log, in turn: a LinkedIn-era history of e-mails, replies and calls.
_HEAVY_KINDS = (
    ExchangeKind.EMAILED,
    ExchangeKind.REPLIED,
    ExchangeKind.MESSAGED,
    ExchangeKind.CALLED,
    ExchangeKind.MEETING,
)


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
    heavy: Heavy = Heavy(),
) -> SeededSchool:
    """Create `path` holding the school. With `digest_due_at`, every student's weekly digest
    falls due at that instant (the fan-out case); otherwise they spread over the week. With
    `heavy`, the first `heavy.students` students hold `heavy.contacts` contacts each instead."""
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
        heavy_ids = ids[: heavy.students]
        contact_rows: list[dict[str, Any]] = []
        for i, s in enumerate(ids):
            count = heavy.contacts if i < heavy.students else contacts_per_student
            contact_rows.extend(_contact_rows(s, rng, count, now))
        if contact_rows:
            names = ", ".join(contact_rows[0])
            marks = ", ".join(f":{key}" for key in contact_rows[0])
            await db.executemany(f"INSERT INTO contacts ({names}) VALUES ({marks})", contact_rows)
        # Light students: an exchange with every third contact. Heavy ones: their own history.
        light = f"owner_id NOT IN ({', '.join(map(str, heavy_ids))})" if heavy_ids else "1"
        await db.execute(
            "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
            f"SELECT owner_id, id, ?, ?, NULL, ? FROM contacts WHERE id % 3 = 0 AND {light}",
            (ExchangeKind.EMAILED.value, to_db_day(now.date() - timedelta(days=20)), stamp),
        )
        if heavy_ids:
            await _heavy_history(db, heavy_ids, heavy.exchanges, now)
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
    return SeededSchool(path, ids, len(contact_rows), now, digest_due_at, heavy_ids)


async def _heavy_history(db: Any, owners: tuple[int, ...], per_contact: int, now: datetime) -> None:
    """`per_contact` exchanges with every contact of `owners`, the k-th one k/per_contact of
    the way from the day met to `now` (never after it), kinds in turn, a note on every fourth;
    and a sent draft for every tenth contact (the "awaiting a reply" subquery reads drafts)."""
    today = to_db_day(now.date())
    stamp = to_db_time(now)
    owned = f"c.owner_id IN ({', '.join(map(str, owners))})"
    kinds = " ".join(f"WHEN {i} THEN '{kind.value}'" for i, kind in enumerate(_HEAVY_KINDS))
    await db.execute(
        "WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < ?) "
        "INSERT INTO exchanges (owner_id, contact_id, kind, happened_on, note, created_at) "
        "SELECT c.owner_id, c.id, "
        f"CASE (c.id + n.k) % {len(_HEAVY_KINDS)} {kinds} END, "
        "min(?, date(c.met_on, '+' || ((julianday(?) - julianday(c.met_on)) * (n.k + 1) "
        "/ (? + 1)) || ' days')), "
        "CASE WHEN (c.id + n.k) % 4 = 0 THEN 'Asked about away rotations and a research "
        "project over the summer; follow up after exams.' END, ? "
        f"FROM contacts c, n WHERE {owned} ORDER BY c.id, n.k",
        (per_contact, today, today, per_contact, stamp),
    )
    sent = to_db_time(now - timedelta(days=12))
    await db.execute(
        "INSERT INTO drafts (owner_id, contact_id, template_id, channel, fields, created_at, "
        "sent_at) SELECT c.owner_id, c.id, 'followup_conference', 'email', ?, ?, ? "
        f"FROM contacts c WHERE {owned} AND c.id % 10 = 5",
        (json.dumps({"event": "Research day"}), sent, sent),
    )


async def _upgrade_older(cached: Path, log: Callable[[str], None]) -> None:
    """Reuses the same school cached at an earlier schema version: the bot's own migrations
    bring it up to date in seconds, where seeding it again takes minutes."""
    version = len(available_migrations())
    prefix, _, rest = cached.name.partition(f"-m{version}-")
    for older in range(version - 1, 0, -1):
        source = CACHE / f"{prefix}-m{older}-{rest}"
        if source.exists():
            log(f"upgrading the school cached at migration {older} to {version}…")
            partial = cached.with_suffix(".partial")
            shutil.copyfile(source, partial)
            db = await open_database(partial)
            try:
                await migrate(db)
            finally:
                await db.close()
            partial.replace(cached)
            source.unlink()
            return


async def cached_school(
    destination: Path,
    *,
    students: int,
    contacts_per_student: int,
    now: datetime = datetime(2026, 11, 22, 15, tzinfo=UTC),
    digest_due_at: datetime | None = None,
    log: Callable[[str], None] = print,
    heavy: Heavy = Heavy(),
) -> SeededSchool:
    """A fresh copy, at `destination`, of a school seeded once and kept in the cache."""
    due = digest_due_at.strftime("%Y%m%dT%H%M") if digest_due_at else "spread"
    key = (
        f"school-v{SEED_VERSION}-m{len(available_migrations())}-{students}x"
        f"{contacts_per_student}{heavy.key()}-{now:%Y%m%dT%H%M}-{due}.sqlite3"
    )
    cached = CACHE / key
    if not cached.exists():
        await _upgrade_older(cached, log)
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        log(
            f"seeding {students:,} students x {contacts_per_student} contacts"
            + (
                f", {heavy.students} of them at {heavy.contacts:,} contacts and "
                f"{heavy.contacts * heavy.exchanges:,} exchanges"
                if heavy.students
                else ""
            )
            + " (cached after)…"
        )
        partial = cached.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        await seed_school(
            partial,
            students=students,
            contacts_per_student=contacts_per_student,
            now=now,
            digest_due_at=digest_due_at,
            heavy=heavy,
        )
        partial.replace(cached)
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, destination)
    ids = tuple(student_id(i) for i in range(students))
    heavy_ids = ids[: heavy.students]
    light = students - len(heavy_ids)
    total = light * contacts_per_student + len(heavy_ids) * heavy.contacts
    return SeededSchool(destination, ids, total, now, digest_due_at, heavy_ids)
