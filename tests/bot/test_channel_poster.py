"""The channel posts' job under the ('channels', 'post') lease: while another process holds
it, this process's pass does nothing; once it is free, the pass runs."""

from __future__ import annotations

from pathlib import Path

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import open_services
from bot.channel_poster import LEASE, ChannelPoster
from bot.settings import Settings
from cogs.alerts.delivery import RequestPacer
from news.channels.models import ChannelReport
from news.core.leases import Leases


class Ready(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.none())

    async def wait_until_ready(self) -> None:
        return None


async def test_a_pass_waits_while_another_process_holds_the_channels_lease(
    tmp_path: Path,
) -> None:
    settings = Settings(_env_file=None, database_path=tmp_path / "channels.db")
    async with open_services(settings) as services:
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.start(paused=True)
        poster = ChannelPoster(
            scheduler,
            services.channels,
            services.guild_settings,
            RequestPacer(47),
            leases=services.leases,
        )
        poster.start(Ready())
        other = Leases(
            services.leases.repository, holder="other-process", clock=services.clock, seconds=30
        )
        kind, key = LEASE
        [held] = await other.claim(kind, [key])

        assert await poster.run_job() is None

        await other.repository.release([held], services.clock())
        assert await poster.run_job() == ChannelReport()
        scheduler.shutdown(wait=False)
