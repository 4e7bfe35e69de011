"""Interfaces the core needs from the outside world; storage and tests implement them.

Every repository method that touches a student's data takes `owner_id` and scopes to it: asking
for another student's contact behaves exactly like asking for one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from bot.core.models import (
    Channel,
    Contact,
    ContactDraft,
    ContactFilter,
    Draft,
    Exchange,
    ExchangeKind,
    Profile,
    Student,
)


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, aware and in UTC."""
        ...


class StudentRepository(Protocol):
    async def get_or_create(self, student_id: int, *, now: datetime) -> tuple[Student, bool]:
        """The student's record and whether it was just created."""
        ...

    async def mark_welcomed(self, student_id: int) -> bool:
        """Record the one-time welcome; False if it had already been recorded."""
        ...

    async def set_timezone(self, student_id: int, timezone: str | None) -> None: ...


class ContactRepository(Protocol):
    async def add(self, owner_id: int, draft: ContactDraft, *, now: datetime) -> Contact: ...

    async def get(self, owner_id: int, contact_id: int) -> Contact | None: ...

    async def update(
        self, owner_id: int, contact_id: int, draft: ContactDraft, *, now: datetime
    ) -> Contact | None: ...

    async def remove(self, owner_id: int, contact_id: int) -> bool: ...

    async def find_duplicates(
        self, owner_id: int, name_key: str, email_key: str | None
    ) -> Sequence[Contact]:
        """Contacts whose folded name or e-mail matches."""
        ...

    async def list_all(self, owner_id: int, contact_filter: ContactFilter) -> Sequence[Contact]:
        """Every matching contact (unordered); the service decides the order."""
        ...

    async def search(self, owner_id: int, query_key: str, *, limit: int) -> Sequence[Contact]:
        """Contacts whose name, institution, specialty, event, notes or tags contain the query."""
        ...

    async def suggest(self, owner_id: int, prefix_key: str, *, limit: int) -> Sequence[Contact]:
        """Autocomplete: name matches first (prefix, then word start, then anywhere)."""
        ...

    async def count(self, owner_id: int) -> int: ...

    async def distinct_values(
        self, owner_id: int, column: str, prefix_key: str, *, limit: int
    ) -> Sequence[str]:
        """Values already used in `tag`, `specialty` or `event`, for autocomplete."""
        ...

    async def add_exchange(
        self,
        owner_id: int,
        contact_id: int,
        kind: ExchangeKind,
        happened_on: date,
        note: str | None,
        *,
        now: datetime,
    ) -> Exchange | None: ...

    async def exchanges(self, owner_id: int, contact_id: int, *, limit: int) -> Sequence[Exchange]:
        """The contact's history, newest first."""
        ...


class PendingRepository(Protocol):
    """Short-lived state behind buttons whose data will not fit in a custom_id."""

    async def put(
        self, owner_id: int, kind: str, payload: dict[str, Any], *, expires_at: datetime
    ) -> int: ...

    async def take(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None:
        """Remove and return the payload if it exists, is the owner's and has not expired."""
        ...

    async def peek(
        self, owner_id: int, pending_id: int, kind: str, *, now: datetime
    ) -> dict[str, Any] | None: ...

    async def purge_expired(self, *, now: datetime) -> int:
        """Forget expired rows; returns how many."""
        ...


class ProfileRepository(Protocol):
    async def get(self, student_id: int) -> Profile | None: ...

    async def save(self, student_id: int, profile: Profile, *, now: datetime) -> Profile: ...


class DraftRepository(Protocol):
    async def add(
        self,
        owner_id: int,
        contact_id: int,
        template_id: str,
        channel: Channel,
        fields: dict[str, str],
        *,
        now: datetime,
    ) -> Draft | None:
        """None if the contact is not the owner's."""
        ...

    async def get(self, owner_id: int, draft_id: int) -> Draft | None: ...

    async def update(
        self,
        owner_id: int,
        draft_id: int,
        *,
        channel: Channel,
        version: int,
        fields: dict[str, str],
    ) -> Draft | None: ...

    async def mark_sent(
        self, owner_id: int, draft_id: int, *, sent_at: datetime, nudge_due_at: datetime
    ) -> Draft | None:
        """Record the send once; None if unknown, already sent, or someone else's."""
        ...
