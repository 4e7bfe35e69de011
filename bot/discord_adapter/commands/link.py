"""`/link`: one record for a student's Discord and Telegram accounts.

`/link` alone gives a one-time code to send to the coach in Telegram (`/link CODE`), or says
how things stand once linked; `code:` enters a code Telegram gave; `then:` chooses where
digests and reminders go, or unlinks. Whichever side gave the code, the record both share is
this Discord account's: the other front end's account joins it (the core's links say so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.links import LinkService

if TYPE_CHECKING:
    from bot.discord_adapter.client import CoachBot

    Interaction = discord.Interaction[CoachBot]
else:
    Interaction = discord.Interaction

FRONT_END = "discord"  # this adapter's name in the links (kept by the core, never read)


def link_command(links: LinkService) -> app_commands.Command[Any, ..., None]:
    @app_commands.command(name="link", description="Use the coach from Telegram too, as one record")
    @app_commands.describe(
        code="A code the coach gave you in Telegram (/link there)",
        then="Where digests and reminders go, or unlink",
    )
    @app_commands.choices(
        then=[
            app_commands.Choice(name="Send digests and reminders here, on Discord", value="here"),
            app_commands.Choice(name="Send them to my linked account instead", value="there"),
            app_commands.Choice(name="Unlink my other account", value="off"),
        ]
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    @app_commands.allowed_installs(guilds=True, users=False)
    async def link(
        interaction: Interaction,
        code: app_commands.Range[str, 1, 20] | None = None,
        then: str | None = None,
    ) -> None:
        owner = interaction.user.id
        send = interaction.response.send_message
        if code is not None:
            linked = await links.redeem(code, FRONT_END, owner, owner, own_record=owner)
            where = linked.joined.front_end.capitalize()
            await send(
                f"Linked: your {where} account and this one now share one record — the same "
                "contacts, drafts and reminders. Digests and reminders still come here; "
                "`/link then:` changes that.",
                ephemeral=True,
            )
            return
        accounts = await links.accounts(owner)
        if then == "off":
            removed = await links.unlink(owner)
            await send(
                "Unlinked: the other account starts again from a record of its own; this one "
                "keeps everything."
                if removed
                else "Nothing is linked to this account.",
                ephemeral=True,
            )
            return
        if then is not None:
            if then == "there" and not accounts:
                await send("Link an account first: `/link` gives you a code.", ephemeral=True)
                return
            other = accounts[0].front_end if then == "there" else None
            await links.deliver_to(owner, other)
            where = other.capitalize() if other else "Discord (here)"
            await send(f"Done: digests and reminders go to {where}.", ephemeral=True)
            return
        if accounts:
            lines = [
                f"This record is shared with your {a.front_end.capitalize()} account "
                f"(linked {discord.utils.format_dt(a.linked_at, 'D')}); digests and reminders "
                f"go to {a.front_end.capitalize() if a.delivers else 'Discord'}."
                for a in accounts
            ]
            lines.append("`/link then:` chooses where they go, or unlinks.")
            await send("\n".join(lines), ephemeral=True)
            return
        issued = await links.issue(owner, FRONT_END, owner)
        await send(
            f"Your link code: **{issued.code}**. In Telegram, send `/link {issued.code}` to the "
            "coach within 10 minutes; it works once. Your contacts stay here and show up "
            "there too.",
            ephemeral=True,
        )

    return link
