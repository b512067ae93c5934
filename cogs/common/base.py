"""What every cog needs: the services it adapts, and the checks shared by admin commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands
from news.alerts.service import AlertService
from news.archive.service import ArchiveService
from news.channels.service import ChannelService
from news.core.errors import RoundupError
from news.core.models import GuildSettings
from news.digest.guild_settings import GuildSettingsService
from news.digest.service import DigestService
from news.feeds.service import FeedService


@dataclass(frozen=True, slots=True)
class CogServices:
    """The services the composition root hands to the cogs (cogs never see repositories)."""

    archive: ArchiveService
    guild_settings: GuildSettingsService
    digest: DigestService
    # When a server's next digest goes out; the scheduler that fires it knows best.
    next_digest: Callable[[GuildSettings], datetime | None]
    feeds: FeedService
    alerts: AlertService
    channels: ChannelService


def services_of(bot: commands.Bot) -> CogServices:
    """The services attached to the bot by the composition root."""
    services = getattr(bot, "services", None)
    if not isinstance(services, CogServices):
        raise TypeError("the bot was built without CogServices: build it with bot.client")
    return services


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server an interaction came from; commands are registered guild-only."""
    if interaction.guild_id is None:
        raise RoundupError("command.guild_only")
    return interaction.guild_id


def require_manage_server(interaction: discord.Interaction) -> bool:
    """The run-time half of an admin command's permission: a server can override the default
    permission Discord shows commands by, so the bot checks again before acting.

    Group cogs call this from ``interaction_check``: discord.py ignores check decorators on a
    group class, so ``app_commands.checks.has_permissions`` there would never run."""
    if not interaction.permissions.manage_guild:
        raise app_commands.MissingPermissions(["manage_guild"])
    return True
