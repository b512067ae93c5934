"""/setup digest, digest-options, alerts and show: where and when this server's weekly digest
is posted, and where its alerts go."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands
from locales import t
from news.catalog.relevance import Strictness
from news.core.errors import InvalidInput
from news.core.models import GuildSettings
from news.digest.guild_settings import WEEKDAYS, GuildSettingsService, timezone_choices
from news.digest.service import MAX_DIGEST_SIZE, DigestService

from cogs.common.base import CogServices, guild_id_of, require_manage_server, services_of
from cogs.common.embeds import COLOUR, NO_MENTIONS, fit_embed
from cogs.common.i18n import language_of, text

WEEKDAY_CHOICES = [
    app_commands.Choice(name=name.capitalize(), value=number)
    for number, name in enumerate(WEEKDAYS)
]
LANGUAGE_CHOICES = [
    app_commands.Choice(name="Korean", value="ko"),
    app_commands.Choice(name="English", value="en"),
]
RELEVANCE_CHOICES = [
    app_commands.Choice(name=f"{strictness} ({what})", value=str(strictness))
    for strictness, what in zip(
        Strictness,
        ("every story", "drop clear non-tech", "tech stories, default", "clearly tech only"),
        strict=True,
    )
]
_POSTING_PERMISSIONS = discord.Permissions(view_channel=True, send_messages=True, embed_links=True)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SetupCog(commands.GroupCog, name="setup"):
    """Configure the bot for this server."""

    def __init__(self, services: CogServices) -> None:
        super().__init__()
        self._settings: GuildSettingsService = services.guild_settings
        self._digest: DigestService = services.digest

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return require_manage_server(interaction)

    @app_commands.command(name="digest")
    @app_commands.describe(
        channel="The channel for the weekly post",
        weekday="The day of the week",
        hour="The hour, 0-23, in the time zone below",
        timezone="An IANA time zone such as Asia/Seoul",
        language="The digest's language",
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def digest(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        weekday: app_commands.Choice[int],
        hour: app_commands.Range[int, 0, 23],
        timezone: app_commands.Range[str, 1, 64],
        language: app_commands.Choice[str],
    ) -> None:
        """Where and when the weekly digest is posted."""
        _require_can_post(channel)
        saved = await self._settings.configure_digest(
            guild_id_of(interaction),
            channel_id=channel.id,
            weekday=weekday.value,
            hour=hour,
            timezone=timezone,
            language=language.value,
        )
        await interaction.response.send_message(
            text(interaction.locale, "settings_saved"),
            embed=settings_embed(saved, interaction.locale),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @digest.autocomplete("timezone")
    async def timezone_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in timezone_choices(current[:64])]

    @app_commands.command(name="digest-options")
    @app_commands.describe(
        sections="How many sections at most (1-10)",
        items="How many items per section at most (1-10)",
        thread="Open a discussion thread under each digest",
        relevance="How tech a feed story must be to make the digest",
    )
    @app_commands.choices(relevance=RELEVANCE_CHOICES)
    async def digest_options(
        self,
        interaction: discord.Interaction,
        sections: app_commands.Range[int, 1, MAX_DIGEST_SIZE] | None = None,
        items: app_commands.Range[int, 1, MAX_DIGEST_SIZE] | None = None,
        thread: bool | None = None,
        relevance: app_commands.Choice[str] | None = None,
    ) -> None:
        """The digest's size, its discussion thread and how tech its stories must be."""
        saved = await self._digest.configure(
            guild_id_of(interaction),
            thread=thread,
            max_sections=sections,
            max_items=items,
            relevance=relevance.value if relevance else None,
        )
        locale = interaction.locale
        await interaction.response.send_message(
            text(
                locale,
                "digest_options_saved",
                sections=saved.max_sections,
                items=saved.max_items,
                thread=text(locale, "on" if saved.thread else "off"),
                relevance=saved.relevance,
            ),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="alerts")
    @app_commands.describe(channel="The alert channel (leave out to have none)")
    async def alerts(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Where alerts delivered in this server go (Manage Server)."""
        if channel is not None:
            _require_can_post(channel)
        await self._settings.set_alert_channel(
            guild_id_of(interaction), channel.id if channel else None
        )
        reply = (
            text(interaction.locale, "alert_channel_set", channel=channel.mention)
            if channel
            else text(interaction.locale, "alert_channel_cleared")
        )
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show this server's settings."""
        current = await self._settings.settings(guild_id_of(interaction))
        await interaction.response.send_message(
            embed=settings_embed(current, interaction.locale),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )


def _require_can_post(channel: discord.TextChannel) -> None:
    """Refuse a channel the bot could not post the digest in, before it is stored."""
    allowed = channel.permissions_for(channel.guild.me)
    if not _POSTING_PERMISSIONS.is_subset(allowed):
        raise InvalidInput("setup.cannot_post_there", channel=channel.mention)


def settings_embed(settings: GuildSettings, locale: discord.Locale) -> discord.Embed:
    not_set = text(locale, "not_set")
    embed = discord.Embed(title=text(locale, "settings_title"), colour=COLOUR)
    channel = f"<#{settings.digest_channel_id}>" if settings.digest_channel_id else not_set
    language = language_of(locale)
    weekday = t(language, f"choices.{WEEKDAYS[settings.digest_weekday]}")
    when = f"{weekday} {settings.digest_hour:02d}:00 ({settings.timezone})"
    names = {"ko": "choices.korean", "en": "choices.english"}
    shown_language = (
        t(language, names[settings.language]) if settings.language in names else settings.language
    )
    alerts = f"<#{settings.alert_channel_id}>" if settings.alert_channel_id else not_set
    embed.add_field(name=text(locale, "digest_channel"), value=channel)
    embed.add_field(name=text(locale, "digest_time"), value=when)
    embed.add_field(name=text(locale, "language"), value=shown_language)
    embed.add_field(name=text(locale, "alert_channel"), value=alerts)
    return fit_embed(embed)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(SetupCog(services_of(bot)))
