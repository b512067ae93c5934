"""/company: one company's headlines, weekly chart and commentary mentions."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common.base import CogServices, guild_id_of, services_of
from cogs.common.embeds import NO_MENTIONS, company_embed
from cogs.common.i18n import english

AUTOCOMPLETE_LIMIT = 25
CHOICE_LIMIT = 100


class CompanyCog(commands.Cog):
    def __init__(self, services: CogServices) -> None:
        self._archive = services.archive

    @app_commands.command(name="company")
    @app_commands.guild_only()
    @app_commands.describe(name=english("commands.company.options.name.description"))
    async def company(
        self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]
    ) -> None:
        """Look up a company: latest headlines, weekly chart and mentions."""
        lookup = await self._archive.lookup_company(guild_id_of(interaction), name)
        await interaction.response.send_message(
            embed=company_embed(lookup, interaction.locale), allowed_mentions=NO_MENTIONS
        )

    @company.autocomplete("name")
    async def company_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices_from(
            self._archive.company_choices(
                current, AUTOCOMPLETE_LIMIT, guild_id=guild_id_of(interaction)
            )
        )


def choices_from(pairs: list[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices from (label, value) pairs, within Discord's limits."""
    return [
        app_commands.Choice(name=label[:CHOICE_LIMIT], value=value[:CHOICE_LIMIT])
        for label, value in pairs[:AUTOCOMPLETE_LIMIT]
    ]


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CompanyCog(services_of(bot)))
