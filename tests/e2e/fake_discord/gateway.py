"""The fake gateway: HELLO, IDENTIFY -> READY (+ GUILD_CREATE), HEARTBEAT, RESUME, dispatches.

discord.py connects with ``?v=10&encoding=json&compress=zlib-stream``; it parses TEXT frames
without decompressing, so the fake answers uncompressed JSON text frames regardless.
Events dispatched while no socket is connected stay in the session log and are replayed on
RESUME, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

# Gateway opcodes (docs: Opcodes and Status Codes > Gateway Opcodes).
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11


@dataclass
class GatewaySession:
    session_id: str
    seq: int = 0
    log: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    shard: list[int] | None = None


class Gateway:
    def __init__(self, fake: FakeDiscord, heartbeat_interval: int) -> None:
        self.fake = fake
        self.heartbeat_interval = heartbeat_interval
        self.sessions: dict[str, GatewaySession] = {}
        self.current: GatewaySession | None = None
        self.connections = 0  # websocket connections accepted
        self.identify_payloads: list[dict[str, Any]] = []
        self.resume_payloads: list[dict[str, Any]] = []
        self.received: list[dict[str, Any]] = []  # every frame the client sent
        self.live = asyncio.Event()  # a socket is connected and READY/RESUMED was sent
        self._sockets: set[web.WebSocketResponse] = set()

    # -- websocket handler ----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.connections += 1
        self._sockets.add(ws)
        session: GatewaySession | None = None
        try:
            await self._send(
                ws, {"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval}}
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    if msg.type is WSMsgType.BINARY:
                        # Discord expects JSON text from clients using encoding=json.
                        await ws.close(code=4002, message=b"Error while decoding payload.")
                    continue
                frame = json.loads(msg.data)
                self.received.append(frame)
                session = await self._on_frame(ws, frame, session)
        finally:
            self._sockets.discard(ws)
            if session is not None and session.ws is ws:
                session.ws = None
                if self.current is session:
                    self.live.clear()
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: GatewaySession | None
    ) -> GatewaySession | None:
        op = frame.get("op")
        data = frame.get("d")
        if op == OP_HEARTBEAT:
            await self._send(ws, {"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            if session is not None:
                await ws.close(code=4005, message=b"Already authenticated.")  # docs: 4005
                return session
            if data.get("token") != self.fake.token and self.fake.token is not None:
                await ws.close(code=4004, message=b"Authentication failed.")
                return None
            self.identify_payloads.append(data)
            session = GatewaySession(session_id=secrets.token_hex(16), shard=data.get("shard"))
            session.ws = ws
            self.sessions[session.session_id] = session
            self.current = session
            await self._dispatch_to(session, "READY", self.fake._ready_payload(session))
            for guild in self.fake._guild_create_payloads():
                await self._dispatch_to(session, "GUILD_CREATE", guild)
            self.live.set()
        elif op == OP_RESUME:
            self.resume_payloads.append(data)
            found = self.sessions.get(data.get("session_id"))
            if found is None:
                # docs: INVALID_SESSION d=false -> the client must IDENTIFY afresh.
                await self._send(ws, {"op": OP_INVALID_SESSION, "d": False})
                return None
            session = found
            session.ws = ws
            self.current = session
            last = data.get("seq") or 0
            for seq, payload in list(session.log):
                if seq > last:
                    await self._send(ws, payload)
            await self._dispatch_to(session, "RESUMED", {"_trace": ["fake-discord"]})
            self.live.set()
        elif op in (OP_PRESENCE_UPDATE, OP_VOICE_STATE_UPDATE, OP_REQUEST_GUILD_MEMBERS):
            pass  # accepted and recorded in self.received
        else:
            await ws.close(code=4001, message=b"Unknown opcode.")  # docs: close code 4001
        return session

    # -- sending --------------------------------------------------------------------------------

    @staticmethod
    async def _send(ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        if not ws.closed:
            await ws.send_str(json.dumps(payload))

    async def _dispatch_to(self, session: GatewaySession, event: str, data: Any) -> None:
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.log.append((session.seq, payload))
        if session.ws is not None:
            await self._send(session.ws, payload)

    async def dispatch(self, event: str, data: Any) -> None:
        """Sends an event on the current session (buffered for RESUME if disconnected)."""
        if self.current is None:
            raise AssertionError(
                f"cannot dispatch {event}: no bot has connected to the fake gateway yet "
                "(await fake.wait_ready() first)"
            )
        await self._dispatch_to(self.current, event, data)

    async def drop(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Closes the live socket(s). ``invalidate`` forgets sessions so RESUME fails."""
        self.live.clear()
        if invalidate:
            self.sessions.clear()
            self.current = None
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"fake-discord: dropped by test")

    async def reconnect_op(self) -> None:
        """Sends op 7 RECONNECT: discord.py closes and resumes."""
        self.live.clear()
        if self.current is not None and self.current.ws is not None:
            await self._send(self.current.ws, {"op": OP_RECONNECT, "d": None})

    async def close(self) -> None:
        self.live.clear()
        for ws in list(self._sockets):
            await ws.close(code=1001, message=b"fake-discord shutting down")
