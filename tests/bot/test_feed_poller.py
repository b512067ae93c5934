"""The feeds' job: registered once with a stable id, polling due feeds once the bot is ready;
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.feed_poller import JOB_ID, MISFIRE_GRACE_SECONDS, FeedPoller
from db import (
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlFeedRepository,
    SqlSettingsRepository,
    SqlTopicRepository,
)
from news.archive.service import ArchiveService
from news.digest.guild_settings import GuildSettingsService
from news.feeds.fetching import FetchResult
from news.feeds.service import FeedService
from news.feeds.sources import FeedSource
from testkit.feed_server import rss
from testkit.postgres import TemplateServer
from tests.backends import open_backend

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FEED_URL = "https://wire.test/feed.xml"


class ServedFeed:
    """news.feeds.ports.Fetcher answering every URL with one small RSS document."""

    def __init__(self) -> None:
        self.fetched: list[str] = []
        self.items = [("g1", "A story", "https://wire.test/1", "")]

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        self.fetched.append(url)
        body = rss("Wire", self.items)
        return FetchResult(200, url, body, "application/rss+xml", None, None)


class ReadyClient(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())
        self.waited = False

    async def wait_until_ready(self) -> None:
        self.waited = True


@dataclass(frozen=True)
class Parts:
    poller: FeedPoller
    scheduler: AsyncIOScheduler
    fetcher: ServedFeed
    service: FeedService
    settings: GuildSettingsService
    now: list[datetime]  # the services' clock; tests move it


@pytest.fixture
async def parts(backend_server: TemplateServer | None, tmp_path: Path) -> AsyncIterator[Parts]:
    async with open_backend(backend_server, tmp_path / "poller.db") as database:
        archive = ArchiveService(
            SqlCompanyRepository(database),
            SqlTopicRepository(database),
            SqlArchiveRepository(database),
            lambda: NOW,
        )
        fetcher = ServedFeed()
        repo = SqlFeedRepository(database)
        now = [NOW]
        service = FeedService(repo, fetcher, archive.builder, lambda: now[0])
        await repo.follow_feed(
            1,
            FeedSource(id=0, url=FEED_URL, title="Wire", next_poll_at=NOW),
            name=None,
            added_by=None,
            added_at=NOW,
        )
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.start(paused=True)  # jobs are stored and replaced, never fired by time
        settings = GuildSettingsService(SqlSettingsRepository(database))
        yield Parts(
            FeedPoller(scheduler, service, settings), scheduler, fetcher, service, settings, now
        )
        scheduler.shutdown(wait=False)


async def test_start_adds_one_coalesced_job_with_a_stable_id(parts: Parts) -> None:
    poller, scheduler = parts.poller, parts.scheduler

    poller.start(ReadyClient())
    poller.start(ReadyClient())

    [job] = scheduler.get_jobs()
    assert job.id == JOB_ID
    assert job.coalesce
    assert job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS


async def test_the_job_waits_until_ready_then_polls_the_due_feeds(parts: Parts) -> None:
    poller, fetcher = parts.poller, parts.fetcher
    client = ReadyClient()
    poller.start(client)

    [result] = await poller.run_job()

    assert client.waited
    assert fetcher.fetched == [FEED_URL]
    assert result.backfill


async def test_news_wakes_the_alerts_but_a_first_backfill_poll_does_not(parts: Parts) -> None:
    woken: list[str] = []
    poller = FeedPoller(
        parts.scheduler, parts.service, parts.settings, on_news=lambda: woken.append("news")
    )
    poller.start(ReadyClient())

    [first] = await poller.run_job()  # the feed's first poll: backfill
    parts.fetcher.items.append(("g2", "Another story", "https://wire.test/2", ""))
    parts.now[0] += timedelta(hours=7)  # every feed is polled within 6 hours
    [second] = await poller.run_job()

    assert first.backfill and second.new_headlines == 1
    assert woken == ["news"]
