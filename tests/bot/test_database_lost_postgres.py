"""The database lost while the bot runs (PostgreSQL): a poll cut half-way by a server that
crashed (every connection cut) or by its backends terminated, then a server that refuses
connections for a while. The work pauses, the job backs off (on an injected clock), and once
the server is back the work resumes: every story filed once, none lost."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from pydantic import SecretStr

from bot.alert_dispatcher import AlertDispatcher
from bot.app import Services, open_services
from bot.channel_poster import ChannelPoster
from bot.feed_poller import POLL_EVERY_SECONDS, FeedPoller
from bot.jobs import LONGEST_BACKOFF_SECONDS, Backoff
from bot.settings import Settings
from cogs.alerts.delivery import RequestPacer
from db import AnyDatabase
from news.alerts.models import AlertBatch
from news.feeds.fetching import FetchResult
from news.feeds.sources import FeedSource
from testkit.feed_server import rss
from testkit.pg_proxy import PostgresProxy, running_proxy
from testkit.postgres import TemplateServer
from tests.backends import open_backend

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
FEED_URL = "https://wire.test/feed.xml"
GUILD, USER = 1, 10


class Feed:
    """news.feeds.ports.Fetcher serving one RSS feed; ``on_fetch`` runs inside the fetch
    (the moment the database goes away, mid-poll)."""

    def __init__(self) -> None:
        self.fetches = 0
        self.items = [("g1", "Chips story one", "https://wire.test/1", "")]
        self.on_fetch: Callable[[], Awaitable[None]] | None = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        self.fetches += 1
        if self.on_fetch is not None:
            action, self.on_fetch = self.on_fetch, None
            await action()
        return FetchResult(200, url, rss("Wire", self.items), "application/rss+xml", None, None)


class Ready(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())

    async def wait_until_ready(self) -> None:
        return None


@dataclass
class Bot:
    """One bot process whose database connections go through the proxy."""

    services: Services
    poller: FeedPoller
    feed: Feed
    proxy: PostgresProxy
    observer: AnyDatabase  # straight to the server: what is on record
    now: list[datetime]  # the services' clock
    ticks: list[float]  # the backoff's monotonic clock
    database_name: str
    scheduler: AsyncIOScheduler

    def later(self, seconds: float) -> None:
        self.now[0] += timedelta(seconds=seconds)
        self.ticks[0] += seconds

    async def stored_urls(self) -> list[str]:
        rows = await self.observer.fetch_all("SELECT url FROM headlines ORDER BY url")
        return [row["url"] for row in rows]

    async def waiting_alerts(self) -> int:
        row = await self.observer.fetch_one("SELECT count(*) AS n FROM alert_inbox")
        return int(row["n"]) if row is not None else 0


@pytest.fixture
async def bot(postgres_server: TemplateServer, tmp_path: Path) -> AsyncIterator[Bot]:
    assert postgres_server.working is not None
    now, ticks = [NOW], [0.0]
    feed = Feed()
    async with (
        open_backend(postgres_server, tmp_path / "unused.db") as observer,
        running_proxy(postgres_server.url) as proxy,
    ):
        settings = Settings(
            _env_file=None, database_url=SecretStr(proxy.url(postgres_server.working))
        )
        async with open_services(settings, clock=lambda: now[0], fetcher=feed) as services:
            scheduler = AsyncIOScheduler(timezone="UTC")
            scheduler.start(paused=True)  # the test runs the job; time never fires it
            backoff = Backoff(POLL_EVERY_SECONDS, clock=lambda: ticks[0])
            poller = FeedPoller(scheduler, services.feeds, services.guild_settings, backoff=backoff)
            poller.start(Ready())
            source = FeedSource(id=0, url=FEED_URL, title="Wire", next_poll_at=NOW)
            await services.feeds.import_opml(GUILD, opml(source))
            name = postgres_server.working.rsplit("/", 1)[-1]
            yield Bot(services, poller, feed, proxy, observer, now, ticks, name, scheduler)
            scheduler.shutdown(wait=False)
            await proxy.start()  # the services close their pool through it


def opml(source: FeedSource) -> bytes:
    return (
        f'<?xml version="1.0"?><opml version="2.0"><body>'
        f'<outline text="{source.title}" xmlUrl="{source.url}"/></body></opml>'
    ).encode()


async def news_arrives(bot: Bot) -> None:
    """The feed's first poll (backfill) went well; two new stories wait in it; it is due."""
    await bot.poller.run_job()
    bot.feed.items += [
        ("g2", "Chips story two", "https://wire.test/2", ""),
        ("g3", "Chips story three", "https://wire.test/3", ""),
    ]
    bot.later(7 * 3600)  # every feed is due again within 6 hours


async def terminate_backends(bot: Bot) -> None:
    """pg_terminate_backend on every connection of the bot's database but the observer's."""
    await bot.observer.fetch_all(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = :name AND pid <> pg_backend_pid()",
        {"name": bot.database_name},
    )


async def test_a_poll_cut_by_a_crashed_server_pauses_backs_off_and_resumes(bot: Bot) -> None:
    await news_arrives(bot)
    bot.feed.on_fetch = bot.proxy.stop  # the server goes away while the feed is fetched

    assert await bot.poller.run_job() == []  # the poll's writes failed: nothing recorded
    fetches = bot.feed.fetches
    delays = []
    for _ in range(8):  # down for a while: every run fails at once, and waits longer
        bot.later(bot.poller.backoff.delay)
        assert await bot.poller.run_job() == []
        delays.append(bot.poller.backoff.delay)
        assert await bot.poller.run_job() == []  # too soon: not even tried
    await bot.proxy.start()
    bot.later(bot.poller.backoff.delay)
    [result] = await bot.poller.run_job()

    assert bot.feed.fetches == fetches + 1  # paused while down: no fetch went out
    assert delays[:3] == [60, 120, 240] and max(delays) == LONGEST_BACKOFF_SECONDS
    assert result.new_headlines == 2 and bot.poller.backoff.delay == 0
    assert await bot.stored_urls() == [f"https://wire.test/{n}" for n in (1, 2, 3)]
    assert await bot.waiting_alerts() == 2  # each new story once


async def test_a_poll_whose_backends_are_terminated_mid_way_is_done_once(bot: Bot) -> None:
    await news_arrives(bot)
    bot.feed.on_fetch = lambda: terminate_backends(bot)

    [result] = await bot.poller.run_job()  # the pool connects afresh for the poll's writes
    bot.later(bot.services.leases.seconds)
    again = await bot.poller.run_job()

    assert result.new_headlines == 2 and again == []  # not due again: nothing done twice
    assert await bot.stored_urls() == [f"https://wire.test/{n}" for n in (1, 2, 3)]
    assert await bot.waiting_alerts() == 2


def delivery_jobs(bot: Bot) -> list[AlertDispatcher | ChannelPoster]:
    """The alert and channel jobs of the process, on the test's backoff clock."""
    services, pacer = bot.services, RequestPacer(47)

    def backoff() -> Backoff:
        return Backoff(15, clock=lambda: bot.ticks[0])

    jobs: list[AlertDispatcher | ChannelPoster] = [
        AlertDispatcher(
            bot.scheduler, services.alerts, services.guild_settings, pacer=pacer,
            leases=services.leases, backoff=backoff(),
        ),
        ChannelPoster(
            bot.scheduler, services.channels, services.guild_settings, pacer,
            leases=services.leases, backoff=backoff(),
        ),
    ]  # fmt: skip
    for job in jobs:
        job.start(Ready())
    return jobs


async def test_the_delivery_jobs_pause_while_the_server_is_down_and_resume_after(
    bot: Bot,
) -> None:
    jobs = delivery_jobs(bot)
    await bot.proxy.stop()

    for _ in range(3):
        assert [await job.run_job() for job in jobs] == [None, None]
        bot.later(max(job.backoff.delay for job in jobs))
    down = [job.backoff.delay for job in jobs]
    await bot.proxy.start()
    reports = [await job.run_job() for job in jobs]

    assert down == [60, 60]  # 15, 30, 60: doubling from the jobs' period
    assert all(report is not None for report in reports)
    assert [job.backoff.delay for job in jobs] == [0, 0]


class Dms:
    """news.alerts.ports.AlertSender: the messages Discord holds, by nonce; ``on_send`` runs
    once the message is out (the moment the database goes away, before it is recorded)."""

    def __init__(self) -> None:
        self.messages: dict[str, int] = {}
        self.sends = 0
        self.on_send: Callable[[], Awaitable[None]] | None = None

    async def open_dm(self, user_id: int) -> int:
        return 9000 + user_id

    async def send(self, batch: AlertBatch) -> int:
        self.sends += 1
        self.messages[batch.nonce] = 7000 + len(self.messages)
        if self.on_send is not None:
            action, self.on_send = self.on_send, None
            await action()
        return self.messages[batch.nonce]

    async def find(self, batch: AlertBatch) -> int | None:
        return self.messages.get(batch.nonce)


async def test_an_alert_sent_as_the_server_crashed_is_found_not_sent_again(bot: Bot) -> None:
    await bot.services.alerts.subscribe(GUILD, USER, keyword="chips")
    await news_arrives(bot)
    await bot.poller.run_job()
    assert await bot.services.alerts.match_new() == 2
    dms = Dms()
    dms.on_send = bot.proxy.stop

    cut = await bot.services.alerts.deliver(dms)  # sent, but not recorded: in doubt
    await bot.proxy.start()
    report = await bot.services.alerts.deliver(dms)
    again = await bot.services.alerts.deliver(dms)

    assert cut.sent == 0 and cut.failed == 1
    assert dms.sends == 1 and report.sent == 1 and again.sent == 0
    rows = await bot.observer.fetch_all("SELECT state, message_id FROM alert_batches")
    assert [(row["state"], row["message_id"]) for row in rows] == [("sent", 7000)]
