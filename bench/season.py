"""The season's cost in the delivery tick and in each digest, on a real SQLite file.

    .venv/bin/python -m bench.season [--students 2000] [--letters 3] [--runs 20]

Seeds --students students with reminders on, a us-2027 plan and --letters letters each (a mix
of stages), in time zones around the world. Then times:
- the letter step's full scan (SeasonReminderService.claim_due on a new quarter hour when
  nothing is due: what every quarter hour costs), p50 / max over --runs;
- the scan on the evening the most reminders fall due (every student's check of August 19,
  2026, at their digest hour, across the zones), and how many it claimed;
- ReminderService.digest_for for one of these students with the season wired in and without
  it (the digest's added cost), p50 over --runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.contacts import FixedClock
from bot.content.coach import CoachLibrary
from bot.content.season import SeasonLibrary
from bot.content.templates import TemplateCatalogue
from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.letters import LetterStage, advance
from bot.core.models import ContactDraft, ReminderSettings, Role
from bot.core.reminders import ReminderService
from bot.core.season import SeasonPlan
from bot.core.season_reminders import SeasonReminderService
from bot.core.season_service import SeasonService
from bot.core.students import StudentService
from bot.storage.coaching import SqliteCoachRepository
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.events import SqliteEventRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.season import SqliteSeasonRepository
from bot.storage.students import SqliteStudentRepository

ROOT = Path(__file__).resolve().parent.parent
ZONES = ("America/New_York", "America/Los_Angeles", "Europe/London", "Asia/Kolkata")
FIRST_ID = 1_000_000_000_000_000_001


class NullNotifier:
    """Counts sends; the bench times the scan, not Discord."""

    concurrency = 8
    idempotency_window = timedelta(minutes=3)
    sent = 0

    async def send_welcome(self, student_id: int, *, key: str) -> int:
        return 1

    async def send_digest(self, student_id: int, digest: object, *, key: str) -> int:
        return 1

    async def send_item(self, student_id: int, item: object, *, key: str, late: bool) -> int:
        self.sent += 1
        return 1


async def main(args: argparse.Namespace) -> None:
    clock = FixedClock()
    clock.value = datetime(2026, 8, 10, 12, 7, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "bench.sqlite3")
        await migrate(db)
        contacts_repo = SqliteContactRepository(db)
        student_repo = SqliteStudentRepository(db)
        reminder_repo = SqliteReminderRepository(db)
        season_repo = SqliteSeasonRepository(db)
        students = StudentService(student_repo, clock, guilds=reminder_repo)
        pending = SqlitePendingRepository(db)
        contacts = ContactService(contacts_repo, pending, students, clock)
        events = SqliteEventRepository(db)
        drafts = DraftService(
            contacts,
            SqliteProfileRepository(db),
            SqliteDraftRepository(db),
            pending,
            TemplateCatalogue.load(ROOT / "templates"),
            clock,
            meetings=events,
        )
        coaching = CoachingService(
            CoachLibrary.load(ROOT / "prompts" / "coach"),
            SqliteCoachRepository(db),
            contacts,
            drafts,
            pending,
            clock,
        )
        library = SeasonLibrary.load(ROOT / "calendars", ROOT / "prompts" / "season.toml")
        season = SeasonService(season_repo, library, contacts, students, clock)
        notifier = NullNotifier()
        letters = SeasonReminderService(
            season_repo, season, contacts, students, reminder_repo, notifier, clock
        )
        now = clock.now()
        started = time.perf_counter()
        await db.execute("BEGIN")
        for n in range(args.students):
            owner = FIRST_ID + n
            await student_repo.get_or_create(owner, now=now)
            await student_repo.set_timezone(owner, ZONES[n % len(ZONES)])
            await reminder_repo.save_settings(
                ReminderSettings(owner, consented_at=now, digest_hour=18)
            )
            await season_repo.set_plan(SeasonPlan(owner, "us-2027"), now=now)
            for k in range(args.letters):
                writer = await contacts_repo.add(
                    owner, ContactDraft(name=f"Writer Number{k}", role=Role.ATTENDING), now=now
                )
                letter, _ = await season_repo.put_letter(
                    owner,
                    writer.id,
                    asked_on=date(2026, 6, 1),
                    deadline=None,
                    programs=None,
                    now=now,
                )
                if k == 1:
                    moved = advance(letter, LetterStage.AGREED, today=date(2026, 6, 5))
                    await season_repo.move_letter(owner, letter, moved, now=now)
        await db.execute("COMMIT")
        print(
            f"seeded {args.students} students × {args.letters} letters in "
            f"{time.perf_counter() - started:.1f} s"
        )

        scans = []
        for _ in range(args.runs):
            clock.value += timedelta(minutes=15)  # a new quarter hour: a full scan
            t0 = time.perf_counter()
            claimed = await letters.claim_due(clock.value)
            scans.append((time.perf_counter() - t0) * 1000)
            assert not claimed, "nothing is due in these weeks"
        print(
            f"letter step, full scan, nothing due: p50 {statistics.median(scans):.1f} ms, "
            f"max {max(scans):.1f} ms ({args.students} students)"
        )

        # August 19: every student's checks fall due at 18:00 local, zone by zone.
        clock.value = datetime(2026, 8, 19, 12, 0, tzinfo=UTC)
        busiest, total = 0.0, 0
        for _ in range(4 * 24):
            clock.value += timedelta(minutes=15)
            t0 = time.perf_counter()
            claimed = await letters.claim_due(clock.value)
            busiest = max(busiest, (time.perf_counter() - t0) * 1000)
            total += len(claimed)
        print(
            f"August 19 to 20, every quarter hour: {total} claimed; slowest scan {busiest:.1f} ms"
        )

        owner = FIRST_ID
        plain = ReminderService(
            reminder_repo, student_repo, students, contacts, notifier, clock, coaching=coaching
        )
        seasonal = ReminderService(
            reminder_repo,
            student_repo,
            students,
            contacts,
            notifier,
            clock,
            coaching=coaching,
            season=letters,
        )
        for label, service in (("digest without the season", plain), ("digest with it", seasonal)):
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                await service.digest_for(owner)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"{label:<26} p50 {statistics.median(times):.2f} ms")
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=2000)
    parser.add_argument("--letters", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    asyncio.run(main(parser.parse_args()))
