"""The alerts' job (id ``alerts:deliver``): every few seconds, match the headlines stored since
the last run and deliver what may go now.

Everything it does is on record (news.alerts.service), so the job may be cut at any point and
the next run carries on: one instance at a time, coalesced, waiting until the bot is ready.
A feed poll that stored news wakes it at once, so an alert follows its headline within
seconds rather than at the next tick.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs import Backoff, claimed_pass, every, run_now, stopped_by_shutdown
from cogs.alerts.delivery import DiscordAlertSender, RequestPacer
from cogs.common.i18n import text
from cogs.digest.delivery import tell_admins
from news.alerts.service import AlertService, DeliveryReport
from news.core.leases import Leases
from news.digest.guild_settings import GuildSettingsService

log = logging.getLogger(__name__)

JOB_ID = "alerts:deliver"
# One delivery pass at a time across every process: the pass holds this lease.
LEASE = ("alerts", "deliver")
RUN_EVERY_SECONDS = 15
# A run late by more than this is skipped: the next one a few seconds later covers it.
MISFIRE_GRACE_SECONDS = 10
FORGET_EVERY_SECONDS = 3600  # delivered alerts too old to matter are deleted hourly


class AlertDispatcher:
    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        service: AlertService,
        settings: GuildSettingsService,
        *,
        requests_per_second: float | None = None,
        pacer: RequestPacer | None = None,
        leases: Leases,
        backoff: Backoff | None = None,
    ) -> None:
        self._scheduler = scheduler
        # The database unreachable: the runs pause, longer each time, until one succeeds.
        self.backoff = backoff or Backoff(RUN_EVERY_SECONDS)
        self._service = service
        self._settings = settings
        if pacer is None:
            if requests_per_second is None:
                raise ValueError("give the pacer or the requests per second")
            pacer = RequestPacer(requests_per_second)
        # Shared with the other jobs that talk to Discord (bot.client builds one for all); the
        # process registry sets its rate to this process's share of the bot's budget.
        self.pacer = pacer
        self._leases = leases
        self._client: discord.Client | None = None
        self._sender: DiscordAlertSender | None = None
        self._ready: Callable[[], Awaitable[None]] | None = None
        self._forgotten_at: float | None = None  # monotonic time of the last clean-up

    def start(self, client: discord.Client) -> None:
        """Deliver through ``client`` from now on; the first run waits until it is ready."""
        self._client = client
        self._sender = DiscordAlertSender(client, self.pacer)
        self._ready = client.wait_until_ready
        every(
            self._scheduler,
            self.run_job,
            seconds=RUN_EVERY_SECONDS,
            job_id=JOB_ID,
            name="match and deliver alerts",
            misfire_grace_seconds=MISFIRE_GRACE_SECONDS,
        )

    def wake(self) -> None:
        """Run the job now (new headlines were stored) rather than at its next tick."""
        run_now(self._scheduler, JOB_ID)

    async def run_job(self) -> DeliveryReport | None:
        """The job: match, deliver, tell admins of broken alert channels; never raises."""
        if self._sender is None or self._ready is None:
            raise RuntimeError("AlertDispatcher.start() was not called")
        queued, report = 0, None
        with stopped_by_shutdown(JOB_ID):
            await self._ready()
            if self.backoff.due():
                queued, report = await claimed_pass(
                    self._service,
                    self._sender,
                    leases=self._leases,
                    lease=LEASE,
                    backoff=self.backoff,
                    what="alert pass",
                )
        if report is None:
            return None
        if queued or report.sent or report.failed:
            log.info(
                "alerts: queued=%d sent=%d (%d headlines) held=%d failed=%d",
                queued,
                report.sent,
                report.alerts,
                report.held,
                report.failed,
            )
        for guild_id in sorted(report.broken_channels):
            try:
                await self._tell_admins(guild_id)
            except Exception:  # the database or Discord: told at the next failure
                log.exception("telling admins of a broken alert channel failed: guild=%s", guild_id)
        await self._forget_old_now_and_then()
        return report

    async def _forget_old_now_and_then(self) -> None:
        now = time.monotonic()
        if self._forgotten_at is not None and now - self._forgotten_at < FORGET_EVERY_SECONDS:
            return
        self._forgotten_at = now
        try:
            await self._service.forget_old()
        except Exception:
            log.exception("forgetting old alerts failed; tried again in an hour")

    async def _tell_admins(self, guild_id: int) -> None:
        if self._client is None:
            return
        settings = await self._settings.settings(guild_id)
        channel = f"<#{settings.alert_channel_id}>" if settings.alert_channel_id else "?"
        notice = text(settings.language, "alert_channel_broken", channel=channel)
        # The alert channel is the one that failed: tell_admins falls back to the owner's DMs.
        await tell_admins(self._client, settings, notice)
