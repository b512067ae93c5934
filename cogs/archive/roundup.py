"""/roundup (a week's roundups as they will be posted), /roundup-import (an attached article,
or one fetched from its web address) and /roundup-delete.

Discord lets only a whole top-level command carry a default permission, so the admin-only
import and delete are commands of their own rather than subcommands of the public /roundup.

/roundup shows every roundup of the week, not only the latest: the week's digest carries all
of them, and a preview that hid some would not show what will be posted.
"""

from __future__ import annotations

import logging
from pathlib import PurePath

import discord
from discord import app_commands
from discord.ext import commands
from news.archive.importing import ImportRequest, article_import_request
from news.archive.service import ArchiveService
from news.core.decoding import MAX_ARTICLE_BYTES, decode_article
from news.core.errors import InvalidInput
from news.core.models import ImportResult
from news.core.text import truncate
from news.core.weeks import parse_date
from news.feeds.service import FeedService

from cogs.common.base import CogServices, guild_id_of, services_of
from cogs.common.embeds import (
    CONTENT_LIMIT,
    NO_MENTIONS,
    escape,
    roundup_embeds,
    split_into_messages,
)
from cogs.common.i18n import english, text

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25
CHOICE_LIMIT = 100  # Discord's limit on a choice's name
CONFIRM_TIMEOUT_SECONDS = 120.0
ARTICLE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm")
SKIPPED_SHOWN = 10


class RoundupCog(commands.Cog):
    def __init__(self, services: CogServices) -> None:
        self._archive: ArchiveService = services.archive
        self._feeds: FeedService = services.feeds

    @app_commands.command(name="roundup")
    @app_commands.guild_only()
    @app_commands.describe(week="An ISO week such as 2026-W48")
    async def roundup(
        self, interaction: discord.Interaction, week: app_commands.Range[str, 1, 20] | None = None
    ) -> None:
        """Show a week's roundup as it will be posted."""
        found = await self._archive.week_roundups(guild_id_of(interaction), week)
        messages = [
            embeds
            for roundup in found
            for embeds in split_into_messages(roundup_embeds(roundup, interaction.locale))
        ]
        await interaction.response.send_message(embeds=messages[0], allowed_mentions=NO_MENTIONS)
        for embeds in messages[1:]:
            await interaction.followup.send(embeds=embeds, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="roundup-delete")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(roundup=english("commands.roundup-delete.options.roundup.description"))
    async def roundup_delete(
        self, interaction: discord.Interaction, roundup: app_commands.Range[int, 1]
    ) -> None:
        """Delete one of this server's roundups, with the headlines it filed."""
        guild_id = guild_id_of(interaction)
        found = await self._archive.roundup_by_id(guild_id, roundup)
        view = DeleteConfirmation(self._archive, guild_id, found.id, interaction)
        await interaction.response.send_message(
            text(
                interaction.locale,
                "roundup_delete_confirm",
                title=escape(truncate(found.title, 200)),
                week=found.week,
                headlines=found.headline_count,
            ),
            view=view,
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @roundup_delete.autocomplete("roundup")
    async def roundup_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        pairs = await self._archive.roundup_choices(
            guild_id_of(interaction), current, AUTOCOMPLETE_LIMIT
        )
        return [
            app_commands.Choice(name=truncate(label, CHOICE_LIMIT), value=roundup_id)
            for label, roundup_id in pairs[:AUTOCOMPLETE_LIMIT]
        ]

    @app_commands.command(name="roundup-import")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    @app_commands.describe(
        file="The article as a .txt, .md or .html file",
        url="The article's web address",
        date="The roundup's date, YYYY-MM-DD (default: today)",
        title="A title for the roundup",
    )
    async def roundup_import(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        url: app_commands.Range[str, 1, 2000] | None = None,
        date: app_commands.Range[str, 1, 20] | None = None,
        title: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Import a roundup article (text, Markdown or HTML)."""
        guild_id = guild_id_of(interaction)
        if (file is None) == (url is None):
            raise InvalidInput("import.file_or_url")
        if file is not None:
            _check_attachment(file)
        day = parse_date(date) if date else None
        await interaction.response.defer(ephemeral=True, thinking=True)
        if url is not None:
            article = await self._feeds.fetch_article(url)
            request = article_import_request(guild_id, article, day=day, title=title, url=url)
        else:
            assert file is not None  # exactly one of them was given
            request = ImportRequest(
                guild_id=guild_id,
                text=decode_article(await file.read()),
                filename=file.filename,
                day=day,
                title=title,
            )
        result = await self._archive.import_roundup(request)
        await interaction.followup.send(
            import_summary(result, interaction.locale), ephemeral=True, allowed_mentions=NO_MENTIONS
        )


class DeleteConfirmation(discord.ui.View):
    """Delete and Cancel buttons under the question; only the admin who asked may press."""

    def __init__(
        self,
        archive: ArchiveService,
        guild_id: int,
        roundup_id: int,
        origin: discord.Interaction,
        timeout: float = CONFIRM_TIMEOUT_SECONDS,
    ) -> None:
        super().__init__(timeout=timeout)
        self._archive = archive
        self._guild_id = guild_id
        self._roundup_id = roundup_id
        self._origin = origin
        self.delete.label = text(origin.locale, "delete")
        self.cancel.label = text(origin.locale, "cancel")

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self._origin.user.id:
            return True
        await interaction.response.send_message(
            text(interaction.locale, "not_your_confirmation"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        return False

    @discord.ui.button(style=discord.ButtonStyle.danger)
    async def delete(
        self, interaction: discord.Interaction, button: discord.ui.Button[DeleteConfirmation]
    ) -> None:
        self.stop()
        # Asked again: the permission may have been taken away while the question stood.
        if not interaction.permissions.manage_guild:
            await interaction.response.edit_message(
                content=text(interaction.locale, "needs_manage_server"),
                view=None,
                allowed_mentions=NO_MENTIONS,
            )
            return
        deleted = await self._archive.delete_roundup(self._guild_id, self._roundup_id)
        reply = text(
            interaction.locale,
            "roundup_deleted",
            title=escape(truncate(deleted.title, 200)),
            week=deleted.week,
        )
        await interaction.response.edit_message(
            content=reply, view=None, allowed_mentions=NO_MENTIONS
        )

    @discord.ui.button(style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, button: discord.ui.Button[DeleteConfirmation]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=text(interaction.locale, "roundup_delete_cancelled"),
            view=None,
            allowed_mentions=NO_MENTIONS,
        )

    async def on_timeout(self) -> None:
        try:
            await self._origin.edit_original_response(view=None)
        except discord.HTTPException:
            log.info(
                "confirmation of interaction=%s expired after its message went", self._origin.id
            )


def _check_attachment(file: discord.Attachment) -> None:
    if PurePath(file.filename).suffix.lower() not in ARTICLE_SUFFIXES:
        raise InvalidInput("import.attach_article")
    if file.size > MAX_ARTICLE_BYTES:
        raise InvalidInput("import.attachment_too_large")


def import_summary(result: ImportResult, locale: discord.Locale) -> str:
    """What an import found and skipped, short enough for one message."""
    roundup = result.roundup
    key = "updated" if result.replaced else "imported"
    lines = [
        text(
            locale,
            key,
            title=escape(truncate(roundup.title, 200)),
            week=roundup.week,
            sections=len(roundup.sections),
            headlines=roundup.headline_count,
        )
    ]
    if result.skipped:
        lines.append(f"\n**{text(locale, 'skipped', count=len(result.skipped))}**")
        lines.extend(
            f"`{s.line_no}` {s.reason}: {escape(truncate(s.text, 80))}"
            for s in result.skipped[:SKIPPED_SHOWN]
        )
        if len(result.skipped) > SKIPPED_SHOWN:
            lines.append(f"… +{len(result.skipped) - SKIPPED_SHOWN}")
    return truncate("\n".join(lines), CONTENT_LIMIT)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(RoundupCog(services_of(bot)))
