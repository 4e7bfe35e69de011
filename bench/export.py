"""`/privacy export` and its restore for a heavy student, on a real SQLite file.

    .venv/bin/python -m bench.export [--contacts 5000] [--exchanges 20000] [--limit-mb 10]
                                     [--runs 3] [--longest]

Seeds one student (tests/exports.py `seed_heavy_account`: contacts, exchanges, drafts,
reminders, events and links, in bulk SQL) and measures, in the services the bot runs with their
SQLite repositories and the bot's worker pool (bot.workers: two spawned processes):

- export: wall time of `PrivacyService.export`, the event loop's longest stall meanwhile (a
  ticker task sleeping 1 ms and noting how late it wakes), the files and their sizes;
- restore: the JSON export (or the zip the export sent) uploaded into an empty account through
  `ImportService.preview` and `confirm`: wall time of each, the longest stall, and peak memory
  (VmHWM over the VmRSS before it) of the bot's process and of the busiest worker. Each phase
  runs in a child process of its own, so one phase's peak never shows in the other's.

Run with PYTHONPATH=<another checkout> to measure other code (the code before a change: the
bench adapts to the older constructors).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NOW = datetime(2026, 11, 22, 15, tzinfo=UTC)
OWNER = 1_000_000_000_000_000_001
EMPTY = 1_000_000_000_000_000_002
MB = 1024 * 1024


def _status(key: str, pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    return 0


class Ticker:
    """A task that sleeps 1 ms at a time and keeps the longest it overslept: the loop's stall."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None
        self._since = 0.0

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._since = loop.time()
            await asyncio.sleep(0.001)
            self.worst = max(self.worst, loop.time() - self._since - 0.001)

    def __enter__(self) -> Ticker:
        self.worst = 0.0
        self._since = asyncio.get_running_loop().time()
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        # A block that ends with the measured call is still a stall: the ticker is late now.
        overdue = asyncio.get_running_loop().time() - self._since - 0.001
        self.worst = max(self.worst, overdue)
        self._task.cancel()


async def _services(path: Path, pool: Any) -> tuple[Any, Any, Any]:
    """Privacy and import services as bot/app.py wires them (older signatures too)."""
    from bot.core.contacts import ContactService
    from bot.core.imports import ImportService
    from bot.core.privacy import PrivacyService
    from bot.core.restore import RestoreService
    from bot.core.students import StudentService
    from bot.storage.contacts import SqliteContactRepository
    from bot.storage.database import migrate, open_database
    from bot.storage.pending import SqlitePendingRepository
    from bot.storage.privacy import SqlitePrivacyRepository
    from bot.storage.reminders import SqliteReminderRepository
    from bot.storage.restore import SqliteRestoreRepository
    from bot.storage.students import SqliteStudentRepository
    from bot.workers import ExecutorOffload

    class Clock:
        def now(self) -> datetime:
            return NOW

    db = await open_database(path)
    await migrate(db)
    clock, offload = Clock(), ExecutorOffload(pool)
    pending = SqlitePendingRepository(db)
    students = StudentService(
        SqliteStudentRepository(db), clock, guilds=SqliteReminderRepository(db)
    )
    contacts = ContactService(SqliteContactRepository(db), pending, students, clock)
    takes_offload = "offload" in inspect.signature(PrivacyService).parameters
    extra = (offload,) if takes_offload else ()
    privacy = PrivacyService(SqlitePrivacyRepository(db), contacts, clock, *extra)
    restore = RestoreService(SqliteRestoreRepository(db), students, clock, *extra)
    imports = ImportService(contacts, pending, clock, offload, restore=restore)
    return db, privacy, imports


def _pool() -> Any:
    from bot.workers import worker_pool

    pool = worker_pool()
    # Start both workers now (as a running bot has): their start-up is not the export's cost.
    list(pool.map(abs, range(4)))
    return pool


def _worker_peak(pool: Any) -> int:
    pids = list(getattr(pool, "_processes", {}) or {})  # DEP-WARN: a private attribute
    return max((_status("VmHWM", pid) for pid in pids), default=0)


async def _export_phase(args: argparse.Namespace) -> dict[str, Any]:
    path = Path(args.dir) / "coach.sqlite3"
    pool = _pool()
    db, privacy, _ = await _services(path, pool)
    try:
        return await _export_runs(args, db, privacy, path)
    finally:  # aiosqlite's thread would keep the process alive
        await db.close()
        pool.shutdown()


async def _export_runs(args: argparse.Namespace, db: Any, privacy: Any, path: Path) -> Any:
    from tests.exports import HeavyShape, seed_heavy_account

    shape = HeavyShape(contacts=args.contacts, exchanges=args.exchanges, longest=args.longest)
    await seed_heavy_account(db, OWNER, NOW, shape)
    takes_limit = "max_file_bytes" in inspect.signature(privacy.export).parameters
    kwargs = {"max_file_bytes": int(args.limit_mb * MB)} if takes_limit else {}
    runs = []
    export = None
    for _ in range(args.runs):
        with Ticker() as ticker:
            started = time.perf_counter()
            export = await privacy.export(OWNER, **kwargs)
            wall = time.perf_counter() - started
        runs.append((wall, ticker.worst))
    assert export is not None
    files = [(name, len(data)) for name, data in export.files]
    # What the student would upload to restore: the zip if the export came zipped, else the JSON.
    upload = next(
        (data for name, data in export.files if name.endswith(".zip")),
        dict(export.files).get("networking-coach.json", b""),
    )
    (Path(args.dir) / "upload.bin").write_bytes(upload)
    raw = dict(export.files).get("networking-coach.json")
    return {
        "wall": statistics.median(r[0] for r in runs),
        "stall": statistics.median(r[1] for r in runs),
        "worst_stall": max(r[1] for r in runs),
        "files": files,
        "messages": len(getattr(export, "messages", [export.files])),
        "json_bytes": len(raw) if raw is not None else None,
        "upload_bytes": len(upload),
    }


async def _restore_phase(args: argparse.Namespace) -> dict[str, Any]:
    path = Path(args.dir) / "coach.sqlite3"
    pool = _pool()
    db, _, imports = await _services(path, pool)
    from bot.core.errors import CoachError

    upload = (Path(args.dir) / "upload.bin").read_bytes()
    idle = _status("VmRSS")
    worker_idle = _worker_peak(pool)
    refused = None
    preview_stall = 0.0
    try:
        with Ticker() as ticker:
            started = time.perf_counter()
            try:
                preview = await imports.preview(EMPTY, upload)
                previewed = time.perf_counter()
                preview_stall = ticker.worst
                await imports.confirm(EMPTY, preview.pending_id)
            except CoachError as error:
                refused = error.user_message
                previewed = time.perf_counter()
            done = time.perf_counter()
        peak = _status("VmHWM") - idle
        worker = _worker_peak(pool) - worker_idle
        async with db.execute(
            "SELECT COUNT(*) FROM exchanges WHERE owner_id = ?", (EMPTY,)
        ) as cursor:
            restored = (await cursor.fetchone())[0]
    finally:  # aiosqlite's thread would keep the process alive
        await db.close()
        pool.shutdown()
    return {
        "refused": refused,
        "preview": previewed - started,
        "confirm": done - previewed,
        "stall": ticker.worst,
        "preview_stall": preview_stall,
        "peak_bot": peak,
        "peak_worker": max(worker, 0),
        "restored_exchanges": restored,
    }


def _child(phase: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.export", "--phase", phase, "--dir", args.dir]
    for name in ("contacts", "exchanges", "limit_mb", "runs"):
        command += [f"--{name.replace('_', '-')}", str(getattr(args, name))]
    if args.longest:
        command.append("--longest")
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=os.environ)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--exchanges", type=int, default=20_000)
    parser.add_argument("--limit-mb", type=float, default=10.0, help="attachment size limit")
    parser.add_argument("--runs", type=int, default=3, help="exports (the median is shown)")
    parser.add_argument("--longest", action="store_true", help="every text at its maximum")
    parser.add_argument("--phase", choices=("export", "restore"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        run = _export_phase if args.phase == "export" else _restore_phase
        print(json.dumps(asyncio.run(run(args))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        args.dir = tmp
        export = _child("export", args)
        restore = _child("restore", args)
    print(
        f"{args.contacts:,} contacts, {args.exchanges:,} exchanges"
        f"{' (every text at its maximum)' if args.longest else ''}; limit {args.limit_mb} MB"
    )
    print(
        f"export: {export['wall'] * 1000:,.0f} ms (median of {args.runs}), longest loop stall "
        f"{export['stall'] * 1000:,.0f} ms (worst {export['worst_stall'] * 1000:,.0f} ms), "
        f"{export['messages']} message(s)"
    )
    for name, size in export["files"]:
        print(f"  {name}: {size / MB:,.2f} MB")
    if export["json_bytes"] is not None:
        print(f"  (JSON {export['json_bytes'] / MB:,.2f} MB)")
    if restore["refused"]:
        print(f"restore of the {export['upload_bytes'] / MB:,.2f} MB upload: refused:")
        print(f"  {restore['refused']}")
        return
    print(
        f"restore of the {export['upload_bytes'] / MB:,.2f} MB upload: preview "
        f"{restore['preview'] * 1000:,.0f} ms, import {restore['confirm'] * 1000:,.0f} ms, "
        f"longest loop stall {restore['stall'] * 1000:,.0f} ms (during the preview "
        f"{restore['preview_stall'] * 1000:,.0f} ms); peak memory over idle: bot "
        f"{restore['peak_bot'] / MB:,.0f} MiB, worker {restore['peak_worker'] / MB:,.0f} MiB; "
        f"{restore['restored_exchanges']:,} exchanges restored"
    )


if __name__ == "__main__":
    main()
