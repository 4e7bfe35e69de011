"""Heavy students against light ones: `/due`, `/contact list`, `/progress` and `/tip` by size.

    .venv/bin/python -m bench.heavy [--heavy 5000] [--light 50] [--others 20] [--runs 100]

Seeds a real SQLite file: one student at --heavy contacts (the cap), --others students at
--light, an exchange for every third contact, reminders on for everyone. Then, for the heavy
student and a light one, times the service calls behind each command (`/due` is
ReminderService.digest_for; `/contact list` is ContactService.list_page; `/progress` is
CoachingService.progress plus the chart, drawn in this process as the bot did before it moved to
a worker pool: pass --pool to draw it in a process pool and measure only the loop's share;
`/tip` is CoachingService.tip with no topic, which reads what the student did last).
Prints p50 / p99 wall milliseconds and CPU milliseconds of this process per call (the SQLite
thread included: that is the bot's CPU), heavy and light side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.contacts import FixedClock
from bench.seed import FIRST, LAST, SPECIALTIES
from bot.content.coach import CoachLibrary
from bot.content.templates import TemplateCatalogue
from bot.core.coaching import CoachingService
from bot.core.contacts import ContactService
from bot.core.drafts import DraftService
from bot.core.models import ContactDraft, ContactFilter, ExchangeKind, ReminderSettings, Role
from bot.core.reminders import ReminderService
from bot.core.students import StudentService
from bot.discord_adapter import charts
from bot.storage.coaching import SqliteCoachRepository
from bot.storage.contacts import SqliteContactRepository
from bot.storage.database import migrate, open_database
from bot.storage.drafts import SqliteDraftRepository
from bot.storage.events import SqliteEventRepository
from bot.storage.pending import SqlitePendingRepository
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.students import SqliteStudentRepository

HEAVY = 1_000_000_000_000_000_001
ROOT = Path(__file__).resolve().parent.parent


async def _seed(
    repo: SqliteContactRepository, owner: int, count: int, rng: random.Random, now: datetime
) -> None:
    for i in range(count):
        draft = ContactDraft(
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
            role=rng.choice(list(Role)),
            specialty=rng.choice(SPECIALTIES),
            institution=f"Hospital {i % 40}",
            met_event=f"Event {i % 25}",
            met_on=date(2026, 1, 1) + timedelta(days=i % 300),
            notes="Talked about research and residency applications.",
        )
        contact = await repo.add(owner, draft, now=now - timedelta(days=i % 200))
        if i % 3 == 0:
            await repo.add_exchange(
                owner, contact.id, ExchangeKind.EMAILED, date(2026, 10, 1), None, now=now
            )


def _line(label: str, wall: list[float], cpu: list[float]) -> str:
    wall.sort()
    p99 = wall[min(len(wall) - 1, int(len(wall) * 0.99))]
    return (
        f"{label:<30} p50 {statistics.median(wall):7.2f} ms  p99 {p99:7.2f} ms  "
        f"CPU {statistics.median(cpu):7.2f} ms/call  (n={len(wall)})"
    )


async def main(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    clock = FixedClock()
    pool = ProcessPoolExecutor(max_workers=1) if args.pool else None
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "bench.sqlite3")
        await migrate(db)
        repo = SqliteContactRepository(db)
        student_repo = SqliteStudentRepository(db)
        reminder_repo = SqliteReminderRepository(db)
        students = StudentService(student_repo, clock, guilds=reminder_repo)
        pending = SqlitePendingRepository(db)
        contacts = ContactService(repo, pending, students, clock)
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
        reminders = ReminderService(
            reminder_repo,
            student_repo,
            students,
            contacts,
            None,  # type: ignore[arg-type]  # nothing is sent here
            clock,
            coaching=coaching,
            meetings=events,
        )
        light = HEAVY + 1
        started = time.perf_counter()
        await db.execute("BEGIN")
        for n, (owner, count) in enumerate(
            [(HEAVY, args.heavy)] + [(light + i, args.light) for i in range(args.others)]
        ):
            await students.get(owner)
            await reminder_repo.save_settings(
                ReminderSettings(owner, consented_at=clock.now(), digest_weekday=n % 7)
            )
            await _seed(repo, owner, count, rng, clock.now())
        await db.execute("COMMIT")
        print(f"seeded in {time.perf_counter() - started:.1f} s")

        async def chart(owner: int) -> None:
            result = await coaching.progress(owner)
            if pool is None:
                charts.weekly_chart(result.weeks)
            else:
                rows = charts.chart_rows(result.weeks)
                await asyncio.get_running_loop().run_in_executor(pool, charts.render_rows, rows)

        commands: dict[str, Callable[[int], Awaitable[Any]]] = {
            "/due": lambda owner: reminders.digest_for(owner),
            "/contact list": lambda owner: contacts.list_page(owner, ContactFilter()),
            "/progress": chart,
            "/tip": lambda owner: coaching.tip(owner),
        }
        await chart(light)  # matplotlib's first import is start-up, not a command
        for name, call in commands.items():
            for label, owner in (
                (f"heavy ({args.heavy:,})", HEAVY),
                (f"light ({args.light})", light),
            ):
                wall: list[float] = []
                cpu: list[float] = []
                for _ in range(args.runs):
                    t0, c0 = time.perf_counter(), time.process_time()
                    await call(owner)
                    wall.append((time.perf_counter() - t0) * 1000)
                    cpu.append((time.process_time() - c0) * 1000)
                print(_line(f"{name} {label}", wall, cpu))
        await db.close()
    if pool is not None:
        pool.shutdown()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heavy", type=int, default=5000)
    parser.add_argument("--light", type=int, default=50)
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--pool", action="store_true", help="draw the chart in a worker process")
    asyncio.run(main(parser.parse_args()))
