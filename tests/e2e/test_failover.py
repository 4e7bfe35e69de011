"""Several processes, one token, exactly once: real bot processes (`python -m bot run`) on one
store, each on its own gateway shard, a small school's digests due at one instant, the sender
killed with SIGKILL mid-drain. Every student gets exactly one digest, no second goes over
Discord's 50 requests, the shards identified in turn, and another process took over.

The processes' clock is moved past the lease and the retry delay at the kill (TEST_CLOCK_FILE)
instead of waiting 60 s; bench/failover.py runs 2,000 digests in real time.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PgDatabase
from tests.e2e.fleet import FailoverPlan, FailoverResult, run_failover

pytestmark = pytest.mark.e2e

STUDENTS = 200
KILL_AFTER = 60
# Past the sender lease (30 s) and the retry delay of an open claim (60 s), well inside the
# nonce window (3 min): the survivors take over and resend the dead sender's open claims.
JUMP = 61.0
# The fake stamps a request when its event loop gets to it. In the suite it shares two cores
# with the bots and the other tests, and a stall of its loop stamps every request queued meanwhile
# at once: at 48/s a 0.1-s stall reads as 53 in a second, though the sender never started more
# than 48 (bench.failover measures the production rate on a quiet machine). At 30/s one sender
# stays under 50 through stalls of up to 0.6 s, while two senders at once (60/s) still exceed it.
SEND_RATE = 30.0


def assert_exactly_once_within_budget(result: FailoverResult, processes: int) -> None:
    assert result.killed is not None, "the sender was never killed: the drain ended first"
    assert result.delivered_at_kill < STUDENTS
    assert (result.delivered, result.misses, result.second_messages) == (STUDENTS, 0, 0)
    assert result.global_429 == 0 and result.busiest_second <= 50, result
    assert result.failover_s is not None and result.failover_s < 5, result
    others = [index for index in result.senders if index != result.killed]
    assert others, f"no other process took the sender lease: {result.senders}"
    assert result.violations == []  # the identifies of the shards included
    assert len(result.identify_gaps) == processes - 1, result.identify_gaps
    # Every process left answers the interactions of its shard, whether it sends or not.
    live = set(range(processes)) - {result.killed}
    assert result.answered == dict.fromkeys(live, True), result.answered


async def test_three_processes_on_postgresql_survive_the_senders_kill(
    pg_database: PgDatabase, tmp_path: Path
) -> None:
    plan = FailoverPlan(
        tmp_path,
        students=STUDENTS,
        processes=3,
        database=tmp_path / "unused.sqlite3",
        database_url=await pg_database(),
        kill_after=KILL_AFTER,
        probe=True,
        jump_after_kill=JUMP,
        send_rate=SEND_RATE,
        max_concurrency=3,  # the three shards identify together (their buckets differ)
    )
    result = await run_failover(plan)
    assert_exactly_once_within_budget(result, processes=3)


async def test_two_processes_on_sqlite_survive_the_senders_kill(tmp_path: Path) -> None:
    plan = FailoverPlan(
        tmp_path,
        students=STUDENTS,
        processes=2,
        database=tmp_path / "coach.sqlite3",
        kill_after=KILL_AFTER,
        probe=True,
        jump_after_kill=JUMP,
        send_rate=SEND_RATE,
        max_concurrency=1,  # one IDENTIFY per 5 s: the second process waits its turn
    )
    result = await run_failover(plan)
    assert_exactly_once_within_budget(result, processes=2)
    assert result.identify_gaps[0] >= 5.0  # taken in turn through the database
