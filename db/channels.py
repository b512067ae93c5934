"""Channel feeds (news.channels.ports.ChannelRepository, SQLite or PostgreSQL): each server
feed's posting settings, the matcher's inbox (written by db/channel_inbox.py), the outbox of
reports and the posts that show them.

The outbox is the record that makes posting exactly-once: a story enters it once per server
feed (its primary key), is assigned to a post before the post is sent, and the post records
Discord's message id after; a post still 'sending' after a crash is in doubt.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

from news.channels.models import (
    ArrivedReport,
    BrokenFeed,
    ChannelFeed,
    ChannelPart,
    ChannelPost,
    NewPost,
    PostState,
    QueuedReport,
    Report,
    Via,
    WaitingReport,
)

from db.backend import Database, Row, Session, Sql, json_list_sql, part_columns, upsert_sql
from db.headlines import headline_from_row
from db.times import from_unix, unix

_GET = "SELECT * FROM channel_feeds WHERE guild_id = :guild_id AND source_id = :source_id"
_OF_GUILD = "SELECT * FROM channel_feeds WHERE guild_id = :guild_id ORDER BY source_id"
# The columns of each part of the settings that is written apart (see ChannelPart).
_PART_COLUMNS = {
    ChannelPart.CHANNEL: ("channel_id", "since", "broken", "broken_told"),
    ChannelPart.FILTER: ("include", "exclude"),
    ChannelPart.FORMAT: ("template",),
    ChannelPart.WEBHOOK: ("webhook", "webhook_told"),
}
_FEED_KEY = ("guild_id", "source_id")
_FEED_ROW = tuple(column for columns in _PART_COLUMNS.values() for column in columns)
# The source's newest stories, oldest of them first (the channel reads top to bottom).
_QUEUE_NEWEST = """
INSERT INTO channel_outbox (guild_id, source_id, headline_id, channel_id, queued_at)
SELECT CAST(:guild_id AS bigint), CAST(:source_id AS bigint), id, CAST(:channel_id AS bigint),
       CAST(:queued_at AS bigint) FROM (
    SELECT h.id, h.sort_key FROM headline_sources AS hs JOIN headlines AS h ON h.id = hs.headline_id
     WHERE hs.source_id = :source_id
     ORDER BY h.sort_key DESC LIMIT :limit) AS newest
 ORDER BY sort_key
ON CONFLICT DO NOTHING
RETURNING headline_id
"""
_INBOX = Sql(
    sqlite="""
SELECT i.source_id, i.headline_id, i.queued_at, h.title, h.summary,
       (SELECT json_group_array(company_id) FROM headline_companies
         WHERE headline_id = h.id) AS company_ids,
       (SELECT json_group_array(topic_id) FROM headline_topics
         WHERE headline_id = h.id) AS topic_ids
  FROM channel_inbox AS i JOIN headlines AS h ON h.id = i.headline_id
 ORDER BY i.queued_at, h.sort_key
 LIMIT :limit
""",
    postgres="""
SELECT i.source_id, i.headline_id, i.queued_at, h.title, h.summary,
       (SELECT coalesce(json_agg(company_id), '[]') FROM headline_companies
         WHERE headline_id = h.id) AS company_ids,
       (SELECT coalesce(json_agg(topic_id), '[]') FROM headline_topics
         WHERE headline_id = h.id) AS topic_ids
  FROM channel_inbox AS i JOIN headlines AS h ON h.id = i.headline_id
 ORDER BY i.queued_at, h.sort_key
 LIMIT :limit
""",
)
_POSTING = json_list_sql(
    """
SELECT * FROM channel_feeds
 WHERE channel_id IS NOT NULL AND broken IS NULL
   AND source_id IN {ids}
""",
    ids="bigint",
)
_QUEUE = """
INSERT INTO channel_outbox (guild_id, source_id, headline_id, channel_id, queued_at)
VALUES (:guild_id, :source_id, :headline_id, :channel_id, :queued_at)
ON CONFLICT DO NOTHING
"""
_LEAVE_INBOX = """
DELETE FROM channel_inbox WHERE source_id = :source_id AND headline_id = :headline_id
"""
_UNPLACED_WEEKS = """
SELECT DISTINCT h.week FROM channel_outbox AS o JOIN headlines AS h ON h.id = o.headline_id
 WHERE o.post_id IS NULL AND h.cluster_id IS NULL
"""
_WAITING = """
SELECT o.*, coalesce(h.cluster_id, h.id) AS story_id
  FROM channel_outbox AS o JOIN headlines AS h ON h.id = o.headline_id
 WHERE o.post_id IS NULL
 ORDER BY o.queued_at, h.sort_key
 LIMIT :limit
"""
_LIVE_POST = """
SELECT id FROM channel_posts
 WHERE channel_id = :channel_id AND story_id = :story_id AND created_at >= :since
   AND state IN ('sending', 'sent')
 ORDER BY id DESC LIMIT 1
"""
_INSERT_POST = """
INSERT INTO channel_posts (guild_id, channel_id, story_id, nonce, state, template, via, language,
                           created_at)
VALUES (:guild_id, :channel_id, :story_id, :nonce, 'sending', :template, :via, :language,
        :created_at)
RETURNING id
"""
_ASSIGN = """
UPDATE channel_outbox SET post_id = :post_id, shown = 0
 WHERE guild_id = :guild_id AND source_id = :source_id AND headline_id = :headline_id
"""
_GET_POST = "SELECT * FROM channel_posts WHERE id = :id"
# Its reports, the lead first, with the outlet: the server's name for the feed, else its title.
_POST_REPORTS = """
SELECT o.source_id, o.shown, v.*,
       coalesce(nullif(gs.name, ''), nullif(s.title, ''), s.key) AS outlet, s.icon_url
  FROM channel_outbox AS o
  JOIN headline_view AS v ON v.id = o.headline_id
  JOIN sources AS s ON s.id = o.source_id
  LEFT JOIN guild_sources AS gs ON gs.guild_id = o.guild_id AND gs.source_id = o.source_id
 WHERE o.post_id = :post_id
 ORDER BY o.queued_at, v.sort_key, o.source_id
"""
_SENT = """
UPDATE channel_posts SET state = 'sent', message_id = :message_id, webhook_id = :webhook_id,
       sent_at = :sent_at
 WHERE id = :id
"""
_SHOWN = "UPDATE channel_outbox SET shown = 1 WHERE post_id = :post_id"
_VIA = "UPDATE channel_posts SET via = :via WHERE id = :id"
_STATE = "UPDATE channel_posts SET state = :state WHERE id = :id"
_DETACH_UNSHOWN = "UPDATE channel_outbox SET post_id = NULL WHERE post_id = :post_id AND shown = 0"
_IN_DOUBT = "SELECT id FROM channel_posts WHERE state = 'sending' ORDER BY id"
_TO_EDIT = """
SELECT DISTINCT p.id FROM channel_outbox AS o JOIN channel_posts AS p ON p.id = o.post_id
 WHERE o.shown = 0 AND p.state = 'sent'
 ORDER BY p.id
"""
_BREAK = """
UPDATE channel_feeds SET broken = :reason
 WHERE guild_id = :guild_id AND source_id = :source_id AND channel_id IS NOT NULL
RETURNING broken_told
"""
_TOLD_BROKEN = """
UPDATE channel_feeds SET broken_told = 1 WHERE guild_id = :guild_id AND source_id = :source_id
"""
_WEBHOOK_TOLD = """
UPDATE channel_feeds SET webhook_told = 1
 WHERE guild_id = :guild_id AND source_id = :source_id AND webhook_told = 0
RETURNING 1 AS told
"""
_ALL_BROKEN = """
SELECT c.*, coalesce(nullif(gs.name, ''), nullif(s.title, ''), s.key) AS label
  FROM channel_feeds AS c
  JOIN sources AS s ON s.id = c.source_id
  JOIN guild_sources AS gs ON gs.guild_id = c.guild_id AND gs.source_id = c.source_id
 WHERE c.guild_id = :guild_id AND c.broken IS NOT NULL AND c.channel_id IS NOT NULL"""
_BROKEN = json_list_sql(_ALL_BROKEN + "\n   AND c.source_id IN {ids}\n", ids="bigint")


class SqlChannelRepository:
    """news.channels.ports.ChannelRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- settings ------------------------------------------------------------------------

    async def channel_feed(self, guild_id: int, source_id: int) -> ChannelFeed | None:
        row = await self._db.fetch_one(_GET, {"guild_id": guild_id, "source_id": source_id})
        return _feed(row) if row is not None else None

    async def channel_feeds(self, guild_id: int) -> list[ChannelFeed]:
        return [_feed(row) for row in await self._db.fetch_all(_OF_GUILD, {"guild_id": guild_id})]

    async def save_channel_feed(self, feed: ChannelFeed, parts: Collection[ChannelPart]) -> None:
        """Write ``parts`` of the feed's settings; the others stay as stored."""
        updating = part_columns(parts, _PART_COLUMNS)
        save = upsert_sql("channel_feeds", _FEED_KEY, _FEED_ROW, updating=updating)
        async with self._db.transaction() as tx:
            await tx.execute(save, _feed_params(feed))

    async def queue_newest(self, feed: ChannelFeed, limit: int, now: datetime) -> int:
        if feed.channel_id is None:
            return 0
        params = {
            "guild_id": feed.guild_id,
            "source_id": feed.source_id,
            "channel_id": feed.channel_id,
            "queued_at": unix(now),
            "limit": limit,
        }
        async with self._db.transaction() as tx:
            return len(await tx.fetch_all(_QUEUE_NEWEST, params))

    # --- matching --------------------------------------------------------------------------

    async def inbox(self, limit: int) -> list[ArrivedReport]:
        rows = await self._db.fetch_all(_INBOX, {"limit": limit})
        return [
            ArrivedReport(
                source_id=row["source_id"],
                headline_id=row["headline_id"],
                text=f"{row['title']}\n{row['summary']}",
                company_ids=tuple(json.loads(row["company_ids"])),
                topic_ids=tuple(json.loads(row["topic_ids"])),
                queued_at=from_unix(row["queued_at"]),
            )
            for row in rows
        ]

    async def posting_feeds(self, source_ids: Sequence[int]) -> list[ChannelFeed]:
        rows = await self._db.fetch_all(_POSTING, {"ids": json.dumps(list(source_ids))})
        return [_feed(row) for row in rows]

    async def queue_reports(
        self, reports: Sequence[QueuedReport], matched: Sequence[ArrivedReport], now: datetime
    ) -> None:
        queued_at = unix(now)
        async with self._db.transaction() as tx:
            await tx.executemany(_QUEUE, [_queued(r) | {"queued_at": queued_at} for r in reports])
            await tx.executemany(
                _LEAVE_INBOX,
                [{"source_id": a.source_id, "headline_id": a.headline_id} for a in matched],
            )

    # --- delivery --------------------------------------------------------------------------

    async def unplaced_weeks(self) -> set[str]:
        return {str(row["week"]) for row in await self._db.fetch_all(_UNPLACED_WEEKS)}

    async def waiting(self, limit: int) -> list[WaitingReport]:
        rows = await self._db.fetch_all(_WAITING, {"limit": limit})
        return [
            WaitingReport(
                guild_id=row["guild_id"],
                source_id=row["source_id"],
                headline_id=row["headline_id"],
                channel_id=row["channel_id"],
                story_id=row["story_id"],
                queued_at=from_unix(row["queued_at"]),
            )
            for row in rows
        ]

    async def live_post(self, channel_id: int, story_id: int, since: datetime) -> int | None:
        params = {"channel_id": channel_id, "story_id": story_id, "since": unix(since)}
        row = await self._db.fetch_one(_LIVE_POST, params)
        return int(row["id"]) if row is not None else None

    async def plan_post(
        self, post: NewPost, reports: Sequence[QueuedReport], now: datetime
    ) -> ChannelPost:
        params = {
            "guild_id": post.guild_id,
            "channel_id": post.channel_id,
            "story_id": post.story_id,
            "nonce": post.nonce,
            "template": post.template,
            "via": post.via,
            "language": post.language,
            "created_at": unix(now),
        }
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_INSERT_POST, params)
            assert row is not None  # RETURNING always yields the written row
            post_id = int(row["id"])
            await tx.executemany(_ASSIGN, [_queued(r) | {"post_id": post_id} for r in reports])
            return await _post(tx, post_id)

    async def attach(self, post_id: int, reports: Sequence[QueuedReport]) -> None:
        async with self._db.transaction() as tx:
            await tx.executemany(_ASSIGN, [_queued(r) | {"post_id": post_id} for r in reports])

    async def post(self, post_id: int) -> ChannelPost:
        async with self._db.snapshot() as reads:
            return await _post(reads, post_id)

    async def record_sent(
        self, post_id: int, message_id: int, webhook_id: int | None, now: datetime
    ) -> None:
        params = {"id": post_id, "message_id": message_id, "webhook_id": webhook_id}
        async with self._db.transaction() as tx:
            await tx.execute(_SENT, params | {"sent_at": unix(now)})
            await tx.execute(_SHOWN, {"post_id": post_id})

    async def record_edited(self, post_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_SHOWN, {"post_id": post_id})

    async def record_via(self, post_id: int, via: Via) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_VIA, {"id": post_id, "via": via})

    async def record_failed(self, post_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_STATE, {"id": post_id, "state": PostState.FAILED})

    async def record_gone(self, post_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_STATE, {"id": post_id, "state": PostState.GONE})
            await tx.execute(_DETACH_UNSHOWN, {"post_id": post_id})

    async def posts_in_doubt(self) -> list[ChannelPost]:
        async with self._db.snapshot() as reads:
            return [await _post(reads, int(row["id"])) for row in await reads.fetch_all(_IN_DOUBT)]

    async def posts_to_edit(self) -> list[ChannelPost]:
        async with self._db.snapshot() as reads:
            return [await _post(reads, int(row["id"])) for row in await reads.fetch_all(_TO_EDIT)]

    async def mark_broken(
        self, guild_id: int, source_ids: Sequence[int], reason: str
    ) -> list[BrokenFeed]:
        untold: list[int] = []
        async with self._db.transaction() as tx:
            for source_id in source_ids:
                ids = {"guild_id": guild_id, "source_id": source_id}
                row = await tx.fetch_one(_BREAK, ids | {"reason": reason[:300]})
                if row is not None and not row["broken_told"]:
                    untold.append(source_id)
                    await tx.execute(_TOLD_BROKEN, ids)
            rows = await tx.fetch_all(_BROKEN, {"guild_id": guild_id, "ids": json.dumps(untold)})
        return [_broken(row) for row in rows]

    async def mark_webhook_told(self, guild_id: int, source_id: int) -> bool:
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_WEBHOOK_TOLD, {"guild_id": guild_id, "source_id": source_id})
        return row is not None

    async def broken_feeds(self, guild_id: int) -> list[BrokenFeed]:
        rows = await self._db.fetch_all(_ALL_BROKEN, {"guild_id": guild_id})
        return [_broken(row) for row in rows]


async def _post(reads: Session, post_id: int) -> ChannelPost:
    row = await reads.fetch_one(_GET_POST, {"id": post_id})
    assert row is not None  # posts are never deleted
    reports = await reads.fetch_all(_POST_REPORTS, {"post_id": post_id})
    return ChannelPost(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        story_id=row["story_id"],
        nonce=row["nonce"],
        template=row["template"],
        via=Via(row["via"]),
        language=row["language"],
        id=row["id"],
        state=PostState(row["state"]),
        message_id=row["message_id"],
        webhook_id=row["webhook_id"],
        created_at=from_unix(row["created_at"]),
        reports=tuple(
            Report(
                source_id=r["source_id"],
                headline=headline_from_row(r),
                outlet=r["outlet"],
                icon_url=r["icon_url"],
                shown=bool(r["shown"]),
            )
            for r in reports
        ),
    )


def _feed(row: Row) -> ChannelFeed:
    return ChannelFeed(
        guild_id=row["guild_id"],
        source_id=row["source_id"],
        channel_id=row["channel_id"],
        since=from_unix(row["since"]),
        include=row["include"],
        exclude=row["exclude"],
        template=row["template"],
        webhook=bool(row["webhook"]),
        broken=row["broken"],
        broken_told=bool(row["broken_told"]),
        webhook_told=bool(row["webhook_told"]),
    )


def _feed_params(feed: ChannelFeed) -> dict[str, object]:
    return {
        "guild_id": feed.guild_id,
        "source_id": feed.source_id,
        "channel_id": feed.channel_id,
        "include": feed.include,
        "exclude": feed.exclude,
        "template": feed.template,
        "webhook": int(feed.webhook),
        "since": unix(feed.since),
        "broken": feed.broken,
        "broken_told": int(feed.broken_told),
        "webhook_told": int(feed.webhook_told),
    }


def _queued(report: QueuedReport) -> dict[str, object]:
    return {
        "guild_id": report.guild_id,
        "source_id": report.source_id,
        "headline_id": report.headline_id,
        "channel_id": report.channel_id,
    }


def _broken(row: Row) -> BrokenFeed:
    return BrokenFeed(
        guild_id=row["guild_id"],
        source_id=row["source_id"],
        label=row["label"],
        channel_id=row["channel_id"],
        reason=row["broken"] or "",
    )
