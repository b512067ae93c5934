"""SqlFeedRepository on real SQLite: following, due feeds, poll records, filing stories."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from db import Database, SqlArchiveRepository, SqlFeedRepository
from db.sqlite.database import bundled_migrations
from news.core.models import HeadlineQuery, NewHeadline
from news.feeds.sources import FeedSource

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
URL = "https://wire.test/feed.xml"


def new_source(url: str = URL, *, due: datetime = NOW) -> FeedSource:
    return FeedSource(id=0, url=url, title="Wire", next_poll_at=due)


def story(n: int) -> NewHeadline:
    return NewHeadline(f"Story {n}", f"https://wire.test/{n}", "", "en", NOW)


async def follow(repo: SqlFeedRepository, guild_id: int, source: FeedSource) -> FeedSource:
    followed, _ = await repo.follow_feed(guild_id, source, name=None, added_by=None, added_at=NOW)
    return followed.source


async def test_two_guilds_following_one_url_share_one_source(database: Database) -> None:
    repo = SqlFeedRepository(database)

    first = await follow(repo, 1, new_source())
    second = await follow(repo, 2, new_source())

    assert first.id == second.id
    assert await repo.followers(first.id) == [1, 2]


async def test_due_feeds_skip_paused_and_later_feeds(database: Database) -> None:
    repo = SqlFeedRepository(database)
    due = await follow(repo, 1, new_source("https://a.test/f"))
    paused = await follow(repo, 1, new_source("https://b.test/f"))
    await repo.record_poll(replace(paused, paused=True))
    await follow(repo, 1, new_source("https://c.test/f", due=NOW + timedelta(minutes=1)))

    assert [source.id for source in await repo.due_feeds(NOW, 10)] == [due.id]


async def test_a_poll_record_reads_back_as_written(database: Database) -> None:
    repo = SqlFeedRepository(database)
    source = await follow(repo, 1, new_source())
    polled = replace(
        source,
        etag='"v2"',
        last_modified="Wed, 25 Nov 2026 11:00:00 GMT",
        next_poll_at=NOW + timedelta(minutes=15),
        failure_count=2,
        last_error="HTTP 500",
        last_success_at=NOW,
        quiet_polls=3,
        ttl_minutes=60,
    )

    await repo.record_poll(polled)

    [feed] = await repo.guild_feeds(1)
    assert feed.source == polled


async def test_the_last_guild_unfollowing_deletes_the_source(database: Database) -> None:
    repo = SqlFeedRepository(database)
    source = await follow(repo, 1, new_source())
    await repo.record_poll(replace(source, failure_count=3, last_error="HTTP 500"))

    await repo.unfollow_feed(1, source.id)

    followed_again = await follow(repo, 1, new_source())
    assert (followed_again.failure_count, followed_again.last_error) == (0, None)


async def test_filing_a_known_story_again_only_links_it(database: Database) -> None:
    repo = SqlFeedRepository(database)
    first = await follow(repo, 1, new_source("https://a.test/f"))
    second = await follow(repo, 2, new_source("https://b.test/f"))
    await repo.file_stories(first.id, [story(1)])

    counts = await repo.file_stories(second.id, [story(1), story(2)])

    page = await SqlArchiveRepository(database).search_headlines(2, HeadlineQuery())
    assert counts == (1, 2)
    assert sorted(h.title for h in page.headlines) == ["Story 1", "Story 2"]


async def test_other_forms_of_a_feeds_url_follow_the_stored_feed(database: Database) -> None:
    repo = SqlFeedRepository(database)
    stored = await follow(repo, 1, new_source("http://Wire.test:80/feed.xml/"))

    variants = [
        "https://wire.test/feed.xml",
        "https://wire.test:443/feed.xml?utm_source=a&fbclid=b&mc_cid=c#top",
        "http://wire.test/feed.xml?gclid=1",
    ]
    for variant in variants:
        followed, already = await repo.follow_feed(
            1, new_source(variant), name=None, added_by=None, added_at=NOW
        )
        assert (followed.source.id, already) == (stored.id, True)
    assert [feed.source.url for feed in await repo.guild_feeds(1)] == [stored.url]


async def test_a_feeds_other_query_is_another_feed(database: Database) -> None:
    repo = SqlFeedRepository(database)
    first = await follow(repo, 1, new_source("https://wire.test/feed?tag=ai"))

    second = await follow(repo, 1, new_source("https://wire.test/feed?tag=chips"))

    assert first.id != second.id


async def test_the_newest_item_date_is_recorded(database: Database) -> None:
    repo = SqlFeedRepository(database)
    source = await follow(repo, 1, new_source())

    await repo.record_poll(replace(source, newest_item_at=NOW))

    [feed] = await repo.guild_feeds(1)
    assert feed.source.newest_item_at == NOW


async def test_migration_008_starts_each_feed_from_its_newest_story(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    published = int(NOW.timestamp())
    with sqlite3.connect(path) as connection:
        for migration in bundled_migrations():
            if migration.version < 8:
                connection.executescript(migration.sql)
        connection.executescript(
            f"""
            INSERT INTO sources (id, kind, key, title) VALUES (1, 'feed', '{URL}', 'Wire');
            INSERT INTO guild_sources (guild_id, source_id) VALUES (1, 1);
            INSERT INTO headlines (id, dedupe_key, url, title, language, published_at, week,
                                   sort_key)
            VALUES (1, 'https://wire.test/1', 'https://wire.test/1', 'Story 1', 'en',
                    {published}, '2026-W48', (({published} / 60) << 32) + 1);
            INSERT INTO headline_sources (headline_id, source_id) VALUES (1, 1);
            """
        )
        connection.execute("PRAGMA user_version = 7")
    connection.close()

    async with await Database.open(path) as database:
        [feed] = await SqlFeedRepository(database).guild_feeds(1)

    assert feed.source.newest_item_at == NOW
