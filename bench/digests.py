"""Digest fan-out and punctuality: a whole school's weekly digests due at one instant, sent by the
real bot process to a fake Discord that enforces the global rate limit.

    .venv/bin/python -m bench.digests [--students 10000] [--rate 50] [--contacts 50]
    .venv/bin/python -m bench.digests --punctuality          # 2,000 students, delay p50/p99
    .venv/bin/python -m bench.digests --punctuality --answer-ms 250   # Discord answers slowly
    .venv/bin/python -m bench.digests --punctuality --answer-ms 0 120 250 500   # one table

Method. The school comes from `bench.seed.cached_school` (every student with a DM channel
already stored, so a digest is one POST). Its digests are then moved to one real instant: the
next multiple of 30 s (the default REMINDER_POLL_SECONDS) at least --lead seconds away — digests
fall due on the hour in production, which is on that grid too. The bot runs as `coach run` in a
child process with its real clock, its default settings and LOOP_LAG_REPORT_SECONDS, exactly as
deployed; the fake Discord (tests/e2e/fake_discord, global limit --rate per second, sliding
one-second window) runs in this process, so its work never lands on the bot's event loop and
the loop lag the bot logs is the bot's own. The fake timestamps each request on arrival and,
with --answer-ms, answers each message send that many milliseconds later (Discord takes
100-300 ms, more during incidents).

Figures: total time from the due instant to the last digest accepted, against the floor
(digests ÷ rate); REST requests made per digest (every request after the bot is ready: the
digests' POSTs, their 429 retries and anything else discord.py sends); 429s (global and other);
duplicates (a student given a second message, or a nonce sent again after it was accepted);
misses (students due and never sent one); the delay from the due instant to each digest (p50,
p99, max); and the bot's event-loop lag per 5-s window while it sends. Given several
--answer-ms, each is a run of its own (a fresh copy of the school, a fresh bot and fake), and a
table of all of them closes the output.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import math
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.seed import cached_school, dm_channel_id
from bot.discord_adapter.pacing import DEFAULT_RATE
from bot.storage.database import open_database
from bot.storage.rows import to_db_time
from tests.e2e.conftest import token_for
from tests.e2e.fake_discord import FakeDiscord, RecordedRequest

SEED_DUE = datetime(2026, 11, 22, 23, tzinfo=UTC)  # the cached file's instant; moved per run
GRID_SECONDS = 30  # the bot's default REMINDER_POLL_SECONDS
LAG_REPORT_SECONDS = 5
MESSAGES = re.compile(r"^/channels/(\d+)/messages$")
LAG_LINE = re.compile(r"loop lag .*p99_ms=([\d.]+) max_ms=([\d.]+)")
KEPT_LOG = Path(__file__).parent / "out" / "digests-bot.log"  # the last run's bot log
KEPT_ARRIVALS = KEPT_LOG.with_name("digests-arrivals.txt")  # seconds after due, one per digest


@dataclass(frozen=True)
class Summary:
    """One run's headline figures, a row of the closing table."""

    answer_ms: float
    students: int
    delivered: int
    total_s: float
    floor_ratio: float
    pacer_ratio: float
    requests_per_digest: float
    global_429: int
    other_429: int
    duplicates: int
    misses: int


@dataclass
class Run:
    students: int
    rate: int
    due_wall: float
    due_mono: float
    ready_mono: float
    first_request: int
    log: Path


def _due_instant(lead: float) -> float:
    """The next point of the poll grid at least `lead` seconds from now (epoch seconds)."""
    return math.ceil((time.time() + lead) / GRID_SECONDS) * GRID_SECONDS


async def _move_digests_to(path: Path, when: float) -> None:
    """Every digest due at `when`; the seeded one-off reminders (three days after the seed's
    `now`) moved to three days after it too, so an old cached file's reminders are not all
    overdue on the real clock and claimed in the same tick."""
    due = datetime.fromtimestamp(when, UTC)
    db = await open_database(path)
    try:
        await db.execute(
            "UPDATE reminder_settings SET next_digest_at = ? WHERE next_digest_at IS NOT NULL",
            (to_db_time(due),),
        )
        await db.execute("UPDATE reminders SET due_at = ?", (to_db_time(due + timedelta(days=3)),))
    finally:
        await db.close()


def _environ(fake: FakeDiscord, database: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(database.parent),
        "DISCORD_TOKEN": token_for(fake.application_id),
        "DATABASE_PATH": str(database),
        "DISCORD_API_BASE": fake.api_base,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "DEV_GUILD_ID": "",
        "LOG_LEVEL": "INFO",
        "LOOP_LAG_REPORT_SECONDS": str(LAG_REPORT_SECONDS),
        # Let a run measure another checkout's bot (e.g. the code before a change) or another
        # send rate (DISCORD_SEND_RATE=45 python -m bench.digests).
        **{k: os.environ[k] for k in ("PYTHONPATH", "DISCORD_SEND_RATE") if k in os.environ},
    }


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def _run(args: argparse.Namespace, workdir: Path, answer_ms: float) -> Summary:
    database = workdir / "coach.sqlite3"
    school = await cached_school(
        database, students=args.students, contacts_per_student=args.contacts, digest_due_at=SEED_DUE
    )
    # The e2e tests check every payload against Discord's schema; here that work would only
    # slow the fake's loop and bunch its arrival timestamps, which is what the limit counts.
    fake = FakeDiscord(
        global_rate_limit=args.rate,
        validate_schemas=False,
        message_answer_seconds=answer_ms / 1000,
    )
    for student in school.students:
        fake.add_dm_channel(student, dm_channel_id(student))
    recipients = {dm_channel_id(s): s for s in school.students}
    # The fake is the measuring instrument: a collector pause in it would bunch the arrival
    # timestamps the limit counts. The school's users and channels are frozen out of the
    # collector's passes, and collection is off for the run (the recorded messages of one run
    # are a few hundred MB at most).
    gc.freeze()
    gc.disable()
    await fake.start()
    due_wall = _due_instant(args.lead)
    await _move_digests_to(database, due_wall)
    log_path = workdir / "bot.log"
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=_environ(fake, database),
            cwd=workdir,
            stdout=log_file,
            stderr=log_file,
        )
        try:
            await fake.wait_ready(timeout=120)
            run = Run(
                students=args.students,
                rate=args.rate,
                due_wall=due_wall,
                due_mono=time.monotonic() + (due_wall - time.time()),
                ready_mono=time.monotonic(),
                first_request=len(fake.requests),
                log=log_path,
            )
            print(
                f"bot ready; {args.students:,} digests due in {due_wall - time.time():.1f} s "
                f"(global limit {args.rate}/s, sends answered after {answer_ms:g} ms)",
                flush=True,
            )
            floor = args.students / args.rate
            budget = (due_wall - time.time()) + 3 * floor + 60
            await _wait_delivered(fake, args.students, budget)
            await asyncio.sleep(args.linger)  # anything sent twice would arrive now
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 30)
            except TimeoutError:
                process.kill()
            await fake.stop()
    summary = _report(run, fake, recipients, answer_ms)
    # The next run's fake starts from a clean heap; this one's recordings can go.
    gc.enable()
    gc.unfreeze()
    gc.collect()
    return summary


async def _wait_delivered(fake: FakeDiscord, expected: int, budget: float) -> None:
    deadline = time.monotonic() + budget
    last, last_change = -1, time.monotonic()
    while len(fake.dms) < expected and time.monotonic() < deadline:
        if len(fake.dms) != last:
            last, last_change = len(fake.dms), time.monotonic()
        elif time.monotonic() - last_change > 90:
            print(f"no progress for 90 s at {last:,} digests; giving up", flush=True)
            return
        await asyncio.sleep(0.5)


def _tick_reports(log: Path) -> list[str]:
    """The bot's own account of each tick (sent, failed, retried …), for reading anomalies."""
    return [
        line[line.index("DeliveryReport") :]
        for line in log.read_text(errors="replace").splitlines()
        if "delivery tick DeliveryReport" in line
    ]


def _report(run: Run, fake: FakeDiscord, recipients: dict[int, int], answer_ms: float) -> Summary:
    # The run's directory is temporary: its bot log is kept where the next reader finds it.
    kept_log, kept_arrivals = _kept(KEPT_LOG, answer_ms), _kept(KEPT_ARRIVALS, answer_ms)
    kept_log.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(run.log, kept_log)
    after_ready = fake.requests[run.first_request :]
    accepted: list[float] = []
    by_student: Counter[int] = Counter()
    nonces: Counter[str] = Counter()
    for request in after_ready:
        match = MESSAGES.match(request.path)
        if request.method != "POST" or match is None or request.status != 200:
            continue
        nonce = (request.json or {}).get("nonce")
        if nonce is not None:  # a message without one is not a digest (routes count it)
            nonces[str(nonce)] += 1
        student = recipients.get(int(match[1]))
        if student is not None:
            accepted.append(request.time)
    for message in fake.dms:
        by_student[int(message["recipient_id"])] += 1
    delivered = len(by_student)
    second_messages = sum(n - 1 for n in by_student.values())
    resent_nonces = sum(n - 1 for n in nonces.values())
    duplicates = second_messages + resent_nonces
    misses = run.students - delivered
    counted = [r for r in after_ready if not r.path.endswith("/callback")]
    routes = Counter(
        f"{r.method} {MESSAGES.sub('/channels/{id}/messages', r.path)}" for r in counted
    )
    floor = run.students / run.rate
    send_rate = float(os.environ.get("DISCORD_SEND_RATE", DEFAULT_RATE))
    pacer_floor = run.students / send_rate
    delays = [t - run.due_mono for t in accepted]
    kept_arrivals.write_text("".join(f"{d:.4f}\n" for d in sorted(delays)))
    total = max(delays) if delays else float("nan")
    counts = fake.request_counts
    refused = _refusals(after_ready)
    lags = [
        (float(m[1]), float(m[2]))
        for line in run.log.read_text(errors="replace").splitlines()
        if (m := LAG_LINE.search(line))
    ]
    busy = lags[: max(1, math.ceil(total / LAG_REPORT_SECONDS) + 1)] if lags else []
    print(
        "\n".join(
            [
                f"digests delivered      {delivered:,} of {run.students:,}",
                f"total time             {total:.1f} s from the due instant to the last digest",
                f"floor                  {floor:.1f} s ({run.students:,} requests / {run.rate}/s)"
                f" → {total / floor:.3f}× the floor (target ≤ 1.15×)",
                f"pacer's floor          {pacer_floor:.1f} s ({run.students:,} / the bot's "
                f"{send_rate:g}/s) → {total / pacer_floor:.3f}× (the fan-out keeps the rate)",
                f"requests per digest    {len(counted) / max(delivered, 1):.3f} "
                f"({len(counted):,} requests after ready: "
                + ", ".join(f"{route} ×{n:,}" for route, n in routes.most_common(4))
                + ")",
                f"429s                   global {counts.global_429:,}, other {counts.other_429:,}",
                *(f"  a global 429:        {line}" for line in refused),
                f"duplicates             {duplicates:,} ({second_messages:,} second messages "
                f"to a student, {resent_nonces:,} resends of an accepted nonce)",
                f"bot log                {kept_log}"
                + "".join(f"; {line.strip()}" for line in _tick_reports(run.log)),
                f"misses                 {misses:,}",
                f"send rate              {_send_rate(accepted)}",
                f"delay after due        p50 {_percentile(delays, 0.50):.2f} s, "
                f"p99 {_percentile(delays, 0.99):.2f} s, max {total:.2f} s "
                f"(first {min(delays) if delays else float('nan'):.3f} s)",
                (
                    f"loop lag (bot)         p99 per {LAG_REPORT_SECONDS}-s window while sending: "
                    f"median {statistics.median(p for p, _ in busy):.1f} ms, "
                    f"worst {max(p for p, _ in busy):.1f} ms; max {max(m for _, m in busy):.1f} ms"
                    if busy
                    else "loop lag (bot)         not reported"
                ),
            ]
        )
    )
    return Summary(
        answer_ms=answer_ms,
        students=run.students,
        delivered=delivered,
        total_s=total,
        floor_ratio=total / floor,
        pacer_ratio=total / pacer_floor,
        requests_per_digest=len(counted) / max(delivered, 1),
        global_429=counts.global_429,
        other_429=counts.other_429,
        duplicates=duplicates,
        misses=misses,
    )


def _table(summaries: list[Summary], rate: int) -> None:
    """All runs side by side: the figures the README's table takes."""
    send_rate = float(os.environ.get("DISCORD_SEND_RATE", DEFAULT_RATE))
    print(
        f"\n{summaries[0].students:,} digests, global limit {rate}/s, the bot's send rate "
        f"{send_rate:g}/s"
    )
    print(
        f"{'answer ms':>10}{'total s':>9}{'÷ floor':>9}{'÷ pacer':>9}{'req/digest':>12}"
        f"{'429 global':>12}{'429 other':>11}{'duplicates':>12}{'misses':>8}"
    )
    for s in summaries:
        print(
            f"{s.answer_ms:>10g}{s.total_s:>9.1f}{s.floor_ratio:>9.3f}{s.pacer_ratio:>9.3f}"
            f"{s.requests_per_digest:>12.3f}{s.global_429:>12,}{s.other_429:>11,}"
            f"{s.duplicates:>12,}{s.misses:>8,}"
        )


def _kept(path: Path, answer_ms: float) -> Path:
    """Where a run's file is kept: digests-bot.log, or digests-bot-250ms.log when the fake
    answered sends after 250 ms (so a run of several answer times keeps each)."""
    return path.with_stem(f"{path.stem}-{answer_ms:g}ms") if answer_ms else path


def _send_rate(arrivals: list[float]) -> str:
    """How evenly the digests went out: the mean rate, the slowest and median 10-s windows, and
    the pauses (gaps over 100 ms) that cost sending time, to tell a slow pipeline from stalls."""
    times = sorted(arrivals)
    if len(times) < 2:
        return "n/a"
    first, last = times[0], times[-1]
    windows = Counter(int((t - first) // 10) for t in times)
    full = [windows.get(i, 0) / 10 for i in range(int((last - first) // 10))]  # complete ones
    stalls = [b - a for a, b in itertools.pairwise(times) if b - a > 0.1]
    return (
        f"{(len(times) - 1) / (last - first):.1f}/s mean"
        + (
            f"; per 10-s window min {min(full):.1f}, median {statistics.median(full):.1f}/s"
            if full
            else ""
        )
        + f"; {len(stalls)} gaps over 100 ms, {sum(stalls):.1f} s in all"
    )


def _refusals(requests: list[RecordedRequest]) -> list[str]:
    """For each global 429 (the first five): what the fake had admitted in the second before
    it, and the longest gap between arrivals there (a stall, then a bunch, shows as a gap)."""
    times = [r.time for r in requests if r.status != 429]
    lines = []
    for request in [r for r in requests if r.status == 429][:5]:
        before = [t for t in times if request.time - 1.0 <= t < request.time]
        gaps = [b - a for a, b in itertools.pairwise(before)]
        gap_ms = max(gaps, default=0.0) * 1000
        lines.append(f"{len(before)} admitted in the second before, longest gap {gap_ms:.0f} ms")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.digests", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--students", type=int, default=None, help="default 10,000 (2,000 with --punctuality)"
    )
    parser.add_argument("--rate", type=int, default=50, help="the fake's global limit (req/s)")
    parser.add_argument("--contacts", type=int, default=50, help="contacts per student")
    parser.add_argument(
        "--punctuality", action="store_true", help="2,000 students; the delays are the figure"
    )
    parser.add_argument(
        "--answer-ms",
        type=float,
        nargs="+",
        default=[0.0],
        help="the fake answers each message send after this many milliseconds; several: a run "
        "each, then one table",
    )
    parser.add_argument(
        "--lead", type=float, default=15.0, help="min seconds from start to the due instant"
    )
    parser.add_argument(
        "--linger",
        type=float,
        default=5.0,
        help="seconds to watch for repeats after the last digest",
    )
    args = parser.parse_args(argv)
    if args.students is None:
        args.students = 2_000 if args.punctuality else 10_000
    summaries = []
    for answer_ms in args.answer_ms:
        if len(args.answer_ms) > 1:
            print(f"\n== sends answered after {answer_ms:g} ms", flush=True)
        with tempfile.TemporaryDirectory(prefix="bench-digests-") as tmp:
            summaries.append(asyncio.run(_run(args, Path(tmp), answer_ms)))
    if len(summaries) > 1:
        _table(summaries, args.rate)


if __name__ == "__main__":
    main()
