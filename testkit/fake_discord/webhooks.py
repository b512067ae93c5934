"""Channel webhooks, as the bot makes and uses them to post under another name and avatar:
list and create them (Manage Webhooks), execute one (``?wait=true`` returns the message) and
edit its messages. Execution shares the path of interaction followups (``/webhooks/{id}/
{token}``): the REST backend hands a request here when the id is a channel webhook's."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from testkit.fake_discord.models import (
    ALL_PERMISSIONS,
    JSON,
    Channel,
    Perm,
    SnowflakeFactory,
    World,
)
from testkit.fake_discord.records import StoredMessage
from testkit.fake_discord.validation import ApiError, check_message_limits, check_not_empty

NAME_LIMIT = 80


@dataclass
class ChannelWebhook:
    id: int
    token: str
    channel_id: int
    guild_id: int | None
    name: str
    creator: JSON

    def payload(self, application_id: int) -> JSON:
        return {
            "id": str(self.id),
            "type": 1,
            "channel_id": str(self.channel_id),
            "guild_id": None if self.guild_id is None else str(self.guild_id),
            "name": self.name,
            "avatar": None,
            "token": self.token,
            "application_id": str(application_id),
            "user": self.creator,
        }


class Webhooks:
    def __init__(
        self,
        world: World,
        snowflakes: SnowflakeFactory,
        store: Callable[[StoredMessage], None],
        clock: Callable[[], float],
    ) -> None:
        self.world = world
        self._snowflakes = snowflakes
        self._store = store
        self._clock = clock
        self.hooks: dict[int, ChannelWebhook] = {}

    def knows(self, webhook_id: str) -> bool:
        return webhook_id.isdigit() and int(webhook_id) in self.hooks

    def _check_manage(self, channel: Channel) -> None:
        guild = self.world.guild_of(channel)
        permissions = ALL_PERMISSIONS if guild is None else guild.permissions_of(self.world.bot.id)
        if not permissions & Perm.MANAGE_WEBHOOKS:
            raise ApiError(403, 50013, "Missing Permissions")

    def list(self, channel: Channel) -> list[JSON]:
        self._check_manage(channel)
        return [
            hook.payload(self.world.application_id)
            for hook in self.hooks.values()
            if hook.channel_id == channel.id
        ]

    def create(self, channel: Channel, payload: JSON) -> JSON:
        self._check_manage(channel)
        name = str(payload.get("name") or "")
        if not 1 <= len(name) <= NAME_LIMIT or "discord" in name.lower():
            raise ApiError(400, 50035, "Invalid Form Body")
        hook = ChannelWebhook(
            self._snowflakes.next(),
            secrets.token_hex(16),
            channel.id,
            channel.guild_id,
            name,
            self.world.bot.payload(),
        )
        self.hooks[hook.id] = hook
        return hook.payload(self.world.application_id)

    def _hook(self, request: web.Request) -> ChannelWebhook:
        hook = self.hooks.get(int(request.match_info["app_id"]))
        if hook is None or hook.token != request.match_info["token"]:
            raise ApiError(404, 10015, "Unknown Webhook")
        if hook.channel_id not in self.world.channels:
            raise ApiError(404, 10015, "Unknown Webhook")
        return hook

    def execute(self, request: web.Request, payload: JSON) -> StoredMessage:
        hook = self._hook(request)
        check_message_limits(payload)
        check_not_empty(payload)
        username = str(payload.get("username") or hook.name)
        if len(username) > NAME_LIMIT or "discord" in username.lower():
            raise ApiError(400, 50035, "Invalid Form Body")
        message = StoredMessage(
            id=self._snowflakes.next(),
            channel_id=hook.channel_id,
            guild_id=hook.guild_id,
            author={
                "id": str(hook.id),
                "username": username,
                "discriminator": "0000",
                "avatar": None,
                "bot": True,
                "avatar_url": payload.get("avatar_url"),
            },
            content=payload.get("content") or "",
            embeds=payload.get("embeds") or [],
            components=[],
            attachments=[],
            flags=int(payload.get("flags") or 0),
            allowed_mentions=payload.get("allowed_mentions"),
            webhook_id=hook.id,
        )
        message.sent_at = self._clock()
        self._store(message)
        return message

    def message(self, request: web.Request, messages: dict[int, StoredMessage]) -> StoredMessage:
        hook = self._hook(request)
        message = messages.get(int(request.match_info["message_id"]))
        if message is None or message.deleted or message.webhook_id != hook.id:
            raise ApiError(404, 10008, "Unknown Message")
        return message
