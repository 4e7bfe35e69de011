"""A fleet of real bot processes sharing one store and one token against the fake Discord, for
the failover proof: the end-to-end test (tests/e2e/test_failover.py, a small school) and the
benchmark (bench/failover.py, 2,000 digests).

    result = await run_failover(FailoverPlan(store=..., processes=3, students=200, ...))

What one run does:
1. Seeds the store with `students` who opted in, each with a stored DM channel (a digest is
   one POST), every weekly digest due at the same instant DUE.
2. Starts `processes` bot processes (`python -m bot run`, the deployed entry point), process i
   on gateway shard i of `processes` (SHARD_COUNT / SHARD_IDS), all on one TEST_CLOCK_FILE.
3. Once every shard is ready, moves the processes' clock so DUE falls on the next tick of
   their poll grid: the school's digests fall due at one instant.
4. When `kill_after` digests have arrived, SIGKILLs the process that holds the sender lease
   (the one that logged taking it): no clean shutdown, its claims left open.
5. With `jump_after_kill`, moves the clock on by that much at once (past the 30-s lease and
   the 60-s retry delay) rather than waiting for it in real time: the test's way; the bench
   waits in real time, as production would.
6. Waits until every student has a digest, lingers for repeats.
7. With `probe`, sends /help in a server of each shard (the commands registered once by
   `coach sync`): every process still running answers the interactions of its shard, the
   sender or not. Then stops the rest (SIGTERM).

The fake enforces Discord's global limit (50 requests per second, sliding window) and records
every request's arrival; the figures come from its records, never from the bots' own word.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import math
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, cast

import aiosqlite
import asyncpg

from bot.core.models import ReminderSettings
from bot.file_clock import move_clock
from bot.settings import PROJECT_ROOT
from bot.storage.backends import open_repositories
from tests.e2e.conftest import child_env
from tests.e2e.fake_discord import FakeDiscord, RecordedRequest

DUE = datetime(2031, 3, 2, 18, 0, tzinfo=UTC)  # a Sunday, 18:00 UTC: the default digest slot
SENDER_LINE = "this process now sends proactive messages"
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
IN_FLIGHT_S = 0.05


def dm_channel_for(student: int) -> int:
    return student + 10**17


def student_ids(count: int) -> list[int]:
    return [1_500_000_000_000_000_000 + n for n in range(count)]


@dataclass
class FailoverPlan:
    workdir: Path
    students: int
    processes: int
    database: Path  # the SQLite file (used when database_url is None)
    database_url: str | None = None  # PostgreSQL
    kill_after: int = 0  # digests delivered before the sender is killed (0: never)
    jump_after_kill: float = 0.0  # seconds the clock moves on at the kill (0: real time)
    poll_seconds: float = 0.1
    max_concurrency: int = 1  # /gateway/bot: identifies allowed together
    rate: int = 50  # the fake's global limit per second
    send_rate: float | None = None  # the bots' DISCORD_SEND_RATE (None: the default, 48)
    timeout: float = 60.0  # after the due instant, for the last digest
    linger: float = 1.0  # seconds to watch for repeats after the last digest
    probe: bool = False  # /help in a server of each shard after the drain


@dataclass
class FailoverResult:
    students: int
    delivered: int  # students with at least one digest
    second_messages: int  # digests beyond the first to one student
    resent_nonces: int  # accepted sends repeated under their nonce (shown once by Discord)
    misses: int
    global_429: int
    busiest_second: int  # most requests attempted in any one-second window (sliding)
    due_to_last: float  # seconds from the due instant to the last digest
    killed: int | None = None  # which process (its shard) was killed
    delivered_at_kill: int = 0
    failover_s: float | None = None  # the kill → the next digest accepted (another sender)
    failover_clock_s: float | None = None  # the same, on the processes' clock (with a jump)
    senders: list[int] = field(default_factory=list)  # processes that took the lease, in order
    identify_gaps: list[float] = field(default_factory=list)  # seconds between identifies
    violations: list[str] = field(default_factory=list)
    answered: dict[int, bool] = field(default_factory=dict)  # shard → its /help was answered
    kill_s: float | None = None  # the kill, seconds after the due instant
    refused_s: list[float] = field(default_factory=list)  # each global 429, after the due instant


def guild_on_shard(shard: int, count: int) -> int:
    """A server id whose events Discord sends to `shard` of `count` ((id >> 22) % count)."""
    return (1_000_000 * count + shard) << 22


class FleetProcess:
    """One `python -m bot run`, its output in a log file of its own."""

    def __init__(self, index: int, env: dict[str, str], log_path: Path) -> None:
        self.index = index
        self.env = env
        self.log_path = log_path
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None

    @staticmethod
    def _in_child() -> None:
        # A test or bench that dies must not leave bots sending to a vanished fake.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    async def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=PROJECT_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
            preexec_fn=self._in_child,
        )

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def sends(self) -> bool:
        return SENDER_LINE in self.log_text()

    def holds(self, holder: str | None) -> bool:
        return holder is not None and f"{SENDER_LINE} (holder={holder})" in self.log_text()

    def alive(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def kill(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.kill()
            await self.process.wait()

    async def stop(self, wait_s: float = 20) -> int | None:
        if self.process is None:
            return None
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), wait_s)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.process.returncode


async def seed(plan: FailoverPlan) -> list[int]:
    """The school: students who opted in, their DM channels stored, every digest due at DUE."""
    store = await open_repositories(plan.database, plan.database_url)
    students = student_ids(plan.students)
    then = DUE - timedelta(days=30)
    try:
        for student in students:
            await store.students.get_or_create(student, now=then)
            await store.students.set_dm_channel(student, dm_channel_for(student))
            await store.reminders.save_settings(
                ReminderSettings(student_id=student, consented_at=then, next_digest_at=DUE)
            )
    finally:
        await store.close()
    return students


async def lease_holder(plan: FailoverPlan) -> str | None:
    """Who holds the sender lease now, read from the store (the processes log their name)."""
    query = "SELECT holder FROM sender_leases WHERE name = 'proactive'"
    if plan.database_url is not None:
        connection = await asyncpg.connect(plan.database_url)
        try:
            return cast(str | None, await connection.fetchval(query))
        finally:
            await connection.close()
    async with aiosqlite.connect(plan.database) as db, db.execute(query) as cursor:
        row = await cursor.fetchone()
    return None if row is None else str(row[0])


def busiest_second(requests: list[RecordedRequest]) -> int:
    """Most requests attempted (admitted or refused) in any one-second sliding window, leaving
    out interaction callbacks, which Discord does not count against the global limit."""
    times = sorted(r.time for r in requests if not r.path.endswith("/callback"))
    most, start = 0, 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def run_failover(plan: FailoverPlan, *, say: bool = False) -> FailoverResult:
    def note(text: str) -> None:
        if say:
            print(text, flush=True)

    students = await seed(plan)
    clock_file = plan.workdir / "clock"
    move_clock(clock_file, 0.0)
    fake = FakeDiscord(
        global_rate_limit=plan.rate,
        validate_schemas=False,
        recommended_shards=plan.processes,
        max_concurrency=plan.max_concurrency,
        identify_window=5.0,
    )
    for student in students:
        fake.add_dm_channel(student, dm_channel_for(student))
    recipients = {dm_channel_for(s): s for s in students}
    asker = students[0]
    for shard in range(plan.processes):
        fake.add_guild(guild_on_shard(shard, plan.processes), members=[asker])
    await fake.start()
    fleet = []
    for index in range(plan.processes):
        extra = {
            "DEV_GUILD_ID": "",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "REMINDER_POLL_SECONDS": f"{plan.poll_seconds:g}",
            "SHARD_COUNT": str(plan.processes),
            "SHARD_IDS": str(index),
            "TEST_CLOCK_FILE": str(clock_file),
        }
        if plan.send_rate is not None:
            extra["DISCORD_SEND_RATE"] = f"{plan.send_rate:g}"
        env = child_env(fake, plan.database, database_url=plan.database_url, **extra)
        fleet.append(FleetProcess(index, env, plan.workdir / f"bot-{index}.log"))
    result = FailoverResult(plan.students, 0, 0, 0, plan.students, 0, 0, math.nan)
    sync = None
    try:
        started = time.monotonic()
        if plan.probe:
            # Global commands, as a deployment registers them: once, not by each process.
            sync = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "sync",
                env=child_env(fake, plan.database, database_url=plan.database_url,
                              DEV_GUILD_ID=""),
                cwd=PROJECT_ROOT,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
        await asyncio.gather(*(process.start() for process in fleet))
        await fake.wait_shards(set(range(plan.processes)), timeout=60 + 6 * plan.processes)
        note(f"{plan.processes} processes ready in {time.monotonic() - started:.1f} s")
        # DUE on the next tick of the grid, at least a second from now (on the fake's clock,
        # which is time.monotonic(): the arrivals are measured on it).
        grid = plan.poll_seconds
        due_wall = math.ceil((time.time() + 1.0) / grid) * grid
        due_mono = fake.clock() + (due_wall - time.time())
        offset = (DUE - datetime.fromtimestamp(due_wall, UTC)).total_seconds()
        move_clock(clock_file, offset)
        note(f"{plan.students:,} digests due in {due_wall - time.time():.1f} s")
        deadline = time.monotonic() + (due_wall - time.time()) + plan.timeout
        killed_at: float | None = None
        while len({m["recipient_id"] for m in fake.dms}) < plan.students:
            if time.monotonic() > deadline:
                note("timed out waiting for the last digests")
                break
            if killed_at is None and plan.kill_after and len(fake.dms) >= plan.kill_after:
                holder = await lease_holder(plan)
                sender = next((p for p in fleet if p.alive() and p.holds(holder)), None)
                if sender is not None:
                    await sender.kill()
                    killed_at = fake.clock()
                    result.killed = sender.index
                    result.delivered_at_kill = len(fake.dms)
                    note(f"killed process {sender.index} (the sender) at {len(fake.dms)} digests")
                    if plan.jump_after_kill:
                        offset += plan.jump_after_kill
                        move_clock(clock_file, offset)
            await asyncio.sleep(0.02)
        await asyncio.sleep(plan.linger)  # a repeat would arrive now
        result.senders = [p.index for p in fleet if p.sends()]
        if sync is not None:
            assert await sync.wait() == 0, "coach sync failed"
            result.answered = await _probe(fake, fleet, asker, plan.processes)
        _measure(result, fake, recipients, due_mono, killed_at, plan.jump_after_kill)
    finally:
        if sync is not None and sync.returncode is None:
            sync.kill()
            await sync.wait()
        await asyncio.gather(*(process.stop() for process in fleet))
        await fake.stop()
    return result


async def _probe(
    fake: FakeDiscord, fleet: list[FleetProcess], asker: int, count: int
) -> dict[int, bool]:
    """/help in a server of each live process's shard: answered by that process."""
    answered = {}
    for process in fleet:
        if not process.alive():
            continue
        handle = await fake.slash(
            "help", user_id=asker, guild_id=guild_on_shard(process.index, count)
        )
        try:
            await handle.response(timeout=10)
        except AssertionError:
            answered[process.index] = False
        else:
            answered[process.index] = True
    return answered


def _measure(
    result: FailoverResult,
    fake: FakeDiscord,
    recipients: dict[int, int],
    due_mono: float,
    killed_at: float | None,
    jump: float,
) -> None:
    by_student = Counter(int(m["recipient_id"]) for m in fake.dms)
    result.delivered = len(by_student)
    result.second_messages = sum(n - 1 for n in by_student.values())
    result.misses = len(recipients) - result.delivered
    accepted = [
        r
        for r in fake.requests
        if r.method == "POST"
        and r.status == 200
        and r.path.startswith("/channels/")
        and int(r.path.split("/")[2]) in recipients
    ]
    nonces = Counter(str((r.json or {}).get("nonce")) for r in accepted)
    result.resent_nonces = sum(n - 1 for n in nonces.values())
    result.global_429 = fake.request_counts.global_429
    result.busiest_second = busiest_second([r for r in fake.requests if r.time >= due_mono])
    result.refused_s = [r.time - due_mono for r in fake.requests if r.status == 429]
    if killed_at is not None:
        result.kill_s = killed_at - due_mono
    if accepted:
        result.due_to_last = max(r.time for r in accepted) - due_mono
    if killed_at is not None:
        # A send the killed process had already put on the wire may still be read by the fake
        # a few milliseconds after the kill: the next sender's first is the one after that.
        after = [r.time for r in accepted if r.time > killed_at + IN_FLIGHT_S]
        if after:
            result.failover_s = min(after) - killed_at
            result.failover_clock_s = result.failover_s + jump
    identified = sorted(t for t, _ in fake.identify_times)
    result.identify_gaps = [b - a for a, b in itertools.pairwise(identified)]
    result.violations = [f"{v.route}: {v.reason}" for v in fake.violations]
