"""The weekly digest's jobs: one APScheduler cron job per server, and the start-up catch-up.

Each server's job (id ``digest:<guild id>``) fires at its weekday and hour in its own IANA
time zone; APScheduler's CronTrigger computes wall-clock times in that zone, so the post
stays at 09:00 local across daylight-saving changes. Jobs are rebuilt from the database at
start and replaced as soon as /setup digest changes, and wait until the bot is ready.

The jobs live in memory: what happened while the bot was down is settled at start-up by
``catch_up``: for each server, the latest scheduled time at or before now is posted when it is
within the grace window (DIGEST_GRACE_HOURS), or recorded as missed and reported to the
admins when it is older. Posts a previous run left half-way are finished. Every post goes
through the record of DigestService, so a job, a catch-up and /digest post never post a
week twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.jobs import stopped_by_shutdown
from cogs.alerts.delivery import RequestPacer
from cogs.digest.delivery import DigestDelivery
from news.core.models import GuildSettings
from news.digest.service import DigestService, PublishResult

log = logging.getLogger(__name__)

JOB_PREFIX = "digest:"
# A weekly trigger fires at least once in any 8 days, whatever the clocks did.
_LOOKBACK = timedelta(days=8)


def job_id(guild_id: int) -> str:
    return f"{JOB_PREFIX}{guild_id}"


def digest_trigger(settings: GuildSettings) -> CronTrigger:
    """Every week on the server's weekday (Monday = 0, as APScheduler 3 counts), at the
    server's hour, in its time zone."""
    return CronTrigger(
        day_of_week=settings.digest_weekday,
        hour=settings.digest_hour,
        minute=0,
        second=0,
        timezone=ZoneInfo(settings.timezone),
    )


def next_fire_time(settings: GuildSettings, now: datetime) -> datetime | None:
    """The first scheduled time strictly after ``now``, in UTC."""
    return _first_fire_after(digest_trigger(settings), now)


def last_fire_time(settings: GuildSettings, now: datetime) -> datetime | None:
    """The latest scheduled time at or before ``now``, in UTC, by the job's own trigger."""
    trigger = digest_trigger(settings)
    latest: datetime | None = None
    fire = _first_fire_after(trigger, now - _LOOKBACK)
    while fire is not None and fire <= now:
        latest = fire
        fire = _first_fire_after(trigger, fire)
    return latest


def _first_fire_after(trigger: CronTrigger, moment: datetime) -> datetime | None:
    """In UTC: two local times of one zone compare by wall clock, ignoring the DST fold."""
    moment = moment.astimezone(UTC)
    probe = moment
    fire = _utc(trigger.get_next_fire_time(None, probe))
    while fire is not None and fire <= moment:
        # CronTrigger works in wall-clock time: when clocks fall back it fires at the repeated
        # hour twice, and asked just after the second it answers that same time again.
        probe += timedelta(hours=1)
        fire = _utc(trigger.get_next_fire_time(None, probe))
    return fire


def _utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.astimezone(UTC)


class DigestScheduler:
    """Owns the ``digest:*`` jobs of the bot's AsyncIOScheduler."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        service: DigestService,
        *,
        grace: timedelta,
        clock: Callable[[], datetime],
        pacer: RequestPacer | None = None,
    ) -> None:
        self._scheduler = scheduler
        self._pacer = pacer
        self._service = service
        self._grace = grace
        self._clock = clock
        self._delivery: DigestDelivery | None = None
        self._ready: Callable[[], Awaitable[None]] | None = None

    async def start(self, client: discord.Client) -> None:
        """Post through ``client`` from now on, and add a job for every configured server."""
        self._delivery = DigestDelivery(client, self._service, self._pacer)
        self._ready = client.wait_until_ready
        for settings in await self._service.scheduled_guilds():
            self.schedule(settings)

    def schedule(self, settings: GuildSettings) -> None:
        """Add or replace the server's job; remove it when the server has no digest channel."""
        identifier = job_id(settings.guild_id)
        if settings.digest_channel_id is None:
            if self._scheduler.get_job(identifier) is not None:
                self._scheduler.remove_job(identifier)
            return
        self._scheduler.add_job(
            self.run_job,
            digest_trigger(settings),
            args=(settings.guild_id,),
            id=identifier,
            name=f"weekly digest of {settings.guild_id}",
            replace_existing=True,
            # A job late by less than the grace window (a busy loop, a suspended host) still
            # runs, once: the same rule as the start-up catch-up.
            misfire_grace_time=int(self._grace.total_seconds()) or 1,
            coalesce=True,
            max_instances=1,
        )

    async def settings_changed(self, settings: GuildSettings) -> None:
        """/setup digest saved new settings (the digest service noted when): move the job
        at once."""
        self.schedule(settings)

    def next_post_time(self, settings: GuildSettings) -> datetime | None:
        """When the server's next digest goes out, by the job's own trigger."""
        if settings.digest_channel_id is None:
            return None
        return next_fire_time(settings, self._clock())

    async def run_job(self, guild_id: int) -> PublishResult | None:
        """The job: post the week due now, once the bot is ready. Failures are logged with
        the server's id; the admins are told of what they can fix."""
        with stopped_by_shutdown(job_id(guild_id)):
            return await self._post_due(guild_id)
        return None

    async def _post_due(self, guild_id: int) -> PublishResult | None:
        delivery = await self._wait_until_ready()
        settings = await self._service.settings(guild_id)
        scheduled_at = last_fire_time(settings, self._clock())
        if scheduled_at is None or settings.digest_channel_id is None:
            return None
        try:
            return await delivery.scheduled(guild_id, scheduled_at, grace=self._grace)
        except Exception:
            log.exception("digest job failed: guild=%s scheduled_at=%s", guild_id, scheduled_at)
            return None

    async def catch_up(self) -> list[PublishResult]:
        """At start-up, once ready: finish interrupted posts, then settle each server's
        latest scheduled time (post within grace, else record it missed)."""
        delivery = await self._wait_until_ready()
        try:
            results = await delivery.resume_interrupted()
        except Exception:
            log.exception("resuming interrupted digests failed; each is retried when due")
            results = []
        for settings in await self._service.scheduled_guilds():
            result = await self.run_job(settings.guild_id)
            if result is not None:
                results.append(result)
        return results

    async def _wait_until_ready(self) -> DigestDelivery:
        if self._delivery is None or self._ready is None:
            raise RuntimeError("DigestScheduler.start() was not called")
        await self._ready()
        return self._delivery
