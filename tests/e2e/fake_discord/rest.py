"""The fake REST API under /api/v10: routes discord.py uses, answered and checked like Discord.

Every request is recorded (``fake.requests``). Anything Discord would refuse is answered with
Discord's error shape and recorded as a :class:`Violation`; unknown routes answer 404 and are
recorded too, so a test notices when the bot calls something the fake does not model.
"""

from __future__ import annotations

import asyncio
import copy
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import limits, schema
from .limits import Problem
from .payloads import (
    ATTACHMENT_SIZE_LIMIT,
    application_object,
    attachment_objects,
    iso_now,
    message_object,
    public_message,
)
from .recording import InteractionHandle, RecordedRequest, Violation

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from .server import FakeDiscord

API_PREFIX = "/api/v10"

# Interaction callback types each interaction type may use (docs: Interaction Response Type).
CALLBACKS_FOR_INTERACTION: dict[int, set[int]] = {
    1: {1},  # PING
    2: {4, 5, 9, 12},  # APPLICATION_COMMAND
    3: {4, 5, 6, 7, 9, 12},  # MESSAGE_COMPONENT
    4: {8},  # APPLICATION_COMMAND_AUTOCOMPLETE
    5: {4, 5, 6, 7},  # MODAL_SUBMIT (6/7 only when the modal came from a component)
}
# Message types of interaction responses (docs: Message Types).
MESSAGE_TYPE_FOR_INTERACTION = {2: 20, 3: 0, 5: 0}


# What the fake's HTTP server reads at most: past Discord's own upload limit, so that an upload
# over it gets Discord's 413 (below), not aiohttp's default 1 MiB refusal.
MAX_REQUEST_BYTES = 4 * ATTACHMENT_SIZE_LIMIT

# Per-request storage (aiohttp wants typed keys).
JSON_KEY = web.RequestKey("fake_discord_json", object)
FILES_KEY = web.RequestKey("fake_discord_files", list)


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """JSON answer with exactly ``Content-Type: application/json``: discord.py's json_or_text
    compares the header verbatim and treats ``...; charset=utf-8`` as plain text."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _json_error(
    status: int, code: int, message: str, errors: dict[str, Any] | None = None
) -> web.Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return json_response(body, status=status)


class Rest:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    # -- plumbing -------------------------------------------------------------------------------

    def routes(self) -> list[web.RouteDef]:
        a = API_PREFIX
        wh = a + "/webhooks/{app}/{token}"
        return [
            web.get(a + "/users/@me", self.get_me),
            web.get(a + "/oauth2/applications/@me", self.get_application),
            web.get(a + "/applications/@me", self.get_application),
            web.get(a + "/gateway", self.get_gateway),
            web.get(a + "/gateway/bot", self.get_gateway_bot),
            web.get(a + "/applications/{app}/commands", self.get_commands),
            web.put(a + "/applications/{app}/commands", self.put_commands),
            web.get(a + "/applications/{app}/guilds/{guild}/commands", self.get_commands),
            web.put(a + "/applications/{app}/guilds/{guild}/commands", self.put_commands),
            web.post(a + "/interactions/{id}/{token}/callback", self.interaction_callback),
            web.post(wh, self.webhook_execute),
            web.get(wh + "/messages/{message}", self.webhook_get_message),
            web.patch(wh + "/messages/{message}", self.webhook_edit_message),
            web.delete(wh + "/messages/{message}", self.webhook_delete_message),
            web.post(a + "/users/@me/channels", self.create_dm),
            web.get(a + "/channels/{channel}", self.get_channel),
            web.post(a + "/channels/{channel}/messages", self.channel_create_message),
            web.get(a + "/channels/{channel}/messages/{message}", self.channel_get_message),
            web.patch(a + "/channels/{channel}/messages/{message}", self.channel_edit_message),
            web.delete(a + "/channels/{channel}/messages/{message}", self.channel_delete_message),
            web.post(a + "/channels/{channel}/typing", self.typing),
            web.get(a + "/guilds/{guild}/scheduled-events/{event}", self.get_scheduled_event),
            web.get(
                a + "/guilds/{guild}/scheduled-events/{event}/users", self.get_scheduled_event_users
            ),
        ]

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        body, files = await self._read_body(request)
        request[JSON_KEY], request[FILES_KEY] = body, files
        record = RecordedRequest(
            method=request.method,
            path=path,
            json=body,
            headers=dict(request.headers),
            time=self.fake.clock(),
            query=dict(request.query),
            files=files,
        )
        self.fake.requests.append(record)
        limited = self.fake._check_global_limit(request, path)
        injected = None if limited else self.fake._take_injection(request.method, path)
        if limited is not None:
            response: web.StreamResponse = limited
        elif injected is not None:
            response = injected
        elif (denied := self._check_auth(request, path)) is not None:
            response = denied
        elif (uploaded := sum(len(f["data"]) for f in files)) > self.fake.attachment_size_limit:
            # Discord refuses the whole request: 413 Payload Too Large, JSON code 40005.
            response = self.violation(
                request,
                413,
                40005,
                "Request entity too large",
                reason=f"{len(files)} files of {uploaded:,} bytes together, over the upload "
                f"limit (attachment_size_limit) of {self.fake.attachment_size_limit:,}",
            )
        else:
            try:
                response = await handler(request)
            except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
                response = self.violation(
                    request,
                    404,
                    0,
                    "404: Not Found",
                    reason=f"route not implemented by the fake (or not a Discord route): "
                    f"{request.method} {path}",
                )
            except Exception as exc:  # a bug in the fake: fail fast, never a retried 5xx
                response = self.violation(
                    request,
                    400,
                    0,
                    "fake_discord internal error",
                    reason=f"fake_discord crashed handling {request.method} {path}: {exc!r}",
                )
        record.status = response.status
        self.fake._count_response(response.status, limited is not None)
        self.fake._notify()
        return response

    @staticmethod
    async def _read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]]]:
        if not request.can_read_body:
            return None, []
        ctype = request.content_type
        if ctype.startswith("multipart/"):
            body: Any = None
            files: list[dict[str, Any]] = []
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                data = await part.read()  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                if name == "payload_json":
                    body = json.loads(bytes(data).decode("utf-8"))
                else:
                    files.append(
                        {
                            "field": name,
                            "filename": part.filename,  # type: ignore[union-attr]
                            "content_type": part.headers.get("Content-Type"),
                            "data": bytes(data),
                        }
                    )
            return body, files
        raw = await request.read()
        if not raw:
            return None, []
        try:
            return json.loads(raw), []
        except ValueError:
            return raw.decode("utf-8", "replace"), []

    def _check_auth(self, request: web.Request, path: str) -> web.Response | None:
        # Webhook and interaction routes are authorised by their token in the URL.
        if path.startswith(("/webhooks/", "/interactions/")) or self.fake.token is None:
            return None
        if request.headers.get("Authorization") != f"Bot {self.fake.token}":
            return self.violation(
                request,
                401,
                0,
                "401: Unauthorized",
                reason="missing or wrong 'Authorization: Bot <token>' header",
            )
        return None

    def violation(
        self,
        request: web.Request,
        status: int,
        code: int,
        message: str,
        *,
        reason: str,
        problems: list[Problem] | None = None,
    ) -> web.Response:
        """Records a Violation and answers with Discord's error JSON."""
        route = f"{request.method} {request.path[len(API_PREFIX) :]}"
        detail = "; ".join(f"{p.path or '<body>'}: {p.message}" for p in problems or [])
        self.fake.violations.append(
            Violation(
                route=route,
                reason=f"{reason}{': ' + detail if detail else ''}",
                payload=request.get(JSON_KEY),
            )
        )
        errors = limits.errors_tree(problems) if problems else None
        return _json_error(status, code, message, errors)

    def reject(self, request: web.Request, problems: list[Problem], what: str) -> web.Response:
        """400 for payload problems: 50006 when the only issue is an empty message."""
        codes = {p.json_code for p in problems}
        if codes == {50006}:
            return self.violation(
                request, 400, 50006, "Cannot send an empty message", reason=f"{what}: empty message"
            )
        return self.violation(
            request,
            400,
            50035,
            "Invalid Form Body",
            reason=f"{what} rejected",
            problems=[p for p in problems if p.json_code == 50035],
        )

    def _schema(self, name: str, body: Any, *, prefix: str = "") -> list[Problem]:
        if not self.fake.validate_schemas:
            return []
        return schema.validate(name, body, prefix=prefix)

    # -- identity -------------------------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        return json_response(
            {
                **self.fake.bot_user,
                "verified": True,
                "mfa_enabled": False,
                "locale": "en-US",
                "email": None,
            }
        )

    async def get_application(self, request: web.Request) -> web.Response:
        return json_response(
            application_object(self.fake.application_id, self.fake.owner_user, self.fake.bot_user)
        )

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.fake.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        return json_response(
            {
                "url": self.fake.gateway_url,
                "shards": self.fake.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": max(0, 1000 - len(self.fake.identify_payloads)),
                    "reset_after": 14400000,
                    "max_concurrency": self.fake.max_concurrency,
                },
            }
        )

    # -- application commands -------------------------------------------------------------------

    def _check_app(self, request: web.Request) -> web.Response | None:
        if request.match_info["app"] != str(self.fake.application_id):
            return self.violation(
                request,
                403,
                50001,
                "Missing Access",
                reason=f"application id {request.match_info['app']} is not the "
                f"bot's ({self.fake.application_id})",
            )
        return None

    async def get_commands(self, request: web.Request) -> web.Response:
        if (bad := self._check_app(request)) is not None:
            return bad
        guild = request.match_info.get("guild")
        return json_response(self.fake.registered_commands(int(guild) if guild else None))

    async def put_commands(self, request: web.Request) -> web.Response:
        if (bad := self._check_app(request)) is not None:
            return bad
        body = request[JSON_KEY]
        problems = limits.check_commands(body)
        if isinstance(body, list):
            for i, cmd in enumerate(body):
                problems += self._schema(schema.COMMAND_SCHEMA, cmd, prefix=str(i))
        if problems:
            return self.reject(request, problems, "application command sync")
        guild = request.match_info.get("guild")
        stored = self.fake._store_commands(body, int(guild) if guild else None)
        return json_response(stored)

    # -- interaction callback -------------------------------------------------------------------

    async def interaction_callback(self, request: web.Request) -> web.StreamResponse:
        fake = self.fake
        body = request[JSON_KEY] if isinstance(request[JSON_KEY], dict) else {}
        handle = fake._handles.get(int(request.match_info["id"]))
        if handle is None or handle.token != request.match_info["token"]:
            return self.violation(
                request,
                404,
                10062,
                "Unknown interaction",
                reason="callback for an interaction the fake never dispatched",
            )

        def refuse(response: web.Response) -> web.Response:
            handle.rejected_responses.append(body)
            handle._notify()
            return response

        if handle.initial_response is not None:
            return refuse(
                self.violation(
                    request,
                    400,
                    40060,
                    "Interaction has already been acknowledged.",
                    reason=f"second initial response to {handle.describe()}",
                )
            )
        elapsed = fake.clock() - handle.dispatched_at
        if elapsed > fake.response_deadline:
            return refuse(
                self.violation(
                    request,
                    404,
                    10062,
                    "Unknown interaction",
                    reason=f"initial response {elapsed:.2f}s after dispatch, past the "
                    f"{fake.response_deadline}s deadline ({handle.describe()})",
                )
            )
        ctype = body.get("type")
        itype = handle.interaction["type"]
        problems: list[Problem] = []
        if ctype not in CALLBACKS_FOR_INTERACTION.get(itype, set()) or (
            itype == 5 and ctype in (6, 7) and "message" not in handle.interaction
        ):
            problems.append(
                Problem(
                    "type",
                    f"Callback type {ctype} is not valid for interaction type {itype}",
                    "INTERACTION_RESPONSE_TYPE_INVALID",
                )
            )
        problems += self._check_callback_data(ctype, body.get("data"), len(request[FILES_KEY]))
        if ctype in schema.CALLBACK_SCHEMAS:
            problems += self._schema(schema.CALLBACK_SCHEMAS[ctype], body)
        if problems:
            return refuse(self.reject(request, problems, f"interaction callback type {ctype}"))

        message = self._apply_callback(handle, ctype, body.get("data") or {}, request[FILES_KEY])
        handle.initial_response = body
        handle.response_type = ctype
        handle._notify()
        if request.query.get("with_response", "").lower() not in ("1", "true"):
            return web.Response(status=204)
        return json_response(self._callback_response(handle, ctype, message))

    def _check_callback_data(self, ctype: Any, data: Any, file_count: int) -> list[Problem]:
        if ctype == 4:
            return limits.check_message(data or {}, prefix="data", file_count=file_count)
        if ctype == 7:
            return limits.check_message(
                data or {}, prefix="data", require_content=False, file_count=file_count
            )
        if ctype == 5:
            flags = (data or {}).get("flags") or 0
            if flags & ~limits.FLAG_EPHEMERAL:
                return [Problem("data.flags", "Only EPHEMERAL may be set when deferring.")]
        if ctype == 8:
            return limits.check_autocomplete(data)
        if ctype == 9:
            return limits.check_modal(data)
        return []

    def _apply_callback(
        self,
        handle: InteractionHandle,
        ctype: int,
        data: dict[str, Any],
        files: list[dict[str, Any]],
    ) -> dict[str, Any] | None:
        fake = self.fake
        source = handle.interaction.get("message")
        source_msg = fake.messages.get(int(source["id"])) if source else None
        if ctype in (4, 5):
            flags = data.get("flags") or 0
            if ctype == 5:
                flags = (flags & limits.FLAG_EPHEMERAL) | limits.FLAG_LOADING
            msg = self._new_message(
                channel_id=handle.channel_id or 0,
                guild_id=handle.guild_id,
                body=data if ctype == 4 else {},
                files=files,
                flags=flags,
                message_type=MESSAGE_TYPE_FOR_INTERACTION.get(handle.interaction["type"], 0),
                interaction=handle,
            )
            handle.original_id = int(msg["id"])
            handle.message = msg
            return msg
        if ctype in (6, 7):
            if source_msg is None and source is not None:
                source_msg = copy.deepcopy(source)
                fake.messages[int(source["id"])] = source_msg
            if source_msg is not None:
                handle.original_id = int(source_msg["id"])
                if ctype == 7:
                    self._apply_edit(source_msg, data, files)
                    handle.edits.append(copy.deepcopy(source_msg))
                handle.message = source_msg
            return source_msg
        if ctype == 9:
            fake._modals.append((data.get("custom_id"), copy.deepcopy(data), handle))
        return None

    def _callback_response(
        self, handle: InteractionHandle, ctype: int, message: dict[str, Any] | None
    ) -> dict[str, Any]:
        """spec: InteractionCallbackResponse {interaction: InteractionResponse, resource?}."""
        interaction: dict[str, Any] = {"id": str(handle.id), "type": handle.interaction["type"]}
        if message is not None:
            interaction["response_message_id"] = message["id"]
            interaction["response_message_loading"] = bool(message["flags"] & limits.FLAG_LOADING)
            interaction["response_message_ephemeral"] = bool(
                message["flags"] & limits.FLAG_EPHEMERAL
            )
        out: dict[str, Any] = {"interaction": interaction}
        if message is not None and ctype in (4, 5, 7):
            out["resource"] = {"type": ctype, "message": public_message(message)}
        return out

    # -- messages shared by webhooks and channels -----------------------------------------------

    def _new_message(
        self,
        *,
        channel_id: int,
        guild_id: int | None,
        body: dict[str, Any],
        files: list[dict[str, Any]],
        flags: int,
        message_type: int = 0,
        interaction: InteractionHandle | None = None,
    ) -> dict[str, Any]:
        fake = self.fake
        msg = message_object(
            message_id=fake.snowflakes.next(),
            channel_id=channel_id,
            author=fake.bot_user,
            body=body,
            message_type=message_type,
            webhook_id=fake.application_id if interaction is not None else None,
            application_id=fake.application_id if interaction is not None else None,
            guild_id=guild_id,
            attachments=attachment_objects(files, body, fake.snowflakes.next),
            flags=flags,
        )
        if interaction is not None:
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.interaction["type"],
                "user": (interaction.interaction.get("member") or interaction.interaction)["user"],
                "authorizing_integration_owners": interaction.interaction.get(
                    "authorizing_integration_owners", {}
                ),
            }
        msg["allowed_mentions"] = body.get("allowed_mentions")
        msg["attachments_data"] = [
            {"filename": f["filename"], "content_type": f["content_type"], "data": f["data"]}
            for f in files
        ]
        fake.messages[int(msg["id"])] = msg
        return msg

    def _apply_edit(
        self, msg: dict[str, Any], body: dict[str, Any], files: list[dict[str, Any]]
    ) -> None:
        """Applies a PATCH/UPDATE_MESSAGE body to a stored message in place."""
        fake = self.fake
        for key in ("content", "components"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "embeds" in body:
            msg["embeds"] = [dict(e, type=e.get("type", "rich")) for e in body["embeds"] or []]
        if "allowed_mentions" in body:
            msg["allowed_mentions"] = body["allowed_mentions"]
        if body.get("flags") is not None:
            keep = msg["flags"] & limits.FLAG_EPHEMERAL
            msg["flags"] = (body["flags"] & ~limits.FLAG_LOADING) | keep
        msg["flags"] &= ~limits.FLAG_LOADING  # any edit resolves a deferred "thinking" message
        if "attachments" in body or files:
            kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
            kept = [a for a in msg["attachments"] if a["id"] in kept_ids]
            kept_names = {a["filename"] for a in kept}
            msg["attachments"] = kept + attachment_objects(files, body, fake.snowflakes.next)
            msg["attachments_data"] = [
                d for d in msg.get("attachments_data", []) if d["filename"] in kept_names
            ] + [
                {"filename": f["filename"], "content_type": f["content_type"], "data": f["data"]}
                for f in files
            ]
        msg["edited_timestamp"] = iso_now()

    # -- webhooks (interaction follow-ups and @original) ----------------------------------------

    def _webhook_handle(self, request: web.Request) -> InteractionHandle | web.Response:
        fake = self.fake
        handle = fake._handles_by_token.get(request.match_info["token"])
        if request.match_info["app"] != str(fake.application_id) or handle is None:
            return self.violation(
                request,
                404,
                10015,
                "Unknown Webhook",
                reason="webhook id/token does not belong to a dispatched interaction",
            )
        age = fake.clock() - handle.dispatched_at
        if age > fake.token_lifetime:
            return self.violation(
                request,
                401,
                50027,
                "Invalid Webhook Token",
                reason=f"interaction token used {age:.1f}s after dispatch, past "
                f"its {fake.token_lifetime}s lifetime",
            )
        if handle.initial_response is None:
            return self.violation(
                request,
                404,
                10015,
                "Unknown Webhook",
                reason=f"webhook call before the initial response to {handle.describe()}",
            )
        return handle

    def _handle_message(
        self, request: web.Request, handle: InteractionHandle
    ) -> dict[str, Any] | web.Response:
        ref = request.match_info["message"]
        if ref == "@original":
            mid = handle.original_id
        else:
            try:
                mid = int(ref)
            except ValueError:
                mid = None
            owned = {int(m["id"]) for m in handle.followups}
            if handle.original_id is not None:
                owned.add(handle.original_id)
            if mid not in owned:
                mid = None
        msg = self.fake.messages.get(mid) if mid is not None else None
        if msg is None:
            return self.violation(
                request,
                404,
                10008,
                "Unknown Message",
                reason=f"no message {ref} for {handle.describe()}",
            )
        return msg

    async def webhook_execute(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        if isinstance(handle, web.Response):
            return handle
        body = request[JSON_KEY] if isinstance(request[JSON_KEY], dict) else {}
        files = request[FILES_KEY]
        problems = limits.check_message(body, file_count=len(files))
        problems += self._schema(schema.WEBHOOK_EXECUTE_SCHEMA, body)
        if problems:
            return self.reject(request, problems, "follow-up message")
        original = self.fake.messages.get(handle.original_id or -1)
        if (
            handle.response_type == 5
            and original is not None
            and original["flags"] & limits.FLAG_LOADING
        ):
            # A deferred response's "thinking" message is replaced by the first follow-up; its
            # ephemerality was fixed by the defer, whatever flags the follow-up carries.
            self._apply_edit(original, {**body, "flags": None}, files)
            msg = original
        else:
            msg = self._new_message(
                channel_id=handle.channel_id or 0,
                guild_id=handle.guild_id,
                body=body,
                files=files,
                flags=body.get("flags") or 0,
                interaction=handle,
            )
        handle.followups.append(msg)
        handle._notify()
        if request.query.get("wait", "").lower() in ("1", "true"):
            return json_response(public_message(msg))
        return web.Response(status=204)

    async def webhook_get_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        if isinstance(handle, web.Response):
            return handle
        msg = self._handle_message(request, handle)
        if isinstance(msg, web.Response):
            return msg
        return json_response(public_message(msg))

    async def webhook_edit_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        if isinstance(handle, web.Response):
            return handle
        msg = self._handle_message(request, handle)
        if isinstance(msg, web.Response):
            return msg
        body = request[JSON_KEY] if isinstance(request[JSON_KEY], dict) else {}
        result = self._edit(
            request,
            msg,
            body,
            schema.WEBHOOK_EDIT_SCHEMA,
            allowed_flags=limits.CREATE_FLAGS_ALLOWED,
        )
        if isinstance(result, web.Response):
            return result
        handle.edits.append(copy.deepcopy(msg))
        if int(msg["id"]) == handle.original_id:
            handle.message = msg
        handle._notify()
        return json_response(public_message(msg))

    async def webhook_delete_message(self, request: web.Request) -> web.Response:
        handle = self._webhook_handle(request)
        if isinstance(handle, web.Response):
            return handle
        msg = self._handle_message(request, handle)
        if isinstance(msg, web.Response):
            return msg
        self.fake.messages.pop(int(msg["id"]), None)
        msg["deleted"] = True
        if int(msg["id"]) == handle.original_id:
            handle.original_deleted = True
        handle._notify()
        return web.Response(status=204)

    def _edit(
        self,
        request: web.Request,
        msg: dict[str, Any],
        body: dict[str, Any],
        schema_name: str,
        *,
        allowed_flags: int,
    ) -> dict[str, Any] | web.Response:
        files = request[FILES_KEY]
        problems = limits.check_message(
            body,
            require_content=False,
            file_count=len(files),
            allowed_flags=allowed_flags | limits.FLAG_EPHEMERAL,
        )
        problems += self._schema(schema_name, body)
        merged = copy.deepcopy(msg)
        self._apply_edit(merged, body, files)
        if not problems and limits.is_empty_message(merged):
            problems.append(Problem("", "Cannot send an empty message", json_code=50006))
        if problems:
            return self.reject(request, problems, "message edit")
        self._apply_edit(msg, body, files)
        return msg

    # -- channels and DMs -----------------------------------------------------------------------

    async def create_dm(self, request: web.Request) -> web.Response:
        body = request[JSON_KEY] or {}
        try:
            user_id = int(body["recipient_id"])
        except (KeyError, TypeError, ValueError):
            return self.reject(
                request,
                [Problem("recipient_id", "This field is required", "BASE_TYPE_REQUIRED")],
                "create DM",
            )
        return json_response(self.fake._dm_channel_for(user_id))

    def _channel(self, request: web.Request) -> dict[str, Any] | web.Response:
        channel = self.fake._channels.get(int(request.match_info["channel"]))
        if channel is None:
            return self.violation(
                request,
                404,
                10003,
                "Unknown Channel",
                reason=f"channel {request.match_info['channel']} is unknown",
            )
        return channel

    async def get_channel(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        return channel if isinstance(channel, web.Response) else json_response(channel)

    def _scheduled_event(self, request: web.Request) -> dict[str, Any] | web.Response:
        guild_id, event_id = int(request.match_info["guild"]), int(request.match_info["event"])
        event = (
            self.fake.scheduled_event(guild_id, event_id) if guild_id in self.fake._guilds else None
        )
        if event is None:
            return self.violation(
                request, 404, 10070, "Unknown Guild Scheduled Event", reason="unknown event"
            )
        return event

    async def get_scheduled_event(self, request: web.Request) -> web.Response:
        event = self._scheduled_event(request)
        return event if isinstance(event, web.Response) else json_response(event)

    async def get_scheduled_event_users(self, request: web.Request) -> web.Response:
        """Interested users by ascending id; ``limit`` (1–100), ``before``/``after`` page."""
        event = self._scheduled_event(request)
        if isinstance(event, web.Response):
            return event
        limit = int(request.query.get("limit", 100))
        if not 1 <= limit <= 100:
            return self.reject(
                request, [Problem("limit", "Must be between 1 and 100", "NUMBER_TYPE_MAX")], "users"
            )
        ids = sorted(self.fake.scheduled_event_users(int(event["guild_id"]), int(event["id"])))
        if "before" in request.query:
            ids = [i for i in ids if i < int(request.query["before"])][-limit:]
        else:
            ids = [i for i in ids if i > int(request.query.get("after", 0))][:limit]
        return json_response(
            [{"guild_scheduled_event_id": event["id"], "user": self.fake._user(i)} for i in ids]
        )

    async def typing(self, request: web.Request) -> web.Response:
        channel = self._channel(request)
        return channel if isinstance(channel, web.Response) else web.Response(status=204)

    async def channel_create_message(self, request: web.Request) -> web.Response:
        if self.fake.message_answer_seconds:
            await asyncio.sleep(self.fake.message_answer_seconds)
        channel = self._channel(request)
        if isinstance(channel, web.Response):
            return channel
        body = request[JSON_KEY] if isinstance(request[JSON_KEY], dict) else {}
        files = request[FILES_KEY]
        problems = limits.check_message(
            body, file_count=len(files), allowed_flags=limits.CHANNEL_FLAGS_ALLOWED
        )
        problems += self._schema(schema.MESSAGE_CREATE_SCHEMA, body)
        if problems:
            return self.reject(request, problems, "channel message")
        # docs: Create Message — with enforce_nonce, a nonce already used in this channel
        # (within a few minutes) returns the message created first instead of a new one.
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            key = (int(channel["id"]), str(nonce))
            earlier = self.fake.nonces.get(key)
            if earlier is not None:
                return json_response(public_message(self.fake.messages[earlier]))
        guild_id = channel.get("guild_id")
        msg = self._new_message(
            channel_id=int(channel["id"]),
            guild_id=int(guild_id) if guild_id else None,
            body=body,
            files=files,
            flags=body.get("flags") or 0,
        )
        if nonce is not None and body.get("enforce_nonce"):
            self.fake.nonces[(int(channel["id"]), str(nonce))] = int(msg["id"])
        if channel["type"] == 1:
            msg["recipient_id"] = int(channel["recipients"][0]["id"])
            self.fake.dms.append(msg)
        self.fake.channel_messages.append(msg)
        self.fake._notify()
        return json_response(public_message(msg))

    def _channel_message(self, request: web.Request) -> dict[str, Any] | web.Response:
        channel = self._channel(request)
        if isinstance(channel, web.Response):
            return channel
        msg = self.fake.messages.get(int(request.match_info["message"]))
        if msg is None or msg["channel_id"] != channel["id"]:
            return self.violation(
                request,
                404,
                10008,
                "Unknown Message",
                reason=f"message {request.match_info['message']} is not in channel {channel['id']}",
            )
        return msg

    async def channel_get_message(self, request: web.Request) -> web.Response:
        msg = self._channel_message(request)
        return msg if isinstance(msg, web.Response) else json_response(public_message(msg))

    async def channel_edit_message(self, request: web.Request) -> web.Response:
        msg = self._channel_message(request)
        if isinstance(msg, web.Response):
            return msg
        if msg["author"]["id"] != self.fake.bot_user["id"]:
            return self.violation(
                request,
                403,
                50005,
                "Cannot edit a message authored by another user",
                reason="bot tried to edit someone else's message",
            )
        body = request[JSON_KEY] if isinstance(request[JSON_KEY], dict) else {}
        result = self._edit(
            request,
            msg,
            body,
            schema.MESSAGE_EDIT_SCHEMA,
            allowed_flags=limits.CHANNEL_FLAGS_ALLOWED,
        )
        if isinstance(result, web.Response):
            return result
        self.fake.channel_edits.append(copy.deepcopy(msg))
        self.fake._notify()
        return json_response(public_message(msg))

    async def channel_delete_message(self, request: web.Request) -> web.Response:
        msg = self._channel_message(request)
        if isinstance(msg, web.Response):
            return msg
        self.fake.messages.pop(int(msg["id"]), None)
        msg["deleted"] = True
        return web.Response(status=204)
