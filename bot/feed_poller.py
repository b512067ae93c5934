"""The feeds' job: every minute, poll the feeds that are due (job id ``feeds:poll``).

Each feed keeps its own schedule in the database (news.feeds.sources); the job only asks which
are due, so a restart loses nothing and a slow poll never runs twice at once (one instance,
coalesced). Admins hear of a feed paused after repeated failures through Discord.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs import Backoff, every, stopped_by_shutdown
from cogs.common.embeds import escape
from cogs.common.i18n import text
from cogs.digest.delivery import tell_admins
from news.core.text import truncate
from news.digest.guild_settings import GuildSettingsService
from news.feeds.service import FeedService
from news.feeds.sources import GuildFeed, PollResult

log = logging.getLogger(__name__)

JOB_ID = "feeds:poll"
POLL_EVERY_SECONDS = 60
# A poll late by more than this is skipped: the next one a minute later covers it.
MISFIRE_GRACE_SECONDS = 30


class DiscordFeedNotifier:
    """news.feeds.ports.FeedNotifier: the alert channel, else a DM to the owner."""

    def __init__(self, client: discord.Client, settings: GuildSettingsService) -> None:
        self._client = client
        self._settings = settings

    async def feed_paused(self, guild_id: int, feed: GuildFeed) -> None:
        settings = await self._settings.settings(guild_id)
        notice = text(
            settings.language,
            "feed_paused",
            name=escape(truncate(feed.label, 100)),
            failures=feed.source.failure_count,
            error=escape(truncate(feed.source.last_error or "", 300)),
        )
        await tell_admins(self._client, settings, notice)


class FeedPoller:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        service: FeedService,
        settings: GuildSettingsService,
        *,
        on_news: Callable[[], None] | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self._scheduler = scheduler
        # The database unreachable: the runs pause, longer each time, until one succeeds.
        self.backoff = backoff or Backoff(POLL_EVERY_SECONDS)
        self._service = service
        self._settings = settings
        # Told when a poll stored news that alerts may be about (the alert job wakes up).
        self._on_news = on_news
        self._notifier: DiscordFeedNotifier | None = None
        self._ready: Callable[[], Awaitable[None]] | None = None

    def start(self, client: discord.Client) -> None:
        """Poll through ``client``'s notices from now on; the first run waits until ready."""
        self._notifier = DiscordFeedNotifier(client, self._settings)
        self._ready = client.wait_until_ready
        every(
            self._scheduler,
            self.run_job,
            seconds=POLL_EVERY_SECONDS,
            job_id=JOB_ID,
            name="poll due feeds",
            misfire_grace_seconds=MISFIRE_GRACE_SECONDS,
        )

    async def run_job(self) -> list[PollResult]:
        """The job: poll every due feed once the bot is ready; never raises."""
        if self._notifier is None or self._ready is None:
            raise RuntimeError("FeedPoller.start() was not called")
        results: list[PollResult] = []
        with stopped_by_shutdown(JOB_ID):
            await self._ready()
            if self.backoff.due():
                results = await self._poll(self._notifier)
        if results:
            log.info(
                "polled %d feeds: %d new stories, %d failures",
                len(results),
                sum(result.new_headlines for result in results),
                sum(result.error is not None for result in results),
            )
        if self._on_news is not None and any(
            result.new_headlines and not result.backfill for result in results
        ):
            self._on_news()
        return results

    async def _poll(self, notifier: DiscordFeedNotifier) -> list[PollResult]:
        try:
            results = await self._service.poll_due(notifier)
        except Exception:
            delay = self.backoff.failed()
            log.exception("feed polling failed; the due feeds are polled in %.0f s", delay)
            return []
        self.backoff.succeeded()
        return results
