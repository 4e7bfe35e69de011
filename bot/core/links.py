"""LinkService: one student record used from two front ends, joined by a one-time code.

A student asks one front end for a code (`issue`) and types it into the other (`redeem`). The
account of a *joining* front end (one whose adapter looks its users up in the links; the
composition root says which) then acts as the other account's student record: both see the
same contacts, drafts and reminders. Unlinked, every account is its own student.

The code is short-lived, works once, and only its hash is stored: a copy of the database does
not hold a working code. A wrong, expired or used code changes nothing and says so.

The joining account's own record must hold nothing the student made (contacts, drafts…):
linking would hide it. Records are not merged; the student is told to export and erase it,
or to link the other way round. An empty record of the joining account is removed.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.errors import CoachError, InvalidInput
from bot.core.ports import (
    AccountLinkRepository,
    Clock,
    LinkCode,
    LinkedAccount,
    PrivacyRepository,
    StudentRepository,
)

log = logging.getLogger(__name__)

# No 0/O, 1/I/L: a code read off one screen and typed on another.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8  # 31^8, about 8.5e11: out of reach of guessing in a code's ten minutes
LIFETIME = timedelta(minutes=10)
# What a student made: a record holding any of these is not hidden behind a link.
MADE_BY_THE_STUDENT = (
    "profiles",
    "contacts",
    "exchanges",
    "drafts",
    "reminders",
    "events",
    "coach_state",
    "season_plans",
    "letter_requests",
    "interviews",
)


class LinkRefused(CoachError):
    """A code that can't link these accounts; nothing was changed."""


@dataclass(frozen=True, slots=True)
class IssuedCode:
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Linked:
    student_id: int  # the record both accounts now share
    joined: LinkedAccount


def normalise(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """ABCD-EFGH: easier to read out and type."""
    return f"{code[:4]}-{code[4:]}"


WRONG_CODE = (
    "That code doesn't work: it is wrong, expired (codes last 10 minutes) or used already. "
    "Nothing was changed; ask for a new one with /link in the other app."
)
SAME_SIDE = "Enter the code in the other app, not in the one that gave it. Nothing was changed."
ALREADY_LINKED = (
    "One of these accounts is linked already: unlink it first (/link off, or Discord's "
    "/link then:Unlink). Nothing was changed."
)
HAS_RECORDS = (
    "The account that would join already has contacts or drafts of its own, and linking would "
    "hide them; nothing is merged. Nothing was changed. To bring its contacts along: on that "
    "account, export everything, erase it (privacy delete), link again, then send the "
    "contacts CSV from the export to the bot: it imports them into the shared record without "
    "overwriting anything there."
)


class LinkService:
    def __init__(
        self,
        links: AccountLinkRepository,
        students: StudentRepository,
        privacy: PrivacyRepository,
        clock: Clock,
        *,
        joining: frozenset[str],
    ) -> None:
        self._links = links
        self._students = students
        self._privacy = privacy
        self._clock = clock
        self._joining = joining  # front ends whose accounts join another's record

    async def issue(self, student_id: int, front_end: str, account_id: int) -> IssuedCode:
        """A fresh code for this account (the student's earlier unused codes stop working)."""
        if front_end in self._joining and await self._links.student_of(front_end, account_id):
            raise LinkRefused(ALREADY_LINKED)
        now = self._clock.now()
        await self._students.get_or_create(student_id, now=now)
        code = new_code()
        expires_at = now + LIFETIME
        await self._links.add_code(
            code_hash(code),
            LinkCode(student_id, front_end, account_id),
            now=now,
            expires_at=expires_at,
        )
        log.info("link code issued student=%s", student_id)
        return IssuedCode(shown(code), expires_at)

    async def redeem(
        self, code: str, front_end: str, account_id: int, student_id: int, *, own_record: int
    ) -> Linked:
        """Link this account (now acting as `student_id`; `own_record` is the record it has
        when unlinked) with the account that issued `code`."""
        if len(normalise(code)) != LENGTH:
            raise InvalidInput(f"A link code has {LENGTH} letters and digits, like ABCD-EFGH.")
        issued = await self._links.take_code(code_hash(code), now=self._clock.now())
        if issued is None:
            log.info("link code refused (unknown, used or expired) account_front=%s", front_end)
            raise LinkRefused(WRONG_CODE)
        if issued.front_end == front_end:
            raise LinkRefused(SAME_SIDE)
        if front_end in self._joining:
            joiner, record = (front_end, account_id, student_id, own_record), issued.student_id
        elif issued.front_end in self._joining:
            # The issuing account joins; when unlinked its record was the one it issued from.
            joiner = (issued.front_end, issued.account_id, issued.student_id, issued.student_id)
            record = student_id
        else:
            raise LinkRefused("These two apps can't be linked to each other.")
        joining_front, joining_account, acting_as, joiner_own = joiner
        if acting_as != joiner_own or await self._links.student_of(joining_front, joining_account):
            raise LinkRefused(ALREADY_LINKED)
        if any(a.front_end == joining_front for a in await self._links.accounts_of(record)):
            raise LinkRefused(ALREADY_LINKED)
        counts = await self._privacy.counts(joiner_own)
        if any(counts.get(table, 0) for table in MADE_BY_THE_STUDENT):
            raise LinkRefused(HAS_RECORDS)
        now = self._clock.now()
        await self._students.get_or_create(record, now=now)
        account = LinkedAccount(joining_front, joining_account, record, False, now)
        if not await self._links.link(account):
            raise LinkRefused(ALREADY_LINKED)
        # The joining account's empty record (settings, bookkeeping) would only linger.
        await self._privacy.delete_student(joiner_own)
        log.info("accounts linked student=%s", record)
        return Linked(record, account)

    async def accounts(self, student_id: int) -> Sequence[LinkedAccount]:
        return await self._links.accounts_of(student_id)

    async def linked_student(self, front_end: str, account_id: int) -> int | None:
        """The record this account acts as, when linked (None: its own)."""
        return await self._links.student_of(front_end, account_id)

    async def linked_account(self, student_id: int, front_end: str) -> LinkedAccount | None:
        """The record's linked account of `front_end`, if any."""
        for account in await self._links.accounts_of(student_id):
            if account.front_end == front_end:
                return account
        return None

    async def delivery_account(self, student_id: int) -> LinkedAccount | None:
        """The linked account chosen for digests and reminders (None: the record's own)."""
        for account in await self._links.accounts_of(student_id):
            if account.delivers:
                return account
        return None

    async def unlink(self, student_id: int) -> int:
        """Every account linked to this record goes back to being its own (empty) student."""
        removed = await self._links.unlink(student_id)
        if removed:
            log.info("accounts unlinked student=%s links=%d", student_id, removed)
        return removed

    async def deliver_to(self, student_id: int, front_end: str | None) -> None:
        """Send digests and reminders to the linked account of `front_end` (None: the
        record's own account)."""
        if front_end is not None and not any(
            a.front_end == front_end for a in await self._links.accounts_of(student_id)
        ):
            raise LinkRefused("Link your accounts first (/link), then choose where I write.")
        await self._links.set_delivers(student_id, front_end)
