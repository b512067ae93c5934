"""The websocket gateway: HELLO, heartbeats, IDENTIFY/READY/GUILD_CREATE, RESUME, dispatches.

Frames go out as TEXT frames of plain JSON: discord.py only decompresses binary frames, so
its ``compress=zlib-stream`` query can be ignored."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSCloseCode, WSMsgType, web

from testkit.fake_discord.models import JSON, Guild, Member, World
from testkit.fake_discord.records import Notifier

HEARTBEAT_INTERVAL_MS = 41_250


class Op:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Intent:
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    MESSAGE_CONTENT = 1 << 15
    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


# Application flags that say which privileged intents the developer portal has switched on.
_APPLICATION_FLAG_FOR_INTENT = {
    Intent.GUILD_PRESENCES: 1 << 12,
    Intent.GUILD_MEMBERS: 1 << 14,
    Intent.MESSAGE_CONTENT: 1 << 18,
}


def application_flags(granted_intents: int) -> int:
    flags = 0
    for intent, flag in _APPLICATION_FLAG_FOR_INTENT.items():
        if granted_intents & intent:
            flags |= flag
    return flags


@dataclass
class GatewaySession:
    """A session survives its websocket: RESUME reattaches it and replays what was missed."""

    session_id: str
    intents: int
    socket: web.WebSocketResponse | None
    # [shard id, shard count] from IDENTIFY: the session gets the guilds that shard owns.
    shard: tuple[int, int] = (0, 1)
    sequence: int = 0
    sent: list[JSON] = field(default_factory=list)

    def owns(self, guild_id: int | None) -> bool:
        """Discord's routing: (guild_id >> 22) % shard_count; DMs arrive on shard 0."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)

    async def dispatch(self, event: str, data: JSON) -> None:
        self.sequence += 1
        frame = {"op": Op.DISPATCH, "t": event, "s": self.sequence, "d": data}
        self.sent.append(frame)
        if self.socket is not None:
            await send_frame(self.socket, frame)


async def send_frame(socket: web.WebSocketResponse, frame: JSON) -> None:
    if socket.closed:
        return
    try:
        await socket.send_str(json.dumps(frame, ensure_ascii=False))
    except ConnectionResetError:
        # The client is going away (after a RECONNECT, say); the session keeps the frame for RESUME.
        return


class Gateway:
    def __init__(
        self,
        world: World,
        token: str,
        granted_intents: int,
        notifier: Notifier,
        own_url: Callable[[], str],
    ) -> None:
        self._world = world
        self._token = token
        self.granted_intents = granted_intents
        self._notifier = notifier
        self._own_url = own_url
        self._sockets: set[web.WebSocketResponse] = set()
        self.sessions: dict[str, GatewaySession] = {}
        self.current: GatewaySession | None = None
        self.received: list[JSON] = []
        # Codes the fake closed connections with (4004 bad token, 4014 disallowed intents).
        self.close_codes: list[int] = []

    def frames_received(self, op: int) -> list[JSON]:
        return [frame for frame in self.received if frame.get("op") == op]

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            await send_frame(
                socket, {"op": Op.HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}
            )
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._on_frame(socket, json.loads(message.data))
        finally:
            self._sockets.discard(socket)
            self._detach(socket)
        return socket

    async def close_all(self) -> None:
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT on the current connection; discord.py answers with a RESUME."""
        session = self.current_session()
        if session.socket is None:
            raise RuntimeError("the bot has no open gateway connection")
        await send_frame(session.socket, {"op": Op.RECONNECT, "d": None})

    def session_for(self, guild_id: int | None) -> GatewaySession:
        """The connected session of the shard that owns the guild (shard 0 for DMs);
        LookupError when the bot is sharded and no connection of it has that shard."""
        owners = [s for s in self.sessions.values() if s.socket is not None and s.owns(guild_id)]
        if owners:
            return owners[-1]
        current = self.current_session()
        if current.shard[1] > 1:
            raise LookupError(f"no connected shard owns guild {guild_id}")
        return current

    def shards_identified(self) -> list[tuple[int, int]]:
        """The [shard id, shard count] of every IDENTIFY received, in order."""
        return [
            (int(frame["d"]["shard"][0]), int(frame["d"]["shard"][1]))
            if frame["d"].get("shard")
            else (0, 1)
            for frame in self.frames_received(Op.IDENTIFY)
        ]

    def current_session(self) -> GatewaySession:
        if self.current is None:
            raise RuntimeError("the bot has not identified on the gateway")
        return self.current

    def _detach(self, socket: web.WebSocketResponse) -> None:
        for session in self.sessions.values():
            if session.socket is socket:
                session.socket = None
        self._notifier.notify()

    async def _on_frame(self, socket: web.WebSocketResponse, frame: JSON) -> None:
        self.received.append(frame)
        op = frame.get("op")
        if op == Op.HEARTBEAT:
            await send_frame(socket, {"op": Op.HEARTBEAT_ACK})
        elif op == Op.IDENTIFY:
            await self._identify(socket, frame["d"])
        elif op == Op.RESUME:
            await self._resume(socket, frame["d"])
        elif op == Op.REQUEST_GUILD_MEMBERS:
            await self._send_member_chunk(frame["d"])
        self._notifier.notify()

    async def _identify(self, socket: web.WebSocketResponse, data: JSON) -> None:
        if data.get("token") != self._token:
            await self._refuse(socket, 4004, "Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & Intent.PRIVILEGED & ~self.granted_intents:
            await self._refuse(socket, 4014, "Disallowed intent(s).")
            return
        shard = data.get("shard") or [0, 1]
        session = GatewaySession(
            secrets.token_hex(16), intents, socket, shard=(int(shard[0]), int(shard[1]))
        )
        self.sessions[session.session_id] = session
        self.current = session
        await session.dispatch("READY", self._ready_payload(session))
        for guild in self._world.guilds.values():
            if not session.owns(guild.id):
                continue
            members = self._members_sent(guild, session)
            await session.dispatch("GUILD_CREATE", guild.payload(members=members))

    async def _refuse(self, socket: web.WebSocketResponse, code: int, reason: str) -> None:
        self.close_codes.append(code)
        await socket.close(code=code, message=reason.encode())

    def _ready_payload(self, session: GatewaySession) -> JSON:
        bot = self._world.bot
        return {
            "v": 10,
            "user": bot.payload() | {"verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [
                {"id": str(guild_id), "unavailable": True}
                for guild_id in self._world.guilds
                if session.owns(guild_id)
            ],
            "shard": list(session.shard),
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self._own_url(),
            "application": {
                "id": str(self._world.application_id),
                "flags": application_flags(self.granted_intents),
            },
            "private_channels": [],
            "relationships": [],
            "_trace": ["fake-discord"],
        }

    def _members_sent(self, guild: Guild, session: GatewaySession) -> list[Member]:
        # Without the members intent Discord sends only the bot's own member.
        if session.intents & Intent.GUILD_MEMBERS:
            return list(guild.members.values())
        return [guild.members[self._world.bot.id]]

    async def _resume(self, socket: web.WebSocketResponse, data: JSON) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self._token:
            await send_frame(socket, {"op": Op.INVALID_SESSION, "d": False})
            return
        session.socket = socket
        self.current = session
        last_seen = int(data.get("seq") or 0)
        for frame in session.sent:
            if frame["s"] > last_seen:
                await send_frame(socket, frame)
        await session.dispatch("RESUMED", {"_trace": ["fake-discord"]})

    async def _send_member_chunk(self, data: JSON) -> None:
        guild = self._world.guilds[int(data["guild_id"])]
        chunk = {
            "guild_id": str(guild.id),
            "members": [member.payload() for member in guild.members.values()],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if "nonce" in data:
            chunk["nonce"] = data["nonce"]
        await self.current_session().dispatch("GUILD_MEMBERS_CHUNK", chunk)
