"""How fast contact look-ups are for a student with thousands of contacts.

    .venv/bin/python -m bench.contacts [--contacts 5000] [--others 200] [--runs 300]

Seeds a real SQLite file (one student with --contacts contacts, --others students with 50
each, and an exchange for every third contact), then times the service calls behind
autocomplete, /contact list and /contact search, and prints p50 / p99 / max in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.seed import FIRST, LAST, SPECIALTIES
from bot.core.contacts import ContactService
from bot.core.models import ContactDraft, ContactFilter, ExchangeKind, Role
from bot.core.students import StudentService
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.pending import SqlitePendingRepository
from bot.storage.students import SqliteStudentRepository

STUDENT = 1_000_000_000_000_000_001


class FixedClock:
    """The benches' clock: one fixed instant, so seeded days are the same every run."""

    def __init__(self) -> None:
        self.value = datetime(2026, 11, 22, 12, tzinfo=UTC)

    def now(self) -> datetime:
        return self.value


async def _seed(
    repo: SqliteContactRepository,
    students: StudentService,
    owner: int,
    count: int,
    rng: random.Random,
    now: datetime,
) -> None:
    await students.get(owner)
    for i in range(count):
        draft = ContactDraft(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            role=rng.choice(list(Role)),
            specialty=rng.choice(SPECIALTIES),
            institution=f"Hospital {i % 40}",
            met_event=f"Event {i % 25}",
            met_on=date(2026, 1, 1) + timedelta(days=i % 300),
            notes="Talked about research and residency applications.",
            tags=(rng.choice(["research", "mentor", "cardio", "peds"]),),
        )
        contact = await repo.add(owner, draft, now=now)
        if i % 3 == 0:
            await repo.add_exchange(
                owner, contact.id, ExchangeKind.EMAILED, date(2026, 10, 1), None, now=now
            )


def _report(label: str, samples: list[float]) -> None:
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"{label:<34} p50 {statistics.median(samples):7.2f} ms   p99 {p99:7.2f} ms   "
        f"max {samples[-1]:7.2f} ms   (n={len(samples)})"
    )


async def main(contacts: int, others: int, runs: int) -> None:
    rng = random.Random(7)
    clock = FixedClock()
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "bench.sqlite3")
        await migrate(db)
        repo = SqliteContactRepository(db)
        students = StudentService(SqliteStudentRepository(db), clock)
        service = ContactService(repo, SqlitePendingRepository(db), students, clock)
        started = time.perf_counter()
        await db.execute("BEGIN")
        await _seed(repo, students, STUDENT, contacts, rng, clock.now())
        for other in range(others):
            await _seed(repo, students, STUDENT + 1 + other, 50, rng, clock.now())
        await db.execute("COMMIT")
        print(
            f"seeded {contacts + 50 * others:,} contacts in {time.perf_counter() - started:.1f} s"
        )

        async def timed(label: str, call) -> None:  # type: ignore[no-untyped-def]
            samples = []
            for i in range(runs):
                t0 = time.perf_counter()
                await call(i)
                samples.append((time.perf_counter() - t0) * 1000)
            _report(label, samples)

        typed = ["", "a", "am", "ama", "okaf", "núñez", "zoe m", "xyz"]
        await timed(
            f"autocomplete ({contacts:,} contacts)",
            lambda i: service.suggest(STUDENT, typed[i % len(typed)]),
        )
        await timed(
            "/contact list page 1 (all)", lambda i: service.list_page(STUDENT, ContactFilter())
        )
        await timed(
            "/contact list role filter",
            lambda i: service.list_page(STUDENT, ContactFilter(role=Role.FACULTY)),
        )
        await timed(
            "/contact search",
            lambda i: service.search(STUDENT, ["residency", "hospital 3", "peds"][i % 3]),
        )
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--others", type=int, default=200)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(main(args.contacts, args.others, args.runs))
