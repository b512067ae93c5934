"""The alerts' job: registered once with a stable id, and woken at once by news."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.alert_dispatcher import JOB_ID, MISFIRE_GRACE_SECONDS, RUN_EVERY_SECONDS, AlertDispatcher
from bot.app import open_services
from bot.settings import Settings


@pytest.fixture
async def dispatcher(tmp_path: Path) -> AsyncIterator[tuple[AlertDispatcher, AsyncIOScheduler]]:
    settings = Settings(_env_file=None, database_path=tmp_path / "alerts.db")
    async with open_services(settings) as services:
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.start(paused=True)  # jobs are stored and moved, never fired by time
        yield (
            AlertDispatcher(
                scheduler,
                services.alerts,
                services.guild_settings,
                requests_per_second=47,
                leases=services.leases,
            ),
            scheduler,
        )
        scheduler.shutdown(wait=False)


async def test_start_adds_one_coalesced_job_with_a_stable_id(
    dispatcher: tuple[AlertDispatcher, AsyncIOScheduler],
) -> None:
    alerts, scheduler = dispatcher

    alerts.start(discord.Client(intents=discord.Intents.none()))
    alerts.start(discord.Client(intents=discord.Intents.none()))

    [job] = scheduler.get_jobs()
    assert job.id == JOB_ID
    assert job.coalesce and job.max_instances == 1
    assert job.misfire_grace_time == MISFIRE_GRACE_SECONDS
    assert job.trigger.interval == timedelta(seconds=RUN_EVERY_SECONDS)


async def test_wake_runs_the_job_now_rather_than_at_its_next_tick(
    dispatcher: tuple[AlertDispatcher, AsyncIOScheduler],
) -> None:
    alerts, scheduler = dispatcher
    alerts.start(discord.Client(intents=discord.Intents.none()))
    before = datetime.now(UTC)

    alerts.wake()

    [job] = scheduler.get_jobs()
    assert before <= job.next_run_time <= datetime.now(UTC)


async def test_wake_before_start_is_harmless(
    dispatcher: tuple[AlertDispatcher, AsyncIOScheduler],
) -> None:
    alerts, scheduler = dispatcher

    alerts.wake()

    assert scheduler.get_jobs() == []


class NeverReady(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())

    async def wait_until_ready(self) -> None:
        await asyncio.Event().wait()


async def test_a_run_stopped_by_shutdown_ends_quietly(
    dispatcher: tuple[AlertDispatcher, AsyncIOScheduler], caplog: pytest.LogCaptureFixture
) -> None:
    alerts, _ = dispatcher
    caplog.set_level(logging.INFO, logger="bot.jobs")
    alerts.start(NeverReady())
    run = asyncio.create_task(alerts.run_job())
    await asyncio.sleep(0)  # the run waits for the bot to be ready

    run.cancel()  # what APScheduler does to running jobs when it shuts down

    assert await run is None
    assert [r.levelno for r in caplog.records if r.name == "bot.jobs"] == [logging.INFO]
