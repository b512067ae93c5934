"""Composition root: opens the database and builds the services every front end shares."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.fetch import SafeFetcher
from bot.settings import Settings
from db import (
    AnyDatabase,
    SqlAlertRepository,
    SqlArchiveRepository,
    SqlChannelRepository,
    SqlCompanyRepository,
    SqlDigestRepository,
    SqlFeedRepository,
    SqlRetagRepository,
    SqlSettingsRepository,
    SqlStoryRepository,
    SqlTopicRepository,
    open_database,
)
from db.digest_schedule import SqlDigestScheduleRepository
from db.leases import FencedDatabase, SqlLeaseRepository
from news.alerts.service import AlertService
from news.archive.importing import ImportRequest
from news.archive.sample import SAMPLE_TITLE, sample_roundup_text
from news.archive.service import ArchiveService
from news.channels.service import ChannelService
from news.core.leases import Leases, process_name
from news.core.models import LOCAL_GUILD_ID, GuildSettings
from news.digest.guild_settings import GuildSettingsService, SettingsListener
from news.digest.ports import DigestScheduleRepository
from news.digest.service import DigestService
from news.feeds.ports import Fetcher
from news.feeds.service import FeedService
from news.stories.service import StoryService


class SettingsChanges:
    """Where the guild settings service reports a saved change: the digest first notes when
    its schedule changed (no post before that can have been missed), then every subscriber
    hears of it (the bot moves the server's digest job)."""

    def __init__(self, digest: DigestService) -> None:
        self._digest = digest
        self._listeners: list[SettingsListener] = []

    def subscribe(self, listener: SettingsListener) -> None:
        self._listeners.append(listener)

    async def __call__(self, settings: GuildSettings) -> None:
        await self._digest.schedule_changed(settings.guild_id)
        for listener in self._listeners:
            await listener(settings)


@dataclass(frozen=True, slots=True)
class Services:
    database: AnyDatabase
    archive: ArchiveService
    guild_settings: GuildSettingsService
    settings_changes: SettingsChanges
    digest: DigestService
    feeds: FeedService
    alerts: AlertService
    channels: ChannelService
    clock: Callable[[], datetime]
    # This process's claims on background work, and each server's next digest time.
    leases: Leases
    digest_schedule: DigestScheduleRepository


def utc_now() -> datetime:
    return datetime.now(UTC)


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
    fetcher: Fetcher | None = None,
) -> AsyncIterator[Services]:
    """The services of one run of the CLI, the console, the bot, a bench or an end-to-end
    test, built the one way; closed after.

    ``clock`` is the time every service reads (tests and benches move it by hand); the
    wall clock (``utc_now``, read when the services open) when left out.
    ``fetcher``: what fetches feeds and articles (a bench's files, a test's script; its
    owner closes it) instead of one SafeFetcher (one connection pool, one address guard)
    for every feed and article fetch."""
    async with AsyncExitStack() as stack:
        database = await open_database(
            settings.database_path,
            settings.database_dsn,
            stalled_transaction_seconds=settings.lease_seconds,
        )
        stack.push_async_callback(database.close)
        if fetcher is None:
            fetcher = await stack.enter_async_context(
                SafeFetcher(allow_private=settings.allow_private_urls)
            )
        services = await _build(settings, database, fetcher, clock or utc_now)
        # Re-taggings running in the background finish before the database closes.
        stack.push_async_callback(services.archive.close)
        yield services


async def _build(
    settings: Settings, raw: AnyDatabase, fetcher: Fetcher, clock: Callable[[], datetime]
) -> Services:
    # Leases are claimed on the raw database; the repositories write through the fence, so
    # work done under a lease that was taken over is refused (db/leases.py).
    leases = Leases(
        SqlLeaseRepository(raw), holder=process_name(), clock=clock, seconds=settings.lease_seconds
    )
    database = FencedDatabase(raw)
    topics = SqlTopicRepository(database)
    archive_repo = SqlArchiveRepository(database)
    settings_repo = SqlSettingsRepository(database)
    # One story service for feeds and digests: a story is found once, whoever brings it.
    stories = StoryService(SqlStoryRepository(database))
    archive = ArchiveService(
        SqlCompanyRepository(database),
        topics,
        archive_repo,
        clock,
        retags=SqlRetagRepository(database),
    )
    await archive.start()
    digest = DigestService(
        settings_repo,
        archive_repo,
        topics,
        SqlDigestRepository(database),
        clock=clock,
        stories=stories,
        guard=leases.guard("digest"),
    )
    changes = SettingsChanges(digest)
    feeds = FeedService(
        SqlFeedRepository(database),
        fetcher,
        archive.builder,
        clock,
        stories,
        shortest_poll=timedelta(seconds=settings.feed_poll_seconds),
        taggers=archive.guild_taggers,
        leases=leases,
    )
    channels = ChannelService(
        SqlChannelRepository(database), feeds, archive, settings_repo, stories, clock
    )
    alerts = AlertService(
        SqlAlertRepository(database),
        archive,
        settings_repo,
        clock,
        subscription_limit=settings.alert_subscription_limit,
        hourly_cap=settings.alert_hourly_cap,
    )
    return Services(
        database=raw,
        archive=archive,
        guild_settings=GuildSettingsService(settings_repo, on_change=changes),
        settings_changes=changes,
        digest=digest,
        feeds=feeds,
        alerts=alerts,
        channels=channels,
        clock=clock,
        leases=leases,
        digest_schedule=SqlDigestScheduleRepository(database),
    )


async def ensure_sample(archive: ArchiveService) -> bool:
    """Import the bundled sample into the console's own space when it is empty."""
    if await archive.weeks(LOCAL_GUILD_ID):
        return False
    await archive.import_roundup(
        ImportRequest(LOCAL_GUILD_ID, sample_roundup_text(), title=SAMPLE_TITLE)
    )
    return True
