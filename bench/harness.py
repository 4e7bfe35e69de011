"""The real bot as a separate process against the fake Discord, for benchmarks and the soak.

    async with FakeWorld(guild_members=school.students) as world:
        bot = BotProcess(world.fake, database, cpu=0, log_path=out / "bot.log")
        await bot.start()            # spawn `python -m bot run`, wait for IDENTIFY and /help
        ...                          # world.fake.slash(...), bot.memory(), bot.kill() …
        await bot.stop()             # SIGTERM, then the exit status (0: it stopped cleanly)

The bench process serves the fake (REST + gateway on 127.0.0.1, ephemeral port) on its own
event loop; the bot runs in its own interpreter with DISCORD_API_BASE / DISCORD_GATEWAY_URL
pointing at it, so neither the load generator nor the fake shares the bot's loop or GIL. With
`cpu=`, the bot is pinned to that core before it starts (affinity is inherited by its threads,
aiosqlite's included) and the bench process to the remaining cores, so "on one core" holds.
The same process can be killed and started again on its database (the soak's kill -9); its
output is appended to one log file across restarts. Nothing here can reach beyond loopback:
the fake is the only address the bot is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bench.seed import GUILD_ID
from tests.e2e.conftest import child_env
from tests.e2e.fake_discord import FakeDiscord
from tests.e2e.fake_discord.payloads import DEFAULT_PERMISSIONS

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class FakeWorld:
    """A started FakeDiscord holding the benchmark guild.

    Students become members after the bot's first GUILD_CREATE (see `add_members`): Discord
    sends a large guild's GUILD_CREATE without its member list to a bot lacking the members
    intent, so 10,000 members in that payload would measure a start-up no real bot sees.
    Interactions carry the member object either way.
    """

    def __init__(
        self,
        guild_members: Iterable[int] = (),
        *,
        guild_id: int = GUILD_ID,
        validate_schemas: bool = False,
    ) -> None:
        # Schema validation of every callback (jsonschema) costs the fake milliseconds per
        # request on the bench's loop, which would be counted as the bot's latency.
        self.fake = FakeDiscord(validate_schemas=validate_schemas)
        self.guild_id = guild_id
        self._members = tuple(guild_members)

    async def __aenter__(self) -> FakeWorld:
        await self.fake.start()
        self.fake.add_guild(self.guild_id, name="Bench School")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.fake.stop()

    def add_members(self) -> None:
        """Registers the students as members of the guild (call once the bot is ready)."""
        for user_id in self._members:
            self.fake.set_member_permissions(self.guild_id, user_id, DEFAULT_PERMISSIONS)


@dataclass(frozen=True, slots=True)
class Memory:
    rss_kib: int  # VmRSS: resident now
    hwm_kib: int  # VmHWM: the peak resident size since the process started


def read_memory(pid: int) -> Memory:
    """Resident memory of a live process, from /proc/<pid>/status (Linux)."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return Memory(fields["VmRSS"], fields["VmHWM"])


@dataclass(frozen=True, slots=True)
class StartUp:
    identified_s: float  # spawn → the fake saw IDENTIFY or RESUME (and sent READY, GUILD_CREATE)
    answered_s: float | None  # spawn → the answer to the /help probe arrived; None: no probe


class BotProcess:
    """`python -m bot run` as a child process, configured for the fake."""

    def __init__(
        self,
        fake: FakeDiscord,
        database: Path,
        *,
        guild_id: int = GUILD_ID,
        cpu: int | None = None,
        log_path: Path | None = None,
        env: Mapping[str, str] | None = None,
        profile_to: Path | None = None,
    ) -> None:
        self.fake = fake
        self.database = database
        self.guild_id = guild_id
        self.cpu = cpu
        self.log_path = log_path
        # INFO, not the e2e DEBUG: a log line per interaction would be part of what we time.
        # The reminder tick is off by default (an hour): benches that want it set the period.
        self.env = {
            "DEV_GUILD_ID": str(guild_id),
            "LOG_LEVEL": "INFO",
            "REMINDER_POLL_SECONDS": "3600",
            **(env or {}),
        }
        # cProfile of the whole bot process, written when it exits cleanly (stop(), not kill()).
        self.profile_to = profile_to
        self.process: asyncio.subprocess.Process | None = None
        self.startup: StartUp | None = None
        self._log: IO[bytes] | None = None

    @property
    def pid(self) -> int:
        if self.process is None:
            raise RuntimeError("the bot process is not running")
        return self.process.pid

    def _in_child(self) -> None:  # runs in the child between fork and exec
        # If the bench dies without stopping the bot, the bot dies too: an orphan left
        # retrying a vanished fake would skew every later measurement on its core.
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if self.cpu is not None:
            os.sched_setaffinity(0, {self.cpu})

    async def start(
        self, *, wait_s: float = 120, probe: bool = True, probe_user: int | None = None
    ) -> StartUp:
        """Spawns the bot and waits until it answers a /help from `probe_user` (a student id;
        its reply is ephemeral and touches no contacts). With `probe=False`, only until the
        fake sent READY: for a caller that counts every interaction, the soak."""
        if self.cpu is not None:
            # The fake and the load generator keep off the bot's core.
            others = set(os.sched_getaffinity(0)) - {self.cpu}
            if others:
                os.sched_setaffinity(0, others)
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        # Counted, not just awaited: after a kill -9 the fake may still think the old socket
        # is live until it notices the close, and /help would go to the dead session.
        sessions = self._sessions()
        spawned = time.perf_counter()
        profiler = ("-m", "cProfile", "-o", str(self.profile_to)) if self.profile_to else ()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *profiler,
            "-m",
            "bot",
            "run",
            env=child_env(self.fake, self.database, **self.env),
            cwd=PROJECT_ROOT,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log or asyncio.subprocess.DEVNULL,
            stderr=self._log or asyncio.subprocess.DEVNULL,
            preexec_fn=self._in_child,
        )
        # Polled finely: the fake announces no event on IDENTIFY, and this is start-up time.
        async with asyncio.timeout(wait_s):
            while self._sessions() <= sessions and not self._exited():  # noqa: ASYNC110
                await asyncio.sleep(0.005)
        if self._exited():
            raise RuntimeError(f"the bot exited with {self.process.returncode}; see its log")
        await self.fake.wait_ready(timeout=wait_s)
        identified = time.perf_counter() - spawned
        if not probe:
            self.startup = StartUp(identified, None)
            return self.startup
        user = probe_user or int(self.fake.owner_user["id"])
        handle = await self.fake.slash("help", user_id=user, guild_id=self.guild_id)
        await handle.response(timeout=wait_s)
        self.startup = StartUp(identified, time.perf_counter() - spawned)
        return self.startup

    def _sessions(self) -> int:
        return len(self.fake.identify_payloads) + len(self.fake.resume_payloads)

    def _exited(self) -> bool:
        return self.process is not None and self.process.returncode is not None

    def memory(self) -> Memory:
        return read_memory(self.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU time the bot has used so far: all its threads, and every process
        under it (the chart and export worker pool), live or exited (see `tree_cpu_seconds`)."""
        return tree_cpu_seconds(self.pid)

    async def stop(self, wait_s: float = 30) -> int:
        """SIGTERM (the bot finishes in-flight answers), then its exit status: 0 when it
        stopped cleanly (or none was running), -9 when it had to be killed after `wait_s`."""
        if self.process is None:
            return 0
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), wait_s)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self._finish()

    async def kill(self) -> int:
        """SIGKILL, as a crash would: no clean shutdown."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        return self._finish()

    def _finish(self) -> int:
        assert self.process is not None
        code = self.process.returncode
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return int(code or 0)

    async def __aenter__(self) -> BotProcess:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()


def _stat(pid: int | str) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): fields 3 onwards."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of `pid` and all its descendants, from /proc (Linux).

    A process's utime/stime cover all its threads; its cutime/cstime, the children it has
    reaped. Live descendants (a worker pool) are found by their parent ids and counted with
    their own reaped children, so nothing is counted twice and a worker that exits between two
    readings moves from "live" to its parent's cutime. Clock ticks: 10 ms resolution."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int(_stat(entry.name)[1])
            except (OSError, IndexError, ValueError):
                continue  # exited while we looked
            children.setdefault(parent, []).append(int(entry.name))
    ticks, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = _stat(current)
        except OSError:
            continue
        ticks += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        todo.extend(children.get(current, []))
    return ticks / os.sysconf("SC_CLK_TCK")


def percentile(samples: list[float], q: float) -> float:
    """The `q` quantile (0 to 1) of `samples`, nearest rank; 0 when there are none."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def pinned_cpu(text: str) -> int | None:
    """argparse type of a --cpu option: a core number, or -1 (or "none") to not pin."""
    return None if text in ("-1", "none") else int(text)
