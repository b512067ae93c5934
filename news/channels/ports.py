"""What channel feeds need from outside: storage (db/channels.py) and a sender (the Discord
adapter, cogs/feeds/delivery.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from news.channels.models import (
    ArrivedReport,
    BrokenFeed,
    ChannelFeed,
    ChannelPart,
    ChannelPost,
    NewPost,
    QueuedReport,
    Via,
    WaitingReport,
)


class ChannelRepository(Protocol):
    async def channel_feed(self, guild_id: int, source_id: int) -> ChannelFeed | None: ...

    async def channel_feeds(self, guild_id: int) -> list[ChannelFeed]: ...

    async def save_channel_feed(self, feed: ChannelFeed, parts: Collection[ChannelPart]) -> None:
        """Write ``parts`` of the feed's posting settings (the guild must follow the source);
        the others stay as stored (settings saved the first time take them from ``feed``)."""

    async def queue_newest(self, feed: ChannelFeed, limit: int, now: datetime) -> int:
        """Queue the source's ``limit`` newest stories for the feed's channel; how many."""

    async def inbox(self, limit: int) -> list[ArrivedReport]:
        """The oldest stories waiting for the channel matcher."""

    async def posting_feeds(self, source_ids: Sequence[int]) -> list[ChannelFeed]:
        """The feeds of these sources that post to a working channel, every server's."""

    async def queue_reports(
        self, reports: Sequence[QueuedReport], matched: Sequence[ArrivedReport], now: datetime
    ) -> None:
        """Queue the reports (each once, ever) and empty the matched inbox rows, together."""

    async def unplaced_weeks(self) -> set[str]:
        """The weeks of waiting reports whose headline has no story yet."""

    async def waiting(self, limit: int) -> list[WaitingReport]:
        """Reports without a post, oldest first."""

    async def live_post(self, channel_id: int, story_id: int, since: datetime) -> int | None:
        """The channel's post of the story created since ``since`` that is sent (or being
        sent), the newest; None when there is none."""

    async def plan_post(
        self, post: NewPost, reports: Sequence[QueuedReport], now: datetime
    ) -> ChannelPost:
        """Create the post ('sending') and assign the reports to it, before it is sent."""

    async def attach(self, post_id: int, reports: Sequence[QueuedReport]) -> None:
        """Assign the reports to a post already sent; they show at its next edit."""

    async def post(self, post_id: int) -> ChannelPost: ...

    async def record_sent(
        self, post_id: int, message_id: int, webhook_id: int | None, now: datetime
    ) -> None:
        """The post's message exists: its id on record, every report of it shown."""

    async def record_edited(self, post_id: int) -> None:
        """Every report of the post is shown in its message."""

    async def record_via(self, post_id: int, via: Via) -> None: ...

    async def record_failed(self, post_id: int) -> None: ...

    async def record_gone(self, post_id: int) -> None:
        """The message was deleted: the post is gone and its unshown reports wait again."""

    async def posts_in_doubt(self) -> list[ChannelPost]: ...

    async def posts_to_edit(self) -> list[ChannelPost]:
        """Sent posts with reports not shown yet (an edit cut short)."""

    async def mark_broken(
        self, guild_id: int, source_ids: Sequence[int], reason: str
    ) -> list[BrokenFeed]:
        """The feeds stop posting until their channel is set again; those whose admins were
        not told yet are returned, now marked as told."""

    async def mark_webhook_told(self, guild_id: int, source_id: int) -> bool:
        """True the first time only (the admins hear once)."""

    async def broken_feeds(self, guild_id: int) -> list[BrokenFeed]: ...


class ChannelSender(Protocol):
    """Posts, edits and finds channel posts (cogs/feeds/delivery.py); paces itself."""

    async def send(self, post: ChannelPost) -> tuple[int, int | None]:
        """The message's id and the webhook's (None when the bot posted). Raises PostRefused
        for a channel that refuses it, WebhookRefused when the webhook cannot be used."""

    async def edit(self, post: ChannelPost) -> None:
        """Show every report of the post. Raises PostGone when the message was deleted."""

    async def find(self, post: ChannelPost) -> int | None:
        """The message of a post in doubt, when it was sent after all."""
