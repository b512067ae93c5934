"""What every cog needs: the services it adapts, and the checks shared by admin commands."""

from __future__ import annotations

from dataclasses import dataclass

import discord
from discord.ext import commands
from news.errors import RoundupError
from news.guild_settings import GuildSettingsService
from news.services import ArchiveService


@dataclass(frozen=True, slots=True)
class CogServices:
    """The services the composition root hands to the cogs (cogs never see repositories)."""

    archive: ArchiveService
    guild_settings: GuildSettingsService


def services_of(bot: commands.Bot) -> CogServices:
    """The services attached to the bot by the composition root."""
    services = getattr(bot, "services", None)
    if not isinstance(services, CogServices):
        raise TypeError("the bot was built without CogServices: build it with bot.client")
    return services


def guild_id_of(interaction: discord.Interaction) -> int:
    """The server an interaction came from; commands are registered guild-only."""
    if interaction.guild_id is None:
        raise RoundupError(
            "This command works in a server, not in direct messages.",
            ko="이 명령은 DM이 아닌 서버에서만 쓸 수 있습니다.",
        )
    return interaction.guild_id
