"""REST endpoints the bot uses, with the checks Discord makes before it accepts a request."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from testkit.fake_discord.gateway import application_flags
from testkit.fake_discord.interactions import InteractionType
from testkit.fake_discord.models import (
    ALL_PERMISSIONS,
    JSON,
    Channel,
    ChannelType,
    Perm,
    SnowflakeFactory,
    Upload,
    World,
    iso_now,
)
from testkit.fake_discord.records import (
    MESSAGE_FLAG_EPHEMERAL,
    MESSAGE_FLAG_LOADING,
    CallbackRecord,
    InteractionRecord,
    StoredMessage,
)
from testkit.fake_discord.validation import (
    ApiError,
    check_choices,
    check_commands,
    check_message_limits,
    check_not_empty,
    invalid_form_body,
)
from testkit.fake_discord.webhooks import Webhooks

RESPONSE_DEADLINE = 3.0
TOKEN_LIFETIME = 15 * 60.0
# How long Discord remembers a message nonce: a repeat with enforce_nonce returns the first
# message, and the nonce is echoed on the message, only within this window.
NONCE_WINDOW = 5 * 60.0
HISTORY_LIMIT = 100
THREAD_NAME_LIMIT = 100

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# The body, parsed once by the middleware (JSON or multipart) for handlers and records.
PAYLOAD = web.RequestKey[Any]("payload")
UPLOADS = web.RequestKey[list[Upload]]("uploads")


class CallbackType:
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9


# Which callbacks Discord accepts for which interaction type.
_MESSAGE_CALLBACKS = {CallbackType.CHANNEL_MESSAGE, CallbackType.DEFERRED_CHANNEL_MESSAGE}
_UPDATE_CALLBACKS = {CallbackType.UPDATE_MESSAGE, CallbackType.DEFERRED_UPDATE_MESSAGE}
_ALLOWED_CALLBACKS = {
    InteractionType.APPLICATION_COMMAND: _MESSAGE_CALLBACKS | {CallbackType.MODAL},
    InteractionType.MESSAGE_COMPONENT: _MESSAGE_CALLBACKS
    | _UPDATE_CALLBACKS
    | {CallbackType.MODAL},
    InteractionType.AUTOCOMPLETE: {CallbackType.AUTOCOMPLETE_RESULT},
    InteractionType.MODAL_SUBMIT: _MESSAGE_CALLBACKS | _UPDATE_CALLBACKS,
}


def json_response(
    data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py reads the body as text if a charset follows.
    all_headers = {"Content-Type": "application/json"} | (headers or {})
    body = json.dumps(data, ensure_ascii=False).encode()
    return web.Response(body=body, status=status, headers=all_headers)


def error_response(error: ApiError) -> web.Response:
    return json_response(error.body(), error.status)


def no_content() -> web.Response:
    return web.Response(status=204)


def unknown(kind: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {kind}")


class Backend:
    """State the REST API reads and writes: messages, interactions, commands, files."""

    def __init__(
        self,
        world: World,
        snowflakes: SnowflakeFactory,
        clock: Callable[[], float],
        base_url: Callable[[], str],
        granted_intents: int,
    ) -> None:
        self.world = world
        self._snowflakes = snowflakes
        self.clock = clock
        self._base_url = base_url
        self._granted_intents = granted_intents
        self.messages: dict[int, StoredMessage] = {}
        self.messages_by_channel: dict[int, list[StoredMessage]] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.commands: dict[int | None, list[JSON]] = {}
        self.files: dict[int, Upload] = {}
        self.webhooks = Webhooks(world, snowflakes, self._keep, clock)

    def _keep(self, message: StoredMessage) -> None:
        self.messages[message.id] = message
        self.messages_by_channel.setdefault(message.channel_id, []).append(message)

    def routes(self) -> list[tuple[str, str, Handler]]:
        return [
            ("GET", "/users/@me", self.get_me),
            ("GET", "/users/{user_id}", self.get_user),
            ("GET", "/oauth2/applications/@me", self.get_application),
            ("GET", "/applications/{app_id}/commands", self.get_commands),
            ("PUT", "/applications/{app_id}/commands", self.put_commands),
            ("GET", "/applications/{app_id}/guilds/{guild_id}/commands", self.get_commands),
            ("PUT", "/applications/{app_id}/guilds/{guild_id}/commands", self.put_commands),
            ("GET", "/guilds/{guild_id}", self.get_guild),
            ("GET", "/channels/{channel_id}", self.get_channel),
            ("GET", "/channels/{channel_id}/messages", self.get_messages),
            ("POST", "/channels/{channel_id}/messages", self.post_message),
            (
                "POST",
                "/channels/{channel_id}/messages/{message_id}/threads",
                self.start_thread,
            ),
            ("GET", "/channels/{channel_id}/messages/{message_id}", self.get_message),
            ("PATCH", "/channels/{channel_id}/messages/{message_id}", self.patch_message),
            ("DELETE", "/channels/{channel_id}/messages/{message_id}", self.delete_message),
            ("GET", "/channels/{channel_id}/webhooks", self.get_webhooks),
            ("POST", "/channels/{channel_id}/webhooks", self.create_webhook),
            ("POST", "/users/@me/channels", self.open_dm),
            ("POST", "/interactions/{interaction_id}/{token}/callback", self.callback),
            ("POST", "/webhooks/{app_id}/{token}", self.followup),
            ("GET", "/webhooks/{app_id}/{token}/messages/{message_id}", self.get_webhook_message),
            (
                "PATCH",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self.edit_webhook_message,
            ),
            (
                "DELETE",
                "/webhooks/{app_id}/{token}/messages/{message_id}",
                self.delete_webhook_message,
            ),
        ]

    # -- files -------------------------------------------------------------------------------

    def attach(self, upload: Upload, channel_id: int) -> JSON:
        """Keep an uploaded file and describe it as an attachment the fake itself serves."""
        attachment_id = self._snowflakes.next()
        self.files[attachment_id] = upload
        url = f"{self._base_url()}/attachments/{channel_id}/{attachment_id}/{upload.filename}"
        return {
            "id": str(attachment_id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            "content_type": upload.content_type,
        }

    async def serve_file(self, request: web.Request) -> web.StreamResponse:
        upload = self.files.get(int(request.match_info["attachment_id"]))
        if upload is None or upload.filename != request.match_info["filename"]:
            raise web.HTTPNotFound()
        return web.Response(body=upload.data, headers={"Content-Type": upload.content_type})

    # -- users and application ---------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.StreamResponse:
        extra = {"verified": True, "mfa_enabled": False, "flags": 0, "locale": "en-US"}
        return json_response(self.world.bot.payload() | extra)

    async def get_user(self, request: web.Request) -> web.StreamResponse:
        user = self.world.users.get(int(request.match_info["user_id"]))
        if user is None:
            raise unknown("User", 10013)
        return json_response(user.payload())

    async def get_application(self, request: web.Request) -> web.StreamResponse:
        bot = self.world.bot.payload()
        return json_response(
            {
                "id": str(self.world.application_id),
                "name": self.world.bot.username,
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": bot,
                "bot": bot,
                "team": None,
                "summary": "",
                "verify_key": "0" * 64,
                "flags": application_flags(self._granted_intents),
                "interactions_endpoint_url": None,
            }
        )

    # -- commands ----------------------------------------------------------------------------

    def _command_scope(self, request: web.Request) -> int | None:
        if int(request.match_info["app_id"]) != self.world.application_id:
            raise ApiError(403, 50001, "Missing Access")
        raw_guild = request.match_info.get("guild_id")
        if raw_guild is None:
            return None
        guild = self.world.guilds.get(int(raw_guild))
        if guild is None or self.world.bot.id not in guild.members:
            raise ApiError(403, 50001, "Missing Access")
        return guild.id

    async def get_commands(self, request: web.Request) -> web.StreamResponse:
        return json_response(self.commands.get(self._command_scope(request), []))

    async def put_commands(self, request: web.Request) -> web.StreamResponse:
        scope = self._command_scope(request)
        submitted: list[JSON] = request[PAYLOAD]
        check_commands(submitted)
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(scope, [])}
        stored = [self._stored_command(command, scope, previous) for command in submitted]
        self.commands[scope] = stored
        return json_response(stored)

    def _stored_command(
        self, command: JSON, scope: int | None, previous: dict[tuple[str, int], str]
    ) -> JSON:
        # Discord keeps a command's id across syncs as long as its name and type stay.
        key = (command["name"], command.get("type", 1))
        stored = {
            "type": 1,
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
        } | command
        stored["id"] = previous.get(key) or str(self._snowflakes.next())
        stored["application_id"] = str(self.world.application_id)
        stored["version"] = str(self._snowflakes.next())
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    def find_command(self, name: str, guild_id: int | None, kind: int = 1) -> JSON:
        """The synced command a user would pick: the guild's own first, then a global one."""
        scopes = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self.commands.get(scope, []):
                if command["name"] == name and command.get("type", 1) == kind:
                    return command
        synced = sorted(c["name"] for scope in scopes for c in self.commands.get(scope, []))
        raise LookupError(f"/{name} was not synced where the user is (synced: {synced})")

    # -- channels and messages ---------------------------------------------------------------

    def _channel(self, request: web.Request) -> Channel:
        channel = self.world.channels.get(int(request.match_info["channel_id"]))
        if channel is None:
            raise unknown("Channel", 10003)
        return channel

    def _channel_message(self, request: web.Request) -> StoredMessage:
        channel = self._channel(request)
        message = self.messages.get(int(request.match_info["message_id"]))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise unknown("Message", 10008)
        return message

    async def get_guild(self, request: web.Request) -> web.StreamResponse:
        """GET /guilds/{id}: the guild without its members and channels (as Discord's REST)."""
        guild = self.world.guilds.get(int(request.match_info["guild_id"]))
        if guild is None:
            raise ApiError(404, 10004, "Unknown Guild")
        payload = guild.payload(members=[])
        for gateway_only in ("members", "channels", "threads", "voice_states", "presences"):
            payload.pop(gateway_only, None)
        return json_response(payload)

    async def get_channel(self, request: web.Request) -> web.StreamResponse:
        return json_response(self.world.channel_payload(self._channel(request)))

    async def open_dm(self, request: web.Request) -> web.StreamResponse:
        user = self.world.users.get(int(request[PAYLOAD].get("recipient_id", 0)))
        if user is None:
            raise ApiError(400, 50033, "Invalid Recipient(s)")
        return json_response(self.world.channel_payload(self.world.dm_channel_with(user)))

    async def post_message(self, request: web.Request) -> web.StreamResponse:
        channel = self._channel(request)
        self._check_can_send(channel)
        payload: JSON = request[PAYLOAD]
        check_message_limits(payload)
        check_not_empty(payload)
        repeat = self._nonce_repeat(channel, payload)
        if repeat is not None:
            return json_response(self.message_payload(repeat))
        message = self.create_message(channel, payload, request[UPLOADS])
        message.nonce = None if payload.get("nonce") is None else str(payload["nonce"])
        message.sent_at = self.clock()
        return json_response(self.message_payload(message))

    def _nonce_repeat(self, channel: Channel, payload: JSON) -> StoredMessage | None:
        """The message an enforce_nonce send repeats, when Discord still remembers it."""
        nonce = payload.get("nonce")
        if nonce is None or not payload.get("enforce_nonce"):
            return None
        for message in reversed(self.messages_by_channel.get(channel.id, [])):
            if message.nonce == str(nonce) and self._remembers_nonce(message):
                return message
        return None

    def _remembers_nonce(self, message: StoredMessage) -> bool:
        return self.clock() - message.sent_at <= NONCE_WINDOW

    def message_payload(self, message: StoredMessage) -> JSON:
        """A message as the REST API returns it: with its nonce while Discord remembers it."""
        payload = message.payload()
        if message.nonce is not None and self._remembers_nonce(message):
            payload["nonce"] = message.nonce
        return payload

    async def get_messages(self, request: web.Request) -> web.StreamResponse:
        """Channel history, newest first (``limit`` only: no before/after paging)."""
        channel = self._channel(request)
        permissions = self._bot_permissions(channel)
        if not permissions & Perm.VIEW_CHANNEL or not permissions & Perm.READ_MESSAGE_HISTORY:
            raise ApiError(403, 50001, "Missing Access")
        limit = min(int(request.query.get("limit", 50)), HISTORY_LIMIT)
        visible = [m for m in self.messages_by_channel.get(channel.id, []) if not m.deleted]
        newest = [m for m in reversed(visible) if not m.ephemeral][:limit]
        return json_response([self.message_payload(message) for message in newest])

    async def start_thread(self, request: web.Request) -> web.StreamResponse:
        """A public thread under a message: registered as a channel of type 11."""
        message = self._channel_message(request)
        name = str(request[PAYLOAD].get("name") or "")
        if not 1 <= len(name) <= THREAD_NAME_LIMIT:
            raise invalid_form_body([(("name",), "BASE_TYPE_BAD_LENGTH", "Bad length")])
        parent = self.world.channels[message.channel_id]
        thread = Channel(
            message.id, ChannelType.PUBLIC_THREAD, name, parent.guild_id, parent_id=parent.id
        )
        self.world.channels[thread.id] = thread
        return json_response(
            {
                **thread.payload(),
                "owner_id": str(self.world.bot.id),
                "last_message_id": None,
                "message_count": 0,
                "member_count": 1,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": iso_now(),
                    "locked": False,
                },
            }
        )

    def _bot_permissions(self, channel: Channel) -> int:
        guild = self.world.guild_of(channel)
        return ALL_PERMISSIONS if guild is None else guild.permissions_of(self.world.bot.id)

    def _check_can_send(self, channel: Channel) -> None:
        if channel.is_dm:
            recipient = self.world.users[channel.recipient_id or 0]
            if not recipient.accepts_dms:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if channel.type is not ChannelType.GUILD_TEXT:
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        permissions = self._bot_permissions(channel)
        if not permissions & Perm.VIEW_CHANNEL:
            raise ApiError(403, 50001, "Missing Access")
        if not permissions & Perm.SEND_MESSAGES:
            raise ApiError(403, 50013, "Missing Permissions")

    def create_message(
        self,
        channel: Channel,
        payload: JSON,
        uploads: list[Upload],
        *,
        interaction: InteractionRecord | None = None,
        extra_flags: int = 0,
    ) -> StoredMessage:
        message = StoredMessage(
            id=self._snowflakes.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=self.world.bot.payload(),
            content=payload.get("content") or "",
            embeds=payload.get("embeds") or [],
            components=payload.get("components") or [],
            attachments=[self.attach(upload, channel.id) for upload in uploads],
            flags=int(payload.get("flags") or 0) | extra_flags,
            allowed_mentions=payload.get("allowed_mentions"),
            interaction_id=None if interaction is None else interaction.id,
            webhook_id=None if interaction is None else self.world.application_id,
        )
        self.messages[message.id] = message
        self.messages_by_channel.setdefault(channel.id, []).append(message)
        return message

    def edit_message(
        self,
        message: StoredMessage,
        payload: JSON,
        uploads: list[Upload],
        prefix: tuple[str, ...] = (),
    ) -> None:
        """Apply an edit the way Discord does: omitted fields stay, the result may not be empty."""
        check_message_limits(payload, prefix)
        content: str = payload.get("content", message.content) or ""
        embeds: list[JSON] = payload.get("embeds", message.embeds) or []
        components: list[JSON] = payload.get("components", message.components) or []
        attachments = self._attachments_after_edit(message, payload, uploads)
        check_not_empty(
            {
                "content": content,
                "embeds": embeds,
                "components": components,
                "attachments": attachments,
            }
        )
        message.content = content
        message.embeds = embeds
        message.components = components
        message.attachments = attachments
        if "allowed_mentions" in payload:
            message.allowed_mentions = payload["allowed_mentions"]
        message.flags &= ~MESSAGE_FLAG_LOADING
        message.edited_timestamp = iso_now()
        message.edits.append(payload)

    def _attachments_after_edit(
        self, message: StoredMessage, payload: JSON, uploads: list[Upload]
    ) -> list[JSON]:
        if "attachments" not in payload:
            return message.attachments
        kept_ids = {str(item.get("id")) for item in payload["attachments"] or []}
        kept = [item for item in message.attachments if item["id"] in kept_ids]
        return kept + [self.attach(upload, message.channel_id) for upload in uploads]

    async def get_message(self, request: web.Request) -> web.StreamResponse:
        return json_response(self._channel_message(request).payload())

    async def patch_message(self, request: web.Request) -> web.StreamResponse:
        message = self._channel_message(request)
        if message.author["id"] != str(self.world.bot.id):
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.edit_message(message, request[PAYLOAD], request[UPLOADS])
        return json_response(message.payload())

    async def delete_message(self, request: web.Request) -> web.StreamResponse:
        self._channel_message(request).deleted = True
        return no_content()

    # -- interactions ------------------------------------------------------------------------

    async def callback(self, request: web.Request) -> web.StreamResponse:
        record = self.interactions.get(int(request.match_info["interaction_id"]))
        late = record is not None and self.clock() - record.created_at > RESPONSE_DEADLINE
        if record is None or record.token != request.match_info["token"] or late:
            raise unknown("interaction", 10062)
        if record.acknowledged:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        payload: JSON = request[PAYLOAD]
        kind = int(payload.get("type", 0))
        if kind not in _ALLOWED_CALLBACKS.get(record.type, set()):
            raise invalid_form_body([(("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "Invalid")])
        data: JSON = payload.get("data") or {}
        self._apply_callback(record, kind, data, request[UPLOADS])
        record.callback = CallbackRecord(kind, data)
        return json_response(self._callback_answer(record, kind))

    def _apply_callback(
        self, record: InteractionRecord, kind: int, data: JSON, uploads: list[Upload]
    ) -> None:
        channel = self.world.channels[int(record.payload["channel_id"])]
        if kind == CallbackType.CHANNEL_MESSAGE:
            check_message_limits(data, ("data",))
            check_not_empty(data)
            record.original = self.create_message(channel, data, uploads, interaction=record)
        elif kind == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            flags = int(data.get("flags") or 0) & MESSAGE_FLAG_EPHEMERAL
            placeholder = {"flags": flags}
            record.original = self.create_message(
                channel, placeholder, [], interaction=record, extra_flags=MESSAGE_FLAG_LOADING
            )
        elif kind in (CallbackType.UPDATE_MESSAGE, CallbackType.DEFERRED_UPDATE_MESSAGE):
            if "message" not in record.payload:
                raise invalid_form_body(
                    [(("type",), "INTERACTION_RESPONSE_TYPE_INVALID", "No msg")]
                )
            record.original = self.messages[int(record.payload["message"]["id"])]
            if kind == CallbackType.UPDATE_MESSAGE:
                self.edit_message(record.original, data, uploads, ("data",))
        elif kind == CallbackType.AUTOCOMPLETE_RESULT:
            check_choices(data)

    def _callback_answer(self, record: InteractionRecord, kind: int) -> JSON:
        """The ``?with_response=1`` body discord.py parses after every callback."""
        message = record.original
        shows_message = message is not None and kind != CallbackType.DEFERRED_UPDATE_MESSAGE
        interaction: JSON = {"id": str(record.id), "type": record.type}
        if shows_message and message is not None:
            interaction |= {
                "response_message_id": str(message.id),
                "response_message_loading": message.loading,
                "response_message_ephemeral": message.ephemeral,
            }
            return {
                "interaction": interaction,
                "resource": {"type": kind, "message": message.payload()},
            }
        return {"interaction": interaction}

    def _webhook_interaction(self, request: web.Request) -> InteractionRecord:
        record = self.interactions_by_token.get(request.match_info["token"])
        app_matches = request.match_info["app_id"] == str(self.world.application_id)
        if record is None or not app_matches:
            raise unknown("Webhook", 10015)
        if self.clock() - record.created_at > TOKEN_LIFETIME:
            raise ApiError(401, 50027, "Invalid Webhook Token")
        return record

    async def get_webhooks(self, request: web.Request) -> web.StreamResponse:
        return json_response(self.webhooks.list(self._channel(request)))

    async def create_webhook(self, request: web.Request) -> web.StreamResponse:
        return json_response(self.webhooks.create(self._channel(request), request[PAYLOAD]))

    async def followup(self, request: web.Request) -> web.StreamResponse:
        if self.webhooks.knows(request.match_info["app_id"]):
            message = self.webhooks.execute(request, request[PAYLOAD])
            return json_response(self.message_payload(message))
        record = self._webhook_interaction(request)
        if not record.acknowledged:
            # Discord has no webhook for an interaction nobody answered yet.
            raise unknown("Webhook", 10015)
        payload: JSON = request[PAYLOAD]
        check_message_limits(payload)
        check_not_empty(payload)
        channel = self.world.channels[int(record.payload["channel_id"])]
        message = self.create_message(channel, payload, request[UPLOADS], interaction=record)
        record.followups.append(message)
        return json_response(message.payload())

    def _webhook_message(self, request: web.Request) -> StoredMessage:
        record = self._webhook_interaction(request)
        wanted = request.match_info["message_id"]
        if wanted == "@original":
            candidates = [record.original] if record.original is not None else []
        else:
            candidates = [
                m for m in [record.original, *record.followups] if m and str(m.id) == wanted
            ]
        if not candidates or candidates[0].deleted:
            raise unknown("Message", 10008)
        return candidates[0]

    async def get_webhook_message(self, request: web.Request) -> web.StreamResponse:
        return json_response(self._webhook_message(request).payload())

    async def edit_webhook_message(self, request: web.Request) -> web.StreamResponse:
        if self.webhooks.knows(request.match_info["app_id"]):
            message = self.webhooks.message(request, self.messages)
            self.edit_message(message, request[PAYLOAD], request[UPLOADS])
            return json_response(message.payload())
        message = self._webhook_message(request)
        self.edit_message(message, request[PAYLOAD], request[UPLOADS])
        return json_response(message.payload())

    async def delete_webhook_message(self, request: web.Request) -> web.StreamResponse:
        self._webhook_message(request).deleted = True
        return no_content()
