"""/status (Manage Server): how the bot is doing for this server — its feeds' health, the next
digest, the alert queue, the version, uptime and gateway latency."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

import discord
from discord import app_commands
from discord.ext import commands
from news.alerts.models import AlertQueue
from news.core.models import GuildSettings
from news.core.text import truncate
from news.feeds.sources import GuildFeed

from cogs.common.base import CogServices, guild_id_of, require_manage_server, services_of
from cogs.common.embeds import COLOUR, NO_MENTIONS, escape, fit_embed
from cogs.common.i18n import text

FAILING_LISTED = 5  # the feeds in trouble named in the embed; /feed list has them all

Locale = discord.Locale | str


def bot_version() -> str:
    try:
        return version("roundup-bot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class StatusCog(commands.Cog):
    def __init__(self, bot: commands.Bot, services: CogServices) -> None:
        self._bot = bot
        self._services = services
        self._next_digest: Callable[[GuildSettings], datetime | None] = services.next_digest
        self._started = time.monotonic()

    @app_commands.command(name="status")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(require_manage_server)
    async def status(self, interaction: discord.Interaction) -> None:
        """How the bot is doing in this server (Manage Server)."""
        guild_id = guild_id_of(interaction)
        services = self._services
        settings = await services.guild_settings.settings(guild_id)
        feeds = await services.feeds.feeds(guild_id)
        queue = await services.alerts.queue(guild_id)
        locale = interaction.locale
        embed = discord.Embed(title=text(locale, "status_title"), colour=COLOUR)
        embed.add_field(name=text(locale, "status_feeds"), value=_feeds_value(feeds, locale))
        embed.add_field(
            name=text(locale, "status_digest"), value=self._digest_value(settings, locale)
        )
        embed.add_field(name=text(locale, "status_alerts"), value=_alerts_value(queue, locale))
        broken = await services.channels.broken_feeds(guild_id)
        if broken:
            lines = [
                text(
                    locale,
                    "status_channel_broken",
                    name=escape(truncate(feed.label, 100)),
                    channel=f"<#{feed.channel_id}>",
                    reason=escape(truncate(feed.reason, 150)),
                )
                for feed in broken[:FAILING_LISTED]
            ]
            embed.add_field(
                name=text(locale, "status_channel_feeds"), value="\n".join(lines), inline=False
            )
        embed.set_footer(
            text=text(
                locale,
                "status_footer",
                version=bot_version(),
                uptime=_duration(time.monotonic() - self._started, locale),
                latency=_latency_ms(self._bot.latency),
            )
        )
        await interaction.response.send_message(
            embed=fit_embed(embed), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    def _digest_value(self, settings: GuildSettings, locale: Locale) -> str:
        when = self._next_digest(settings) if settings.digest_channel_id else None
        if when is None:
            return text(locale, "digest_not_scheduled")
        return text(
            locale,
            "status_next_digest",
            when=discord.utils.format_dt(when, "F"),
            channel=f"<#{settings.digest_channel_id}>",
        )


def _feeds_value(feeds: list[GuildFeed], locale: Locale) -> str:
    if not feeds:
        return text(locale, "status_no_feeds")
    paused = [f for f in feeds if f.source.paused]
    failing = [f for f in feeds if f.source.failure_count and not f.source.paused]
    healthy = len(feeds) - len(paused) - len(failing)
    lines = [
        text(
            locale,
            "status_feed_counts",
            total=len(feeds),
            healthy=healthy,
            failing=len(failing),
            paused=len(paused),
        )
    ]
    for feed in (paused + failing)[:FAILING_LISTED]:
        error = truncate(feed.source.last_error or "", 80)
        lines.append(f"• {escape(truncate(feed.label, 60))}: {escape(error)}")
    return "\n".join(lines)


def _alerts_value(queue: AlertQueue, locale: Locale) -> str:
    oldest = (
        discord.utils.format_dt(queue.oldest_waiting, "R")
        if queue.oldest_waiting
        else text(locale, "never")
    )
    return text(
        locale,
        "status_alert_queue",
        subscriptions=queue.subscriptions,
        waiting=queue.waiting,
        oldest=oldest,
        unmatched=queue.unmatched,
    )


def _duration(seconds: float, locale: Locale) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return text(locale, "duration_days", days=days, hours=hours, minutes=minutes)
    return text(locale, "duration_hours", hours=hours, minutes=minutes)


def _latency_ms(latency: float) -> str:
    # discord.py reports inf before the first heartbeat is acknowledged.
    return f"{latency * 1000:.0f} ms" if latency != float("inf") else "?"


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(StatusCog(bot, services_of(bot)))
