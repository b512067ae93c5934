"""Composition root: opens the database and builds the services every front end shares."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.fetch import SafeFetcher
from bot.settings import Settings
from db import (
    Database,
    SqliteAlertRepository,
    SqliteArchiveRepository,
    SqliteCompanyRepository,
    SqliteDigestRepository,
    SqliteFeedRepository,
    SqliteSettingsRepository,
    SqliteStoryRepository,
    SqliteTopicRepository,
)
from news.alerts.service import AlertService
from news.archive.importing import ImportRequest
from news.archive.sample import SAMPLE_TITLE, sample_roundup_text
from news.archive.service import ArchiveService
from news.core.models import LOCAL_GUILD_ID
from news.digest.service import DigestService
from news.feeds.service import FeedService
from news.stories.service import StoryService


@dataclass(frozen=True, slots=True)
class Services:
    database: Database
    archive: ArchiveService
    settings_repo: SqliteSettingsRepository
    digest: DigestService
    feeds: FeedService
    alerts: AlertService
    clock: Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@asynccontextmanager
async def open_services(
    settings: Settings, *, clock: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Open the archive for one run of the CLI, the console or the bot; close it after.
    ``clock`` is the time every service reads (tests move it by hand). One fetcher (one
    connection pool, one address guard) serves every feed and article fetch."""
    async with (
        await Database.open(settings.database_path) as database,
        SafeFetcher(allow_private=settings.allow_private_urls) as fetcher,
    ):
        topics = SqliteTopicRepository(database)
        archive_repo = SqliteArchiveRepository(database)
        settings_repo = SqliteSettingsRepository(database)
        # One story service for feeds and digests: a story is found once, whoever brings it.
        stories = StoryService(SqliteStoryRepository(database))
        archive = ArchiveService(SqliteCompanyRepository(database), topics, archive_repo, clock)
        await archive.start()
        digest = DigestService(
            settings_repo,
            archive_repo,
            topics,
            SqliteDigestRepository(database),
            clock=clock,
            stories=stories,
        )
        feeds = FeedService(
            SqliteFeedRepository(database), fetcher, archive.builder, clock, stories
        )
        alerts = AlertService(
            SqliteAlertRepository(database),
            archive,
            settings_repo,
            clock,
            subscription_limit=settings.alert_subscription_limit,
            hourly_cap=settings.alert_hourly_cap,
        )
        yield Services(database, archive, settings_repo, digest, feeds, alerts, clock)


async def ensure_sample(archive: ArchiveService) -> bool:
    """Import the bundled sample into the console's own space when it is empty."""
    if await archive.weeks(LOCAL_GUILD_ID):
        return False
    await archive.import_roundup(
        ImportRequest(LOCAL_GUILD_ID, sample_roundup_text(), title=SAMPLE_TITLE)
    )
    return True
