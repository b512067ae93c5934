"""What feeds need from outside: a fetcher (bot.fetch), storage (db/) and a way to tell admins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from news.core.models import NewHeadline
from news.feeds.fetching import FetchResult
from news.feeds.sources import FeedSource, GuildFeed


class Fetcher(Protocol):
    """Fetches a URL from the web for feeds and article imports (bot.fetch.SafeFetcher)."""

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET `url`, redirects followed; a 304 result (not_modified) when the validators
        still hold. Raises news.feeds.fetching.FetchError, whose message a user may read."""


class FeedRepository(Protocol):
    """Feed sources, the guilds that follow them, and the stories they bring."""

    async def follow_feed(
        self,
        guild_id: int,
        source: FeedSource,
        *,
        name: str | None,
        added_by: int | None,
        added_at: datetime,
        limit: int | None = None,
    ) -> tuple[GuildFeed, bool]:
        """Create the source unless its URL is known (then keep its record), and let the guild
        follow it; True when the guild followed it already. With ``limit``, InvalidInput
        (feed.too_many) when the guild follows that many other feeds, checked atomically."""

    async def guild_feeds(self, guild_id: int) -> list[GuildFeed]:
        """The feeds a guild follows, in the order they were added."""

    async def feed_source(self, source_id: int) -> FeedSource | None:
        """The feed's stored state as of now (None once nobody follows it)."""

    async def unfollow_feed(self, guild_id: int, source_id: int) -> None:
        """The guild stops following the source; a source nobody follows is deleted with
        its links (its stories stay in the archive for the guilds that see them otherwise)."""

    async def followers(self, source_id: int) -> list[int]: ...

    async def due_feeds(self, now: datetime, limit: int) -> list[FeedSource]:
        """Unpaused feeds someone follows whose next poll is at or before ``now``, most
        overdue first."""

    async def record_poll(self, source: FeedSource) -> None:
        """Save the source's polling state (validators, next poll, failures, pause, title)."""

    async def file_stories(
        self,
        source_id: int,
        headlines: Sequence[NewHeadline],
        *,
        alert: bool = True,
        arrived_at: datetime | None = None,
    ) -> tuple[int, int]:
        """File the stories the archive lacks (one headline per canonical URL) and link all of
        them to the source; returns (filed now, linked in all). With ``alert``, the stories
        filed now wait for the alert matcher (not a feed's first, backfill poll), and the
        stories new to this source wait, stamped ``arrived_at``, for the channels that post
        the source (news.channels)."""


class FeedNotifier(Protocol):
    """Tells a guild's admins about its feeds (the bot posts it on Discord)."""

    async def feed_paused(self, guild_id: int, feed: GuildFeed) -> None: ...
