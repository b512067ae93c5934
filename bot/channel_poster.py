"""The channel feeds' job (id ``channels:post``): every few seconds, match the stories feeds
brought since the last run against the servers' channel feeds, and post them.

Everything it does is on record (news.channels.service), so the job may be cut at any point
and the next run carries on: one instance at a time, coalesced, waiting until the bot is
ready. A feed poll that stored news wakes it at once (in every process, by NOTIFY). Its
requests take slots from the bot's one RequestPacer, shared with alert delivery, so together
they stay under Discord's limit. When several processes run, one pass at a time posts: the
pass holds the ``channels`` lease (news.core.leases), and its writes are fenced by it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs import Backoff, claimed_pass, every, run_now, stopped_by_shutdown
from cogs.alerts.delivery import RequestPacer
from cogs.common.embeds import escape
from cogs.common.i18n import text
from cogs.digest.delivery import tell_admins
from cogs.feeds.delivery import DiscordChannelSender
from news.channels.models import ChannelReport
from news.channels.service import ChannelService, posting_label
from news.core.leases import Leases
from news.core.text import truncate
from news.digest.guild_settings import GuildSettingsService

log = logging.getLogger(__name__)

JOB_ID = "channels:post"
RUN_EVERY_SECONDS = 15
MISFIRE_GRACE_SECONDS = 10
# One posting pass at a time across every process: the pass holds this lease.
LEASE = ("channels", "post")


class ChannelPoster:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        service: ChannelService,
        settings: GuildSettingsService,
        pacer: RequestPacer,
        *,
        leases: Leases | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self._scheduler = scheduler
        # The database unreachable: the runs pause, longer each time, until one succeeds.
        self.backoff = backoff or Backoff(RUN_EVERY_SECONDS)
        self._leases = leases
        self._service = service
        self._settings = settings
        self._pacer = pacer
        self._client: discord.Client | None = None
        self._sender: DiscordChannelSender | None = None
        self._ready: Callable[[], Awaitable[None]] | None = None

    def start(self, client: discord.Client) -> None:
        """Post through ``client`` from now on; the first run waits until it is ready."""
        self._client = client
        self._sender = DiscordChannelSender(client, self._pacer)
        self._ready = client.wait_until_ready
        every(
            self._scheduler,
            self.run_job,
            seconds=RUN_EVERY_SECONDS,
            job_id=JOB_ID,
            name="post feed stories to channels",
            misfire_grace_seconds=MISFIRE_GRACE_SECONDS,
        )

    def wake(self) -> None:
        """Run the job now (new stories were filed) rather than at its next tick."""
        run_now(self._scheduler, JOB_ID)

    async def run_job(self) -> ChannelReport | None:
        """The job: match, post, tell admins of broken channels once; never raises."""
        if self._sender is None or self._ready is None:
            raise RuntimeError("ChannelPoster.start() was not called")
        report: ChannelReport | None = None
        queued = 0
        with stopped_by_shutdown(JOB_ID):
            await self._ready()
            if self.backoff.due():
                queued, report = await claimed_pass(
                    self._service,
                    self._sender,
                    leases=self._leases,
                    lease=LEASE,
                    backoff=self.backoff,
                    what="channel posts",
                )
        if report is None:
            return None
        if queued or report.sent or report.edited or report.failed:
            log.info(
                "channel posts: queued=%d sent=%d edited=%d reposted=%d failed=%d",
                queued,
                report.sent,
                report.edited,
                report.reposted,
                report.failed,
            )
        try:
            await self._tell(report)
        except Exception:  # the database or Discord: told at the next failure
            log.exception("telling admins of broken channel feeds failed")
        return report

    async def _tell(self, report: ChannelReport) -> None:
        if self._client is None:
            return
        for broken in report.broken:
            settings = await self._settings.settings(broken.guild_id)
            notice = text(
                settings.language,
                "channel_feed_broken",
                name=escape(truncate(broken.label, 100)),
                channel=f"<#{broken.channel_id}>",
                reason=escape(truncate(broken.reason, 200)),
            )
            await tell_admins(self._client, settings, notice)
        for guild_id, source_id in report.webhook_refused:
            settings = await self._settings.settings(guild_id)
            label = posting_label(await self._service.listing(guild_id), source_id)
            notice = text(
                settings.language, "channel_feed_no_webhook", name=escape(truncate(label, 100))
            )
            await tell_admins(self._client, settings, notice)
