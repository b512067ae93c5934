"""/help: what the bot does and how to use it, in the user's language."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from cogs.common.embeds import COLOUR, NO_MENTIONS, fit_embed
from cogs.common.i18n import text


class HelpCog(commands.Cog):
    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction) -> None:
        """What the bot does and how to use it."""
        embed = discord.Embed(
            title=text(interaction.locale, "help_title"),
            description=text(interaction.locale, "help_body"),
            colour=COLOUR,
        )
        await interaction.response.send_message(
            embed=fit_embed(embed), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(HelpCog())
