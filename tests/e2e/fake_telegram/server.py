"""A fake Telegram Bot API: an aiohttp server on 127.0.0.1 that the real python-telegram-bot
client talks to over HTTP, as it would to api.telegram.org.

It speaks the methods the bot uses (getMe, deleteWebhook, getUpdates with long polling,
setMyCommands, sendMessage, editMessageText, answerCallbackQuery, sendDocument, sendPhoto,
getFile and the file download under /file/bot<token>/) with Telegram's envelope
(`{"ok": true, "result": …}`) and error shapes (`{"ok": false, "error_code", "description",
"parameters": {"retry_after"}}`), and checks what Telegram checks: text 1-4096 characters,
callback data 1-64 bytes, a chat the bot can write to, a message that exists, an edit that
changes something. A request Telegram would reject is answered with its 400 and recorded as a
violation; the test fails at teardown unless it announced it (`expect_violation`).

A user can block the bot (`block(user)`: every send to their chat answers 403, as Telegram
does), and `fail_next` answers one call with an error such as 429 with retry_after; `timed`
keeps when each call came (monotonic seconds), to check waits.

Tests play users: `send(user, "/add …")` queues an update the bot's long poll receives,
`upload(user, name, data)` sends a document,
`click(user, message, data)` presses an inline button, `wait_for_messages(chat, n)` waits for
the bot's answers (time is never slept on: every wait is on a condition with a deadline).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TEXT_MAX = 4096  # characters of a message's text, after entity parsing
CALLBACK_DATA_MAX = 64  # bytes of an inline button's callback_data
ANSWER_TEXT_MAX = 200  # characters of an answerCallbackQuery notification
LONG_POLL_MAX = 50  # seconds getUpdates may hold the request (Telegram caps timeout at 50)
FILE_MAX = 50 * 1024 * 1024  # what a bot may send as a document
DOWNLOAD_MAX = 20 * 1024 * 1024  # what getFile lets a bot download
CAPTION_MAX = 1024  # characters of a document's or photo's caption


@dataclass(frozen=True)
class TelegramUser:
    id: int
    first_name: str
    username: str | None = None

    def payload(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            user["username"] = self.username
        return user


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


@dataclass
class Violation:
    method: str
    reason: str
    payload: dict[str, Any]


@dataclass
class FakeTelegram:
    token: str = "123456789:AAfakefakefakefakefakefakefakefake00"
    bot_id: int = 123456789
    bot_username: str = "coach_test_bot"
    base_url: str = ""
    # What the bot sent, per chat id, in order (the fake's own Message objects).
    sent: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    callback_answers: list[dict[str, Any]] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    timed: list[tuple[str, float]] = field(default_factory=list)  # (method, monotonic time)
    blocked: set[int] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id -> content

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._chats: dict[int, dict[str, Any]] = {}
        self._failures: dict[str, list[ApiError]] = {}
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.clock = 1_795_000_000  # Unix time on messages; tests never sleep on it

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        app.router.add_get("/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        async with self._changed:
            self._closing = True  # ends the long polls still held open
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- driving it, as users ------------------------------------------------------------------

    def private_chat(self, user: TelegramUser) -> dict[str, Any]:
        chat = {"id": user.id, "type": "private", "first_name": user.first_name}
        self._chats[user.id] = chat
        return chat

    def group_chat(self, chat_id: int, title: str) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self._chats[chat_id] = chat
        return chat

    async def send(
        self,
        user: TelegramUser,
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The user types `text` (in their private chat unless `chat` is given)."""
        chat = chat or self.private_chat(user)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": self.clock,
            "chat": chat,
            "from": user.payload(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        await self._push({"message": message})
        return message

    async def click(self, user: TelegramUser, message: dict[str, Any], data: str) -> str:
        """The user presses the inline button carrying `data` under the bot's `message`."""
        query_id = str(next(self._callback_ids))
        await self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": user.payload(),
                    "message": message,
                    "chat_instance": str(message["chat"]["id"]),
                    "data": data,
                }
            }
        )
        return query_id

    def block(self, user: TelegramUser) -> None:
        """The user blocks the bot: sends to their chat answer 403."""
        self.blocked.add(user.id)

    async def upload(
        self, user: TelegramUser, name: str, data: bytes, *, caption: str | None = None
    ) -> dict[str, Any]:
        """The user sends a file (a document) in their private chat."""
        file_id = f"doc{next(self._message_ids)}"
        self.files[file_id] = data
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": self.clock,
            "chat": self.private_chat(user),
            "from": user.payload(),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": name,
                "file_size": len(data),
            },
        }
        if caption:
            message["caption"] = caption
        await self._push({"message": message})
        return message

    def fail_next(
        self, method: str, code: int, description: str, retry_after: int | None = None
    ) -> None:
        """The next call of `method` answers with this error (429 takes a retry_after)."""
        self._failures.setdefault(method, []).append(ApiError(code, description, retry_after))

    def expect_violation(self, substring: str) -> None:
        self.expected.append(substring)

    # -- waiting for the bot -------------------------------------------------------------------

    async def wait_for(
        self, predicate: Callable[[], bool], *, within: float = 10, what: str = "the bot"
    ) -> None:
        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        try:
            await asyncio.wait_for(until(), within)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None

    async def wait_for_messages(
        self, chat_id: int, count: int, *, within: float = 10
    ) -> list[dict[str, Any]]:
        """The bot's messages in the chat once there are at least `count` of them."""
        await self.wait_for(
            lambda: len(self.sent.get(chat_id, [])) >= count,
            within=within,
            what=f"{count} bot message(s) in chat {chat_id} (got {self.sent.get(chat_id, [])})",
        )
        return self.sent[chat_id]

    async def wait_for_answer(self, query_id: str) -> dict[str, Any]:
        await self.wait_for(
            lambda: any(a["callback_query_id"] == query_id for a in self.callback_answers),
            what=f"an answer to callback query {query_id}",
        )
        return next(a for a in self.callback_answers if a["callback_query_id"] == query_id)

    def unexpected_violations(self) -> list[Violation]:
        return [v for v in self.violations if not any(e in v.reason for e in self.expected)]

    def unmet_expectations(self) -> list[str]:
        return [e for e in self.expected if not any(e in v.reason for v in self.violations)]

    # -- the API -------------------------------------------------------------------------------

    async def _push(self, update: dict[str, Any]) -> None:
        async with self._changed:
            self._updates.append({"update_id": next(self._update_ids), **update})
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        method = request.match_info["method"]
        params = await _params(request)
        async with self._changed:
            self.calls.append(method)
            self.timed.append((method, asyncio.get_running_loop().time()))
            self._changed.notify_all()
        failures = self._failures.get(method)
        if failures:
            return _error(failures.pop(0))
        handler = getattr(self, "_" + _snake(method), None)
        if handler is None:
            return _error(ApiError(404, "Not Found: method not found"))
        try:
            result = await handler(params)
        except ApiError as error:
            if error.code == 400:
                self.violations.append(Violation(method, error.description, params))
            return _error(error)
        async with self._changed:
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Networking Coach",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = _json(params.get("commands"))
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum()):
                raise ApiError(400, f"Bad Request: BOT_COMMAND_INVALID {name!r}")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: command description is too long")
        self.commands = commands
        return True

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), LONG_POLL_MAX)
        async with self._changed:
            # A confirmed offset forgets everything before it, as Telegram does.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                        timeout,
                    )
            return self._updates[:limit]

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._writable_chat(params)
        text = _text(params)
        markup = _markup(params)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": self.clock,
            "chat": chat,
            "from": (await self._get_me({})),
            "text": text,
        }
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        message["_sent_markup"] = markup  # what was asked for (ForceReply is not echoed)
        self.sent.setdefault(chat["id"], []).append(message)
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        message_id = int(params.get("message_id") or 0)
        found = next(
            (m for m in self.sent.get(chat["id"], []) if m["message_id"] == message_id), None
        )
        if found is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = _text(params)
        markup = _markup(params)
        if text == found["text"] and markup == found.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        found["text"] = text
        if markup is not None:
            found["reply_markup"] = markup
        else:
            found.pop("reply_markup", None)
        return {k: v for k, v in found.items() if not k.startswith("_")}

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        text = params.get("text") or ""
        if len(text) > ANSWER_TEXT_MAX:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG (callback answer)")
        self.callback_answers.append(
            {
                "callback_query_id": str(params.get("callback_query_id")),
                "text": text,
                "show_alert": str(params.get("show_alert")).lower() == "true",
            }
        )
        return True

    async def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "document")

    async def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def _send_file(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat = self._writable_chat(params)
        upload = params.get(kind)
        if not isinstance(upload, _Upload):
            raise ApiError(400, f"Bad Request: there is no {kind} in the request")
        if len(upload.data) > FILE_MAX:
            raise ApiError(400, "Bad Request: file is too big")
        caption = params.get("caption") or ""
        if len(caption) > CAPTION_MAX:
            raise ApiError(400, "Bad Request: message caption is too long")
        if params.get("parse_mode"):
            raise ApiError(400, "Bad Request: the coach sends plain text only (no parse_mode)")
        file_id = f"{kind}{next(self._message_ids)}"
        self.files[file_id] = upload.data
        described = {"file_id": file_id, "file_unique_id": file_id, "file_size": len(upload.data)}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": self.clock,
            "chat": chat,
            "from": (await self._get_me({})),
            kind: [{**described, "width": 800, "height": 600}]
            if kind == "photo"
            else {**described, "file_name": upload.filename},
            "_data": upload.data,
        }
        if caption:
            message["caption"] = caption
        self.sent.setdefault(chat["id"], []).append(message)
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id") or "")
        if file_id not in self.files:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(self.files[file_id]) > DOWNLOAD_MAX:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(self.files[file_id]),
            "file_path": f"documents/{file_id}",
        }

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        file_id = request.match_info["path"].rpartition("/")[2]
        if file_id not in self.files:
            return web.Response(status=404)
        return web.Response(body=self.files[file_id])

    def _writable_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params)
        if chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            chat_id = int(params.get("chat_id") or 0)
        except ValueError:
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self._chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat


def _snake(method: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in method)


def _json(value: Any) -> Any:
    """python-telegram-bot sends objects as JSON strings inside the form."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@dataclass(frozen=True)
class _Upload:
    filename: str
    data: bytes


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return dict(body) if isinstance(body, dict) else {}
    if request.can_read_body:
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if isinstance(value, str):
                params[key] = value
            elif isinstance(value, web.FileField):
                params[key] = _Upload(value.filename, value.file.read())
        # python-telegram-bot names an uploaded file "attach://<name>" in the field itself.
        for key, value in list(params.items()):
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.get(value.removeprefix("attach://"), value)
        return params
    return dict(request.query)


def _text(params: dict[str, Any]) -> str:
    text = params.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApiError(400, "Bad Request: message text is empty")
    if len(text) > TEXT_MAX:
        raise ApiError(400, "Bad Request: message is too long")
    if params.get("parse_mode"):
        raise ApiError(400, "Bad Request: the coach sends plain text only (no parse_mode)")
    return text


def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
    markup = _json(params.get("reply_markup"))
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_MAX:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(400, "Bad Request: inline keyboard button text is empty")
    return markup


def _error(error: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": error.code,
        "description": error.description,
    }
    if error.retry_after is not None:
        body["parameters"] = {"retry_after": error.retry_after}
    return web.json_response(body, status=error.code)
