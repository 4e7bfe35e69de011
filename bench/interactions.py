"""Interactions under load: the real bot process answering a whole school through the fake.

    .venv/bin/python -m bench.interactions [--rate 20 100] [--seconds 60] [--students 10000]
        [--contacts 50] [--fixed] [--cpu 0] [--warmup 5] [--profile]
    .venv/bin/python -m bench.interactions --shape school       # heavy students among light
    .venv/bin/python -m bench.interactions --shape school --only /progress "/privacy export"

A school of --students × --contacts (500,000 contacts by default, with exchanges, reminders,
profiles and drafts: bench/seed.py) is copied fresh for each rate; `python -m bot run` is
spawned against a FakeDiscord served by this process on loopback (bench/harness.py), pinned to
--cpu. Random seeded students then send an open-loop stream (Poisson arrivals, or --fixed
spacing) at each --rate for --seconds: contact-name autocomplete, `/contact add`, `/contact
list`, `/followup` with one of their contacts, `/due`, clicks on buttons of messages the bot
sent earlier in the run (the list's next page, a draft's "another version"), and, rarely,
`/progress` and `/privacy export`.

`--shape school` is the issue's heavy case: the first --heavy students (20) sit at the 5,000
contact cap with 4 exchanges per contact (5,000 contacts + 20,000 exchanges: the export case),
among light students of --contacts (50), and half the interactions (--heavy-share) come from
heavy students; 20/s for 60 s. Every figure is then printed per student class.

Latency is measured at the fake, on one monotonic clock: from just before INTERACTION_CREATE is
written to the gateway socket to the arrival of the interaction's initial callback POST (a
deferral counts as the answer: it is what meets Discord's 3-second deadline). For the commands
that defer and follow up (`/progress`, `/privacy export`), the time to the arrival of the
bot's first follow-up (its upload read; one the fake refuses, 413 past the upload limit, is
counted as refused) is printed apart. Printed per type and class: p50, p99, max,
how many took over 3 s, and how many were never answered.

CPU is the bot's: utime + stime of the bot process and every process under it (the chart and
export worker pool), from /proc, before and after the measured window (until the last follow-up
arrived and the bot went idle), divided by the interactions sent in it. A mixed window cannot
say which command spent it, so --cpu-each N then sends N of each command, one at a time and
each to a different student, per class, on the same bot, and divides the CPU of each batch by
N (answers and follow-ups included; the bot is otherwise idle: its reminder tick is off).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import re
import sqlite3
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.harness import BotProcess, FakeWorld, percentile, pinned_cpu
from bench.seed import FIRST, GUILD_ID, LAST, Heavy, cached_school
from bench.soak_traffic import custom_ids
from tests.e2e.fake_discord import FakeDiscord, InteractionHandle
from tests.e2e.fake_discord.payloads import ATTACHMENT_SIZE_LIMIT

OUT = Path(__file__).parent / "out" / "interactions"
DEADLINE_S = 3.0
FOLLOW_UP_S = 120.0  # how long a deferred command's follow-up is waited for
# Out of 100 interactions: typing a contact's name dominates, as it fires on every keystroke.
# The chart and the export are rare (a student looks at progress weekly, exports once in a
# long while) but heavy: they are in the mix for what they do to everyone else's answers.
MIX = {
    "autocomplete": 32.5,
    "/contact list": 15,
    "/contact add": 10,
    "/followup": 10,
    "/due": 10,
    "click": 20,
    "/progress": 2,
    "/privacy export": 0.5,
}
DEFERRING = ("/progress", "/privacy export")  # they defer, then follow up with files
HEAVY, LIGHT = "heavy", "light"
LAG_LINE = re.compile(r"loop lag .*p99_ms=([\d.]+) max_ms=([\d.]+)")
# What each --shape sets unless the option is given.
SHAPES: dict[str, dict[str, Any]] = {
    "plain": {"rate": [20.0, 100.0], "heavy": 0, "heavy_share": 0.0, "cpu_each": 0},
    "school": {"rate": [20.0], "heavy": 20, "heavy_share": 0.5, "cpu_each": 10},
}


@dataclass
class Sent:
    kind: str
    klass: str
    handle: InteractionHandle
    attachment_sizes: list[int] = field(default_factory=list)  # of its follow-up


class Load:
    """Picks students and builds each interaction from what the seeded school holds."""

    def __init__(
        self,
        fake: FakeDiscord,
        contacts: dict[int, list[tuple[int, str]]],
        heavy: set[int],
        rng: random.Random,
        *,
        heavy_share: float,
        mix: dict[str, float],
    ) -> None:
        self.fake = fake
        self.contacts = contacts
        self.heavy = heavy
        self.rng = rng
        self.heavy_share = heavy_share if any(s in heavy for s in contacts) else 0.0
        self.mix = mix
        self.students = {
            HEAVY: [s for s in contacts if s in heavy],
            LIGHT: [s for s in contacts if s not in heavy],
        }
        # Students in turn, for one-at-a-time batches (a cooldown must not answer for them).
        self._turns: dict[str, Iterator[int]] = {
            klass: itertools.cycle(rng.sample(ids, len(ids)))
            for klass, ids in self.students.items()
            if ids
        }
        # Messages the bot sent with buttons a student may click next: (message, custom_id, user).
        self.clickable: dict[str, list[tuple[dict[str, Any], str, int]]] = {HEAVY: [], LIGHT: []}
        # Tokens the bot has tried to follow up on (accepted or refused), read incrementally.
        self.followed_up: set[str] = set()
        self._read = 0

    def clear_requests(self) -> None:
        """Forgets the fake's recorded requests (the warm-up's) and where we had read to."""
        self.fake.requests.clear()
        self._read = 0

    def tried_follow_up(self, token: str) -> bool:
        requests = self.fake.requests
        for request in requests[self._read :]:
            if request.method == "POST" and request.path.startswith("/webhooks/"):
                self.followed_up.add(request.path.split("/")[3])
        self._read = len(requests)
        return token in self.followed_up

    def klass(self, user_id: int) -> str:
        return HEAVY if user_id in self.heavy else LIGHT

    def pick(
        self, kind: str | None = None, klass: str | None = None
    ) -> tuple[str, str, Callable[[], Awaitable[InteractionHandle]]]:
        """An interaction: of `kind` (else drawn from the mix) by a student of `klass` (else
        heavy with probability heavy_share; given a class, the next student in turn)."""
        rng = self.rng
        if klass is None:
            klass = HEAVY if rng.random() < self.heavy_share else LIGHT
            student = rng.choice(self.students[klass])
        else:
            student = next(self._turns[klass])
        if kind is None:
            kind = rng.choices(list(self.mix), weights=list(self.mix.values()))[0]
            if kind == "click" and not self.clickable[klass]:
                # No button yet (or answers too slow to leave any): open a list, which leaves
                # one, rather than a heavier command that would change what is measured.
                kind = "/contact list"
        return kind, klass, self._make(kind, klass, student)

    def _make(
        self, kind: str, klass: str, student: int
    ) -> Callable[[], Awaitable[InteractionHandle]]:
        fake, rng, own = self.fake, self.rng, self.contacts[student]
        if kind == "autocomplete":
            name = rng.choice(own)[1]
            typed = name[: rng.randrange(0, 5)]
            return lambda: fake.autocomplete(
                "followup",
                user_id=student,
                guild_id=GUILD_ID,
                focused="contact",
                options={"contact": typed},
            )
        if kind == "/contact list":
            return lambda: fake.slash(
                "contact", subcommand="list", user_id=student, guild_id=GUILD_ID
            )
        if kind == "/contact add":
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if rng.random() < 0.5:  # half are new names, half may match someone already saved
                name += f" {rng.randrange(10_000)}"
            return lambda: fake.slash(
                "contact",
                subcommand="add",
                user_id=student,
                guild_id=GUILD_ID,
                options={"name": name, "where_met": "Research day", "date_met": "yesterday"},
            )
        if kind == "/followup":
            contact = rng.choice(own)[0]
            return lambda: fake.slash(
                "followup",
                user_id=student,
                guild_id=GUILD_ID,
                options={"contact": str(contact), "event": "Research day"},
            )
        if kind == "/due":
            return lambda: fake.slash("due", user_id=student, guild_id=GUILD_ID)
        if kind == "/progress":
            return lambda: fake.slash("progress", user_id=student, guild_id=GUILD_ID)
        if kind == "/privacy export":
            return lambda: fake.slash(
                "privacy", subcommand="export", user_id=student, guild_id=GUILD_ID
            )
        # A click is the clicking student's own message, whoever `student` was.
        pool = self.clickable[klass]
        message, custom_id, user = pool.pop(rng.randrange(len(pool)))
        return lambda: fake.click(message, custom_id, user_id=user)

    def remember_buttons(self, sent: Sent) -> None:
        """Once the bot answered a list or a draft, its next-page / another-version button."""
        message = sent.handle.message
        if message is None or sent.kind not in ("/contact list", "/followup"):
            return
        for custom_id in custom_ids(message):
            if custom_id.endswith(":next") or custom_id.startswith("draft:again:"):
                self.clickable[sent.klass].append((message, custom_id, sent.handle.user_id))
                return

    def keep_sizes_only(self, sent: Sent) -> None:
        """Notes the sizes of the files the bot first tried to follow up with (accepted or
        refused) and lets go of the bytes (an export at the cap is megabytes, held twice by the
        fake: in the request and in the message)."""
        for message in sent.handle.followups:
            message["attachments_data"] = []
        for request in reversed(self.fake.requests):
            if request.files and sent.handle.token in request.path:
                sent.attachment_sizes = [len(upload["data"]) for upload in request.files]
                for upload in request.files:
                    upload["data"] = b""


def load_contacts(
    path: Path, rng: random.Random, students: int, heavy: tuple[int, ...]
) -> dict[int, list[Any]]:
    """(id, name) of every contact of every heavy student and of `students` random light
    students who have contacts."""
    with sqlite3.connect(path) as db:
        owners = [row[0] for row in db.execute("SELECT DISTINCT owner_id FROM contacts")]
        light = [owner for owner in owners if owner not in set(heavy)]
        chosen = list(heavy) + rng.sample(light, min(students, len(light)))
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


def follow_up_times(fake: FakeDiscord) -> dict[str, tuple[float, bool]]:
    """Interaction token → when the bot's first follow-up message (webhook POST) arrived, and
    whether the fake accepted it (an upload over the limit is refused with 413)."""
    times: dict[str, tuple[float, bool]] = {}
    for request in fake.requests:
        if request.method == "POST" and request.path.startswith("/webhooks/"):
            accepted = request.status is not None and request.status < 300
            times.setdefault(request.path.split("/")[3], (request.time, accepted))
    return times


async def answered(load: Load, record: Sent) -> None:
    """Waits for the initial answer and, when it was a deferral, the follow-up (the bot's
    first try at one: a refused upload is an answer too)."""
    try:
        first = await record.handle.response(timeout=DEADLINE_S + 2)
        if first.get("type") == 5:
            token = record.handle.token
            await load.fake.wait_for(lambda: load.tried_follow_up(token), FOLLOW_UP_S)
            load.keep_sizes_only(record)
    except AssertionError:
        return  # counted as slow or unanswered from the recorded requests
    load.remember_buttons(record)


async def drive(
    load: Load, rate: float, seconds: float, *, fixed: bool, rng: random.Random
) -> list[Sent]:
    """Open loop: each interaction leaves at its scheduled instant, answered or not."""
    sent: list[Sent] = []
    tasks: set[asyncio.Task[None]] = set()

    async def fire(kind: str, klass: str, make: Callable[[], Awaitable[InteractionHandle]]) -> None:
        record = Sent(kind, klass, await make())
        sent.append(record)
        await answered(load, record)

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
        await asyncio.wait(tasks, timeout=FOLLOW_UP_S + 5)
    return sent


@dataclass
class Timings:
    answer: dict[tuple[str, str], list[float]]  # (kind, class) → initial answer ms
    follow_up: dict[tuple[str, str], list[float]]  # (kind, class) → follow-up arrival ms
    unanswered: dict[tuple[str, str], int]
    no_follow_up: dict[tuple[str, str], int]  # deferred, and the follow-up never came
    refused: dict[tuple[str, str], int]  # the first follow-up was refused (413: too large)


def timings(fake: FakeDiscord, sent: list[Sent]) -> Timings:
    answers, follow_ups = callback_times(fake), follow_up_times(fake)
    out = Timings(
        defaultdict(list), defaultdict(list), defaultdict(int), defaultdict(int), defaultdict(int)
    )
    for record in sent:
        handle, key = record.handle, (record.kind, record.klass)
        at = answers.get(handle.id)
        if at is None:
            out.unanswered[key] += 1
            continue
        out.answer[key].append((at - handle.dispatched_at) * 1000)
        if handle.response_type == 5:
            later = follow_ups.get(handle.token)
            if later is None:
                out.no_follow_up[key] += 1
            else:
                out.follow_up[key].append((later[0] - handle.dispatched_at) * 1000)
                out.refused[key] += not later[1]
    return out


def _cells(samples: list[float]) -> str:
    if not samples:
        return f"{0:>6}{'—':>9}{'—':>9}{'—':>9}"
    ordered = sorted(samples)
    return (
        f"{len(ordered):>6}{statistics.median(ordered):>9.1f}"
        f"{percentile(ordered, 0.99):>9.1f}{ordered[-1]:>9.1f}"
    )


def report(fake: FakeDiscord, load: Load, sent: list[Sent], rate: float, seconds: float) -> None:
    found = timings(fake, sent)
    classes = [k for k in (HEAVY, LIGHT) if load.students[k]] if load.heavy_share else [LIGHT]
    share = f" ({load.heavy_share:.0%} from heavy students)" if load.heavy_share else ""
    print(f"\n{rate:g}/s for {seconds:g} s: {len(sent)} interactions sent{share}")
    print(
        f"{'type':<16}{'class':<7}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'> 3 s':>7}"
        f"{'unanswered':>12}   follow-up: {'n':>4}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'missing':>9}{'refused':>9}"
    )

    def row(label: str, klass: str, keys: list[tuple[str, str]]) -> None:
        answers = [ms for key in keys for ms in found.answer.get(key, [])]
        slow = sum(1 for ms in answers if ms > DEADLINE_S * 1000)
        unanswered = sum(found.unanswered.get(key, 0) for key in keys)
        line = f"{label:<16}{klass:<7}{_cells(answers)}{slow:>7}{unanswered:>12}"
        if any(key[0] in DEFERRING for key in keys) and label != "all":
            later = [ms for key in keys for ms in found.follow_up.get(key, [])]
            missing = sum(found.no_follow_up.get(key, 0) for key in keys)
            refused = sum(found.refused.get(key, 0) for key in keys)
            line += f"   {'':>11}{_cells(later)[2:]}{missing:>9}{refused:>9}"
        print(line)

    for kind in load.mix:
        for klass in classes:
            row(kind, klass, [(kind, klass)])
    for klass in classes:
        row("all", klass, [(kind, klass) for kind in load.mix])
    if len(classes) > 1:
        row("all", "both", [(kind, klass) for kind in load.mix for klass in classes])
    exports(sent)
    if fake.violations:
        reasons = sorted({v.reason[:120] for v in fake.violations})
        print(f"fake Discord refused {len(fake.violations)} request(s): {reasons[:5]}")


def exports(sent: list[Sent]) -> None:
    """The export's files against the interaction's upload limit (attachment_size_limit; the
    fake, like Discord, refuses a follow-up whose files pass it with 413)."""
    for klass in (HEAVY, LIGHT):
        files = [
            size
            for record in sent
            if record.kind == "/privacy export" and record.klass == klass
            for size in record.attachment_sizes
        ]
        if files:
            totals = [
                sum(record.attachment_sizes)
                for record in sent
                if record.kind == "/privacy export" and record.klass == klass
                if record.attachment_sizes
            ]
            over = sum(1 for size in totals if size > ATTACHMENT_SIZE_LIMIT)
            print(
                f"/privacy export, {klass}: largest file {max(files) / 2**20:.2f} MiB, largest "
                f"upload {max(totals) / 2**20:.2f} MiB; {over} of {len(totals)} uploads over "
                f"the {ATTACHMENT_SIZE_LIMIT / 2**20:g} MiB limit"
            )


async def settle(bot: BotProcess, *, idle_share: float = 0.05, wait_s: float = 120) -> None:
    """Waits until the bot is idle (under `idle_share` of a core over half a second): answers
    that came too late for the fake still cost CPU, which must not land on the next batch."""
    deadline = time.monotonic() + wait_s
    before = bot.cpu_seconds()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = bot.cpu_seconds()
        if now - before <= idle_share * 0.5:
            return
        before = now


async def one_at_a_time(
    load: Load, bot: BotProcess, count: int, kinds: list[str]
) -> list[tuple[str, str, int, float, Timings, list[Sent]]]:
    """For each command and class, `count` interactions sent one after the other (each waited
    for, follow-up included) and the bot's CPU over the batch: (kind, class, n, CPU s, times,
    what was sent)."""
    rows = []
    for kind in kinds:
        for klass in (HEAVY, LIGHT):
            if not load.students[klass]:
                continue
            n = min(count, len(load.clickable[klass])) if kind == "click" else count
            if n == 0:
                continue
            batch: list[Sent] = []
            await settle(bot)  # the mixed run's backlog, the previous batch's tail
            cpu_before = bot.cpu_seconds()
            for _ in range(n):
                _, _, make = load.pick(kind, klass)
                record = Sent(kind, klass, await make())
                batch.append(record)
                await answered(load, record)
            await asyncio.sleep(0.2)
            cpu = bot.cpu_seconds() - cpu_before
            rows.append((kind, klass, n, cpu, timings(load.fake, batch), batch))
    return rows


def report_each(rows: list[tuple[str, str, int, float, Timings, list[Sent]]]) -> None:
    print(
        "\none at a time (a different student each, after the mixed run): bot CPU per "
        "interaction (its worker processes included), answer and follow-up p50"
    )
    print(
        f"{'type':<16}{'class':<7}{'n':>4}{'CPU ms':>9}{'answer ms':>11}{'follow-up ms':>14}"
        f"{'refused':>9}"
    )
    for kind, klass, n, cpu, found, _ in rows:
        answers = found.answer.get((kind, klass), [])
        later = found.follow_up.get((kind, klass), [])
        print(
            f"{kind:<16}{klass:<7}{n:>4}{cpu * 1000 / n:>9.1f}"
            f"{statistics.median(answers) if answers else float('nan'):>11.1f}"
            + (f"{statistics.median(later):>14.1f}" if later else f"{'—':>14}")
            + (f"{found.refused.get((kind, klass), 0):>9}" if kind in DEFERRING else "")
        )
    exports([record for *_, batch in rows for record in batch])


def loop_lag(log: Path, offset: int) -> str:
    """The bot's own loop-lag reports (LOOP_LAG_REPORT_SECONDS) logged after `offset`."""
    with log.open("rb") as file:
        file.seek(offset)
        text = file.read().decode(errors="replace")
    lags = [
        (float(m[1]), float(m[2])) for line in text.splitlines() if (m := LAG_LINE.search(line))
    ]
    if not lags:
        return "loop lag (bot): not reported"
    return (
        f"loop lag (bot), p99 per 5-s window: median {statistics.median(p for p, _ in lags):.1f}"
        f" ms, worst {max(p for p, _ in lags):.1f} ms; max {max(m for _, m in lags):.1f} ms"
    )


async def run_rate(args: argparse.Namespace, rate: float) -> None:
    rng = random.Random(args.seed)
    folder = OUT / f"{args.shape}-rate-{rate:g}"
    heavy = Heavy(args.heavy, args.heavy_contacts, args.heavy_exchanges)
    school = await cached_school(
        folder / "coach.sqlite3",
        students=args.students,
        contacts_per_student=args.contacts,
        heavy=heavy,
    )
    contacts = load_contacts(school.path, rng, args.pool, school.heavy)
    env = {"LOOP_LAG_REPORT_SECONDS": "5"} if args.loop_lag else {}
    async with FakeWorld(school.students) as world:
        log_path = folder / "bot.log"
        log_path.unlink(missing_ok=True)
        bot = BotProcess(
            world.fake,
            school.path,
            cpu=args.cpu,
            log_path=log_path,
            env=env,
            profile_to=folder / "bot.prof" if args.profile else None,
        )
        started = await bot.start(probe_user=school.students[-1])
        world.add_members()
        print(
            f"bot pid {bot.pid} ready in {started.answered_s:.2f} s "
            f"(IDENTIFY after {started.identified_s:.2f} s); "
            f"RSS {bot.memory().rss_kib / 1024:.0f} MiB"
        )
        mix = {kind: MIX[kind] for kind in args.only} if args.only else MIX
        try:
            load = Load(
                world.fake, contacts, set(school.heavy), rng, heavy_share=args.heavy_share, mix=mix
            )
            if args.warmup:
                await drive(load, rate, args.warmup, fixed=args.fixed, rng=rng)
            load.clear_requests()
            log_offset = log_path.stat().st_size
            began, cpu_before = time.perf_counter(), bot.cpu_seconds()
            sent = await drive(load, rate, args.seconds, fixed=args.fixed, rng=rng)
            await settle(bot)  # a late answer's CPU is still the window's
            elapsed = time.perf_counter() - began
            cpu = bot.cpu_seconds() - cpu_before
            memory = bot.memory()
            lag = loop_lag(log_path, log_offset) if args.loop_lag else ""
            report(world.fake, load, sent, rate, args.seconds)
            print(
                f"achieved {len(sent) / args.seconds:.1f}/s offered over {elapsed:.1f} s "
                f"(until every follow-up arrived and the bot was idle); bot CPU (its worker "
                "processes included) "
                f"{cpu / elapsed:.0%} of a core, {cpu * 1000 / max(1, len(sent)):.1f} ms per "
                f"interaction; RSS {memory.rss_kib / 1024:.0f} MiB "
                f"(peak {memory.hwm_kib / 1024:.0f} MiB)"
            )
            if lag:
                print(lag)
            if args.cpu_each:
                report_each(await one_at_a_time(load, bot, args.cpu_each, list(mix)))
        finally:
            code = await bot.stop()
        print(f"bot exit {code}")


async def main(args: argparse.Namespace) -> None:
    for rate in args.rate:
        await run_rate(args, rate)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default="plain",
        help="plain: light students only, 20 and 100/s; school: 20 heavy students among them, "
        "half the interactions theirs, 20/s, --cpu-each 10",
    )
    parser.add_argument("--rate", type=float, nargs="+", default=None)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--students", type=int, default=10_000, help="heavy ones included")
    parser.add_argument("--contacts", type=int, default=50, help="per light student")
    parser.add_argument("--heavy", type=int, default=None, help="students at --heavy-contacts")
    parser.add_argument("--heavy-contacts", type=int, default=5_000)
    parser.add_argument("--heavy-exchanges", type=int, default=4, help="per heavy contact")
    parser.add_argument(
        "--heavy-share", type=float, default=None, help="share of interactions from heavy students"
    )
    parser.add_argument("--pool", type=int, default=2_000, help="light students who interact")
    parser.add_argument(
        "--only", nargs="+", choices=list(MIX), default=None, help="send only these (mix weights)"
    )
    parser.add_argument(
        "--cpu-each",
        type=int,
        default=None,
        help="then N of each command one at a time per class: CPU per command (0: skip)",
    )
    parser.add_argument("--fixed", action="store_true", help="fixed spacing, not Poisson")
    parser.add_argument(
        "--cpu", type=pinned_cpu, default=0, help="core to pin the bot to; -1: none"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds sent, not counted")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--loop-lag", action="store_true", help="the bot reports its loop lag (LOOP_LAG_*)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the bot into bench/out/…/bot.prof"
    )
    args = parser.parse_args(argv)
    for name, value in SHAPES[args.shape].items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


if __name__ == "__main__":
    asyncio.run(main(parse()))
