"""Feed sources, the guilds following them, and the stories they bring
(news.feeds.ports.FeedRepository).

A feed is one row of ``sources`` (kind 'feed', key = its URL) however many guilds follow it,
so it is fetched once; ``guild_sources`` says who follows it, and through
``headline_sources`` every follower sees its stories.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from news.core.errors import InvalidInput
from news.core.models import NewHeadline
from news.feeds.sources import FeedSource, GuildFeed, feed_host, feed_identity

from db.backend import Database, Row, Session, Sql
from db.channel_inbox import channels_post, linked_keys, queue_for_channels
from db.headlines import dedupe_key, store_new_headlines
from db.locks import LockSpace, lock_scope
from db.times import from_unix_or_none, unix, unix_or_none

_INSERT_FEED = """
INSERT INTO sources (kind, key, title, site_link, ttl_minutes, next_poll_at, icon_url)
VALUES ('feed', :url, :title, :site_link, :ttl_minutes, :next_poll_at, :icon_url)
ON CONFLICT (key) DO UPDATE SET key = excluded.key
RETURNING *
"""
# Feeds on the URL's host, of which Python picks the one that is the same feed (feed_identity):
# http and https, tracking parameters, default port and trailing slash are one feed.
_FEEDS_ON_HOST = Sql(
    sqlite="""
SELECT * FROM sources WHERE kind = 'feed' AND instr(lower(key), :host) > 0 ORDER BY id
""",
    postgres="""
SELECT * FROM sources WHERE kind = 'feed' AND strpos(lower(key), :host) > 0 ORDER BY id
""",
)
_FOLLOWS = """
SELECT 1 FROM guild_sources WHERE guild_id = :guild_id AND source_id = :source_id
"""
_FOLLOWED_COUNT = """
SELECT count(*) AS n
  FROM guild_sources AS gs JOIN sources AS s ON s.id = gs.source_id
 WHERE gs.guild_id = :guild_id AND s.kind = 'feed'
"""
_FOLLOW = """
INSERT INTO guild_sources (guild_id, source_id, name, added_by, added_at)
VALUES (:guild_id, :source_id, :name, :added_by, :added_at)
ON CONFLICT (guild_id, source_id) DO UPDATE SET name = coalesce(excluded.name, guild_sources.name)
"""
_GUILD_FEEDS = """
SELECT s.*, gs.guild_id, gs.name, gs.added_by
  FROM guild_sources AS gs JOIN sources AS s ON s.id = gs.source_id
 WHERE gs.guild_id = :guild_id AND s.kind = 'feed'
 ORDER BY gs.added_at, s.id
"""
_UNFOLLOW = "DELETE FROM guild_sources WHERE guild_id = :guild_id AND source_id = :source_id"
_DELETE_IF_ORPHAN = """
DELETE FROM sources
 WHERE id = :source_id AND kind = 'feed'
   AND NOT EXISTS (SELECT 1 FROM guild_sources WHERE source_id = :source_id)
"""
_SOURCE = "SELECT * FROM sources WHERE id = :source_id AND kind = 'feed'"
_FOLLOWERS = "SELECT guild_id FROM guild_sources WHERE source_id = :source_id ORDER BY guild_id"
_DUE = """
SELECT s.* FROM sources AS s
 WHERE s.kind = 'feed' AND s.paused = 0 AND s.next_poll_at <= :now
   AND EXISTS (SELECT 1 FROM guild_sources AS gs WHERE gs.source_id = s.id)
 ORDER BY s.next_poll_at, s.id
 LIMIT :limit
"""
_RECORD_POLL = """
UPDATE sources
   SET title = :title, site_link = :site_link, etag = :etag, last_modified = :last_modified,
       next_poll_at = :next_poll_at, failure_count = :failure_count, last_error = :last_error,
       last_success_at = :last_success_at, paused = :paused, quiet_polls = :quiet_polls,
       ttl_minutes = :ttl_minutes, newest_item_at = :newest_item_at, icon_url = :icon_url
 WHERE id = :id
"""


class SqlFeedRepository:
    """news.feeds.ports.FeedRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

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
        async with self._db.transaction() as tx:
            # Across processes, the guild's count and the same-feed lookup hold until commit.
            await lock_scope(tx, LockSpace.GUILD_FEEDS, guild_id)
            await lock_scope(tx, LockSpace.FEED_HOST, feed_host(source.url))
            row = await _same_feed(tx, source.url) or await tx.fetch_one(
                _INSERT_FEED,
                {
                    "url": source.url,
                    "title": source.title,
                    "site_link": source.site_link,
                    "ttl_minutes": source.ttl_minutes,
                    "next_poll_at": unix_or_none(source.next_poll_at),
                    "icon_url": source.icon_url,
                },
            )
            assert row is not None  # RETURNING always yields the upserted row
            stored = source_from_row(row)
            ids = {"guild_id": guild_id, "source_id": stored.id}
            already = await tx.fetch_one(_FOLLOWS, ids) is not None
            if not already and limit is not None:
                await _refuse_past_limit(tx, guild_id, limit)
            await tx.execute(
                _FOLLOW,
                {**ids, "name": name, "added_by": added_by, "added_at": unix(added_at)},
            )
        return GuildFeed(guild_id, stored, name, added_by), already

    async def guild_feeds(self, guild_id: int) -> list[GuildFeed]:
        rows = await self._db.fetch_all(_GUILD_FEEDS, {"guild_id": guild_id})
        return [
            GuildFeed(row["guild_id"], source_from_row(row), row["name"], row["added_by"])
            for row in rows
        ]

    async def feed_source(self, source_id: int) -> FeedSource | None:
        row = await self._db.fetch_one(_SOURCE, {"source_id": source_id})
        return source_from_row(row) if row is not None else None

    async def unfollow_feed(self, guild_id: int, source_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_UNFOLLOW, {"guild_id": guild_id, "source_id": source_id})
            await tx.execute(_DELETE_IF_ORPHAN, {"source_id": source_id})

    async def followers(self, source_id: int) -> list[int]:
        rows = await self._db.fetch_all(_FOLLOWERS, {"source_id": source_id})
        return [int(row["guild_id"]) for row in rows]

    async def due_feeds(self, now: datetime, limit: int) -> list[FeedSource]:
        rows = await self._db.fetch_all(_DUE, {"now": unix(now), "limit": limit})
        return [source_from_row(row) for row in rows]

    async def record_poll(self, source: FeedSource) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                _RECORD_POLL,
                {
                    "id": source.id,
                    "title": source.title,
                    "site_link": source.site_link,
                    "etag": source.etag,
                    "last_modified": source.last_modified,
                    "next_poll_at": unix_or_none(source.next_poll_at),
                    "failure_count": source.failure_count,
                    "last_error": source.last_error,
                    "last_success_at": unix_or_none(source.last_success_at),
                    "paused": int(source.paused),
                    "quiet_polls": source.quiet_polls,
                    "ttl_minutes": source.ttl_minutes,
                    "newest_item_at": unix_or_none(source.newest_item_at),
                    "icon_url": source.icon_url,
                },
            )

    async def file_stories(
        self,
        source_id: int,
        headlines: Sequence[NewHeadline],
        *,
        alert: bool = True,
        arrived_at: datetime | None = None,
    ) -> tuple[int, int]:
        async with self._db.transaction() as tx:
            posted = alert and await channels_post(tx, source_id)
            linked = await linked_keys(tx, source_id, headlines) if posted else set()
            counts = await store_new_headlines(tx, headlines, source_id, alert=alert)
            if posted:
                fresh = [h for h in headlines if dedupe_key(h) not in linked]
                await queue_for_channels(tx, source_id, fresh, arrived_at or datetime.now(UTC))
            return counts


async def _refuse_past_limit(tx: Session, guild_id: int, limit: int) -> None:
    row = await tx.fetch_one(_FOLLOWED_COUNT, {"guild_id": guild_id})
    if row is not None and int(row["n"]) >= limit:
        raise InvalidInput("feed.too_many", limit=limit)


async def _same_feed(tx: Session, url: str) -> Row | None:
    """The stored feed that ``url`` names in another form, if any (the oldest first)."""
    host = feed_host(url)
    if not host:
        return None
    wanted = feed_identity(url)
    for row in await tx.fetch_all(_FEEDS_ON_HOST, {"host": host}):
        if feed_identity(row["key"]) == wanted:
            return row
    return None


def source_from_row(row: Row) -> FeedSource:
    return FeedSource(
        id=row["id"],
        url=row["key"],
        title=row["title"],
        site_link=row["site_link"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        next_poll_at=from_unix_or_none(row["next_poll_at"]),
        failure_count=row["failure_count"],
        last_error=row["last_error"],
        last_success_at=from_unix_or_none(row["last_success_at"]),
        paused=bool(row["paused"]),
        quiet_polls=row["quiet_polls"],
        ttl_minutes=row["ttl_minutes"],
        newest_item_at=from_unix_or_none(row["newest_item_at"]),
        icon_url=row["icon_url"],
    )
