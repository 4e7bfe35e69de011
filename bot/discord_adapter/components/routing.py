"""The router: an arriving click or form submission goes to the handler its custom_id names.

Why a router and not discord.py's `DynamicItem`s: `from_custom_id` is a classmethod the library
calls, so a DynamicItem reaches services only through a global (or `interaction.client`). Classes
made per bot by a factory don't fix that: discord.py re-registers `type(item)` for every view it
sends (`ViewStore.add_view`), so a view built anywhere with the plain classes (the notifier's
digests, say) would replace the bot's bound ones. Here handler objects get their services from
their constructors in the composition root, and `CoachBot.on_interaction` hands every component
and modal interaction to `Router.dispatch`; forms were already routed this way (discord.py only
delivers a modal to an object it still holds, which a restart loses).

Views are sent detached (`views.DetachedView`): discord.py keeps no copy, and a button sent
before a restart works the same as one sent a second ago.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.discord_adapter.components.custom_ids import ref
from bot.discord_adapter.errors import present_error, send_ephemeral

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
Handler = Callable[[Interaction, re.Match[str]], Awaitable[None]]

FORM_GONE = (
    "That form is no longer in use, and nothing was changed. Run the command again to continue."
)


@dataclass(frozen=True)
class Route:
    """Component ids matching `pattern` (in full) go to `handle`; `form`: a modal's id."""

    pattern: re.Pattern[str]
    handle: Handler
    form: bool = False


class Handlers(Protocol):
    """A feature's handler object: the routes it answers."""

    def routes(self) -> Iterable[Route]: ...


def raw_data(interaction: Interaction) -> Mapping[str, Any]:
    """The interaction's data, read as the JSON it is (discord.py types it as a union of
    TypedDicts with different keys)."""
    return interaction.data or {}


class Router:
    def __init__(self, *handlers: Handlers) -> None:
        self.routes = tuple(route for owner in handlers for route in owner.routes())
        patterns = [(r.pattern.pattern, r.form) for r in self.routes]
        if len(set(patterns)) != len(patterns):
            raise ValueError("two handlers claim the same custom_id pattern")

    def find(self, custom_id: str, *, form: bool) -> tuple[Route, re.Match[str]] | None:
        for route in self.routes:
            if route.form is form:
                match = route.pattern.fullmatch(custom_id)
                if match:
                    return route, match
        return None

    async def dispatch(self, interaction: Interaction) -> None:
        """Run the handler for a click or a form; errors reach the student as for commands."""
        if interaction.type is discord.InteractionType.component:
            form = False
        elif interaction.type is discord.InteractionType.modal_submit:
            form = True
        else:
            return
        custom_id = str(raw_data(interaction).get("custom_id", ""))
        try:
            found = self.find(custom_id, form=form)
            if found is None:
                # An unknown form gets an answer; an unknown button is ignored, as discord.py
                # ignored components nothing claimed (Discord then says it failed).
                if form:
                    await send_ephemeral(interaction, FORM_GONE)
                else:
                    log.info("no handler for component interaction=%s", interaction.id)
                return
            route, match = found
            for value in match.groupdict().values():  # before anything is read or saved
                if value and value.isdigit():
                    ref(value)
            await route.handle(interaction, match)
        except Exception as error:
            await present_error(interaction, error)
