"""What the fake saw: requests, rejections, messages, interactions; and a way to wait for them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from testkit.fake_discord.models import JSON, Upload, iso_now

MESSAGE_FLAG_EPHEMERAL = 1 << 6
MESSAGE_FLAG_LOADING = 1 << 7


class Notifier:
    """Wakes waiters whose condition became true; the fake calls ``notify`` after every change."""

    def __init__(self) -> None:
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []

    def notify(self) -> None:
        pending = []
        for predicate, future in self._waiters:
            if future.done():
                continue
            if predicate():
                future.set_result(None)
            else:
                pending.append((predicate, future))
        self._waiters = pending

    async def wait_for(self, predicate: Callable[[], bool], *, within: float, what: str) -> None:
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            async with asyncio.timeout(within):
                await future
        except TimeoutError:
            raise TimeoutError(f"no {what} within {within} s") from None
        finally:
            future.cancel()


@dataclass(frozen=True)
class RequestRecord:
    """One REST request the bot made, with the status the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: tuple[Upload, ...]
    status: int
    at: float


@dataclass(frozen=True)
class Rejection:
    """A request the fake refused the way Discord would (everything but rate limits)."""

    method: str
    path: str
    status: int
    code: int
    message: str
    errors: JSON | None


@dataclass
class StoredMessage:
    id: int
    channel_id: int
    guild_id: int | None
    author: JSON
    content: str
    embeds: list[JSON]
    components: list[JSON]
    attachments: list[JSON]
    flags: int
    allowed_mentions: JSON | None
    interaction_id: int | None = None
    webhook_id: int | None = None
    nonce: str | None = None
    sent_at: float = 0.0  # on the fake's clock: Discord remembers a nonce for a few minutes
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False
    edits: list[JSON] = field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MESSAGE_FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True for the "thinking…" placeholder of a deferred response, until it is edited."""
        return bool(self.flags & MESSAGE_FLAG_LOADING)

    @property
    def mentions_disabled(self) -> bool:
        """Whether the message was sent with every mention (users, roles, everyone) off."""
        mentions = self.allowed_mentions
        if mentions is None:
            return False
        return (
            mentions.get("parse") == []
            and not mentions.get("users")
            and not mentions.get("roles")
            and not mentions.get("replied_user", False)
        )

    def custom_ids(self) -> list[str]:
        return [component["custom_id"] for component in self.interactive_components()]

    def interactive_components(self) -> list[JSON]:
        """Buttons and selects, wherever they sit in the rows."""
        found: list[JSON] = []
        pending = list(self.components)
        while pending:
            component = pending.pop(0)
            pending.extend(component.get("components", []))
            if "custom_id" in component:
                found.append(component)
        return found

    def payload(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": 0 if self.interaction_id is None else 20,
            "author": self.author,
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "attachments": self.attachments,
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": self.flags,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        return data


@dataclass(frozen=True)
class CallbackRecord:
    """The initial response to an interaction (callback type and its data)."""

    type: int
    data: JSON

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete choices (type 8)."""
        choices: list[JSON] = self.data.get("choices", [])
        return choices


@dataclass
class InteractionRecord:
    """An interaction the fake delivered, and everything the bot answered to it."""

    id: int
    token: str
    type: int
    payload: JSON
    created_at: float
    notifier: Notifier
    callback: CallbackRecord | None = None
    original: StoredMessage | None = None
    followups: list[StoredMessage] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.callback is not None

    async def wait_response(self, within: float = 2.0) -> CallbackRecord:
        """The initial callback, once the bot sent it."""
        await self.notifier.wait_for(
            lambda: self.callback is not None, within=within, what=f"response to {self.id}"
        )
        assert self.callback is not None
        return self.callback

    async def wait_followups(self, count: int = 1, within: float = 2.0) -> list[StoredMessage]:
        await self.notifier.wait_for(
            lambda: len(self.followups) >= count,
            within=within,
            what=f"{count} followup(s) to {self.id}",
        )
        return self.followups

    async def wait_reply(self, within: float = 2.0) -> StoredMessage:
        """The first message with content the user saw: the original once it is not
        "thinking…" any more, or else the first followup."""
        await self.notifier.wait_for(
            lambda: self._visible_reply() is not None, within=within, what=f"reply to {self.id}"
        )
        reply = self._visible_reply()
        assert reply is not None
        return reply

    def _visible_reply(self) -> StoredMessage | None:
        if self.original is not None and not self.original.loading:
            return self.original
        return self.followups[0] if self.followups else None
