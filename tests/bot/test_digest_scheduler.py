"""Digest schedules: fire times in their own time zone across DST, and the jobs themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import open_services
from bot.digest_scheduler import (
    DUE_JOB,
    NEXT_JOB,
    DigestScheduler,
    last_fire_time,
    next_fire_time,
)
from bot.settings import Settings
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
async def digests(tmp_path: Path) -> AsyncIterator[tuple[DigestScheduler, AsyncIOScheduler]]:
    settings = Settings(_env_file=None, database_path=tmp_path / "digest.db")
    async with open_services(settings, clock=lambda: utc(2026, 11, 25)) as services:
        running = AsyncIOScheduler(timezone="UTC")
        running.start(paused=True)  # jobs are stored but never run by themselves here
        yield (
            DigestScheduler(
                running,
                services.digest,
                services.digest_schedule,
                services.leases,
                grace=timedelta(hours=12),
                clock=lambda: utc(2026, 11, 25),
            ),
            running,
        )
        running.shutdown(wait=False)


async def test_start_adds_one_polling_job_with_explicit_misfire_rules(
    digests: tuple[DigestScheduler, AsyncIOScheduler],
) -> None:
    scheduler, aps = digests
    await scheduler.start(discord.Client(intents=discord.Intents.none()))
    [job] = aps.get_jobs()
    assert job.id == DUE_JOB
    assert (job.misfire_grace_time, job.coalesce, job.max_instances) == (60, True, 1)


async def test_a_server_gets_a_row_at_its_next_time_and_a_wake_up_then(
    digests: tuple[DigestScheduler, AsyncIOScheduler],
) -> None:
    scheduler, aps = digests
    await scheduler.settings_changed(schedule(MONDAY, 9, "Asia/Seoul"))
    assert await scheduler.row(1) == utc(2026, 11, 30, 0, 0)
    job = aps.get_job(NEXT_JOB)
    assert job is not None and job.coalesce and job.max_instances == 1


async def test_a_new_schedule_replaces_the_row(
    digests: tuple[DigestScheduler, AsyncIOScheduler],
) -> None:
    scheduler, _ = digests
    await scheduler.settings_changed(schedule(MONDAY, 9, "Asia/Seoul"))
    await scheduler.settings_changed(schedule(SUNDAY, 18, "America/New_York"))
    assert await scheduler.row(1) == datetime(2026, 11, 29, 23, 0, tzinfo=UTC)


async def test_a_server_without_channel_has_no_row(
    digests: tuple[DigestScheduler, AsyncIOScheduler],
) -> None:
    scheduler, _ = digests
    await scheduler.settings_changed(schedule(MONDAY, 9, "Asia/Seoul"))
    await scheduler.settings_changed(schedule(MONDAY, 9, "Asia/Seoul", channel=None))
    assert await scheduler.row(1) is None


async def test_next_post_time_reads_the_injected_clock(
    digests: tuple[DigestScheduler, AsyncIOScheduler],
) -> None:
    scheduler, _ = digests
    assert scheduler.next_post_time(schedule(MONDAY, 9, "Asia/Seoul")) == utc(2026, 11, 30, 0, 0)
