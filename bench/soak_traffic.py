"""The students of the soak (bench/soak.py): each a loop of realistic interactions.

A student thinks for a random (exponential) while, then does one thing: autocompletes a contact,
adds one (names and notes drawn from accented, right-to-left, markdown, mention, template and
SQL-looking text), lists or shows contacts, drafts a follow-up, asks what is due, clicks a button
on something the bot answered earlier, or fills in a form the bot opened. Every interaction
passes a `Gate`, which the soak closes around gateway faults and the kill, so that nothing is
dispatched while the bot cannot receive it (Discord would show "interaction failed").
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from bench.seed import FIRST, LAST
from bot.core.models import Role
from tests.e2e.fake_discord import FakeDiscord, InteractionHandle

# Discord allows 3 s for the first answer; waiting longer only tells "late" from "never".
ANSWER_WAIT = 10.0
# A deferred answer's follow-up may come much later (up to 15 minutes); the bot's are quick.
FOLLOWUP_WAIT = 15.0
DIGEST_TITLE = "Your week in networking"

# What students type, including what must come out as typed and never ping or inject.
HOSTILE = [
    "@everyone",
    "@here",
    "<@1400000000000000002>",
    "<@&1300000000000000001>",
    "**bold** _it_ ~~x~~ `code` ||spoiler||",
    "{{ 7*7 }} {% raw %}",
    "'); DROP TABLE contacts;--",
    "\u202eevil",
    "zero\u200bwidth",
    "李小龙",
    "مريم",
    "🫀 cardio 🧠",
    "<script>alert(1)</script>",
    "%s %d {0} ${x}",
    "  padded  ",
]
ROLES = [role.value for role in Role]
ZONES = ["UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney"]
# Buttons a student never presses in the soak: they would erase what the soak checks.
NEVER_CLICK = ("contact:remove:", "reminders:stop:", "import:")


@dataclass
class Stats:
    """What the students did, for the soak's figures."""

    latencies: list[float] = field(default_factory=list)  # seconds, dispatch → first answer
    written: dict[int, int] = field(default_factory=dict)  # contact id → owner, from answers
    names: list[str] = field(default_factory=list)  # every name and note typed (log check)
    sent: int = 0
    refused: list[str] = field(default_factory=list)  # what the fake would not let us send


class Gate:
    """Lets interactions through only while open; `close()` also waits for dispatches under way."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._dispatching = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def dispatch(self, start: Any) -> InteractionHandle:
        await self._open.wait()
        self._dispatching += 1
        self._idle.clear()
        try:
            return await start()  # type: ignore[no-any-return]
        finally:
            self._dispatching -= 1
            if self._dispatching == 0:
                self._idle.set()

    async def close(self) -> None:
        self._open.clear()
        await self._idle.wait()

    def open(self) -> None:
        self._open.set()


async def opt_in(
    fake: FakeDiscord, students: list[int], guild_id: int, weekday: int, rng: random.Random
) -> None:
    """Each student turns digests on with /reminders setup, as a student would (consent, the DM
    channel opened once, a welcome DM), on `weekday` at noon in one of a few timezones."""
    limit = asyncio.Semaphore(8)  # a class opting in together, not all in the same millisecond

    async def one(student: int) -> None:
        options = {"timezone": rng.choice(ZONES), "day": weekday, "hour": 12, "quiet_weeks": False}
        async with limit:
            handle = await fake.slash(
                "reminders", subcommand="setup", user_id=student, guild_id=guild_id, options=options
            )
            await handle.response(timeout=ANSWER_WAIT)
            await handle.wait_followup(1, timeout=FOLLOWUP_WAIT)

    # A failed opt-in shows up in the checks: an unanswered interaction and a missing digest.
    await asyncio.gather(*(one(s) for s in students), return_exceptions=True)


def custom_ids(message: dict[str, Any]) -> list[str]:
    """Enabled buttons and selects of a message, in order."""
    return [
        comp["custom_id"]
        for row in message.get("components") or []
        for comp in row.get("components", [])
        if "custom_id" in comp and not comp.get("disabled")
    ]


def contact_id(message: dict[str, Any]) -> int | None:
    """The contact a card shows (its Edit button), if the message is a contact card."""
    for cid in custom_ids(message):
        if cid.startswith("contact:edit:"):
            return int(cid.rsplit(":", 1)[1])
    return None


def text_inputs(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The text boxes of a form, in rows (legacy) or in labels."""
    found = []
    for comp in modal.get("components") or []:
        children = comp.get("components") or [comp.get("component") or {}]
        found += [child for child in children if child.get("type") == 4]
    return found


def answered(handle: InteractionHandle) -> bool:
    """An accepted first answer, and for a deferred one ("thinking…") the message after it."""
    if handle.initial_response is None:
        return False
    if handle.response_type == 5:
        return bool(handle.followups or handle.edits)
    return True


class Student:
    """One student's loop; `Stats` is shared by all of them."""

    def __init__(
        self,
        fake: FakeDiscord,
        gate: Gate,
        stats: Stats,
        user_id: int,
        guild_id: int,
        rng: random.Random,
        think: float,
    ) -> None:
        self.fake = fake
        self.gate = gate
        self.stats = stats
        self.user_id = user_id
        self.guild_id = guild_id
        self.rng = rng
        self.think = think
        self.contacts: list[tuple[int, str]] = []
        self.messages: deque[dict[str, Any]] = deque(maxlen=20)
        self.forms: deque[tuple[str, dict[str, Any]]] = deque(maxlen=5)
        self.added = 0

    async def run(self, stop: asyncio.Event) -> None:
        actions = [
            (self.autocomplete, 22),
            (self.add, 20),
            (self.list, 10),
            (self.show, 6),
            (self.followup, 10),
            (self.due, 8),
            (self.click, 18),
            (self.submit_form, 6),
        ]
        calls, weights = zip(*actions, strict=True)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self.rng.expovariate(1 / self.think))
                return
            except TimeoutError:
                pass
            try:
                await self.rng.choices(calls, weights)[0]()
            except AssertionError as refused:  # the fake refused what the student tried
                self.stats.refused.append(str(refused)[:200])

    # -- one interaction --------------------------------------------------------------------

    async def _send(self, start: Any) -> InteractionHandle | None:
        """Dispatches through the gate and waits for the answer (and a deferred follow-up)."""
        handle: InteractionHandle = await self.gate.dispatch(start)
        self.stats.sent += 1
        try:
            await handle.response(timeout=ANSWER_WAIT)
        except AssertionError:
            return None  # counted by the soak from the fake's handles
        self.stats.latencies.append(self.fake.clock() - handle.dispatched_at)
        if handle.response_type == 5:
            try:
                await handle.wait_followup(1, timeout=FOLLOWUP_WAIT)
            except AssertionError:
                return None
        self._remember(handle)
        return handle

    def _remember(self, handle: InteractionHandle) -> None:
        response = handle.initial_response or {}
        if response.get("type") == 9:
            data = response["data"]
            self.forms.append((data["custom_id"], data))
        for message in [handle.message, *handle.followups]:
            if message and custom_ids(message):
                self.messages.append(message)

    def _record_card(self, handle: InteractionHandle | None) -> None:
        """A saved contact's card: the soak checks later that the contact is in the database."""
        if handle is None or handle.message is None:
            return
        cid = contact_id(handle.message)
        if cid is not None:
            self.stats.written[cid] = self.user_id
            name = (handle.message.get("embeds") or [{}])[0].get("title", "")
            self.contacts.append((cid, name))

    def _slash(self, command: str, subcommand: str | None = None, **options: Any) -> Any:
        return lambda: self.fake.slash(
            command,
            user_id=self.user_id,
            guild_id=self.guild_id,
            subcommand=subcommand,
            options={k: v for k, v in options.items() if v is not None},
        )

    def _text(self, base: str) -> str:
        """Student text: mostly ordinary, sometimes hostile; remembered for the log check."""
        if self.rng.random() < 0.35:
            base = f"{self.rng.choice(HOSTILE)} {base}"
        self.stats.names.append(base.strip())
        return base

    def _known(self) -> tuple[int, str] | None:
        return self.rng.choice(self.contacts) if self.contacts else None

    # -- the mix ----------------------------------------------------------------------------

    async def autocomplete(self) -> None:
        known = self._known()
        typed = known[1][: self.rng.randint(0, 4)] if known else self.rng.choice(["", "a", "ok"])
        command, sub = self.rng.choice([("contact", "show"), ("followup", None)])
        handle = await self._send(
            lambda: self.fake.autocomplete(
                command,
                user_id=self.user_id,
                guild_id=self.guild_id,
                subcommand=sub,
                focused="contact",
                options={"contact": typed},
            )
        )
        choices = (
            ((handle.initial_response or {}).get("data") or {}).get("choices") if handle else []
        )
        for choice in choices or []:
            pair = (int(choice["value"]), choice["name"])
            if pair not in self.contacts:
                self.contacts.append(pair)

    async def add(self) -> None:
        self.added += 1
        rng = self.rng
        name = self._text(
            f"{rng.choice(FIRST)} {rng.choice(LAST)} {self.user_id % 10_000}-{self.added}"
        )
        options: dict[str, Any] = {"name": name[:100]}
        if rng.random() < 0.7:
            options["role"] = rng.choice(ROLES)
        if rng.random() < 0.5:
            options["where_met"] = rng.choice(["Cardiology interest group talk", "Grand rounds"])
            options["date_met"] = rng.choice(["today", "yesterday", "3 days ago", "last friday"])
        if rng.random() < 0.6:
            options["notes"] = self._text(f"Talked about residency {rng.randint(1, 999)}")
        if rng.random() < 0.3:
            options["tags"] = rng.choice(["research, mentor", "#cardio", "peds,  ,peds"])
        if rng.random() < 0.2:
            options["email"] = f"p{self.added}.{self.user_id % 1000}@example.org"
        self._record_card(await self._send(self._slash("contact", "add", **options)))

    async def list(self) -> None:
        role = self.rng.choice([None, None, *ROLES])
        await self._send(self._slash("contact", "list", role=role))

    async def show(self) -> None:
        known = self._known()
        if known is not None:
            await self._send(self._slash("contact", "show", contact=str(known[0])))

    async def followup(self) -> None:
        known = self._known()
        who = str(known[0]) if known and self.rng.random() < 0.8 else self._text("Jordan Lee")
        await self._send(
            self._slash(
                "followup",
                contact=who,
                event=self.rng.choice([None, "the cardiology interest group talk"]),
                discussed=self._text("her heart-failure clinic")
                if self.rng.random() < 0.7
                else None,
            )
        )

    async def due(self) -> None:
        await self._send(self._slash("due"))

    async def click(self) -> None:
        if not self.messages:
            return await self.due()
        message = self.rng.choice(self.messages)
        current = self.fake.messages.get(int(message["id"]), message)
        ids = [c for c in custom_ids(current) if not c.startswith(NEVER_CLICK)]
        if current.get("deleted") or not ids:
            self.messages.remove(message)
            return None
        custom_id = self.rng.choice(ids)
        handle = await self._send(lambda: self.fake.click(current, custom_id, user_id=self.user_id))
        if custom_id.startswith("contact:dupe:") and custom_id.endswith(":new"):
            self._record_card(handle)
        return None

    async def submit_form(self) -> None:
        """Fills in a form the bot opened earlier (a closed form is fine too: Discord forgets)."""
        if not self.forms:
            return await self.click()
        custom_id, modal = self.forms.popleft()
        # What a student types into the empty boxes Discord would not let them leave empty.
        values: dict[str, Any] = {
            box["custom_id"]: self._text("the cardiology talk").strip()[
                : box.get("max_length", 100)
            ]
            for box in text_inputs(modal)
            if box.get("required", True) and not box.get("value")
        }
        if custom_id.startswith("contact:logform:"):
            values = {"kind": [self.rng.choice(["called", "emailed", "met"])]}
            values["note"] = self._text("Followed up\nabout shadowing")
        await self._send(lambda: self.fake.submit_modal(custom_id, values, user_id=self.user_id))
        return None
