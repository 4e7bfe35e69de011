"""The one place that decides what a student sees when something goes wrong.

A `CoachError` shows its `user_message`; discord.py's own parse and check failures get short
explanations; anything else is a bug, logged with ids only, and the student gets an apology.
Every answer is ephemeral, so a failure is never silent and never public.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.core.errors import CoachError

log = logging.getLogger(__name__)

# Neither says "nothing was changed": the failure may come after a save (a presenter bug, or
# Discord refusing the answer), and a student told nothing was saved would add it again.
APOLOGY = (
    "Sorry, something went wrong on my side. What you asked may have been saved already: "
    "check (`/contact list`, `/due`) before trying again in a moment."
)
UNDELIVERED = (
    "I couldn't show you my answer, but what you asked may have been done: check "
    "(`/contact list`, `/due`) before trying again."
)


async def send_ephemeral(interaction: discord.Interaction[Any], text: str, **kwargs: Any) -> None:
    """Answer privately, whether or not the interaction has been answered already."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, **kwargs)
    else:
        await interaction.response.send_message(text, ephemeral=True, **kwargs)


def _unwrap(error: BaseException) -> BaseException:
    while isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        inner = error.__cause__ if isinstance(error, app_commands.TransformerError) else None
        if isinstance(error, app_commands.CommandInvokeError):
            inner = error.original
        if inner is None:
            break
        error = inner
    return error


def user_message_for(error: BaseException) -> str | None:
    """The text a student should see, or None when the error is a bug."""
    error = _unwrap(error)
    if isinstance(error, CoachError):
        return error.user_message
    if isinstance(error, app_commands.TransformerError):
        return "I couldn't understand one of the options. Please check it and try again."
    if isinstance(error, app_commands.MissingPermissions):
        return "You need the Manage Server permission to do that."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That command only works inside a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    return None


# Discord's "Unknown interaction": the answer came after the 3-second deadline (or the 15-minute
# token expired). Nobody can be told; a traceback per late answer would only add work to a bot
# that is already behind.
UNKNOWN_INTERACTION = 10062


async def present_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    cause = _unwrap(error)
    if isinstance(cause, discord.NotFound) and cause.code == UNKNOWN_INTERACTION:
        log.warning(
            "answer too late, the interaction expired user=%s interaction=%s",
            interaction.user.id,
            interaction.id,
        )
        return
    message = user_message_for(error)
    if message is None:
        command = interaction.command.qualified_name if interaction.command else None
        custom_id = (interaction.data or {}).get("custom_id") if interaction.data else None
        log.error(
            "unexpected error user=%s interaction=%s command=%s custom_id=%s",
            interaction.user.id,
            interaction.id,
            command,
            custom_id,
            exc_info=_unwrap(error),
        )
        # Discord refused our answer (an expired token, a message it won't take): the work
        # before it happened.
        message = UNDELIVERED if isinstance(_unwrap(error), discord.HTTPException) else APOLOGY
    try:
        await send_ephemeral(interaction, message)
    except discord.HTTPException:
        # The interaction may have expired (3 s / 15 min); there is no one left to tell.
        log.warning(
            "could not report an error user=%s interaction=%s", interaction.user.id, interaction.id
        )
