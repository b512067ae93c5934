"""The feeds' job: registered once with a stable id, polling due feeds once the bot is ready."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.feed_poller import JOB_ID, MISFIRE_GRACE_SECONDS, FeedPoller
from db import (
    Database,
    SqliteArchiveRepository,
    SqliteCompanyRepository,
    SqliteFeedRepository,
    SqliteSettingsRepository,
    SqliteTopicRepository,
)
from news.feed_service import FeedService
from news.feed_sources import FeedSource
from news.feeds import FetchResult
from news.guild_settings import GuildSettingsService
from news.services import ArchiveService
from tests.bot.feed_server import rss

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FEED_URL = "https://wire.test/feed.xml"


class ServedFeed:
    """news.ports.Fetcher answering every URL with one small RSS document."""

    def __init__(self) -> None:
        self.fetched: list[str] = []

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        self.fetched.append(url)
        body = rss("Wire", [("g1", "A story", "https://wire.test/1", "")])
        return FetchResult(200, url, body, "application/rss+xml", None, None)


class ReadyClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())
        self.waited = False

    async def wait_until_ready(self) -> None:
        self.waited = True


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[tuple[FeedPoller, AsyncIOScheduler, ServedFeed]]:
    async with await Database.open(tmp_path / "poller.db") as database:
        archive = ArchiveService(
            SqliteCompanyRepository(database),
            SqliteTopicRepository(database),
            SqliteArchiveRepository(database),
            lambda: NOW,
        )
        fetcher = ServedFeed()
        repo = SqliteFeedRepository(database)
        service = FeedService(repo, fetcher, archive.builder, lambda: NOW)
        await repo.follow_feed(
            1,
            FeedSource(id=0, url=FEED_URL, title="Wire", next_poll_at=NOW),
            name=None,
            added_by=None,
            added_at=NOW,
        )
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.start(paused=True)  # jobs are stored and replaced, never fired by time
        settings = GuildSettingsService(SqliteSettingsRepository(database))
        yield FeedPoller(scheduler, service, settings), scheduler, fetcher
        scheduler.shutdown(wait=False)


async def test_start_adds_one_coalesced_job_with_a_stable_id(
    parts: tuple[FeedPoller, AsyncIOScheduler, ServedFeed],
) -> None:
    poller, scheduler, _ = parts

    poller.start(ReadyClient())
    poller.start(ReadyClient())

    [job] = scheduler.get_jobs()
    assert job.id == JOB_ID
    assert job.coalesce
    assert job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS


async def test_the_job_waits_until_ready_then_polls_the_due_feeds(
    parts: tuple[FeedPoller, AsyncIOScheduler, ServedFeed],
) -> None:
    poller, _, fetcher = parts
    client = ReadyClient()
    poller.start(client)

    [result] = await poller.run_job()

    assert client.waited
    assert fetcher.fetched == [FEED_URL]
    assert result.backfill
