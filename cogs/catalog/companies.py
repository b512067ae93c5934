"""/companies add and /companies alias: teach the bot companies and their names."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands
from news.archive.retagging import Retag
from news.archive.service import ArchiveService

from cogs.archive.company import AUTOCOMPLETE_LIMIT, choices_from
from cogs.common.base import CogServices, guild_id_of, require_manage_server, services_of
from cogs.common.embeds import NO_MENTIONS, escape
from cogs.common.i18n import text


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class CompaniesCog(commands.GroupCog, name="companies"):
    """Teach the bot companies and their names."""

    def __init__(self, services: CogServices) -> None:
        super().__init__()
        self._archive: ArchiveService = services.archive

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return require_manage_server(interaction)

    @app_commands.command(name="add")
    @app_commands.describe(
        name="The company's name as the press writes it",
        english="Its English name",
        aliases="Other names, separated by commas",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        name: app_commands.Range[str, 1, 100],
        english: app_commands.Range[str, 1, 100] | None = None,
        aliases: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Add a company the bot does not know yet."""
        guild_id = guild_id_of(interaction)
        others = [alias for alias in (aliases or "").split(",") if alias.strip()]
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self._archive.add_company(name, english, others, guild_id=guild_id)
        reply = text(interaction.locale, "company_added", name=escape(change.company.name))
        await interaction.followup.send(
            retag_text(reply, change.retag, interaction.locale),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="alias")
    @app_commands.describe(company="The known company", alias="The new name")
    async def alias(
        self,
        interaction: discord.Interaction,
        company: app_commands.Range[str, 1, 100],
        alias: app_commands.Range[str, 1, 100],
    ) -> None:
        """Add another name for a known company."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        change = await self._archive.add_alias(company, alias, guild_id=guild_id)
        reply = text(
            interaction.locale, "alias_added", name=escape(change.company.name), alias=escape(alias)
        )
        await interaction.followup.send(
            retag_text(reply, change.retag, interaction.locale),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @alias.autocomplete("company")
    async def company_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices_from(
            self._archive.company_choices(
                current, AUTOCOMPLETE_LIMIT, guild_id=guild_id_of(interaction)
            )
        )


def retag_text(reply: str, retag: Retag, locale: discord.Locale) -> str:
    """The reply, and what became of the server's stored headlines (when it has any):
    re-tagged, or being re-tagged."""
    if retag.in_background:
        return f"{reply}\n{text(locale, 'retag_background', total=retag.total)}"
    if retag.total:
        done = text(locale, "retag_done", changed=retag.changed, total=retag.total)
        return f"{reply}\n{done}"
    return reply


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(CompaniesCog(services_of(bot)))
