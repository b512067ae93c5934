"""The weekly digest's schedule: one ``digest_schedule`` row per server, and the claim loop.

Each server's next digest time is a row (db/digest_schedule.py), computed from its weekday
and hour in its own IANA time zone by APScheduler's CronTrigger (wall-clock times in that
zone, so the post stays at 09:00 local across daylight-saving changes). /setup digest moves
the row at once. Any bot process may post any server's digest: the claim loop (``run_due``)
takes the rows that are due, claims each server's ``digest`` lease (news.core.leases), posts,
and moves the row on. APScheduler stays the scheduler inside each process: an interval job
(``digest:due``, the polling fallback) and a one-shot job at the earliest row's time
(``digest:next``) wake the loop; so do a NOTIFY from another process and a settings change.

What happened while every process was down is settled by the same loop: a row left in the
past is due, and the latest scheduled time at or before now is posted when it is within the
grace window (DIGEST_GRACE_HOURS), or recorded as missed and reported to the admins when it
is older. Posts a previous run left half-way are finished at start-up. Every post goes
through the record of DigestService under the server's lease, so a wake, a catch-up and
/digest post never post a week twice, in one process or across several.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.jobs import every, run_now, stopped_by_shutdown
from cogs.alerts.delivery import RequestPacer
from cogs.digest.delivery import DigestDelivery
from news.core.leases import LeaseBusy, LeaseLost, Leases
from news.core.models import GuildSettings
from news.digest.ports import DigestScheduleRepository
from news.digest.service import DigestService, PublishResult

log = logging.getLogger(__name__)

LEASE_KIND = "digest"
DUE_JOB = "digest:due"
NEXT_JOB = "digest:next"
POLL_EVERY_SECONDS = 60  # the fallback when no wake comes
DUE_BATCH = 100
# A failed attempt (database or Discord unreachable) is retried after this, doubling.
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(minutes=30)
# A weekly trigger fires at least once in any 8 days, whatever the clocks did.
_LOOKBACK = timedelta(days=8)


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
    """Owns the ``digest:*`` jobs of the bot's AsyncIOScheduler and the schedule rows."""

    def __init__(
        self,
        scheduler: AsyncIOScheduler,
        service: DigestService,
        schedule: DigestScheduleRepository,
        leases: Leases,
        *,
        grace: timedelta,
        clock: Callable[[], datetime],
        pacer: RequestPacer | None = None,
    ) -> None:
        self._scheduler = scheduler
        self._pacer = pacer
        self._service = service
        self._schedule = schedule
        self._leases = leases
        self._grace = grace
        self._clock = clock
        self._delivery: DigestDelivery | None = None
        self._ready: Callable[[], Awaitable[None]] | None = None
        # guild id -> (not before, last delay): attempts that failed wait before the next.
        self._retry: dict[int, tuple[datetime, timedelta]] = {}

    async def start(self, client: discord.Client) -> None:
        """Post through ``client`` from now on; the loop's jobs wait until it is ready."""
        self._delivery = DigestDelivery(client, self._service, self._pacer)
        self._ready = client.wait_until_ready
        every(
            self._scheduler,
            self.run_due,
            seconds=POLL_EVERY_SECONDS,
            job_id=DUE_JOB,
            name="post the digests that are due",
            misfire_grace_seconds=POLL_EVERY_SECONDS,
        )

    async def add_missing_rows(self) -> None:
        """A row for every server with a digest channel and none yet (a database from before
        the rows): its latest scheduled time, which the loop posts or records as missed."""
        now = self._clock()
        missing = []
        for settings in await self._service.scheduled_guilds():
            if await self._schedule.next_at(settings.guild_id) is None:
                at = last_fire_time(settings, now) or next_fire_time(settings, now)
                if at is not None:
                    missing.append((settings.guild_id, at))
        if missing:
            await self._schedule.add_missing(missing)

    async def settings_changed(self, settings: GuildSettings) -> None:
        """/setup digest saved new settings (the digest service noted when): move the row at
        once, and the wake-up with it."""
        await self._schedule.set_next(settings.guild_id, self.next_post_time(settings))
        await self._plan_next_wake()

    def next_post_time(self, settings: GuildSettings) -> datetime | None:
        """When the server's next digest goes out, by its schedule."""
        if settings.digest_channel_id is None:
            return None
        return next_fire_time(settings, self._clock())

    async def row(self, guild_id: int) -> datetime | None:
        """The server's next digest time on record (its ``digest_schedule`` row)."""
        return await self._schedule.next_at(guild_id)

    def wake(self) -> None:
        """Run the loop now (a NOTIFY, a settings change) rather than at its next tick."""
        run_now(self._scheduler, DUE_JOB)

    async def run_due(self) -> list[PublishResult]:
        """The claim loop: every due row whose lease this process gets is posted (or recorded
        missed) and moved on; rows held by another process are left to it. Never raises."""
        results: list[PublishResult] = []
        with stopped_by_shutdown(DUE_JOB):
            await self._wait_until_ready()
            try:
                due = await self._schedule.due(self._clock(), DUE_BATCH)
            except Exception:
                log.exception("reading the due digests failed; retried at the next wake")
                due = []
            for guild_id, at in due:
                result = await self._run_one(guild_id, at)
                if result is not None:
                    results.append(result)
            await self._plan_next_wake()
        return results

    async def run_job(self, guild_id: int) -> PublishResult | None:
        """The server's digest as due now by its schedule (what a wake does for it)."""
        with stopped_by_shutdown(f"digest:{guild_id}"):
            await self._wait_until_ready()
            at = await self._schedule.next_at(guild_id)
            if at is None or at > self._clock():
                settings = await self._service.settings(guild_id)
                at = last_fire_time(settings, self._clock())
            if at is None:
                return None
            return await self._run_one(guild_id, at, retry_now=True)
        return None

    async def _run_one(
        self, guild_id: int, at: datetime, *, retry_now: bool = False
    ) -> PublishResult | None:
        now = self._clock()
        waiting = self._retry.get(guild_id)
        if waiting is not None and now < waiting[0] and not retry_now:
            return None
        try:
            async with self._leases.holding(LEASE_KIND, str(guild_id)) as lease:
                if lease is None:
                    return None  # another process is on it
                result = await self._post_and_advance(guild_id, at)
        except (LeaseBusy, LeaseLost) as lost:
            log.info("digest left to another process: guild=%s (%s)", guild_id, lost)
            return None
        except Exception:
            delay = min(RETRY_MAX, waiting[1] * 2) if waiting else RETRY_FIRST
            self._retry[guild_id] = (now + delay, delay)
            log.exception(
                "digest attempt failed: guild=%s scheduled_at=%s; retried in %s",
                guild_id,
                at,
                delay,
            )
            return None
        self._retry.pop(guild_id, None)
        return result

    async def _post_and_advance(self, guild_id: int, at: datetime) -> PublishResult | None:
        delivery = await self._wait_until_ready()
        now = self._clock()
        settings = await self._service.settings(guild_id)
        if settings.digest_channel_id is None:
            await self._schedule.advance(guild_id, at, None)
            return None
        # The latest scheduled time: after a long outage only it matters (posted within the
        # grace window, else recorded as missed), as the schedule may have moved since ``at``.
        scheduled_at = max(at, last_fire_time(settings, now) or at)
        result = await delivery.scheduled(guild_id, scheduled_at, grace=self._grace)
        await self._schedule.advance(guild_id, at, next_fire_time(settings, max(now, at)))
        return result

    async def _plan_next_wake(self) -> None:
        """A one-shot wake at the earliest row still ahead, so a digest is not late by up to
        the polling period."""
        try:
            earliest = await self._schedule.earliest()
        except Exception:
            log.warning("could not read the next digest time; the loop polls meanwhile")
            return
        now = self._clock()
        if earliest is None or earliest <= now or not self._scheduler.running:
            return
        wake_at = datetime.now(UTC) + (earliest - now)
        self._scheduler.add_job(
            self.run_due,
            DateTrigger(run_date=wake_at),
            id=NEXT_JOB,
            name="the next digest time",
            replace_existing=True,
            misfire_grace_time=int(self._grace.total_seconds()) or 1,
            coalesce=True,
            max_instances=1,
        )

    async def catch_up(self) -> list[PublishResult]:
        """At start-up, once ready: rows for servers that have none, finish interrupted posts
        (those no other process is posting), run the loop, then settle each server's latest
        scheduled time (a post that failed for want of a permission is retried once a start,
        as the admins may have fixed it)."""
        delivery = await self._wait_until_ready()
        try:
            await self.add_missing_rows()
            results = await delivery.resume_interrupted()
            scheduled = await self._service.scheduled_guilds()
        except Exception:
            log.exception("resuming interrupted digests failed; each is retried when due")
            results, scheduled = [], []
        results += await self.run_due()
        for settings in scheduled:
            try:
                result = await self.run_job(settings.guild_id)
            except Exception:  # its schedule row could not be read: the loop posts it when due
                log.exception("settling a digest at start failed: guild=%s", settings.guild_id)
                continue
            if result is not None:
                results.append(result)
        return results

    async def _wait_until_ready(self) -> DigestDelivery:
        if self._delivery is None or self._ready is None:
            raise RuntimeError("DigestScheduler.start() was not called")
        await self._ready()
        return self._delivery
