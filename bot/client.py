"""The Discord side of the composition root: the Bot subclass, its start-up and shutdown."""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import discord
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.alert_dispatcher import AlertDispatcher
from bot.app import Services, open_services, utc_now
from bot.channel_poster import ChannelPoster
from bot.digest_scheduler import DigestScheduler
from bot.feed_poller import FeedPoller
from bot.processes import ProcessRegistry
from bot.settings import Settings
from bot.tree import RoundupTree
from cogs.alerts.delivery import RequestPacer
from cogs.common.base import CogServices
from cogs.common.embeds import NO_MENTIONS
from cogs.common.i18n import CatalogueTranslator
from db.notify import WorkSignals

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_SETTINGS = 2

# How long a shutdown waits for running commands: under the 10 s docker stop allows.
SHUTDOWN_GRACE_SECONDS = 8.0

# Loaded in this order at start-up; one extension per feature.
EXTENSIONS = (
    "cogs.archive.company",
    "cogs.archive.headlines",
    "cogs.archive.roundup",
    "cogs.server.setup",
    "cogs.catalog.companies",
    "cogs.digest.commands",
    "cogs.feeds.commands",
    "cogs.alerts.commands",
    "cogs.server.status",
    "cogs.server.help",
)


class RoundupBot(commands.AutoShardedBot):
    """The bot: AutoShardedBot, so that SHARD_COUNT and SHARD_IDS can give this process some
    of Discord's gateway shards (docs/scaling.md); without them discord.py asks Discord how
    many shards the bot needs and connects them all, in this one process.

    Discord sends a guild's events and interactions only on the shard that owns it
    ((guild_id >> 22) % shard_count; DMs on shard 0), so interactions are answered only by
    the process that connected that shard. Background work (digests, feed polls, alerts) is
    not tied to a shard: it is claimed through leases, and reaches channels and members by
    REST, never through this process's cache."""

    def __init__(
        self,
        *,
        settings: Settings,
        services: CogServices,
        scheduler: AsyncIOScheduler,
        digest_scheduler: DigestScheduler,
        feed_poller: FeedPoller,
        alert_dispatcher: AlertDispatcher,
        channel_poster: ChannelPoster,
        signals: WorkSignals,
        processes: ProcessRegistry,
        sync_on_start: bool = True,
        **options: Any,
    ) -> None:
        intents = discord.Intents.default()  # no privileged intent: slash commands need none
        if settings.shard_count is not None:
            options.setdefault("shard_count", settings.shard_count)
            options.setdefault("shard_ids", settings.shards)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            tree_cls=RoundupTree,
            allowed_mentions=NO_MENTIONS,
            help_command=None,
            **options,
        )
        self.settings = settings
        self.services = services
        self.scheduler = scheduler
        self.digest_scheduler = digest_scheduler
        self.feed_poller = feed_poller
        self.alert_dispatcher = alert_dispatcher
        self.channel_poster = channel_poster
        self.signals = signals
        self.processes = processes
        # The start-up catch-up of the weekly digests, kept so it is awaited or cancelled.
        self.digest_catch_up: asyncio.Task[object] | None = None
        self._sync_on_start = sync_on_start
        self.shutdown_grace = SHUTDOWN_GRACE_SECONDS
        self._close_task: asyncio.Task[None] | None = None
        self._wind_down: asyncio.Task[None] | None = None

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogueTranslator())
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.scheduler.start()
        await self.signals.start()
        await self.processes.beat()
        self.processes.start()
        await self.digest_scheduler.start(self)
        self.feed_poller.start(self)
        self.alert_dispatcher.start(self)
        self.channel_poster.start(self)
        self.digest_catch_up = asyncio.create_task(
            self.digest_scheduler.catch_up(), name="digest catch-up"
        )
        if self._sync_on_start and self.settings.dev_guild_id:
            await self.sync_commands(guild_id=self.settings.dev_guild_id)

    async def sync_commands(self, *, guild_id: int | None) -> int:
        """Sync the slash commands to one server, or globally when no server is given."""
        if guild_id is None:
            synced = await self.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        log.info("synced %d commands to %s", len(synced), guild_id or "all servers")
        return len(synced)

    async def on_ready(self) -> None:
        user = self.user
        log.info(
            "ready as %s (id=%s) in %d servers, shards %s of %s",
            user,
            user and user.id,
            len(self.guilds),
            self.shard_ids or "all",
            self.shard_count,
        )

    def request_close(self, reason: str) -> None:
        """Close from a signal handler; the task is kept so the loop cannot drop it."""
        log.info("%s: shutting down", reason)
        if self._close_task is None:
            self._close_task = asyncio.get_running_loop().create_task(self.close())

    async def close(self) -> None:
        # close() is called by the signal handler, by start()'s caller and by `async with`;
        # all of them wait for the one wind-down before discord.py closes the connection.
        if self._wind_down is None:
            self._wind_down = asyncio.create_task(self._finish_work())
        await self._wind_down
        await super().close()

    async def _finish_work(self) -> None:
        """Stop the scheduler, and let running commands end while they can still answer
        and their writes can still reach the database (which closes right after the bot)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.digest_catch_up is not None and not self.digest_catch_up.done():
            # A post cut short here is resumed at the next start: its parts are on record.
            self.digest_catch_up.cancel()
            await asyncio.gather(self.digest_catch_up, return_exceptions=True)
        tree = self.tree
        if isinstance(tree, RoundupTree):
            await tree.finish_running(self.shutdown_grace)
        await self.signals.close()
        await self.processes.leave()


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at another REST base and gateway (proxies, compatible servers)."""
    if settings.discord_api_base:
        discord.http.Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)


def build_bot(
    settings: Settings,
    services: Services,
    *,
    sync_on_start: bool = True,
    connector: aiohttp.BaseConnector | None = None,
    **options: Any,
) -> RoundupBot:
    scheduler = AsyncIOScheduler(timezone="UTC")
    # One budget for every request the jobs make: alerts, channel posts and digests share it
    # (and the process registry sets it to this process's share when several processes run).
    pacer = RequestPacer(settings.alert_requests_per_second)
    digest_scheduler = DigestScheduler(
        scheduler,
        services.digest,
        services.digest_schedule,
        services.leases,
        grace=timedelta(hours=settings.digest_grace_hours),
        clock=services.clock,
        pacer=pacer,
    )
    signals = WorkSignals(services.database)
    services.settings_changes.subscribe(digest_scheduler.settings_changed)

    async def tell_others(_: object) -> None:
        await signals.notify("digest")  # the other processes plan their next wake again

    services.settings_changes.subscribe(tell_others)
    guild_settings = services.guild_settings
    cog_services = CogServices(
        archive=services.archive,
        guild_settings=guild_settings,
        digest=services.digest,
        next_digest=digest_scheduler.next_post_time,
        feeds=services.feeds,
        alerts=services.alerts,
        channels=services.channels,
    )
    alert_dispatcher = AlertDispatcher(
        scheduler, services.alerts, guild_settings, pacer=pacer, leases=services.leases
    )
    channel_poster = ChannelPoster(
        scheduler, services.channels, guild_settings, pacer, leases=services.leases
    )
    signals.on("digest", digest_scheduler.wake)
    signals.on("alerts", alert_dispatcher.wake)
    signals.on("channels", channel_poster.wake)
    processes = ProcessRegistry(
        scheduler,
        services.leases,
        signals,
        pacer,
        budget=settings.alert_requests_per_second,
        shards=settings.shard_ids or "all",
        clock=services.clock,
    )

    def on_news() -> None:  # every process's alert pass and channel posts, by NOTIFY
        signals.send("alerts")
        signals.send("channels")

    return RoundupBot(
        settings=settings,
        services=cog_services,
        scheduler=scheduler,
        digest_scheduler=digest_scheduler,
        feed_poller=FeedPoller(scheduler, services.feeds, guild_settings, on_news=on_news),
        alert_dispatcher=alert_dispatcher,
        channel_poster=channel_poster,
        signals=signals,
        processes=processes,
        sync_on_start=sync_on_start,
        connector=connector,
        **options,
    )


@asynccontextmanager
async def bot_session(
    settings: Settings,
    *,
    sync_on_start: bool = True,
    clock: Callable[[], datetime] = utc_now,
    **options: Any,
) -> AsyncIterator[RoundupBot]:
    """The bot exactly as ``run`` builds it, closed (and its database with it) on exit;
    ``clock`` is the time its services and schedules read (tests move it by hand)."""
    configure_endpoints(settings)
    async with open_services(settings, clock=clock) as services:
        bot = build_bot(settings, services, sync_on_start=sync_on_start, **options)
        async with bot:
            yield bot


async def run_bot(settings: Settings) -> int:
    """``python -m bot run``: connect to Discord until SIGTERM or SIGINT."""
    token = _token_or_none(settings)
    if token is None:
        return EXIT_SETTINGS
    async with bot_session(settings) as bot:
        _close_on_signals(bot)
        await bot.start(token)
    log.info("stopped cleanly")
    return EXIT_OK


async def sync_commands(settings: Settings, *, everywhere: bool) -> int:
    """``python -m bot sync [--global]``: push the slash commands without connecting."""
    token = _token_or_none(settings)
    if token is None:
        return EXIT_SETTINGS
    if not everywhere and settings.dev_guild_id is None:
        sys.stderr.write("error: set DEV_GUILD_ID, or pass --global to sync everywhere\n")
        return EXIT_SETTINGS
    async with bot_session(settings, sync_on_start=False) as bot:
        await bot.login(token)
        count = await bot.sync_commands(guild_id=None if everywhere else settings.dev_guild_id)
    sys.stdout.write(f"synced {count} commands\n")
    return EXIT_OK


def _token_or_none(settings: Settings) -> str | None:
    if settings.discord_token is None or not settings.has_token:
        sys.stderr.write(
            "error: DISCORD_TOKEN is missing or still a placeholder: put the bot's token in "
            ".env (see .env.example)\n"
        )
        return None
    return settings.discord_token.get_secret_value().strip()


def _close_on_signals(bot: RoundupBot) -> None:
    # SIGTERM (systemd, docker stop) and SIGINT (Ctrl-C) both close the bot gracefully: the
    # gateway is closed, the scheduler stopped, then the database once running writes end.
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, functools.partial(bot.request_close, sig.name))
