"""What the fake remembers: requests, violations and per-interaction handles.

Tests assert on these objects, so they are plain dataclasses holding plain dicts (the JSON the
bot sent, plus the message objects the fake built from it).
"""

# The public API takes timeout= arguments by contract (tests call h.response(timeout=5)).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RecordedRequest:
    """One REST request. ``path`` is relative to the API base, e.g. ``/users/@me``."""

    method: str
    path: str
    json: Any
    headers: dict[str, str]
    time: float  # the fake's monotonic clock
    query: dict[str, str] = field(default_factory=dict)
    # Multipart uploads: [{"field": "files[0]", "filename": ..., "content_type": ..., "data": b""}]
    files: list[dict[str, Any]] = field(default_factory=list)
    status: int | None = None  # the status the fake answered with


@dataclass
class Violation:
    """Something the fake rejected (or an unknown route): Discord would have failed too."""

    route: str
    reason: str
    payload: Any = None


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


class InteractionHandle:
    """One dispatched interaction and everything the bot answered to it."""

    def __init__(self, interaction: dict[str, Any], dispatched_at: float) -> None:
        self.interaction = interaction
        self.id = int(interaction["id"])
        self.token: str = interaction["token"]
        self.dispatched_at = dispatched_at
        self.initial_response: dict[str, Any] | None = None
        # Callback bodies the fake refused (second acknowledgement, too late, invalid).
        self.rejected_responses: list[dict[str, Any]] = []
        self.followups: list[dict[str, Any]] = []
        self.edits: list[dict[str, Any]] = []
        self.message: dict[str, Any] | None = None
        self.original_deleted = False
        # Bookkeeping for the REST layer.
        self.response_type: int | None = None  # callback type of the accepted initial response
        self.original_id: int | None = None  # id of the message @original refers to
        self.guild_id: int | None = _int_or_none(interaction.get("guild_id"))
        self.channel_id: int | None = _int_or_none(interaction.get("channel_id"))
        self.user_id: int = int((interaction.get("member") or interaction)["user"]["id"])
        self._changed = asyncio.Event()

    # -- waiting --------------------------------------------------------------------------------

    def _notify(self) -> None:
        """Wakes every waiter; each re-checks its own condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_for(self, predicate: Any, timeout: float, what: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"{what} (interaction {self.describe()})")
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue

    async def response(self, timeout: float = 5) -> dict[str, Any]:
        """The accepted initial callback body ``{"type": ..., "data": {...}}``."""
        await self._wait_for(
            lambda: self.initial_response is not None,
            timeout,
            f"the bot sent no accepted initial response within {timeout}s"
            + (f"; rejected: {self.rejected_responses}" if self.rejected_responses else ""),
        )
        assert self.initial_response is not None
        return self.initial_response

    async def wait_followup(self, n: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        """Waits until at least ``n`` follow-up messages exist; returns them all."""
        await self._wait_for(
            lambda: len(self.followups) >= n,
            timeout,
            f"expected {n} follow-up message(s) within {timeout}s, got {len(self.followups)}",
        )
        return self.followups

    async def wait_edit(self, n: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        """Waits until at least ``n`` edits of this interaction's messages exist."""
        await self._wait_for(
            lambda: len(self.edits) >= n,
            timeout,
            f"expected {n} edit(s) within {timeout}s, got {len(self.edits)}",
        )
        return self.edits

    async def wait_rejected(self, n: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        """Waits until at least ``n`` callback attempts were refused."""
        await self._wait_for(
            lambda: len(self.rejected_responses) >= n,
            timeout,
            f"expected {n} rejected callback(s) within {timeout}s",
        )
        return self.rejected_responses

    def describe(self) -> str:
        data = self.interaction.get("data") or {}
        name = data.get("name") or data.get("custom_id") or "?"
        return f"id={self.id} type={self.interaction['type']} {name!r}"

    def __repr__(self) -> str:
        return f"<InteractionHandle {self.describe()}>"
