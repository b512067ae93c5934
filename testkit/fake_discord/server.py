"""FakeDiscord: REST under /api/v10 and the gateway on one loopback port, plus what tests
need to drive it (scenario builders, interaction injection) and to check what the bot did."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import BodyPartReader, web

from testkit.fake_discord.gateway import Gateway, Op
from testkit.fake_discord.interactions import (
    InteractionBuilder,
    InteractionType,
    OptionValue,
    Where,
)
from testkit.fake_discord.models import (
    ALL_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    JSON,
    Channel,
    ChannelType,
    Guild,
    Member,
    SnowflakeFactory,
    Upload,
    User,
    World,
)
from testkit.fake_discord.ratelimit import RateLimitConfig, RateLimiter
from testkit.fake_discord.records import (
    InteractionRecord,
    Notifier,
    Rejection,
    RequestRecord,
    StoredMessage,
)
from testkit.fake_discord.rest import (
    PAYLOAD,
    UPLOADS,
    Backend,
    Handler,
    error_response,
    json_response,
)
from testkit.fake_discord.validation import ApiError

API_PREFIX = "/api/v10"
# Interaction callbacks and webhooks authenticate with their token, not the bot's.
_TOKEN_ROUTES = ("/interactions/", "/webhooks/")


class FakeDiscord:
    """A Discord for one bot, on 127.0.0.1 and an ephemeral port.

    ``clock`` decides when an interaction is too old to answer (3 s) or its token expired
    (15 min); inject a ``ManualClock`` to test lateness without sleeping. ``granted_intents``
    are the privileged intents the developer portal allows (IDENTIFY asking for others is
    closed with 4014)."""

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "roundup-bot",
        clock: Callable[[], float] = time.monotonic,
        granted_intents: int = 0,
        rate_limits: RateLimitConfig | None = None,
        response_delay: float = 0.0,
    ) -> None:
        self.token = token
        # Seconds every REST answer is held after the request took effect: a slow Discord,
        # so that a crash harness can kill the bot between a message existing and its id
        # reaching the bot.
        self.response_delay = response_delay
        self._snowflakes = SnowflakeFactory()
        self.world = World(self._snowflakes, bot_name)
        self.notifier = Notifier()
        self.clock = clock
        self._port: int | None = None
        self._runner: web.AppRunner | None = None
        self.limiter = RateLimiter(rate_limits or RateLimitConfig())
        self.backend = Backend(self.world, self._snowflakes, clock, self._base_url, granted_intents)
        self.gateway = Gateway(
            self.world, token, granted_intents, self.notifier, lambda: self.gateway_url
        )
        self._builder = InteractionBuilder(self.world, self._snowflakes, self.backend.attach)
        self.requests: list[RequestRecord] = []
        self.unknown_routes: list[RequestRecord] = []
        self.rate_limited: list[RequestRecord] = []
        self.rejections: list[Rejection] = []
        # What GET /gateway/bot answers when the bot asks how many shards it needs.
        self.recommended_shards = 1

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        @web.middleware
        async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
            return await self._api_middleware(request, handler)

        app = web.Application(middlewares=[api_middleware], client_max_size=64 * 1024**2)
        for method, path, handler in self.backend.routes():
            app.router.add_route(method, API_PREFIX + path, handler)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get(API_PREFIX + "/gateway/bot", self._gateway_bot)
        app.router.add_get(
            "/attachments/{channel_id}/{attachment_id}/{filename}", self.backend.serve_file
        )
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def stop(self) -> None:
        # Open websockets first: the runner's cleanup would wait for them for a minute.
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _gateway_bot(self, request: web.Request) -> web.Response:
        """GET /gateway/bot: where to connect and how many shards (AutoShardedBot asks)."""
        return json_response(
            {
                "url": self.gateway_url,
                "shards": self.recommended_shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 1000,
                    "reset_after": 0,
                    "max_concurrency": 1,
                },
            }
        )

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeDiscord is not started")
        return self._port

    def _base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self._base_url() + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- scenario ----------------------------------------------------------------------------

    @property
    def bot_user(self) -> User:
        return self.world.bot

    @property
    def application_id(self) -> int:
        return self.world.application_id

    def add_user(
        self, username: str, *, accepts_dms: bool = True, user_id: int | None = None
    ) -> User:
        """A user; ``accepts_dms=False`` makes DMs to them fail with 403 / 50007. ``user_id``
        picks its id, for a bot whose database already knows the user."""
        return self.world.add_user(username, accepts_dms=accepts_dms, user_id=user_id)

    def add_guild(
        self,
        name: str = "guild",
        *,
        owner: User | None = None,
        locale: str = "en-US",
        bot_permissions: int = EVERYONE_PERMISSIONS,
        guild_id: int | None = None,
    ) -> Guild:
        """A guild with @everyone, an owner and the bot as members (add guilds before start).
        ``guild_id`` picks its id, for a bot whose database already files data under one."""
        return self.world.add_guild(
            name, owner=owner, locale=locale, bot_permissions=bot_permissions, guild_id=guild_id
        )

    def add_text_channel(
        self,
        guild: Guild,
        name: str = "general",
        *,
        category: Channel | None = None,
        channel_id: int | None = None,
    ) -> Channel:
        """``channel_id`` picks its id, for a bot whose database already names the channel."""
        return self.world.add_channel(
            guild, name, ChannelType.GUILD_TEXT, category, channel_id=channel_id
        )

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self.world.add_channel(guild, name, ChannelType.GUILD_CATEGORY)

    def add_member(
        self,
        guild: Guild,
        username: str = "member",
        *,
        permissions: int = 0,
        accepts_dms: bool = True,
        user_id: int | None = None,
    ) -> Member:
        """A new user in ``guild`` with a role granting ``permissions`` (e.g. Perm.MANAGE_GUILD)
        on top of @everyone's."""
        user = self.world.add_user(username, accepts_dms=accepts_dms, user_id=user_id)
        return self.world.add_member(guild, user, permissions)

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel behind the bot's back (no gateway event): it answers 404 10003."""
        self.world.channels.pop(channel.id, None)
        self.world.guilds[channel.guild_id or 0].channels.pop(channel.id, None)

    def set_bot_permissions(self, guild: Guild, permissions: int) -> None:
        """Change what the bot's role grants in ``guild`` (no gateway event is sent)."""
        bot_member = guild.members[self.world.bot.id]
        guild.roles[bot_member.role_ids[0]].permissions = permissions

    # -- what the bot did --------------------------------------------------------------------

    def threads(self, channel_id: int) -> list[Channel]:
        """Threads the bot started under messages of a channel."""
        return [
            channel
            for channel in self.world.channels.values()
            if channel.type is ChannelType.PUBLIC_THREAD and channel.parent_id == channel_id
        ]

    def messages(self, channel_id: int) -> list[StoredMessage]:
        """Messages in a channel that everyone there sees (not deleted, not ephemeral)."""
        return [
            message
            for message in self.backend.messages_by_channel.get(channel_id, [])
            if not message.deleted and not message.ephemeral
        ]

    def dms(self, user_id: int) -> list[StoredMessage]:
        channel = self.world.find_dm_channel(user_id)
        return [] if channel is None else self.messages(channel.id)

    @property
    def all_messages(self) -> list[StoredMessage]:
        return list(self.backend.messages.values())

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        """The commands synced globally (``None``) or to one guild, as stored, with their ids."""
        return self.backend.commands.get(guild_id, [])

    def requests_to(self, method: str, path: str) -> list[RequestRecord]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def command_allowed(self, guild_id: int, user_id: int, name: str) -> bool:
        """Whether Discord shows the command to this member (``default_member_permissions``)."""
        required = self.backend.find_command(name, guild_id).get("default_member_permissions")
        if required is None:
            return True
        granted = self.world.guilds[guild_id].permissions_of(user_id)
        needed = int(required) or ALL_PERMISSIONS
        return granted & needed == needed

    async def wait_until(
        self, predicate: Callable[[], bool], within: float = 2.0, what: str = "condition"
    ) -> None:
        """Wait, without polling, until ``predicate`` holds after some request or frame."""
        await self.notifier.wait_for(predicate, within=within, what=what)

    async def wait_for_messages(
        self, channel_id: int, count: int = 1, within: float = 2.0
    ) -> list[StoredMessage]:
        await self.wait_until(
            lambda: len(self.messages(channel_id)) >= count,
            within,
            f"{count} message(s) in {channel_id}",
        )
        return self.messages(channel_id)

    # -- rate limits and the gateway ---------------------------------------------------------

    def fail_with_429(
        self,
        method: str,
        path_pattern: str,
        *,
        times: int = 1,
        retry_after: float = 0.01,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``times`` requests matching ``method`` and the glob ``path_pattern``
        (relative to /api/v10, e.g. "/channels/*/messages") with a retryable 429."""
        self.limiter.force(method, path_pattern, times, retry_after, is_global)

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; discord.py reconnects to resume_gateway_url and RESUMEs."""
        await self.gateway.request_reconnect()

    async def wait_for_resume(self, count: int = 1, within: float = 2.0) -> None:
        await self.wait_until(
            lambda: len(self.gateway.frames_received(Op.RESUME)) >= count, within, "RESUME"
        )

    # -- interactions ------------------------------------------------------------------------

    async def slash(
        self,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        name: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Deliver a slash command, as the user would invoke it: ``name`` is the full path
        ("roundup import"), ``options`` are checked against the synced command (types,
        choices, ranges, required). Snowflake options take ids; ATTACHMENT takes an Upload.
        ``guild_id=None`` runs it in the user's DM with the bot."""
        where = self._where(guild_id, channel_id, user_id, locale)
        root, *path = name.split()
        command = self.backend.find_command(root, guild_id)
        data = self._builder.command_data(command, path, options or {}, where)
        return await self._deliver(InteractionType.APPLICATION_COMMAND, data, where)

    async def autocomplete(
        self,
        guild_id: int | None,
        channel_id: int | None,
        user_id: int,
        name: str,
        focused: str,
        typed: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Deliver an autocomplete request: the user is typing ``typed`` into ``focused``."""
        where = self._where(guild_id, channel_id, user_id, locale)
        root, *path = name.split()
        command = self.backend.find_command(root, guild_id)
        values = {**(options or {}), focused: typed}
        data = self._builder.command_data(command, path, values, where, focused=focused)
        return await self._deliver(InteractionType.AUTOCOMPLETE, data, where)

    async def component(
        self,
        message_id: int,
        user_id: int,
        custom_id: str,
        *,
        values: list[str] | None = None,
        locale: str = "en-US",
    ) -> InteractionRecord:
        """Click a button (or choose ``values`` in a select) on a message the bot sent."""
        message = self.backend.messages[message_id]
        component = _enabled_component(message, custom_id)
        channel = self.world.channels[message.channel_id]
        where = self._where(channel.guild_id, channel.id, user_id, locale)
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if values is not None:
            data["values"] = values
        return await self._deliver(
            InteractionType.MESSAGE_COMPONENT, data, where, {"message": message.payload()}
        )

    def _where(
        self, guild_id: int | None, channel_id: int | None, user_id: int, locale: str
    ) -> Where:
        user = self.world.users[user_id]
        if guild_id is None:
            return Where(None, self.world.dm_channel_with(user), user, locale)
        guild = self.world.guilds[guild_id]
        if user_id not in guild.members:
            raise ValueError(f"user {user_id} is not a member of guild {guild_id}")
        if channel_id not in guild.channels:
            raise ValueError(f"channel {channel_id} is not in guild {guild_id}")
        return Where(guild, guild.channels[channel_id], user, locale)

    async def _deliver(
        self, kind: int, data: JSON, where: Where, extra: JSON | None = None
    ) -> InteractionRecord:
        # Discord delivers a guild's interaction on the shard that owns it; DMs on shard 0.
        session = self.gateway.session_for(where.guild.id if where.guild else None)
        payload = self._builder.envelope(kind, data, where) | (extra or {})
        record = InteractionRecord(
            id=int(payload["id"]),
            token=payload["token"],
            type=kind,
            payload=payload,
            created_at=self.clock(),
            notifier=self.notifier,
        )
        self.backend.interactions[record.id] = record
        self.backend.interactions_by_token[record.token] = record
        await session.dispatch("INTERACTION_CREATE", payload)
        return record

    # -- HTTP plumbing -----------------------------------------------------------------------

    async def _api_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path.removeprefix(API_PREFIX)
        payload, uploads = await _read_body(request)
        request[PAYLOAD] = payload
        request[UPLOADS] = uploads
        unknown_route = request.match_info.http_exception is not None
        response = await self._answer(request, path, handler)
        if self.response_delay > 0:
            await asyncio.sleep(self.response_delay)
        record = RequestRecord(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=payload,
            files=tuple(uploads),
            status=response.status,
            at=time.monotonic(),
        )
        self._file(record, unknown_route=unknown_route)
        self.notifier.notify()
        return response

    async def _answer(
        self, request: web.Request, path: str, handler: Handler
    ) -> web.StreamResponse:
        if request.match_info.http_exception is not None:
            return json_response({"message": "404: Not Found", "code": 0}, 404)
        route = request.match_info.route.resource
        template = route.canonical.removeprefix(API_PREFIX) if route is not None else path
        verdict = self.limiter.check(
            request.method,
            path,
            template,
            _major_parameter(request),
            global_exempt=path.startswith(_TOKEN_ROUTES),
        )
        if verdict.limited_body is not None:
            return json_response(verdict.limited_body, 429, verdict.headers)
        try:
            self._check_authorization(request, path)
            response = await handler(request)
        except ApiError as error:
            self.rejections.append(
                Rejection(
                    request.method, path, error.status, error.code, error.message, error.errors
                )
            )
            response = error_response(error)
        response.headers.update(verdict.headers)
        return response

    def _check_authorization(self, request: web.Request, path: str) -> None:
        if path.startswith(_TOKEN_ROUTES):
            return
        if request.headers.get("Authorization") != f"Bot {self.token}":
            raise ApiError(401, 0, "401: Unauthorized")

    def _file(self, record: RequestRecord, *, unknown_route: bool) -> None:
        self.requests.append(record)
        if unknown_route:
            self.unknown_routes.append(record)
        elif record.status == 429:
            self.rate_limited.append(record)


def _major_parameter(request: web.Request) -> str:
    info = request.match_info
    for key in ("channel_id", "guild_id"):
        if key in info:
            return info[key]
    owner = info.get("app_id") or info.get("interaction_id")
    return f"{owner}+{info['token']}" if owner and "token" in info else ""


def _enabled_component(message: StoredMessage, custom_id: str) -> JSON:
    for component in message.interactive_components():
        if component["custom_id"] == custom_id:
            if component.get("disabled"):
                raise ValueError(f"{custom_id!r} is disabled: Discord would not send the click")
            return component
    raise ValueError(f"message {message.id} has no component {custom_id!r}: {message.custom_ids()}")


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    """JSON bodies, and multipart ones (``payload_json`` plus ``files[n]``) as discord.py
    sends them when a message carries files."""
    if not request.can_read_body:
        return None, []
    if request.content_type == "multipart/form-data":
        return await _read_multipart(request)
    raw = await request.read()
    if request.content_type == "application/json" and raw:
        return json.loads(raw), []
    return None, []


async def _read_multipart(request: web.Request) -> tuple[Any, list[Upload]]:
    payload: Any = None
    uploads: list[Upload] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        data = bytes(await part.read())
        if part.name == "payload_json":
            payload = json.loads(data)
        elif part.filename is not None:
            content_type = part.headers.get("Content-Type", "application/octet-stream")
            uploads.append(Upload(part.filename, data, content_type))
    return payload, uploads
