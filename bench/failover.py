"""Failover under a fan-out: several bot processes share one store and one token, a school's
weekly digests fall due at one instant, and the process sending them is killed with SIGKILL
mid-drain.

    .venv/bin/python -m bench.failover                      # PostgreSQL ×3, then SQLite ×2
    .venv/bin/python -m bench.failover --store sqlite --students 500 --poll 5

Method (tests/e2e/fleet.py does the work; tests/e2e/test_failover.py is the same run, small):
every process is the real bot (`python -m bot run`) on gateway shard i of n (SHARD_COUNT /
SHARD_IDS) against the project's fake Discord, which enforces the global limit of 50 requests
per sliding second and, with max_concurrency 1, records any two IDENTIFYs closer than 5 s.
PostgreSQL is a throwaway cluster from the machine's binaries (tests/postgres.py). Every
student has a stored DM channel, so a digest is one POST. The processes run with the production
defaults (a 30-s tick, the 30-s sender lease, the 60-s retry delay of an open claim) and real
time: the only thing moved is their clock's starting point, so the digests fall due on the
next tick of their grid (TEST_CLOCK_FILE). Once `--kill-after` digests have arrived, the lease
holder (read from the store) is SIGKILLed.

Figures: digests delivered, second messages and misses (exactly once: 0 and 0); resends of an
accepted nonce (a claim the dead sender had sent but not recorded, shown once by Discord);
global 429s and the most requests attempted in any one-second window (≤ 50); the failover time,
from the kill to the next digest accepted (another process sending: the lease must run out, then
its next tick); the time from the due instant to the last digest against the floor
(digests ÷ 50/s) — the dead sender's open claims wait the retry delay; and the gaps between the
shards' IDENTIFYs.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import tempfile
import uuid
from pathlib import Path

import asyncpg

from tests.e2e.fleet import FailoverPlan, FailoverResult, run_failover
from tests.postgres import Cluster, find_bindir

KEPT = Path(__file__).parent / "out"  # each run's bot logs (bench/out is not committed)


def _report(label: str, plan: FailoverPlan, result: FailoverResult) -> None:
    floor = plan.students / plan.rate
    gaps = ", ".join(f"{gap:.1f}" for gap in result.identify_gaps)
    lines = [
        f"== {label}: {plan.processes} processes, {plan.students:,} digests due at once, "
        f"tick {plan.poll_seconds:g} s",
        f"delivered              {result.delivered:,} of {result.students:,}; second messages "
        f"{result.second_messages}; misses {result.misses}",
        f"resent nonces          {result.resent_nonces} (sent by the dead sender, not recorded;"
        " shown once)",
        f"global limit           {result.global_429} global 429s; busiest second "
        f"{result.busiest_second} requests (limit {plan.rate})"
        + "".join(f"; a 429 at {t:.2f} s after due" for t in result.refused_s[:5]),
        f"killed                 process {result.killed} (the sender) at "
        f"{result.delivered_at_kill:,} digests, {result.kill_s or 0:.1f} s after due; senders "
        f"over the run: {result.senders}",
        f"failover               {result.failover_s:.1f} s from the kill to the next digest"
        if result.failover_s is not None
        else "failover               none (no digest after the kill)",
        f"due → last digest      {result.due_to_last:.1f} s (floor {floor:.1f} s without a "
        f"kill: {result.due_to_last / floor:.2f}×)",
        f"identifies             gaps {gaps} s (max_concurrency {plan.max_concurrency}: ≥ 5 s)",
        f"violations             {len(result.violations)}"
        + "".join(f"\n  {v}" for v in result.violations[:5]),
    ]
    print("\n".join(lines), flush=True)


async def _postgres_url(cluster: Cluster) -> str:
    name = f"bench_failover_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(cluster.url())
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return cluster.url(name)


async def _run(args: argparse.Namespace, store: str, workdir: Path) -> FailoverResult:
    processes = args.processes or (3 if store == "postgresql" else 2)
    plan = FailoverPlan(
        workdir,
        students=args.students,
        processes=processes,
        database=workdir / "coach.sqlite3",
        kill_after=args.kill_after or args.students // 3,
        poll_seconds=args.poll,
        max_concurrency=args.max_concurrency,
        timeout=3 * args.students / 50 + 180,
        linger=5.0,
    )
    cluster = None
    if store == "postgresql":
        bindir = find_bindir()
        if bindir is None:
            raise SystemExit("PostgreSQL is not installed (no initdb); run with --store sqlite")
        cluster = Cluster.start(bindir)
        plan.database_url = await _postgres_url(cluster)
    # The fake is the measuring instrument: a collector pause in it would bunch the arrival
    # timestamps its limit counts (as in bench.digests). Off for the run, frozen before it.
    gc.freeze()
    gc.disable()
    try:
        result = await run_failover(plan, say=True)
    finally:
        gc.enable()
        gc.unfreeze()
        if cluster is not None:
            cluster.stop()
    label = "PostgreSQL" if cluster else "SQLite"
    _report(label, plan, result)
    _keep_logs(workdir, label.lower())
    return result


def _keep_logs(workdir: Path, label: str) -> None:
    """The run's folder is temporary: the bots' logs are kept where the next reader finds them."""
    KEPT.mkdir(parents=True, exist_ok=True)
    for log in workdir.glob("bot-*.log"):
        shutil.copyfile(log, KEPT / f"failover-{label}-{log.name}")
    print(f"bot logs               {KEPT}/failover-{label}-bot-*.log", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.failover", description=__doc__.split("\n")[0])
    parser.add_argument("--store", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--students", type=int, default=2_000)
    parser.add_argument(
        "--processes", type=int, default=0, help="default 3 on PostgreSQL, 2 on SQLite"
    )
    parser.add_argument(
        "--kill-after", type=int, default=0, help="digests before the kill (default a third)"
    )
    parser.add_argument("--poll", type=float, default=30.0, help="REMINDER_POLL_SECONDS")
    parser.add_argument("--max-concurrency", type=int, default=1, help="/gateway/bot's")
    args = parser.parse_args(argv)
    stores = ["postgresql", "sqlite"] if args.store == "both" else [args.store]
    for store in stores:
        with tempfile.TemporaryDirectory(prefix="bench-failover-") as tmp:
            asyncio.run(_run(args, store, Path(tmp)))


if __name__ == "__main__":
    main()
