"""/headlines: search the archive, paged with buttons only the asker can press."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import discord
from discord import app_commands
from discord.ext import commands
from news.archive.service import ArchiveService
from news.core.models import HeadlinePage

from cogs.archive.company import AUTOCOMPLETE_LIMIT, choices_from
from cogs.common.base import CogServices, guild_id_of, services_of
from cogs.common.embeds import NO_MENTIONS, headlines_embed
from cogs.common.i18n import text

log = logging.getLogger(__name__)

PAGE_SIZE = 8
PAGER_TIMEOUT_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Search:
    guild_id: int
    query: str
    week: str | None
    company: str | None
    topic: str | None
    page: int = 1

    async def run(self, archive: ArchiveService) -> HeadlinePage:
        return await archive.search_headlines(
            self.guild_id,
            self.query,
            week=self.week,
            company=self.company,
            topic=self.topic,
            page=self.page,
            per_page=PAGE_SIZE,
        )


class HeadlinePager(discord.ui.View):
    """Previous/next buttons over a search; only its owner may press them."""

    def __init__(
        self,
        archive: ArchiveService,
        search: Search,
        result: HeadlinePage,
        origin: discord.Interaction,
        timeout: float = PAGER_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(timeout=timeout)
        self._archive = archive
        self._search = search
        self._origin = origin
        self._update_buttons(result)

    def _update_buttons(self, result: HeadlinePage) -> None:
        locale = self._origin.locale
        self.previous_page.label = text(locale, "previous")
        self.next_page.label = text(locale, "next")
        self.previous_page.disabled = result.offset == 0
        self.next_page.disabled = result.offset + len(result.headlines) >= result.total

    @property
    def has_more_pages(self) -> bool:
        return not (self.previous_page.disabled and self.next_page.disabled)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self._origin.user.id:
            return True
        await interaction.response.send_message(
            text(interaction.locale, "not_your_buttons"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    @discord.ui.button(emoji="◀️", style=discord.ButtonStyle.secondary)
    async def previous_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[HeadlinePager]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(emoji="▶️", style=discord.ButtonStyle.secondary)
    async def next_page(
        self, interaction: discord.Interaction, button: discord.ui.Button[HeadlinePager]
    ) -> None:
        await self._turn(interaction, +1)

    async def _turn(self, interaction: discord.Interaction, step: int) -> None:
        self._search = replace(self._search, page=max(1, self._search.page + step))
        result = await self._search.run(self._archive)
        self._update_buttons(result)
        embed = headlines_embed(result, self._search.query, self._origin.locale)
        await interaction.response.edit_message(embed=embed, view=self)

    async def on_timeout(self) -> None:
        # Leave the results readable but the buttons inert, so nobody presses a dead view.
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            await self._origin.edit_original_response(view=self)
        except discord.HTTPException:
            log.info("pager of interaction=%s expired after its message went", self._origin.id)


class HeadlinesCog(commands.Cog):
    def __init__(self, services: CogServices) -> None:
        self._archive = services.archive

    @app_commands.command(name="headlines")
    @app_commands.guild_only()
    @app_commands.describe(
        query="Words to look for, Korean or English",
        week="An ISO week such as 2026-W48",
        company="Only headlines about this company",
        topic="Only headlines on this topic",
    )
    async def headlines(
        self,
        interaction: discord.Interaction,
        query: app_commands.Range[str, 1, 200],
        week: app_commands.Range[str, 1, 20] | None = None,
        company: app_commands.Range[str, 1, 100] | None = None,
        topic: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        """Search the headlines of this server's archive."""
        search = Search(guild_id_of(interaction), query, week, company, topic)
        result = await search.run(self._archive)
        embed = headlines_embed(result, query, interaction.locale)
        pager = HeadlinePager(self._archive, search, result, interaction)
        if not pager.has_more_pages:
            pager.stop()
            await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)
            return
        await interaction.response.send_message(
            embed=embed, view=pager, allowed_mentions=NO_MENTIONS
        )

    @headlines.autocomplete("company")
    async def company_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices_from(
            self._archive.company_choices(
                current, AUTOCOMPLETE_LIMIT, guild_id=guild_id_of(interaction)
            )
        )

    @headlines.autocomplete("topic")
    async def topic_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices_from(self._archive.topic_choices(current, AUTOCOMPLETE_LIMIT))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(HeadlinesCog(services_of(bot)))
