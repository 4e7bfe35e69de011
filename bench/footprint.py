"""Footprint: the bot process's resident memory and start-up time at a school's size.

    .venv/bin/python -m bench.footprint [--schools 10000x50 100000x5] [--runs 3] [--cpu 0]

For each school shape (students × contacts per student, seeded by bench/seed.py; 100,000 × 50
would be five million contacts and minutes of seeding, so the large school defaults to 5 each —
500,000 contacts, as many as the 10,000 × 50 school), `python -m bot run` is spawned against the
fake Discord (bench/harness.py) --runs times on a fresh copy, and the medians are printed of:

- identify: spawn → the fake received IDENTIFY (and sent READY and GUILD_CREATE): interpreter
  and imports, migrations check, template linting, command sync;
- ready: spawn → the bot's answer to a first `/help` arrived at the fake — the moment a student
  is served, which is what "start-up time to ready" means here;
- RSS at ready, and RSS and peak (VmHWM) after 20 s of interactions at 20/s from random
  students (the interactions bench's mix), from /proc/<pid>/status.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
from pathlib import Path

from bench.harness import BotProcess, FakeWorld, pinned_cpu
from bench.interactions import DEFERRING, MIX, Load, drive, load_contacts
from bench.seed import cached_school

OUT = Path(__file__).parent / "out" / "footprint"


def _shape(text: str) -> tuple[int, int]:
    students, _, contacts = text.partition("x")
    return int(students), int(contacts or 50)


async def measure(students: int, contacts: int, args: argparse.Namespace) -> dict[str, float]:
    folder = OUT / f"{students}x{contacts}"
    school = await cached_school(
        folder / "coach.sqlite3", students=students, contacts_per_student=contacts
    )
    rng = random.Random(args.seed)
    pool = load_contacts(school.path, rng, 500, ())
    # The interactive commands only: the chart and the export are measured by bench.interactions.
    mix = {kind: weight for kind, weight in MIX.items() if kind not in DEFERRING}
    async with FakeWorld(school.students) as world:
        bot = BotProcess(world.fake, school.path, cpu=args.cpu, log_path=folder / "bot.log")
        started = await bot.start(probe_user=school.students[0])
        try:
            at_ready = bot.memory()
            world.add_members()
            load = Load(world.fake, pool, set(), rng, heavy_share=0.0, mix=mix)
            await drive(load, 20, args.load_seconds, fixed=False, rng=rng)
            loaded = bot.memory()
        finally:
            await bot.stop()
    return {
        "identify_s": started.identified_s,
        "ready_s": started.answered_s,
        "rss_ready_mib": at_ready.rss_kib / 1024,
        "rss_loaded_mib": loaded.rss_kib / 1024,
        "peak_mib": loaded.hwm_kib / 1024,
    }


async def main(args: argparse.Namespace) -> None:
    rows = []
    for text in args.schools:
        students, contacts = _shape(text)
        runs = [await measure(students, contacts, args) for _ in range(args.runs)]
        rows.append(
            (students, contacts, {k: statistics.median(r[k] for r in runs) for k in runs[0]})
        )
    print(f"\nmedians of {args.runs} run(s)")
    print(
        f"{'students':>9}{'contacts':>10}{'identify s':>12}{'ready s':>9}"
        f"{'RSS ready':>11}{'RSS loaded':>12}{'peak':>8}   (MiB)"
    )
    for students, contacts, m in rows:
        print(
            f"{students:>9,}{students * contacts:>10,}{m['identify_s']:>12.2f}{m['ready_s']:>9.2f}"
            f"{m['rss_ready_mib']:>11.0f}{m['rss_loaded_mib']:>12.0f}{m['peak_mib']:>8.0f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", nargs="+", default=["10000x50", "100000x5"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--load-seconds", type=float, default=20.0)
    parser.add_argument(
        "--cpu", type=pinned_cpu, default=0, help="core to pin the bot to; -1: none"
    )
    parser.add_argument("--seed", type=int, default=11)
    asyncio.run(main(parser.parse_args()))
