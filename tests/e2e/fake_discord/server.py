"""FakeDiscord: the state, the aiohttp server and the public API tests code against.

One instance serves REST under ``/api/v10`` and the gateway at ``/gateway`` on 127.0.0.1 with
an ephemeral port. Point discord.py at it with ``discord.http.Route.BASE = fake.api_base`` and
``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)``.
"""

# The public API takes timeout= arguments by contract (tests call h.response(timeout=5)).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from . import builders
from .gateway import Gateway, GatewaySession
from .payloads import (
    ATTACHMENT_SIZE_LIMIT,
    DEFAULT_PERMISSIONS,
    Snowflakes,
    dm_channel,
    guild_create,
    guild_text_channel,
    member_object,
    public_message,
    user_object,
)
from .ratelimit import GlobalRateLimit, RequestCounts, global_429, is_exempt
from .recording import InteractionHandle, RecordedRequest, Violation
from .rest import API_PREFIX, MAX_REQUEST_BYTES, Rest, json_response

DEFAULT_APPLICATION_ID = 1_200_000_000_000_000_001
DEFAULT_BOT_USER_ID = 1_200_000_000_000_000_001  # Discord bots share the application's id
DEFAULT_OWNER_ID = 1_200_000_000_000_000_099


@dataclass
class _Injection:
    method: str
    path_regex: str
    status: int
    body: Any
    headers: dict[str, str]
    times: int


class FakeDiscord:
    """A local Discord API + gateway for end-to-end tests of a real discord.py client."""

    def __init__(
        self,
        application_id: int = DEFAULT_APPLICATION_ID,
        bot_user_id: int = DEFAULT_BOT_USER_ID,
        *,
        bot_username: str = "fake-bot",
        token: str | None = None,
        response_deadline: float = 3.0,
        token_lifetime: float = 15 * 60.0,
        heartbeat_interval: int = 41250,
        validate_schemas: bool = True,
        global_rate_limit: int | None = None,
        message_answer_seconds: float = 0.0,
        recommended_shards: int = 1,
        max_concurrency: int = 1,
        min_shards: int | None = None,
        identify_window: float | None = None,
    ) -> None:
        self.application_id = application_id
        self.bot_user_id = bot_user_id
        self.token = token  # None accepts any bot token
        # docs: Responding to an Interaction — 3 seconds for the initial response; the
        # interaction token stays valid for 15 minutes.
        self.response_deadline = response_deadline
        self.token_lifetime = token_lifetime
        self.validate_schemas = validate_schemas
        # How long a channel message send takes to answer (Discord: 100-300 ms, more in
        # incidents); the request is counted against the global limit when it arrives.
        self.message_answer_seconds = message_answer_seconds
        # Sharding (docs: Gateway > Sharding): what GET /gateway/bot recommends and allows,
        # the fewest shards an IDENTIFY may declare (4011 below it), and, when set, the window
        # in which one IDENTIFY per max_concurrency bucket is allowed (violations beyond it).
        self.recommended_shards = recommended_shards
        self.max_concurrency = max_concurrency
        self.min_shards = min_shards
        self.identify_window = identify_window
        # Sent in every interaction (`attachment_size_limit`, discord.py's
        # `Interaction.filesize_limit`); a request whose files together pass it is refused with
        # 413 / 40005, as Discord does. Tests lower it to make an export overflow.
        self.attachment_size_limit = ATTACHMENT_SIZE_LIMIT
        self.snowflakes = Snowflakes()
        self.bot_user = user_object(bot_user_id, bot_username, bot=True)
        self.owner_user = user_object(DEFAULT_OWNER_ID, "fake-owner")

        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.dms: list[dict[str, Any]] = []
        self.nonces: dict[tuple[int, str], int] = {}  # (channel, nonce) -> message id
        self.channel_messages: list[dict[str, Any]] = []
        self.channel_edits: list[dict[str, Any]] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.handles: list[InteractionHandle] = []
        # Files "uploaded" with slash commands (see attachment()) and the ids the bot downloaded.
        self.uploads: dict[int, tuple[dict[str, Any], bytes]] = {}
        self.downloads: list[int] = []

        self._users: dict[int, dict[str, Any]] = {}
        self._guilds: dict[int, dict[str, Any]] = {}
        self._channels: dict[int, dict[str, Any]] = {}
        self._dm_by_user: dict[int, int] = {}
        self._commands: dict[int | None, list[dict[str, Any]]] = {}
        self._command_ids: dict[tuple[int | None, int, str], int] = {}
        self._handles: dict[int, InteractionHandle] = {}
        self._handles_by_token: dict[str, InteractionHandle] = {}
        self._modals: list[tuple[str, dict[str, Any], InteractionHandle]] = []
        self._injections: list[_Injection] = []
        self._expected: list[str] = []
        self._clock_offset = 0.0
        self._changed = asyncio.Event()
        # Off by default: only tests and benchmarks about pacing turn the global limit on.
        self.request_counts = RequestCounts()
        self.global_limit: GlobalRateLimit | None = None
        self.set_global_rate_limit(global_rate_limit)

        self._gateway = Gateway(self, heartbeat_interval)
        self._rest = Rest(self)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(
            middlewares=[self._rest.middleware], client_max_size=MAX_REQUEST_BYTES
        )
        app.add_routes(
            [
                web.get("/gateway", self._gateway.handle),
                web.get("/attachments/{attachment}/{filename}", self._serve_attachment),
                *self._rest.routes(),
            ]
        )
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self._port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        await self._gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started; await fake.start() first")
        return self._port

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def clock(self) -> float:
        """The fake's monotonic clock (deadlines are measured on it)."""
        return time.monotonic() + self._clock_offset

    def advance_clock(self, seconds: float) -> None:
        """Moves the fake's clock forward, e.g. past the 15-minute token lifetime."""
        self._clock_offset += seconds

    # -- world setup ----------------------------------------------------------------------------

    def add_user(
        self, user_id: int, username: str | None = None, global_name: str | None = None
    ) -> dict[str, Any]:
        user = user_object(user_id, username or f"user{user_id}", global_name=global_name)
        self._users[user_id] = user
        return user

    def add_guild(
        self,
        guild_id: int,
        name: str = "Test Guild",
        members: list[int | dict[str, Any]] | None = None,
        *,
        channel_id: int | None = None,
    ) -> int:
        """Adds a guild with one text channel; returns that channel's id.

        ``members`` are user ids or ``{"id", "nick", "roles", "username", "global_name",
        "permissions"}``; ``permissions`` (an int or decimal string bitset) is what
        interactions from that member carry, ``DEFAULT_PERMISSIONS`` when omitted.
        """
        channel_id = channel_id or self.snowflakes.next()
        guild: dict[str, Any] = {"name": name, "channel_id": channel_id, "members": {}}
        self._guilds[guild_id] = guild
        self._channels[channel_id] = guild_text_channel(channel_id, guild_id)
        for entry in members or []:
            spec = entry if isinstance(entry, dict) else {"id": entry}
            self._add_member(guild_id, spec)
        if self._gateway.current is not None:
            asyncio.get_running_loop().create_task(
                self.dispatch("GUILD_CREATE", self._guild_create(guild_id))
            )
        return channel_id

    def _add_member(self, guild_id: int, spec: dict[str, Any]) -> None:
        user_id = int(spec["id"])
        if user_id not in self._users or "username" in spec:
            self.add_user(user_id, spec.get("username"), spec.get("global_name"))
        permissions = spec.get("permissions")
        self._guilds[guild_id]["members"][user_id] = {
            "nick": spec.get("nick"),
            "roles": spec.get("roles") or [],
            "permissions": DEFAULT_PERMISSIONS if permissions is None else str(int(permissions)),
        }

    def set_member_permissions(self, guild_id: int, user_id: int, permissions: int | str) -> None:
        """The permission bitset this member's interactions carry from now on (Manage Server:
        ``int(DEFAULT_PERMISSIONS) | 1 << 5``); adds the member if needed."""
        if user_id not in self._guilds[guild_id]["members"]:
            self._add_member(guild_id, {"id": user_id})
        self._guilds[guild_id]["members"][user_id]["permissions"] = str(int(permissions))

    # -- scheduled events (Discord's Events feature) ---------------------------------------------

    async def add_scheduled_event(
        self,
        guild_id: int,
        name: str,
        *,
        start: datetime,
        end: datetime,
        interested: list[int] | None = None,
        status: int = 1,
    ) -> int:
        """An external scheduled event (status 1 scheduled, 2 active, 3 completed) with the
        members who marked themselves interested; in GUILD_CREATE from now on, and sent as
        GUILD_SCHEDULED_EVENT_CREATE when a client is connected. Returns its id."""
        event_id = self.snowflakes.next()
        self._guilds[guild_id].setdefault("scheduled_events", {})[event_id] = {
            "id": str(event_id),
            "guild_id": str(guild_id),
            "channel_id": None,
            "creator_id": None,
            "name": name,
            "description": None,
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": end.isoformat(),
            "privacy_level": 2,
            "status": status,
            "entity_type": 3,
            "entity_id": None,
            "entity_metadata": {"location": "Lecture theatre 2"},
            "image": None,
            "interested": list(interested or []),
        }
        if self._gateway.current is not None:
            await self.dispatch(
                "GUILD_SCHEDULED_EVENT_CREATE", self.scheduled_event(guild_id, event_id)
            )
        return event_id

    def scheduled_event(self, guild_id: int, event_id: int) -> dict[str, Any] | None:
        """The event as Discord would send it (``user_count`` = interested members)."""
        stored = self._guilds[guild_id].get("scheduled_events", {}).get(event_id)
        if stored is None:
            return None
        event = {k: v for k, v in stored.items() if k != "interested"}
        return {**event, "user_count": len(stored["interested"])}

    def scheduled_event_users(self, guild_id: int, event_id: int) -> list[int]:
        return list(self._guilds[guild_id]["scheduled_events"][event_id]["interested"])

    async def end_scheduled_event(self, guild_id: int, event_id: int) -> None:
        """Marks the event completed and sends GUILD_SCHEDULED_EVENT_UPDATE (if connected)."""
        self._guilds[guild_id]["scheduled_events"][event_id]["status"] = 3
        if self._gateway.current is not None:
            await self.dispatch(
                "GUILD_SCHEDULED_EVENT_UPDATE", self.scheduled_event(guild_id, event_id)
            )

    def guild_channel(self, guild_id: int) -> int:
        return int(self._guilds[guild_id]["channel_id"])

    def _user(self, user_id: int) -> dict[str, Any]:
        if user_id == self.bot_user_id:
            return self.bot_user
        return self._users.get(user_id) or self.add_user(user_id)

    def _member(
        self, guild_id: int, user_id: int, *, include_user: bool = True
    ) -> dict[str, Any] | None:
        info = self._guilds[guild_id]["members"].get(user_id)
        if info is None:
            return None
        return member_object(
            self._user(user_id),
            nick=info["nick"],
            roles=info["roles"],
            permissions=info["permissions"],
            include_user=include_user,
        )

    def add_dm_channel(self, user_id: int, channel_id: int) -> dict[str, Any]:
        """A DM channel that already exists (opened before this fake started, as the bot's
        database remembers it): messages to ``channel_id`` reach ``user_id``."""
        self._dm_by_user[user_id] = channel_id
        self._channels[channel_id] = dm_channel(channel_id, self._user(user_id))
        return self._channels[channel_id]

    def _dm_channel_for(self, user_id: int) -> dict[str, Any]:
        channel_id = self._dm_by_user.get(user_id)
        if channel_id is None:
            channel_id = self.snowflakes.next()
            self._dm_by_user[user_id] = channel_id
            self._channels[channel_id] = dm_channel(channel_id, self._user(user_id))
        return self._channels[channel_id]

    # -- gateway --------------------------------------------------------------------------------

    @property
    def connections(self) -> int:
        """Gateway websocket connections accepted so far (a reconnect adds one)."""
        return self._gateway.connections

    @property
    def identify_payloads(self) -> list[dict[str, Any]]:
        return self._gateway.identify_payloads

    @property
    def identify_times(self) -> list[tuple[float, int]]:
        """(time.monotonic(), shard id) of every IDENTIFY accepted."""
        return self._gateway.identify_times

    def live_shards(self) -> set[int]:
        return self._gateway.live_shards()

    async def wait_shards(self, shard_ids: set[int], timeout: float = 10) -> None:
        """Until every shard of `shard_ids` has a connected session that got READY."""
        await self.wait_for(
            lambda: shard_ids <= self.live_shards(), timeout, f"shards {sorted(shard_ids)} ready"
        )

    def record_violation(self, route: str, reason: str, payload: Any = None) -> None:
        self.violations.append(Violation(route, reason, payload))
        self._notify()

    @property
    def resume_payloads(self) -> list[dict[str, Any]]:
        return self._gateway.resume_payloads

    async def wait_ready(self, timeout: float = 10) -> None:
        """Until a client is connected and has received READY (or RESUMED)."""
        try:
            await asyncio.wait_for(self._gateway.live.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"no client completed IDENTIFY/RESUME within {timeout}s "
                f"(connections so far: {self.connections}; is DEFAULT_GATEWAY pointed at "
                f"{self.gateway_url}?)"
            ) from None

    async def drop_gateway(self, code: int = 4000, *, invalidate_session: bool = False) -> None:
        """Closes the client's socket. 4000 makes discord.py RESUME; ``invalidate_session``
        makes that RESUME fail with INVALID_SESSION so it IDENTIFYs afresh."""
        await self._gateway.drop(code, invalidate=invalidate_session)

    async def send_reconnect(self) -> None:
        """Sends op 7 RECONNECT, as Discord does before moving a session."""
        await self._gateway.reconnect_op()

    async def dispatch(self, event: str, data: Any) -> None:
        """Sends any gateway event (op 0) to the connected bot."""
        await self._gateway.dispatch(event, data)

    def _ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**self.bot_user, "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [
                {"id": str(g), "unavailable": True} for g in self._guilds if session.owns(g)
            ],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 1 << 23},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["local"],
            "user_settings": {},
            "session_type": "normal",
            "auth_session_id_hash": secrets.token_hex(8),
            "_trace": ["fake-discord"],
        }
        if session.shard is not None:
            ready["shard"] = session.shard
        return ready

    def _guild_create(self, guild_id: int) -> dict[str, Any]:
        guild = self._guilds[guild_id]
        members = [member_object(self.bot_user, permissions=None)]
        members += [m for uid in guild["members"] if (m := self._member(guild_id, uid)) is not None]
        for m in members:
            m.pop("permissions", None)  # only interaction members carry permissions
        payload = guild_create(
            guild_id,
            guild["name"],
            owner_id=DEFAULT_OWNER_ID,
            channels=[self._channels[guild["channel_id"]]],
            members=members,
        )
        payload["guild_scheduled_events"] = [
            self.scheduled_event(guild_id, e) for e in guild.get("scheduled_events", {})
        ]
        return payload

    def _guild_create_payloads(self, session: GatewaySession) -> list[dict[str, Any]]:
        return [self._guild_create(g) for g in self._guilds if session.owns(g)]

    # -- commands -------------------------------------------------------------------------------

    def registered_commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """The last command list the bot synced (globally, or for ``guild_id``)."""
        return copy.deepcopy(self._commands.get(guild_id, []))

    def _store_commands(
        self, body: list[dict[str, Any]], guild_id: int | None
    ) -> list[dict[str, Any]]:
        stored = []
        for cmd in body:
            ctype = cmd.get("type", 1)
            key = (guild_id, ctype, cmd["name"])
            cmd_id = self._command_ids.setdefault(key, self.snowflakes.next())
            out = {
                "name_localizations": None,
                "description_localizations": None,
                "default_member_permissions": None,
                "nsfw": False,
                "contexts": None,
                "integration_types": [0],
                **copy.deepcopy(cmd),
                "id": str(cmd_id),
                "application_id": str(self.application_id),
                "version": str(self.snowflakes.next()),
                "type": ctype,
                "description": cmd.get("description") or "",
            }
            if guild_id is not None:
                out["guild_id"] = str(guild_id)
            stored.append(out)
        self._commands[guild_id] = stored
        return copy.deepcopy(stored)

    # -- attachments (the CDN) ------------------------------------------------------------------

    def attachment(
        self, filename: str, data: bytes, content_type: str | None = None
    ) -> dict[str, Any]:
        """A file as a student would attach it to a slash command's ATTACHMENT option.

        Pass the returned object as that option's value (``options={"file": att}``); the
        interaction then carries it in ``data.resolved.attachments`` (docs: Interaction Data),
        and its ``url`` is served by this fake, so ``discord.Attachment.read()`` downloads
        ``data`` over loopback. Downloads are recorded in ``fake.downloads`` (attachment ids),
        so a test can assert a file was refused without being fetched.
        """
        att_id = self.snowflakes.next()
        quoted = urllib.parse.quote(filename)
        obj = {
            "id": str(att_id),
            "filename": filename,
            "size": len(data),
            "url": f"http://127.0.0.1:{self.port}/attachments/{att_id}/{quoted}",
            "proxy_url": f"http://127.0.0.1:{self.port}/attachments/{att_id}/{quoted}",
            "content_type": content_type,
            "ephemeral": True,  # command uploads are ephemeral attachments
        }
        self.uploads[att_id] = (obj, data)
        return copy.deepcopy(obj)

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        att_id = int(request.match_info["attachment"])
        upload = self.uploads.get(att_id)
        if upload is None:
            return web.Response(status=404, text="Not Found")
        self.downloads.append(att_id)
        self._notify()
        obj, data = upload
        return web.Response(
            body=data, content_type=obj.get("content_type") or "application/octet-stream"
        )

    # -- interactions ---------------------------------------------------------------------------

    async def slash(
        self,
        name: str,
        *,
        user_id: int,
        guild_id: int | None = None,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        options: dict[str, Any] | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Dispatches a CHAT_INPUT command (``subcommand="group sub"`` also works)."""
        cmd = builders.find_command(self, name, 1, guild_id)
        opts, resolved = builders.build_command_options(
            self,
            cmd,
            subcommand=subcommand,
            subcommand_group=subcommand_group,
            options=options or {},
            guild_id=guild_id,
        )
        data = self._command_data(cmd, opts, resolved)
        return await self._dispatch_interaction(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, locale=locale
        )

    async def autocomplete(
        self,
        name: str,
        *,
        user_id: int,
        focused: str,
        guild_id: int | None = None,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        options: dict[str, Any] | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Dispatches APPLICATION_COMMAND_AUTOCOMPLETE with ``focused`` marked."""
        cmd = builders.find_command(self, name, 1, guild_id)
        opts, resolved = builders.build_command_options(
            self,
            cmd,
            subcommand=subcommand,
            subcommand_group=subcommand_group,
            options=options or {},
            guild_id=guild_id,
            focused=focused,
        )
        data = self._command_data(cmd, opts, resolved)
        return await self._dispatch_interaction(
            4, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, locale=locale
        )

    async def user_command(
        self,
        name: str,
        *,
        user_id: int,
        target_user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Dispatches a USER context-menu command on ``target_user_id``."""
        cmd = builders.find_command(self, name, 2, guild_id)
        resolved: dict[str, Any] = {"users": {str(target_user_id): self._user(target_user_id)}}
        if guild_id is not None:
            if target_user_id not in self._guilds[guild_id]["members"]:
                self._add_member(guild_id, {"id": target_user_id})
            member = self._member(guild_id, target_user_id, include_user=False)
            assert member is not None
            resolved["members"] = {str(target_user_id): member}
        data = self._command_data(cmd, None, resolved)
        data["target_id"] = str(target_user_id)
        return await self._dispatch_interaction(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, locale=locale
        )

    async def message_command(
        self, name: str, *, user_id: int, message: dict[str, Any], locale: str = "en-US"
    ) -> InteractionHandle:
        """Dispatches a MESSAGE context-menu command on a recorded message."""
        guild_id, channel_id = self._message_context(message)
        cmd = builders.find_command(self, name, 3, guild_id)
        data = self._command_data(cmd, None, {"messages": {message["id"]: public_message(message)}})
        data["target_id"] = message["id"]
        return await self._dispatch_interaction(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, locale=locale
        )

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        user_id: int,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Clicks a button (or picks ``values`` in a select) on a message the bot sent."""
        current = self.messages.get(int(message["id"]), message)
        if current.get("deleted"):
            raise AssertionError(f"message {message['id']} was deleted; nothing to click")
        comp = builders.find_component(current, custom_id)
        if comp.get("disabled"):
            raise AssertionError(f"component {custom_id!r} is disabled; users cannot click it")
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"]}
        if comp.get("id") is not None:
            data["id"] = comp["id"]
        if comp["type"] in builders.SELECT_COMPONENT_TYPES:
            data["values"] = [str(v) for v in values or []]
        elif values:
            raise AssertionError(f"component {custom_id!r} is a button; values= is for selects")
        guild_id, channel_id = self._message_context(current)
        return await self._dispatch_interaction(
            3,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            message=public_message(current),
            locale=locale,
        )

    async def submit_modal(
        self,
        custom_id: str,
        values: dict[str, Any],
        *,
        user_id: int,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        """Submits the modal the bot most recently opened with ``custom_id``."""
        found = None
        for modal_id, modal, opener in reversed(self._modals):
            if modal_id == custom_id and (found is None or opener.user_id == user_id):
                found = (modal, opener)
                if opener.user_id == user_id:
                    break
        if found is None:
            known = sorted({m[0] for m in self._modals})
            raise AssertionError(f"the bot never opened a modal {custom_id!r}; opened: {known}")
        modal, opener = found
        data = {
            "custom_id": custom_id,
            "components": builders.modal_submit_components(modal, values),
        }
        if message is None and "message" in opener.interaction:
            source_id = int(opener.interaction["message"]["id"])
            message = self.messages.get(source_id, opener.interaction["message"])
        return await self._dispatch_interaction(
            5,
            data,
            user_id=user_id,
            guild_id=opener.guild_id,
            channel_id=opener.channel_id,
            message=public_message(message) if message else None,
            locale=locale,
        )

    def _command_data(
        self, cmd: dict[str, Any], options: list[dict[str, Any]] | None, resolved: dict[str, Any]
    ) -> dict[str, Any]:
        data: dict[str, Any] = {"id": cmd["id"], "name": cmd["name"], "type": cmd["type"]}
        if options is not None:
            data["options"] = options
        if resolved:
            data["resolved"] = resolved
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        return data

    def _message_context(self, message: dict[str, Any]) -> tuple[int | None, int | None]:
        channel = self._channels.get(int(message["channel_id"]))
        guild_id = message.get("guild_id") or (channel or {}).get("guild_id")
        return (int(guild_id) if guild_id else None), int(message["channel_id"])

    async def _dispatch_interaction(
        self,
        itype: int,
        data: dict[str, Any],
        *,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        message: dict[str, Any] | None = None,
        locale: str = "en-US",
    ) -> InteractionHandle:
        await self.wait_ready(timeout=10)
        payload: dict[str, Any] = {
            "id": str(self.snowflakes.next()),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "token": "fake-" + secrets.token_urlsafe(32),
            "version": 1,
            "app_permissions": DEFAULT_PERMISSIONS,
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild_id is not None:
            if guild_id not in self._guilds:
                raise AssertionError(f"guild {guild_id} unknown; call fake.add_guild() first")
            if user_id not in self._guilds[guild_id]["members"]:
                self._add_member(guild_id, {"id": user_id})
            channel_id = channel_id or self._guilds[guild_id]["channel_id"]
            channel = self._channels[channel_id]
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                member=self._member(guild_id, user_id),
                context=0,  # GUILD
                authorizing_integration_owners={"0": str(guild_id)},
            )
        else:
            channel = self._channels[channel_id] if channel_id else self._dm_channel_for(user_id)
            payload.update(
                user=self._user(user_id),
                context=1,  # BOT_DM
                authorizing_integration_owners={"0": "0"},
            )
        payload["channel_id"] = channel["id"]
        payload["channel"] = {**channel, "permissions": DEFAULT_PERMISSIONS}
        if message is not None:
            payload["message"] = message
        handle = InteractionHandle(payload, dispatched_at=self.clock())
        self._handles[handle.id] = handle
        self._handles_by_token[handle.token] = handle
        self.handles.append(handle)
        await self.dispatch("INTERACTION_CREATE", payload)
        return handle

    # -- failure injection and violations -------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: Any = None,
        *,
        times: int = 1,
        retry_after: float = 0.01,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``times`` requests matching answer ``status``/``body`` instead.

        ``path_regex`` is searched in the path relative to the API base, e.g.
        ``r"^/channels/\\d+/messages$"``. 429 bodies default to Discord's rate-limit shape
        (with the ``Via`` header discord.py requires before it retries).
        """
        hdrs = dict(headers or {})
        if body is None:
            if status == 429:
                body = {
                    "message": "You are being rate limited.",
                    "retry_after": retry_after,
                    "global": False,
                }
            else:
                body = {"code": 0, "message": f"{status}: injected by fake_discord"}
        if status == 429:
            hdrs.setdefault("Via", "1.1 google")
            hdrs.setdefault("Retry-After", str(retry_after))
            hdrs.setdefault("X-RateLimit-Scope", "user")
        self._injections.append(_Injection(method.upper(), path_regex, status, body, hdrs, times))

    def set_global_rate_limit(self, per_second: int | None, *, window: float = 1.0) -> None:
        """Enforce Discord's global limit of ``per_second`` requests per bot token (None: off).
        See ``ratelimit`` for the window and what is exempt; tests may shorten ``window`` so
        that waiting out a 429 takes milliseconds."""
        self.global_limit = GlobalRateLimit(per_second, window) if per_second else None

    def _check_global_limit(self, request: web.Request, path: str) -> web.Response | None:
        """A global 429 if this request is over the limit; counts what it sees."""
        self.request_counts.requests += 1
        if is_exempt(request.method, path):
            self.request_counts.exempt += 1
            return None
        if self.global_limit is None:
            return None
        key = request.headers.get("Authorization") or "unauthenticated"
        retry_after = self.global_limit.admit(key, self.clock())
        if retry_after is None:
            return None
        self.request_counts.global_429 += 1
        body, headers = global_429(retry_after)
        return json_response(body, status=429, headers=headers)

    def _count_response(self, status: int, limited: bool) -> None:
        if status == 429 and not limited:
            self.request_counts.other_429 += 1

    def _take_injection(self, method: str, path: str) -> web.Response | None:
        for inj in self._injections:
            if inj.method == method and re.search(inj.path_regex, path):
                inj.times -= 1
                if inj.times <= 0:
                    self._injections.remove(inj)
                return json_response(inj.body, status=inj.status, headers=inj.headers)
        return None

    def expect_violation(self, reason_substring: str) -> None:
        """Marks violations containing ``reason_substring`` as expected by this test."""
        self._expected.append(reason_substring)

    def unexpected_violations(self) -> list[Violation]:
        return [v for v in self.violations if not any(s in v.reason for s in self._expected)]

    def unmet_expectations(self) -> list[str]:
        return [s for s in self._expected if not any(s in v.reason for v in self.violations)]

    @staticmethod
    def mentions_allowed(msg: dict[str, Any]) -> bool:
        """True if the message payload would let any mention ping (docs: Allowed Mentions).

        Without ``allowed_mentions`` Discord parses every mention in the content.
        """
        am = msg.get("allowed_mentions")
        if am is None:
            return True
        return bool(am.get("parse") or am.get("users") or am.get("roles") or am.get("replied_user"))

    # -- waiting on fake-level events -----------------------------------------------------------

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(
        self, predicate: Callable[[], bool], timeout: float = 5, what: str = "condition"
    ) -> None:
        """Awaits ``predicate()`` becoming true as the fake records things."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")
            event = self._changed
            try:
                await asyncio.wait_for(event.wait(), min(remaining, 0.25))
            except TimeoutError:
                continue

    async def wait_dm(self, n: int = 1, timeout: float = 5) -> list[dict[str, Any]]:
        await self.wait_for(lambda: len(self.dms) >= n, timeout, f"{n} DM(s)")
        return self.dms
