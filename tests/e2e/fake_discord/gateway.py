"""The fake gateway: HELLO, IDENTIFY -> READY (+ GUILD_CREATE), HEARTBEAT, RESUME, dispatches.

Shards, as Discord has them (docs: Gateway > Sharding): an IDENTIFY may carry `shard: [id,
count]`; that session gets READY and GUILD_CREATE for the guilds with (guild_id >> 22) % count
== id only, every guild event goes to the session of its guild's shard and every DM event (an
interaction without a guild) to shard 0's. A malformed shard or an id outside the count closes
the socket with 4010 (Invalid shard); fewer shards than `FakeDiscord.min_shards`, with 4011
(Sharding required). IDENTIFYs of one bucket (id % max_concurrency) closer together than
`FakeDiscord.identify_window` are recorded as violations (off unless a test sets the window).

discord.py connects with ``?v=10&encoding=json&compress=zlib-stream``; it parses TEXT frames
without decompressing, so the fake answers uncompressed JSON text frames regardless.
Events dispatched while no socket is connected stay in the session log and are replayed on
RESUME, as Discord does.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
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

    @property
    def shard_id(self) -> int:
        return self.shard[0] if self.shard else 0

    @property
    def shard_count(self) -> int:
        return self.shard[1] if self.shard else 1

    def owns(self, guild_id: int | None) -> bool:
        """Whether this session's shard receives events of `guild_id` (None: a DM's)."""
        if guild_id is None:
            return self.shard_id == 0
        return (guild_id >> 22) % self.shard_count == self.shard_id


class Gateway:
    def __init__(self, fake: FakeDiscord, heartbeat_interval: int) -> None:
        self.fake = fake
        self.heartbeat_interval = heartbeat_interval
        self.sessions: dict[str, GatewaySession] = {}
        self.current: GatewaySession | None = None
        self.connections = 0  # websocket connections accepted
        self.identify_payloads: list[dict[str, Any]] = []
        self.identify_times: list[tuple[float, int]] = []  # (time.monotonic(), shard id)
        # Sessions by when they last identified or resumed, latest last: events go to the
        # latest one owning their guild (a shard opened twice, e.g. in a rolling deploy).
        self._active: list[GatewaySession] = []
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
                if self.current is session or not any(s.ws for s in self._active):
                    self.live.clear()
                    self._relive()
                self.fake._notify()
        return ws

    def _relive(self) -> None:
        """After the current session's socket closed: another shard's live session (another
        process) becomes current, so a test can go on dispatching to the bot that is left."""
        for other in reversed(self._active):
            if other.ws is not None:
                self.current = other
                self.live.set()
                return

    def _activate(self, session: GatewaySession) -> None:
        if session in self._active:
            self._active.remove(session)
        self._active.append(session)
        self.current = session

    def live_shards(self) -> set[int]:
        """The shard ids with a connected session that got READY or RESUMED."""
        return {s.shard_id for s in self._active if s.ws is not None}

    def _refusal(self, shard: Any) -> tuple[int, bytes] | None:
        """The close code and reason for an IDENTIFY's shard Discord would refuse."""
        if shard is None:
            count = 1
        elif (
            not isinstance(shard, list)
            or len(shard) != 2
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
            or not 0 <= shard[0] < shard[1]
        ):
            return 4010, b"Invalid shard."
        else:
            count = shard[1]
        if self.fake.min_shards is not None and count < self.fake.min_shards:
            return 4011, b"Sharding required."
        return None

    def _check_identify_rate(self, shard_id: int, payload: dict[str, Any]) -> None:
        now = time.monotonic()
        window = self.fake.identify_window
        bucket = shard_id % self.fake.max_concurrency
        if window is not None:
            for then, other in reversed(self.identify_times):
                if now - then >= window:
                    break
                if other % self.fake.max_concurrency == bucket:
                    self.fake.record_violation(
                        "IDENTIFY",
                        f"shard {shard_id} identified {now - then:.2f} s after shard {other} "
                        f"in bucket {bucket} (max_concurrency {self.fake.max_concurrency} per "
                        f"{window:g} s)",
                        {"shard": payload.get("shard")},
                    )
                    break
        self.identify_times.append((now, shard_id))

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
            refusal = self._refusal(data.get("shard"))
            if refusal is not None:
                self.identify_payloads.append(data)
                await ws.close(code=refusal[0], message=refusal[1])
                return None
            self.identify_payloads.append(data)
            session = GatewaySession(session_id=secrets.token_hex(16), shard=data.get("shard"))
            self._check_identify_rate(session.shard_id, data)
            session.ws = ws
            self.sessions[session.session_id] = session
            self._activate(session)
            await self._dispatch_to(session, "READY", self.fake._ready_payload(session))
            for guild in self.fake._guild_create_payloads(session):
                await self._dispatch_to(session, "GUILD_CREATE", guild)
            self.live.set()
            self.fake._notify()
        elif op == OP_RESUME:
            self.resume_payloads.append(data)
            found = self.sessions.get(data.get("session_id"))
            if found is None:
                # docs: INVALID_SESSION d=false -> the client must IDENTIFY afresh.
                await self._send(ws, {"op": OP_INVALID_SESSION, "d": False})
                return None
            session = found
            session.ws = ws
            self._activate(session)
            last = data.get("seq") or 0
            for seq, payload in list(session.log):
                if seq > last:
                    await self._send(ws, payload)
            await self._dispatch_to(session, "RESUMED", {"_trace": ["fake-discord"]})
            self.live.set()
            self.fake._notify()
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
        """Sends an event to the session of its guild's shard, shard 0's for a DM (buffered for
        RESUME if disconnected)."""
        if self.current is None:
            raise AssertionError(
                f"cannot dispatch {event}: no bot has connected to the fake gateway yet "
                "(await fake.wait_ready() first)"
            )
        guild = data.get("guild_id") if isinstance(data, dict) else None
        guild_id = int(guild) if guild is not None else None
        for session in reversed(self._active):
            if session.owns(guild_id):
                await self._dispatch_to(session, event, data)
                return
        raise AssertionError(
            f"cannot dispatch {event}: no session holds the shard of guild {guild_id} "
            f"(shards connected: {sorted(self.live_shards())})"
        )

    async def drop(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Closes the live socket(s). ``invalidate`` forgets sessions so RESUME fails."""
        self.live.clear()
        if invalidate:
            self.sessions.clear()
            self._active.clear()
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
