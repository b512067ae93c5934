"""/feed add, list, remove, retry, test, opml-import and opml-export: the feeds of a server;
and /feed channel, filter, format and webhook: how a feed posts its stories to a channel."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import PurePath

import discord
from discord import app_commands
from discord.ext import commands
from news.channels.filters import MAX_FILTER_LENGTH
from news.channels.models import ChannelFeed
from news.channels.service import ChannelService
from news.channels.templates import MESSAGE_LIMIT
from news.core.errors import InvalidInput
from news.core.text import truncate
from news.feeds.opml import MAX_OPML_BYTES
from news.feeds.service import FeedService
from news.feeds.sources import GuildFeed

from cogs.common.base import CogServices, guild_id_of, require_manage_server, services_of
from cogs.common.embeds import COLOUR, NO_MENTIONS, escape, fit_embed
from cogs.common.i18n import text

OPML_SUFFIXES = (".opml", ".xml")
PREVIEW_ITEMS = 10
LISTED_FEEDS = 25  # one embed field each


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FeedsCog(commands.GroupCog, name="feed"):
    """Follow news feeds in this server."""

    def __init__(self, services: CogServices) -> None:
        super().__init__()
        self._feeds: FeedService = services.feeds
        self._channels: ChannelService = services.channels

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return require_manage_server(interaction)

    @app_commands.command(name="add")
    @app_commands.describe(
        url="The feed's address, or a web page that links to it",
        name="This server's name for the feed",
        channel="Post every new story of the feed in this channel",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        name: app_commands.Range[str, 1, 100] | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Follow a feed (RSS, Atom, JSON Feed) or the feed a web page announces."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        added = await self._feeds.add(guild_id, url, name=name, added_by=interaction.user.id)
        if channel is not None:
            await self._channels.start_posting(added.feed, channel.id)
        title = escape(truncate(added.feed.label, 200))
        if added.already_followed:
            reply = text(interaction.locale, "feed_already", title=title, items=added.item_count)
        else:
            filed = added.first_poll.linked if added.first_poll else 0
            reply = text(
                interaction.locale, "feed_added", title=title, items=added.item_count, filed=filed
            )
        if channel is not None:
            reply += "\n" + text(interaction.locale, "feed_posts_to", channel=channel.mention)
        await interaction.followup.send(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="list")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        """The feeds of this server and their health."""
        feeds = await self._channels.listing(guild_id_of(interaction))
        locale = interaction.locale
        if not feeds:
            await interaction.response.send_message(
                text(locale, "feed_list_empty"), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        embed = discord.Embed(title=text(locale, "feed_list_title"), colour=COLOUR)
        for feed, posting in feeds[:LISTED_FEEDS]:
            embed.add_field(
                name=escape(truncate(feed.label, 200)),
                value=f"{escape(truncate(feed.source.url, 300))}\n{_status(feed, locale)}"
                f"\n{_posting(posting, locale)}",
                inline=False,
            )
        await interaction.response.send_message(
            embed=fit_embed(embed), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="remove")
    @app_commands.describe(feed="The feed's address or name")
    async def remove(
        self, interaction: discord.Interaction, feed: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Stop following a feed."""
        removed = await self._feeds.remove(guild_id_of(interaction), feed)
        await interaction.response.send_message(
            text(interaction.locale, "feed_removed", name=escape(truncate(removed.label, 200))),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="retry")
    @app_commands.describe(feed="The feed's address or name")
    async def retry(
        self, interaction: discord.Interaction, feed: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Resume a paused or failing feed and poll it now."""
        guild_id = guild_id_of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self._feeds.retry(guild_id, feed)
        name = escape(truncate(result.source.title or result.source.url, 200))
        if result.error is None:
            reply = text(interaction.locale, "feed_retry_ok", name=name, filed=result.new_headlines)
        else:
            error = escape(truncate(result.error, 300))
            reply = text(interaction.locale, "feed_retry_failed", name=name, error=error)
        await interaction.followup.send(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="test")
    @app_commands.describe(url="The feed's address, or a web page that links to it")
    async def test(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Preview a feed without saving anything."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await self._feeds.preview(url)
        feed = preview.feed
        embed = discord.Embed(
            title=escape(truncate(feed.title or preview.url, 200)),
            description="\n".join(
                f"• {escape(truncate(item.title, 150))}" for item in feed.items[:PREVIEW_ITEMS]
            ),
            colour=COLOUR,
        )
        embed.set_footer(
            text=text(interaction.locale, "feed_preview", items=len(feed.items), format=feed.format)
        )
        await interaction.followup.send(
            embed=fit_embed(embed), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    @app_commands.command(name="opml-import")
    @app_commands.describe(file="An OPML file (.opml or .xml)")
    async def opml_import(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Follow every feed of an OPML file."""
        guild_id = guild_id_of(interaction)
        _check_opml(file)
        await interaction.response.defer(ephemeral=True, thinking=True)
        imported = await self._feeds.import_opml(
            guild_id, await file.read(), added_by=interaction.user.id
        )
        reply = text(
            interaction.locale,
            "opml_imported",
            added=len(imported.added),
            already=imported.already_followed,
            refused=len(imported.refused),
        )
        await interaction.followup.send(reply, ephemeral=True, allowed_mentions=NO_MENTIONS)

    @app_commands.command(name="opml-export")
    async def opml_export(self, interaction: discord.Interaction) -> None:
        """This server's feeds as an OPML file."""
        guild_id = guild_id_of(interaction)
        document = await self._feeds.export_opml(guild_id)
        count = len(await self._feeds.feeds(guild_id))
        await interaction.response.send_message(
            text(interaction.locale, "opml_exported", count=count),
            file=discord.File(io.BytesIO(document.encode("utf-8")), filename="feeds.opml"),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    @app_commands.command(name="channel")
    @app_commands.describe(
        feed="The feed's address or name",
        channel="Where its new stories are posted; left out, they are only filed",
    )
    async def channel_feed(
        self,
        interaction: discord.Interaction,
        feed: app_commands.Range[str, 1, 2000],
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Change where a feed posts its new stories, or stop posting them."""
        guild_id = guild_id_of(interaction)
        found, _ = await self._channels.set_channel(
            guild_id, feed, channel.id if channel is not None else None
        )
        name = escape(truncate(found.label, 200))
        if channel is None:
            reply = text(interaction.locale, "feed_channel_off", name=name)
        else:
            reply = text(interaction.locale, "feed_channel_set", name=name, channel=channel.mention)
        await _answer(interaction, reply)

    @app_commands.command(name="filter")
    @app_commands.describe(
        feed="The feed's address or name",
        include="Post only stories matching one of these (commas between; topic:… company:…)",
        exclude="Never post stories matching one of these (commas between)",
    )
    async def filter_feed(
        self,
        interaction: discord.Interaction,
        feed: app_commands.Range[str, 1, 2000],
        include: app_commands.Range[str, 1, MAX_FILTER_LENGTH] | None = None,
        exclude: app_commands.Range[str, 1, MAX_FILTER_LENGTH] | None = None,
    ) -> None:
        """Which stories of a feed are posted (the others are still filed)."""
        guild_id = guild_id_of(interaction)
        found, posting = await self._channels.set_filter(guild_id, feed, include, exclude)
        name = escape(truncate(found.label, 200))
        if not posting.include and not posting.exclude:
            reply = text(interaction.locale, "feed_filter_cleared", name=name)
        else:
            reply = (
                text(interaction.locale, "feed_filter_set", name=name)
                + "\n"
                + _filter(posting, interaction.locale)
            )
        await _answer(interaction, reply)

    @app_commands.command(name="format")
    @app_commands.describe(
        feed="The feed's address or name",
        template="Text with {title} {url} {source} {summary} {published} {companies}; "
        "left out, the embed",
    )
    async def format_feed(
        self,
        interaction: discord.Interaction,
        feed: app_commands.Range[str, 1, 2000],
        template: app_commands.Range[str, 1, MESSAGE_LIMIT] | None = None,
    ) -> None:
        """Post a feed's stories as your own text instead of the embed."""
        guild_id = guild_id_of(interaction)
        found, _ = await self._channels.set_format(guild_id, feed, template)
        name = escape(truncate(found.label, 200))
        key = "feed_format_set" if template is not None else "feed_format_cleared"
        await _answer(interaction, text(interaction.locale, key, name=name))

    @app_commands.command(name="webhook")
    @app_commands.describe(
        feed="The feed's address or name",
        enabled="Post through a webhook named after the feed, with its icon",
    )
    async def webhook_feed(
        self,
        interaction: discord.Interaction,
        feed: app_commands.Range[str, 1, 2000],
        enabled: bool,
    ) -> None:
        """Post a feed's stories under the feed's own name and icon."""
        guild_id = guild_id_of(interaction)
        found, posting = await self._channels.set_webhook(guild_id, feed, enabled)
        name = escape(truncate(found.label, 200))
        key = "feed_webhook_on" if enabled else "feed_webhook_off"
        reply = text(interaction.locale, key, name=name)
        if enabled and not _can_manage_webhooks(interaction, posting.channel_id):
            reply += "\n" + text(interaction.locale, "feed_webhook_needs_permission")
        await _answer(interaction, reply)


async def _answer(interaction: discord.Interaction, reply: str) -> None:
    await interaction.response.send_message(
        truncate(reply, MESSAGE_LIMIT), ephemeral=True, allowed_mentions=NO_MENTIONS
    )


def _can_manage_webhooks(interaction: discord.Interaction, channel_id: int | None) -> bool:
    guild = interaction.guild
    if guild is None or channel_id is None:
        return True  # nothing to check against yet; delivery falls back if it must
    channel = guild.get_channel(channel_id)
    if channel is None:
        return True
    return channel.permissions_for(guild.me).manage_webhooks


def _posting(posting: ChannelFeed | None, locale: discord.Locale) -> str:
    """Where and how the feed posts, for /feed list."""
    if posting is None or posting.channel_id is None:
        return text(locale, "feed_not_posting")
    line = text(locale, "feed_posting", channel=f"<#{posting.channel_id}>")
    if posting.broken:
        line += " · " + text(
            locale, "feed_posting_broken", reason=escape(truncate(posting.broken, 100))
        )
    if posting.include or posting.exclude:
        line += "\n" + _filter(posting, locale)
    if posting.template is not None:
        line += "\n" + text(
            locale, "feed_format_line", template=escape(truncate(posting.template, 200))
        )
    if posting.webhook:
        line += "\n" + text(locale, "feed_webhook_line")
    return line


def _filter(posting: ChannelFeed, locale: discord.Locale) -> str:
    none = text(locale, "feed_filter_none")
    return text(
        locale,
        "feed_filter_line",
        include=escape(truncate(posting.include, 300)) or none,
        exclude=escape(truncate(posting.exclude, 300)) or none,
    )


def _status(feed: GuildFeed, locale: discord.Locale) -> str:
    source = feed.source
    if source.paused:
        state = text(locale, "feed_paused_state")
    elif source.failure_count:
        state = text(locale, "feed_failing", failures=source.failure_count)
    elif source.never_polled:
        state = text(locale, "feed_waiting")
    else:
        state = text(locale, "feed_healthy")
    line = text(
        locale,
        "feed_status",
        state=state,
        success=_when(source.last_success_at, locale),
        next=_when(None if source.paused else source.next_poll_at, locale),
    )
    if source.last_error:
        line += f"\n{escape(truncate(source.last_error, 200))}"
    return line


def _when(moment: datetime | None, locale: discord.Locale) -> str:
    return discord.utils.format_dt(moment, "R") if moment else text(locale, "never")


def _check_opml(file: discord.Attachment) -> None:
    if PurePath(file.filename).suffix.lower() not in OPML_SUFFIXES:
        raise InvalidInput("opml.attach_file")
    if file.size > MAX_OPML_BYTES:
        raise InvalidInput("opml.too_large")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FeedsCog(services_of(bot)))
