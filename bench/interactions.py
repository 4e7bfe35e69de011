"""Interactions under load: the real bot process answering a whole school through the fake.

    .venv/bin/python -m bench.interactions [--rate 20 100] [--seconds 60] [--students 10000]
        [--contacts 50] [--fixed] [--cpu 0] [--warmup 5] [--profile]

A school of --students × --contacts (500,000 contacts by default, with exchanges, reminders,
profiles and drafts: bench/seed.py) is copied fresh for each rate; `python -m bot run` is
spawned against a FakeDiscord served by this process on loopback (bench/harness.py), pinned to
--cpu. Random seeded students then send an open-loop stream (Poisson arrivals, or --fixed
spacing) at each --rate for --seconds: contact-name autocomplete, `/contact add`, `/contact
list`, `/followup` with one of their contacts, `/due`, and clicks on buttons of messages the bot
sent earlier in the run (the list's next page, a draft's "another version").

Latency is measured at the fake, on one monotonic clock: from just before INTERACTION_CREATE is
written to the gateway socket to the arrival of the interaction's initial callback POST (a
deferral counts as the answer: it is what meets Discord's 3-second deadline). Printed per type
and overall: p50, p99, max, how many took over 3 s, and how many were never answered.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import BotProcess, FakeWorld, percentile, pinned_cpu
from bench.seed import FIRST, GUILD_ID, LAST, cached_school
from bench.soak_traffic import custom_ids
from tests.e2e.fake_discord import FakeDiscord, InteractionHandle

OUT = Path(__file__).parent / "out" / "interactions"
DEADLINE_S = 3.0
# Out of 100 interactions: typing a contact's name dominates, as it fires on every keystroke.
MIX = {
    "autocomplete": 35,
    "/contact list": 15,
    "/contact add": 10,
    "/followup": 10,
    "/due": 10,
    "click": 20,
}


@dataclass
class Sent:
    kind: str
    handle: InteractionHandle


class Load:
    """Picks students and builds each interaction from what the seeded school holds."""

    def __init__(
        self, fake: FakeDiscord, contacts: dict[int, list[tuple[int, str]]], rng: random.Random
    ) -> None:
        self.fake = fake
        self.contacts = contacts
        self.students = list(contacts)
        self.rng = rng
        # Messages the bot sent with buttons a student may click next: (message, custom_id, user).
        self.clickable: list[tuple[dict[str, Any], str, int]] = []

    def _student(self) -> tuple[int, list[tuple[int, str]]]:
        student = self.rng.choice(self.students)
        return student, self.contacts[student]

    def pick(self) -> tuple[str, Callable[[], Awaitable[InteractionHandle]]]:
        kind = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
        if kind == "click" and not self.clickable:
            kind = "/due"
        student, own = self._student()
        fake, rng = self.fake, self.rng
        if kind == "autocomplete":
            name = rng.choice(own)[1]
            typed = name[: rng.randrange(0, 5)]
            return kind, lambda: fake.autocomplete(
                "followup",
                user_id=student,
                guild_id=GUILD_ID,
                focused="contact",
                options={"contact": typed},
            )
        if kind == "/contact list":
            return kind, lambda: fake.slash(
                "contact", subcommand="list", user_id=student, guild_id=GUILD_ID
            )
        if kind == "/contact add":
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if rng.random() < 0.5:  # half are new names, half may match someone already saved
                name += f" {rng.randrange(10_000)}"
            return kind, lambda: fake.slash(
                "contact",
                subcommand="add",
                user_id=student,
                guild_id=GUILD_ID,
                options={"name": name, "where_met": "Research day", "date_met": "yesterday"},
            )
        if kind == "/followup":
            contact = rng.choice(own)[0]
            return kind, lambda: fake.slash(
                "followup",
                user_id=student,
                guild_id=GUILD_ID,
                options={"contact": str(contact), "event": "Research day"},
            )
        if kind == "/due":
            return kind, lambda: fake.slash("due", user_id=student, guild_id=GUILD_ID)
        message, custom_id, user = self.clickable.pop(rng.randrange(len(self.clickable)))
        return kind, lambda: fake.click(message, custom_id, user_id=user)

    def remember_buttons(self, sent: Sent) -> None:
        """Once the bot answered a list or a draft, its next-page / another-version button."""
        message = sent.handle.message
        if message is None or sent.kind not in ("/contact list", "/followup"):
            return
        for custom_id in custom_ids(message):
            if custom_id.endswith(":next") or custom_id.startswith("draft:again:"):
                self.clickable.append((message, custom_id, sent.handle.user_id))
                return


def load_contacts(path: Path, rng: random.Random, students: int) -> dict[int, list[Any]]:
    """(id, name) of every contact of `students` random students who have contacts."""
    with sqlite3.connect(path) as db:
        owners = [row[0] for row in db.execute("SELECT DISTINCT owner_id FROM contacts")]
        chosen = rng.sample(owners, min(students, len(owners)))
        found: dict[int, list[Any]] = defaultdict(list)
        for owner in chosen:
            found[owner] = db.execute(
                "SELECT id, name FROM contacts WHERE owner_id = ?", (owner,)
            ).fetchall()
    return dict(found)


def callback_times(fake: FakeDiscord) -> dict[int, float]:
    """Interaction id → when its first callback POST arrived (the fake's clock)."""
    times: dict[int, float] = {}
    for request in fake.requests:
        if request.method == "POST" and request.path.startswith("/interactions/"):
            interaction = int(request.path.split("/")[2])
            times.setdefault(interaction, request.time)
    return times


async def drive(
    load: Load, rate: float, seconds: float, *, fixed: bool, rng: random.Random
) -> list[Sent]:
    """Open loop: each interaction leaves at its scheduled instant, answered or not."""
    sent: list[Sent] = []
    tasks: set[asyncio.Task[None]] = set()

    async def fire(kind: str, make: Callable[[], Awaitable[InteractionHandle]]) -> None:
        record = Sent(kind, await make())
        sent.append(record)
        try:
            await record.handle.response(timeout=DEADLINE_S + 2)
        except AssertionError:
            return  # counted as slow or unanswered from the recorded requests
        load.remember_buttons(record)

    loop = asyncio.get_running_loop()
    start = loop.time()
    at = 0.0
    while at < seconds:
        await asyncio.sleep(max(0.0, start + at - loop.time()))
        task = loop.create_task(fire(*load.pick()))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        at += 1 / rate if fixed else rng.expovariate(rate)
    if tasks:
        await asyncio.wait(tasks, timeout=DEADLINE_S + 5)
    return sent


def report(fake: FakeDiscord, sent: list[Sent], rate: float, seconds: float) -> None:
    answered = callback_times(fake)
    by_kind: dict[str, list[float]] = defaultdict(list)
    missing: dict[str, int] = defaultdict(int)
    for record in sent:
        at = answered.get(record.handle.id)
        if at is None:
            missing[record.kind] += 1
            continue
        ms = (at - record.handle.dispatched_at) * 1000
        by_kind[record.kind].append(ms)
        by_kind["all"].append(ms)
    print(f"\n{rate:g}/s for {seconds:g} s: {len(sent)} interactions sent")
    print(
        f"{'type':<15}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'> 3 s':>7}{'unanswered':>12}"
    )
    for kind in [*MIX, "all"]:
        samples = sorted(by_kind.get(kind, []))
        unanswered = sum(missing.values()) if kind == "all" else missing.get(kind, 0)
        if not samples:
            print(f"{kind:<15}{0:>6}{'—':>9}{'—':>9}{'—':>9}{0:>7}{unanswered:>12}")
            continue
        slow = sum(1 for ms in samples if ms > DEADLINE_S * 1000)
        print(
            f"{kind:<15}{len(samples):>6}{statistics.median(samples):>9.1f}"
            f"{percentile(samples, 0.99):>9.1f}{samples[-1]:>9.1f}{slow:>7}{unanswered:>12}"
        )
    if fake.violations:
        reasons = sorted({v.reason[:120] for v in fake.violations})
        print(f"fake Discord refused {len(fake.violations)} request(s): {reasons[:5]}")


async def run_rate(args: argparse.Namespace, rate: float) -> None:
    rng = random.Random(args.seed)
    folder = OUT / f"rate-{rate:g}"
    school = await cached_school(
        folder / "coach.sqlite3", students=args.students, contacts_per_student=args.contacts
    )
    contacts = load_contacts(school.path, rng, args.pool)
    async with FakeWorld(school.students) as world:
        bot = BotProcess(
            world.fake,
            school.path,
            cpu=args.cpu,
            log_path=folder / "bot.log",
            profile_to=folder / "bot.prof" if args.profile else None,
        )
        started = await bot.start(probe_user=school.students[0])
        world.add_members()
        print(
            f"bot pid {bot.pid} ready in {started.answered_s:.2f} s "
            f"(IDENTIFY after {started.identified_s:.2f} s); "
            f"RSS {bot.memory().rss_kib / 1024:.0f} MiB"
        )
        try:
            load = Load(world.fake, contacts, rng)
            if args.warmup:
                await drive(load, rate, args.warmup, fixed=args.fixed, rng=rng)
            world.fake.requests.clear()
            began, cpu_before = time.perf_counter(), bot.cpu_seconds()
            sent = await drive(load, rate, args.seconds, fixed=args.fixed, rng=rng)
            elapsed = time.perf_counter() - began
            cpu = bot.cpu_seconds() - cpu_before
            memory = bot.memory()
        finally:
            code = await bot.stop()
        report(world.fake, sent, rate, args.seconds)
        print(
            f"achieved {len(sent) / args.seconds:.1f}/s offered over {elapsed:.1f} s; bot CPU "
            f"{cpu / elapsed:.0%} of a core, {cpu * 1000 / max(1, len(sent)):.1f} ms per "
            f"interaction; RSS {memory.rss_kib / 1024:.0f} MiB "
            f"(peak {memory.hwm_kib / 1024:.0f} MiB); exit {code}"
        )


async def main(args: argparse.Namespace) -> None:
    for rate in args.rate:
        await run_rate(args, rate)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, nargs="+", default=[20.0, 100.0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=50, help="per student")
    parser.add_argument("--pool", type=int, default=2_000, help="students who send interactions")
    parser.add_argument("--fixed", action="store_true", help="fixed spacing, not Poisson")
    parser.add_argument(
        "--cpu", type=pinned_cpu, default=0, help="core to pin the bot to; -1: none"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds sent, not counted")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the bot into bench/out/…/bot.prof"
    )
    asyncio.run(main(parser.parse_args()))
