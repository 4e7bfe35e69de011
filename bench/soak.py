"""A soak: the real bot process for minutes under mixed traffic and faults, then its invariants.

    .venv/bin/python -m bench.soak [--minutes 10] [--students 40] [--rate 6] [--digests 90]
                                   [--poll 1] [--seed 1]

The bench process serves a fake Discord (tests/e2e/fake_discord) on 127.0.0.1 and runs the bot
as a separate process, `python -m bot run` (bench/harness.py, not pinned to a core), with
DISCORD_API_BASE and DISCORD_GATEWAY_URL pointed at it, DATABASE_PATH in a temporary folder,
REMINDER_POLL_SECONDS=--poll and its output in one log file across the restart. Time in the bot
is real wall time. For the whole run:

- --students students interact at about --rate interactions per second in all
  (bench/soak_traffic.py: autocomplete, /contact add with varied and hostile text,
  /contact list and show, /followup, /due, button clicks, form submissions);
- --digests students opt in with /reminders setup (consent, the DM channel opened, a welcome
  DM), then the soak moves their next digest (through the bot's repository, with the bot
  running) so that it falls due in slots spread over the run, one slot just after
  the kill, when the bot is down, and in long runs a third of them just before the kill, so
  that it lands in the middle of their fan-out;
- faults: 429 and 5xx answers to DM sends (fake.fail_next), a gateway drop (RESUME), a
  RECONNECT, a drop with the session invalidated (a fresh IDENTIFY), and exactly one kill -9 of
  the bot process followed by a restart on the same database. Runs of three minutes or more add
  a 503 (discord.py does not retry it: the bot's own retry, a minute later, with the same nonce)
  and five 429s in a row on one student's digest (beyond discord.py's retries: the same).

Interactions are only dispatched while the bot is connected and ready: the soak closes a gate
around each gateway fault and the kill. An interaction already dispatched when the process is
killed is Discord's "interaction failed" for that student; it is counted as cut by the kill,
not as unanswered. After the run it waits (up to --settle seconds) for retried digests, stops
the bot with SIGTERM and checks, printing a table of figures:

- every contact whose add was answered with its card is in the database, with its owner;
- every digest that fell due was delivered exactly once (the fake's DMs, each carrying the nonce
  `coach-<id>` of its ledger row, and that row recording the message): no duplicate, none missing;
- no interaction went unanswered (an accepted first answer within 3 s, and for a deferred one
  its follow-up);
- the fake recorded no request Discord would have refused; the database passes
  `PRAGMA integrity_check`; the bot stopped cleanly; its log holds no name or note typed.

Exit status 0 when every invariant holds, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from bench.harness import BotProcess, percentile
from bench.soak_traffic import DIGEST_TITLE, Gate, Stats, Student, answered, opt_in
from bot.core.models import Profile
from bot.storage.database import migrate, open_database
from bot.storage.profiles import SqliteProfileRepository
from bot.storage.reminders import SqliteReminderRepository
from bot.storage.students import SqliteStudentRepository
from tests.e2e.conftest import GUILD_ID
from tests.e2e.fake_discord import FakeDiscord

FIRST_STUDENT = 1_400_000_000_000_100_000
MESSAGES = r"^/channels/\d+/messages$"
READY_WAIT = 60.0
# After the last digest seems delivered, a few more ticks: a duplicate would show up here.
QUIET_TICKS = 3


@dataclass(frozen=True)
class SoakConfig:
    seconds: float = 600.0
    students: int = 40
    rate: float = 6.0  # interactions per second, all students together
    digests: int = 90
    poll: float = 1.0  # REMINDER_POLL_SECONDS for the bot
    settle: float = 90.0  # the bot retries an open claim after 60 s
    seed: int = 1

    @property
    def long(self) -> bool:
        """Long enough for faults whose recovery is the bot's own one-minute retry."""
        return self.seconds >= 180


@dataclass
class Report:
    figures: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def figure(self, name: str, value: object) -> None:
        self.figures.append((name, str(value)))

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)

    def show(self, out: IO[str] = sys.stdout) -> None:
        width = max(len(name) for name, _ in self.figures)
        for name, value in self.figures:
            print(f"{name:<{width}}  {value}", file=out)
        print(file=out)
        if self.failures:
            print("FAILED:", file=out)
            for failure in self.failures:
                print(f"  - {failure}", file=out)
        else:
            print("every invariant held", file=out)


# -- seeding -----------------------------------------------------------------------------------


def _student_ids(config: SoakConfig) -> list[int]:
    return [FIRST_STUDENT + i for i in range(max(config.students, config.digests))]


async def seed(database: Path, config: SoakConfig, now: datetime) -> None:
    """The students, four in five with a profile (the others get the profile form)."""
    db = await open_database(database)
    try:
        await migrate(db)
        students = SqliteStudentRepository(db)
        profiles = SqliteProfileRepository(db)
        await db.execute("BEGIN")
        for i, student in enumerate(_student_ids(config)):
            await students.get_or_create(student, now=now)
            if i % 5:
                profile = Profile(name=f"Student {i}", school="Riverside", stage="second-year")
                await profiles.save(student, profile, now=now)
        await db.execute("COMMIT")
    finally:
        await db.close()


async def schedule_digests(database: Path, due: dict[int, datetime]) -> None:
    """Moves each opted-in student's next digest to its time in the run, with the bot running
    (one transaction). Their digest after that is days away: one digest each in the soak."""
    db = await open_database(database)
    try:
        reminders = SqliteReminderRepository(db)
        await db.execute("BEGIN IMMEDIATE")
        for student, at in due.items():
            settings = await reminders.get_settings(student)
            if settings is not None:  # a failed opt-in: its digest is reported missing
                await reminders.save_settings(replace(settings, next_digest_at=at))
        await db.execute("COMMIT")
    finally:
        await db.close()


def open_claims(database: Path) -> int:
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        return int(
            db.execute("SELECT COUNT(*) FROM deliveries WHERE sent_at IS NULL").fetchone()[0]
        )


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Run:
    """Everything the timeline did, for the checks."""

    due: dict[int, datetime] = field(default_factory=dict)
    cut_by_kill: set[int] = field(default_factory=set)
    start_seconds: float = 0.0
    restart_seconds: float = 0.0
    kill_to_ready: float = 0.0
    disruptions: list[str] = field(default_factory=list)
    exit_code: int | None = None
    open_claims: int = 0  # digest claims the kill left without an outcome
    start: datetime = field(default_factory=lambda: datetime.now(UTC))  # digest times' origin


KILL_AT = 0.52
# Fractions of the run at which a group of digests falls due.
SLOTS = (0.08, 0.22, 0.36, 0.51, 0.70, 0.88)


def digest_times(config: SoakConfig, students: list[int], start: datetime) -> dict[int, datetime]:
    """When each digest student's digest falls due.

    Round-robin over SLOTS, and one group of each 7 half a second after the kill, while the bot
    is down. In long runs a third of them fall due 0.5 s before the kill instead: the kill then
    lands in the middle of their fan-out, leaving claims sent-but-unrecorded or unsent, which
    the restarted bot must finish with the same nonces.
    """
    kill = start + timedelta(seconds=KILL_AT * config.seconds)
    times = {}
    before_kill = len(students) // 3 if config.long else 0
    for i, student in enumerate(students):
        if i < before_kill:
            times[student] = kill - timedelta(seconds=0.5)
        elif i % (len(SLOTS) + 1) == len(SLOTS):
            times[student] = kill + timedelta(seconds=0.5)
        else:
            fraction = SLOTS[i % (len(SLOTS) + 1)]
            times[student] = start + timedelta(seconds=fraction * config.seconds)
    return times


async def _timeline(
    config: SoakConfig,
    fake: FakeDiscord,
    bot: BotProcess,
    gate: Gate,
    run: Run,
    t0: float,
) -> None:
    """Faults at fixed fractions of the run (digests were scheduled on the same clock)."""

    async def at(fraction: float) -> None:
        await asyncio.sleep(max(0.0, t0 + fraction * config.seconds - time.monotonic()))

    async def disrupt(what: str, action: Any) -> None:
        await gate.close()
        await action()
        await fake.wait_ready(timeout=READY_WAIT)
        gate.open()
        run.disruptions.append(what)

    fake.fail_next("POST", MESSAGES, 429, times=2, retry_after=0.2)
    await at(0.15)
    await disrupt("gateway drop (RESUME)", fake.drop_gateway)
    fake.fail_next("POST", MESSAGES, 500)
    await at(0.30)
    await disrupt("RECONNECT", fake.send_reconnect)
    fake.fail_next("POST", MESSAGES, 502)
    await at(0.44)
    await disrupt(
        "gateway drop, session invalidated (IDENTIFY)",
        lambda: fake.drop_gateway(invalidate_session=True),
    )
    if config.long:
        fake.fail_next("POST", MESSAGES, 503)
    await at(KILL_AT)
    await gate.close()
    killed = time.monotonic()
    await bot.kill()
    run.open_claims = open_claims(bot.database)
    # Dispatched before the kill and never answered: Discord's "interaction failed".
    run.cut_by_kill = {h.id for h in fake.handles if not answered(h)}
    run.disruptions.append("kill -9 and restart")
    run.restart_seconds = (await bot.start(wait_s=READY_WAIT, probe=False)).identified_s
    run.kill_to_ready = time.monotonic() - killed
    gate.open()
    if config.long:
        await at(0.62)
        # Five 429s for one student's digest: more than discord.py retries, so the send fails
        # and the bot's own retry, a minute later with the same nonce, must deliver it once.
        storm_at = run.start + timedelta(seconds=0.70 * config.seconds)
        student = next(s for s, when in run.due.items() if when == storm_at)
        channel = next(m["channel_id"] for m in fake.dms if m["recipient_id"] == student)
        fake.fail_next("POST", rf"^/channels/{channel}/messages$", 429, times=5, retry_after=0.05)


async def run_soak(config: SoakConfig, folder: Path, out: IO[str] = sys.stdout) -> Report:
    """Runs the soak in `folder` (the database and the bot's log stay there); the report."""
    rng = random.Random(config.seed)
    database = folder / "coach.sqlite3"
    students = _student_ids(config)
    await seed(database, config, datetime.now(UTC))
    async with FakeDiscord() as fake:
        fake.add_guild(GUILD_ID, name="Soak School", members=list(students))
        log_path = folder / "bot.log"
        bot = BotProcess(
            fake,
            database,
            guild_id=GUILD_ID,
            log_path=log_path,
            env={"REMINDER_POLL_SECONDS": str(config.poll)},
        )
        run = Run()
        gate = Gate()
        stats = Stats()
        try:
            run.start_seconds = (await bot.start(wait_s=READY_WAIT, probe=False)).identified_s
            weekday = (datetime.now(UTC).weekday() + 3) % 7
            await opt_in(fake, students[: config.digests], GUILD_ID, weekday, rng)
            t0 = time.monotonic()
            run.start = datetime.now(UTC)
            run.due = digest_times(config, students[: config.digests], run.start)
            await schedule_digests(database, run.due)
            print(
                f"soak: {config.seconds:.0f} s, {config.students} students at "
                f"~{config.rate}/s, {config.digests} digests; bot ready in "
                f"{run.start_seconds:.1f} s; log {log_path}",
                file=out,
                flush=True,
            )
            stop = asyncio.Event()
            think = max(config.students, 1) / config.rate
            loops = [
                asyncio.create_task(
                    Student(fake, gate, stats, s, GUILD_ID, random.Random(rng.random()), think).run(
                        stop
                    )
                )
                for s in students[: config.students]
            ]
            timeline = asyncio.create_task(_timeline(config, fake, bot, gate, run, t0))
            await asyncio.sleep(max(0.0, t0 + config.seconds - time.monotonic()))
            await timeline  # normally long done; a slow restart is waited for
            stop.set()
            await asyncio.gather(*loops)
            await _settle(fake, run, config)
        finally:
            run.exit_code = await bot.stop()
        return check(config, fake, stats, run, database, log_path)


async def _settle(fake: FakeDiscord, run: Run, config: SoakConfig) -> None:
    """Until every due digest was delivered (or --settle passed), then a few quiet ticks."""
    with contextlib.suppress(AssertionError):
        await fake.wait_for(
            lambda: set(run.due) <= {m["recipient_id"] for m in _digest_dms(fake)},
            timeout=config.settle,
            what="every due digest",
        )
    await asyncio.sleep(QUIET_TICKS * config.poll)


# -- the checks --------------------------------------------------------------------------------


def _digest_dms(fake: FakeDiscord) -> list[dict[str, Any]]:
    return [
        m for m in fake.dms if any(e.get("title") == DIGEST_TITLE for e in m.get("embeds") or [])
    ]


INTERACTION_KINDS = {2: "command", 3: "click", 4: "autocomplete", 5: "form"}


def _kind(interaction: dict[str, Any]) -> str:
    """'command /contact', 'click draft:again', … for the mix figure."""
    data = interaction.get("data") or {}
    label = data.get("name") or ":".join(str(data.get("custom_id", "?")).split(":")[:2])
    return f"{INTERACTION_KINDS.get(interaction['type'], '?')} {label}"


def check(
    config: SoakConfig,
    fake: FakeDiscord,
    stats: Stats,
    run: Run,
    database: Path,
    log_path: Path,
) -> Report:
    report = Report()
    handles = fake.handles
    counted = [h for h in handles if h.id not in run.cut_by_kill]
    unanswered = [h for h in counted if not answered(h)]
    late = [h for h in unanswered if h.rejected_responses]
    report.figure("interactions sent", len(handles))
    report.figure("  cut by the kill (not counted)", len(run.cut_by_kill))
    report.figure("  answered", f"{len(counted) - len(unanswered)} of {len(counted)}")
    report.figure("  unanswered (of which refused late)", f"{len(unanswered)} ({len(late)})")
    report.figure(
        "response time p50 / p99 / max",
        f"{statistics.median(stats.latencies or [0]) * 1000:.0f} / "
        f"{percentile(stats.latencies, 0.99) * 1000:.0f} / "
        f"{max(stats.latencies or [0]) * 1000:.0f} ms",
    )
    kinds = Counter(_kind(h.interaction) for h in handles)
    report.figure("  mix", ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    report.check(
        not unanswered,
        f"{len(unanswered)} interaction(s) unanswered: "
        + ", ".join(h.describe() for h in unanswered[:5]),
    )

    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        owners = dict(db.execute("SELECT id, owner_id FROM contacts").fetchall())
        ledger = {
            row[0]: row[1:]
            for row in db.execute(
                "SELECT student_id, id, outcome, message_id FROM deliveries WHERE kind = 'digest'"
            )
        }
    present = [cid for cid, owner in stats.written.items() if owners.get(cid) == owner]
    report.figure("contacts written / present", f"{len(stats.written)} / {len(present)}")
    report.check(
        len(present) == len(stats.written),
        f"{len(stats.written) - len(present)} contact(s) answered as saved are not in the "
        "database under their owner",
    )
    report.check(integrity == "ok", f"integrity_check: {integrity}")

    digests = _digest_dms(fake)
    per_student = Counter(m["recipient_id"] for m in digests)
    missing = [s for s in run.due if per_student[s] == 0]
    duplicates = sum(n - 1 for n in per_student.values() if n > 1)
    strays = [s for s in per_student if s not in run.due]
    nonce_of = {message_id: nonce for (_, nonce), message_id in fake.nonces.items()}
    unledgered = []
    for message in digests:
        row = ledger.get(message["recipient_id"])
        mid = int(message["id"])
        if row is None or nonce_of.get(mid) != f"coach-{row[0]}" or row[2] != mid:
            unledgered.append(message["recipient_id"])
    late_outcomes = sum(1 for row in ledger.values() if row[1] == "late")
    report.figure(
        "digests due / delivered / duplicates / missing",
        f"{len(run.due)} / {len(per_student)} / {duplicates} / {len(missing)}",
    )
    report.figure(
        "  marked late / claims left open by the kill", f"{late_outcomes} / {run.open_claims}"
    )
    report.check(not missing, f"{len(missing)} due digest(s) never delivered: {missing[:5]}")
    report.check(not duplicates, f"{duplicates} duplicate digest(s)")
    report.check(not strays, f"digests to students with none due: {strays[:5]}")
    report.check(
        not unledgered,
        f"{len(unledgered)} digest(s) not matching their ledger row's nonce and message id",
    )

    sends = [  # the ledger's sends (digests), not the welcome DMs of the opt-ins
        r
        for r in fake.requests
        if r.method == "POST"
        and r.path.startswith("/channels/")
        and str((r.json or {}).get("nonce", "")).startswith("coach-")
    ]
    faults = Counter(r.status for r in sends if r.status and r.status >= 400)
    report.figure(
        "faults injected",
        ", ".join(f"{n}× {status}" for status, n in sorted(faults.items())) or "none",
    )
    report.figure("  gateway and process", "; ".join(run.disruptions))
    report.figure("DM sends (requests) per digest", f"{len(sends) / max(len(per_student), 1):.2f}")
    accepted = sum(1 for r in sends if r.status == 200)
    report.figure("  resends answered from the nonce (sent, not recorded)", accepted - len(digests))
    report.figure(
        "restart: spawn → ready / kill → ready",
        f"{run.restart_seconds:.1f} s / {run.kill_to_ready:.1f} s",
    )
    report.check(not stats.refused, f"the fake refused to dispatch: {stats.refused[:3]}")
    violations = fake.unexpected_violations()
    report.check(
        not violations,
        f"{len(violations)} request(s) Discord would refuse: "
        + "; ".join(v.reason for v in violations[:3]),
    )
    report.check(run.exit_code == 0, f"the bot did not stop cleanly (exit {run.exit_code})")
    log = log_path.read_text(encoding="utf-8", errors="replace")
    leaked = sorted({n for n in stats.names if len(n) > 6 and n in log})
    report.check(not leaked, f"typed text in the bot's log: {leaked[:3]}")
    errors = len(re.findall(r"\bERROR\b", re.sub(r"\x1b\[[0-9;]*m", " ", log)))
    report.figure("bot log: lines / ERROR lines", f"{log.count(chr(10))} / {errors}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--rate", type=float, default=6.0, help="interactions per second")
    parser.add_argument("--digests", type=int, default=90)
    parser.add_argument("--poll", type=float, default=1.0, help="REMINDER_POLL_SECONDS")
    parser.add_argument("--settle", type=float, default=90.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the folder (database, log)")
    args = parser.parse_args(argv)
    config = SoakConfig(
        seconds=args.minutes * 60,
        students=args.students,
        rate=args.rate,
        digests=args.digests,
        poll=args.poll,
        settle=args.settle,
        seed=args.seed,
    )
    folder = Path(tempfile.mkdtemp(prefix="coach-soak-"))
    report = asyncio.run(run_soak(config, folder))
    report.show()
    if args.keep or report.failures:
        print(f"kept {folder} (database and the bot's log)")
    else:
        shutil.rmtree(folder)
    return 1 if report.failures else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
