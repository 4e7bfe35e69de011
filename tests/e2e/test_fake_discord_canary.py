"""Canary for the fake Discord: a throwaway discord.py client exercises every harness feature.

If discord.py changes how it talks to Discord (routes, gateway flow, payload shapes), these
tests fail here first, with the fake's own message, instead of deep inside a bot test.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator

import discord
import discord.gateway
import discord.http
import pytest
import yarl
from discord import app_commands

from tests.e2e.fake_discord import FakeDiscord, fixtures

pytestmark = pytest.mark.e2e

# The shared fixture (tests/e2e/conftest.py will import it for everyone else).
fake_discord = fixtures.fake_discord

GUILD_ID = 900_000_000_000_000_001
ADA = 900_000_000_000_000_101
BOB = 900_000_000_000_000_102


class AgainView(discord.ui.View):
    """Persistent view: survives restarts because its custom_id is fixed."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Again", custom_id="canary:again", style=discord.ButtonStyle.primary)
    async def again(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="clicked", view=None)


class ContactModal(discord.ui.Modal, title="New contact"):
    name = discord.ui.Label(text="Name", component=discord.ui.TextInput(custom_id="name"))
    notes: discord.ui.TextInput = discord.ui.TextInput(
        label="Notes", custom_id="notes", style=discord.TextStyle.paragraph, required=False
    )

    def __init__(self) -> None:
        super().__init__(custom_id="canary:contact-modal")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.name.component, discord.ui.TextInput)
        await interaction.response.send_message(
            f"saved {self.name.component.value} ({self.notes.value or '-'})", ephemeral=True
        )


class CanaryClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(
            intents=discord.Intents(guilds=True),
            allowed_mentions=discord.AllowedMentions.none(),
            guild_ready_timeout=0.05,
        )
        self.tree = app_commands.CommandTree(self)
        self.release_slow = asyncio.Event()
        self.errors: list[BaseException] = []
        self._register()

    def _register(self) -> None:
        tree = self.tree
        contact = app_commands.Group(name="contact", description="Contacts")

        @contact.command(name="add", description="Add a contact")
        async def add(interaction: discord.Interaction, name: str, year: int = 1) -> None:
            await interaction.response.send_message(
                f"added {name} (year {year})", ephemeral=True, view=AgainView()
            )

        @contact.command(name="show", description="Show a contact")
        async def show(interaction: discord.Interaction, contact: str) -> None:
            await interaction.response.send_message(f"showing {contact}", ephemeral=True)

        @show.autocomplete("contact")
        async def show_ac(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            names = ["Ada Lovelace", "Adam Smith", "Bob"]
            return [
                app_commands.Choice(name=n, value=n)
                for n in names
                if n.lower().startswith(current.lower())
            ]

        tree.add_command(contact)

        @tree.command(name="form", description="Open the contact form")
        async def form(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(ContactModal())

        @tree.command(name="double", description="Answers twice (a bug)")
        async def double(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("one", ephemeral=True)
            # Bypass discord.py's own guard to hit the API like a buggy raw call would.
            interaction.response._response_type = None
            try:
                await interaction.response.send_message("two", ephemeral=True)
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(name="slow", description="Answers too late")
        async def slow(interaction: discord.Interaction) -> None:
            await self.release_slow.wait()
            try:
                await interaction.response.send_message("late", ephemeral=True)
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.command(name="dm", description="DMs you")
        async def dm(interaction: discord.Interaction) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            try:
                await interaction.user.send("hello from the bot")
            except discord.Forbidden as exc:
                await interaction.followup.send(f"cannot DM: {exc.code}", ephemeral=True)
            else:
                await interaction.followup.send("sent", ephemeral=True)

        @tree.command(name="upload", description="Follows up with a file of that many KiB")
        async def upload(interaction: discord.Interaction, kib: int) -> None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            data = io.BytesIO(b"x" * (kib * 1024))
            try:
                await interaction.followup.send(file=discord.File(data, "big.bin"), ephemeral=True)
            except discord.HTTPException as exc:
                self.errors.append(exc)

        @tree.context_menu(name="Save as contact")
        async def save(interaction: discord.Interaction, user: discord.Member) -> None:
            await interaction.response.send_message(f"saved {user.display_name}", ephemeral=True)

    async def setup_hook(self) -> None:
        self.add_view(AgainView())
        await self.tree.sync()

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py waits 5 s before every non-initial IDENTIFY (Discord's identify rate
        # limit); the fake has none, so re-identifying after an invalid session is immediate.
        return None


@pytest.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[CanaryClient]:
    fake_discord.add_user(ADA, "ada", global_name="Ada")
    fake_discord.add_guild(
        GUILD_ID, name="Med School", members=[ADA, {"id": BOB, "nick": "Bobby", "username": "bob"}]
    )
    client = CanaryClient()
    task = asyncio.create_task(client.start("fake-token"))
    try:
        await fake_discord.wait_ready(timeout=10)
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, 10)


async def test_discord_py_internals_still_exist() -> None:
    """The harness and the bot's settings rely on two discord.py internals."""
    base = getattr(discord.http.Route, "BASE", None)  # DEP-WARN
    gateway = getattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", None)  # DEP-WARN
    assert isinstance(base, str), (
        "discord.http.Route.BASE is gone: the fake Discord (and DISCORD_API_BASE) cannot "
        "redirect REST calls any more; find the new hook in discord/http.py"
    )
    assert isinstance(gateway, yarl.URL), (
        "discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY is gone or no longer a yarl.URL: "
        "the fake gateway (and DISCORD_GATEWAY_URL) cannot be injected; see discord/gateway.py"
    )


async def test_login_sync_and_identify(fake_discord: FakeDiscord, bot: CanaryClient) -> None:
    names = {c["name"] for c in fake_discord.registered_commands()}
    assert names == {"contact", "form", "double", "slow", "dm", "upload", "Save as contact"}
    assert fake_discord.identify_payloads[0]["intents"] == discord.Intents(guilds=True).value
    assert fake_discord.connections == 1


async def test_slash_reply_click_and_mentions(fake_discord: FakeDiscord, bot: CanaryClient) -> None:
    h = await fake_discord.slash(
        "contact",
        subcommand="add",
        user_id=ADA,
        guild_id=GUILD_ID,
        options={"name": "Ada", "year": 2},
    )
    resp = await h.response(timeout=5)
    assert resp["type"] == 4
    assert resp["data"]["content"] == "added Ada (year 2)"
    assert resp["data"]["flags"] & 64
    assert h.message is not None
    assert h.message["allowed_mentions"] == {"parse": []}
    assert not fake_discord.mentions_allowed(h.message)

    click = await fake_discord.click(h.message, "canary:again", user_id=ADA)
    resp = await click.response(timeout=5)
    assert resp["type"] == 7
    assert click.message is not None and click.message["content"] == "clicked"
    assert click.message["components"] == []


async def test_modal_and_autocomplete(fake_discord: FakeDiscord, bot: CanaryClient) -> None:
    h = await fake_discord.slash("form", user_id=ADA, guild_id=GUILD_ID)
    resp = await h.response(timeout=5)
    assert resp["type"] == 9
    assert [c["type"] for c in resp["data"]["components"]] == [18, 1]

    sub = await fake_discord.submit_modal("canary:contact-modal", {"name": "Ada"}, user_id=ADA)
    resp = await sub.response(timeout=5)
    assert resp["data"]["content"] == "saved Ada (-)"

    ac = await fake_discord.autocomplete(
        "contact",
        subcommand="show",
        user_id=ADA,
        guild_id=GUILD_ID,
        options={"contact": "ad"},
        focused="contact",
    )
    resp = await ac.response(timeout=5)
    assert resp["type"] == 8
    assert [c["name"] for c in resp["data"]["choices"]] == ["Ada Lovelace", "Adam Smith"]


async def test_user_command_in_dm_free_context(
    fake_discord: FakeDiscord, bot: CanaryClient
) -> None:
    h = await fake_discord.user_command(
        "Save as contact", user_id=ADA, target_user_id=BOB, guild_id=GUILD_ID
    )
    resp = await h.response(timeout=5)
    assert resp["data"]["content"] == "saved Bobby"


async def test_second_initial_response_is_rejected(
    fake_discord: FakeDiscord,
    bot: CanaryClient,
) -> None:
    fake_discord.expect_violation("second initial response")
    h = await fake_discord.slash("double", user_id=ADA, guild_id=GUILD_ID)
    await h.wait_rejected(timeout=5)
    await fake_discord.wait_for(lambda: bool(bot.errors), what="the bot's HTTPException")
    assert isinstance(bot.errors[0], discord.HTTPException)
    assert bot.errors[0].code == 40060


async def test_late_response_is_rejected(fake_discord: FakeDiscord, bot: CanaryClient) -> None:
    fake_discord.response_deadline = 0.2
    fake_discord.expect_violation("past the 0.2s deadline")
    h = await fake_discord.slash("slow", user_id=ADA, guild_id=GUILD_ID)
    fake_discord.advance_clock(0.5)  # instead of sleeping: the fake's clock moves on
    bot.release_slow.set()
    await h.wait_rejected(timeout=5)
    await fake_discord.wait_for(lambda: bool(bot.errors), what="the bot's NotFound")
    assert isinstance(bot.errors[0], discord.NotFound)
    assert bot.errors[0].code == 10062


async def test_dm_lands_and_forbidden_surfaces(
    fake_discord: FakeDiscord, bot: CanaryClient
) -> None:
    h = await fake_discord.slash("dm", user_id=ADA, guild_id=GUILD_ID)
    await h.wait_followup(1, timeout=5)
    dms = await fake_discord.wait_dm(1)
    assert dms[0]["recipient_id"] == ADA and dms[0]["content"] == "hello from the bot"
    assert h.message is not None and h.message["content"] == "sent"  # replaced the "thinking"

    fake_discord.fail_next(
        "POST",
        r"^/channels/\d+/messages$",
        403,
        {"code": 50007, "message": "Cannot send messages to this user"},
    )
    h2 = await fake_discord.slash("dm", user_id=ADA, guild_id=GUILD_ID)
    followups = await h2.wait_followup(1, timeout=5)
    assert followups[0]["content"] == "cannot DM: 50007"
    assert len(fake_discord.dms) == 1


async def test_gateway_drop_resumes_and_still_answers(
    fake_discord: FakeDiscord,
    bot: CanaryClient,
) -> None:
    await fake_discord.drop_gateway()
    await fake_discord.wait_ready(timeout=10)
    assert fake_discord.connections == 2
    assert len(fake_discord.resume_payloads) == 1
    h = await fake_discord.slash(
        "contact", subcommand="add", user_id=ADA, guild_id=GUILD_ID, options={"name": "Grace"}
    )
    assert (await h.response(timeout=5))["data"]["content"] == "added Grace (year 1)"

    await fake_discord.drop_gateway(invalidate_session=True)
    await fake_discord.wait_ready(timeout=10)
    assert len(fake_discord.identify_payloads) == 2
    h = await fake_discord.slash("form", user_id=ADA, guild_id=GUILD_ID)
    assert (await h.response(timeout=5))["type"] == 9


async def test_oversized_reply_is_a_violation(fake_discord: FakeDiscord, bot: CanaryClient) -> None:
    fake_discord.expect_violation("interaction callback type 4 rejected")
    h = await fake_discord.slash(
        "contact", subcommand="add", user_id=ADA, guild_id=GUILD_ID, options={"name": "x" * 1990}
    )
    await h.wait_rejected(timeout=5)
    assert "content" in fake_discord.violations[0].reason


async def test_uploads_up_to_the_attachment_limit_pass_and_larger_get_discords_413(
    fake_discord: FakeDiscord, bot: CanaryClient
) -> None:
    """An export of megabytes reaches the fake as Discord would take it (not refused by the
    HTTP server's own 1 MiB default); past attachment_size_limit, Discord's 413 / 40005."""
    fits = await fake_discord.slash("upload", user_id=ADA, options={"kib": 3 * 1024})
    (message,) = await fits.wait_followup(timeout=10)
    assert message["attachments"][0]["size"] == 3 * 1024 * 1024
    fake_discord.expect_violation("over the upload limit")
    too_big = await fake_discord.slash("upload", user_id=ADA, options={"kib": 10 * 1024 + 1})
    await too_big.response(timeout=5)
    async with asyncio.timeout(10):
        while not bot.errors:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    assert isinstance(bot.errors[0], discord.HTTPException)
    assert (bot.errors[0].status, bot.errors[0].code) == (413, 40005)
    assert too_big.followups == []


def test_openapi_schema_validation_is_active() -> None:
    """The fake checks bodies against Discord's OpenAPI spec: a mistyped field is a problem."""
    from tests.e2e.fake_discord import schema

    assert schema.spec_available()
    good = {"type": 4, "data": {"content": "hi", "flags": 64}}
    bad = {"type": 4, "data": {"content": 5}}
    assert schema.validate("CreateMessageInteractionCallbackRequest", good) == []
    assert schema.validate("CreateMessageInteractionCallbackRequest", bad)
