"""/digest preview, /digest post and /digest next: the server's weekly digest on demand.

One public ``/digest`` group rather than an admin-only command of its own for ``post``: Discord
applies a default permission to a whole top-level command, and the preview and the time of
the next post are for every member. ``post`` alone checks Manage Server at run time (in the
command, since discord.py ignores checks on a group class), so a member who sees it in the
command list is refused before anything happens.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands
from news.core.models import GuildSettings
from news.core.weeks import parse_week
from news.digest.posts import covered_week
from news.digest.service import DigestService, Outcome, PublishResult

from cogs.common.base import CogServices, guild_id_of, require_manage_server, services_of
from cogs.common.embeds import NO_MENTIONS, digest_messages
from cogs.common.i18n import language_of, text
from cogs.digest.delivery import DigestDelivery, failure_text


@app_commands.guild_only()
class DigestCog(commands.GroupCog, name="digest"):
    """The weekly digest of this server."""

    def __init__(self, client: discord.Client, services: CogServices) -> None:
        super().__init__()
        self._digest: DigestService = services.digest
        self._next_post: Callable[[GuildSettings], datetime | None] = services.next_digest
        self._delivery = DigestDelivery(client, services.digest)

    @app_commands.command(name="preview")
    @app_commands.describe(week="An ISO week such as 2026-W48")
    async def preview(
        self, interaction: discord.Interaction, week: app_commands.Range[str, 1, 20] | None = None
    ) -> None:
        """Preview a week's digest (only you see it)."""
        guild_id = guild_id_of(interaction)
        chosen = parse_week(week) if week else None
        await interaction.response.defer(ephemeral=True, thinking=True)
        digest = await self._digest.digest(guild_id, chosen)
        settings = await self._digest.settings(guild_id)

        def footer(index: int, total: int) -> str:
            return text(interaction.locale, "digest_preview_footer", index=index + 1, total=total)

        for embeds in digest_messages(digest, settings, part_footer=footer):
            await interaction.followup.send(
                embeds=embeds, ephemeral=True, allowed_mentions=NO_MENTIONS
            )

    @app_commands.command(name="post")
    @app_commands.describe(
        week="An ISO week such as 2026-W48",
        force="Post a new copy even if that week was posted",
    )
    async def post(
        self,
        interaction: discord.Interaction,
        week: app_commands.Range[str, 1, 20] | None = None,
        force: bool = False,
    ) -> None:
        """Post a week's digest now (Manage Server)."""
        require_manage_server(interaction)
        guild_id = guild_id_of(interaction)
        chosen = parse_week(week) if week else None
        await interaction.response.defer(ephemeral=True, thinking=True)
        # The admin reads what went wrong right here: no separate notice.
        result = await self._delivery.post(guild_id, week=chosen, force=force, notify=False)
        await interaction.followup.send(
            outcome_text(interaction.locale, result), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="next")
    async def next_post(self, interaction: discord.Interaction) -> None:
        """When the next weekly digest goes out."""
        settings = await self._digest.settings(guild_id_of(interaction))
        when = self._next_post(settings) if settings.digest_channel_id else None
        if when is None:
            reply = text(interaction.locale, "digest_not_scheduled")
        else:
            reply = text(
                interaction.locale,
                "digest_next",
                when=discord.utils.format_dt(when, "F"),
                relative=discord.utils.format_dt(when, "R"),
                channel=f"<#{settings.digest_channel_id}>",
                week=covered_week(when.astimezone(ZoneInfo(settings.timezone))),
            )
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)


def outcome_text(locale: discord.Locale | str | None, result: PublishResult) -> str:
    """What /digest post did, in the admin's language."""
    post = result.post
    channel = f"<#{post.channel_id}>"
    if result.outcome is Outcome.POSTED:
        return text(locale, "digest_posted", week=post.week, channel=channel, count=post.part_count)
    if result.outcome is Outcome.ALREADY_POSTED:
        return text(locale, "digest_already_posted", week=post.week, channel=channel)
    return failure_text(language_of(locale), result)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(DigestCog(bot, services_of(bot)))
