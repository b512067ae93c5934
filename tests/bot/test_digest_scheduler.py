"""Digest schedules: fire times in their own time zone across DST, and the jobs themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.digest_scheduler import DigestScheduler, job_id, last_fire_time, next_fire_time
from news.core.models import GuildSettings

MONDAY = 0
SUNDAY = 6


def schedule(weekday: int, hour: int, timezone: str, channel: int | None = 5) -> GuildSettings:
    return GuildSettings(
        1, digest_channel_id=channel, digest_weekday=weekday, digest_hour=hour, timezone=timezone
    )


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_seoul_monday_nine_is_midnight_utc() -> None:
    fire = next_fire_time(schedule(MONDAY, 9, "Asia/Seoul"), utc(2026, 11, 25))
    assert fire == utc(2026, 11, 30, 0, 0)


def test_next_fire_is_strictly_after_now() -> None:
    fire = next_fire_time(schedule(MONDAY, 9, "Asia/Seoul"), utc(2026, 11, 30, 0, 0))
    assert fire == utc(2026, 12, 7, 0, 0)


def test_new_york_keeps_nine_local_when_clocks_fall_back() -> None:
    settings = schedule(SUNDAY, 9, "America/New_York")
    before = next_fire_time(settings, utc(2026, 10, 20))
    after = next_fire_time(settings, utc(2026, 10, 27))
    assert (before, after) == (utc(2026, 10, 25, 13, 0), utc(2026, 11, 1, 14, 0))


def test_new_york_keeps_nine_local_when_clocks_spring_forward() -> None:
    settings = schedule(SUNDAY, 9, "America/New_York")
    before = next_fire_time(settings, utc(2026, 3, 2))
    after = next_fire_time(settings, utc(2026, 3, 9))
    assert (before, after) == (utc(2026, 3, 8, 13, 0), utc(2026, 3, 15, 13, 0))


def test_seoul_ignores_new_yorks_change() -> None:
    settings = schedule(SUNDAY, 9, "Asia/Seoul")
    fires = [next_fire_time(settings, utc(2026, 10, day)) for day in (20, 27)]
    assert fires == [utc(2026, 10, 25, 0, 0), utc(2026, 11, 1, 0, 0)]


def test_an_hour_skipped_by_spring_forward_fires_an_hour_later_in_utc_terms() -> None:
    # 02:00 does not exist on 2026-03-08 in New York: the job runs at 03:00 EDT, 07:00 UTC.
    fire = next_fire_time(schedule(SUNDAY, 2, "America/New_York"), utc(2026, 3, 2))
    assert fire == utc(2026, 3, 8, 7, 0)


def test_an_hour_repeated_by_fall_back_is_its_later_occurrence_at_last() -> None:
    settings = schedule(SUNDAY, 1, "America/New_York")
    assert last_fire_time(settings, utc(2026, 11, 2)) == utc(2026, 11, 1, 6, 0)
    assert next_fire_time(settings, utc(2026, 11, 1, 6, 0)) == utc(2026, 11, 8, 6, 0)


def test_last_fire_is_the_latest_at_or_before_now() -> None:
    settings = schedule(MONDAY, 9, "Asia/Seoul")
    assert last_fire_time(settings, utc(2026, 11, 30, 0, 0)) == utc(2026, 11, 30, 0, 0)
    assert last_fire_time(settings, utc(2026, 11, 29, 23, 59)) == utc(2026, 11, 23, 0, 0)


@pytest.fixture
async def scheduler() -> AsyncIterator[AsyncIOScheduler]:
    running = AsyncIOScheduler(timezone="UTC")
    yield running
    if running.running:
        running.shutdown(wait=False)


def digest_scheduler(scheduler: AsyncIOScheduler) -> DigestScheduler:
    scheduler.start(paused=True)  # jobs are stored but never run by themselves here
    service: Any = None  # schedule() never reaches the service
    return DigestScheduler(
        scheduler, service, grace=timedelta(hours=12), clock=lambda: utc(2026, 11, 25)
    )


async def test_a_server_gets_one_job_with_explicit_misfire_rules(
    scheduler: AsyncIOScheduler,
) -> None:
    digests = digest_scheduler(scheduler)
    digests.schedule(schedule(MONDAY, 9, "Asia/Seoul"))
    job = scheduler.get_job(job_id(1))
    assert job is not None and job.id == "digest:1"
    assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (12 * 3600, True, 1)


async def test_a_new_schedule_replaces_the_job(scheduler: AsyncIOScheduler) -> None:
    digests = digest_scheduler(scheduler)
    digests.schedule(schedule(MONDAY, 9, "Asia/Seoul"))
    digests.schedule(schedule(SUNDAY, 18, "America/New_York"))
    jobs = scheduler.get_jobs()
    assert len(jobs) == 1
    fire = jobs[0].trigger.get_next_fire_time(None, utc(2026, 11, 25))
    assert fire == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


async def test_a_server_without_channel_has_no_job(scheduler: AsyncIOScheduler) -> None:
    digests = digest_scheduler(scheduler)
    digests.schedule(schedule(MONDAY, 9, "Asia/Seoul"))
    digests.schedule(schedule(MONDAY, 9, "Asia/Seoul", channel=None))
    assert scheduler.get_jobs() == []


async def test_next_post_time_reads_the_injected_clock(scheduler: AsyncIOScheduler) -> None:
    digests = digest_scheduler(scheduler)
    assert digests.next_post_time(schedule(MONDAY, 9, "Asia/Seoul")) == utc(2026, 11, 30, 0, 0)
