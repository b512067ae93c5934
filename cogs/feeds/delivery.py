"""Channel feeds on Discord: the sender that posts, edits and finds a story's message (as the
bot, or through the channel's webhook under the feed's name and icon), paced by the bot's one
RequestPacer shared with alerts, and the rendering of that message (an embed, or the feed's
template as content). Nothing it sends can ping: mentions are off and outside text escaped.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import discord
from news.channels.models import ChannelPost, PostGone, PostRefused, Via, WebhookRefused
from news.channels.templates import ALSO_LINE_LIMIT, PLACEHOLDER_LIMITS, render_template
from news.core.text import truncate

from cogs.alerts.delivery import RequestPacer
from cogs.common.embeds import COLOUR, NO_MENTIONS, escape, fit_embed, safe_url
from cogs.common.i18n import text

log = logging.getLogger(__name__)

# A post in doubt is among the channel's last messages unless the channel is very busy.
HISTORY_LIMIT = 100
UNKNOWN_MESSAGE = 10008
WEBHOOK_NAME_LIMIT = 80
# Discord refuses webhook names holding these words.
_RESERVED_NAME = re.compile(r"discord|clyde", re.IGNORECASE)


def fit_escaped(raw: str, limit: int) -> str:
    """``raw`` with Markdown escaped, cut so that the escaped text fits ``limit``."""
    cut = limit
    while True:
        value = escape(truncate(raw, cut))
        if len(value) <= limit or cut <= 1:
            return value[:limit]
        cut -= max(len(value) - limit, 1)


def post_message(post: ChannelPost) -> tuple[str | None, discord.Embed | None]:
    """The post as it shows now: (content, embed), one of them None."""
    lead = post.lead
    headline = lead.headline
    also = post.also_reported_by
    if post.template is not None:
        published = discord.utils.format_dt(headline.published_at, "f")
        url = (
            headline.url if headline.url and len(headline.url) <= PLACEHOLDER_LIMITS["url"] else ""
        )
        values = {
            "title": fit_escaped(headline.title, PLACEHOLDER_LIMITS["title"]),
            "url": url,
            "source": fit_escaped(lead.outlet, PLACEHOLDER_LIMITS["source"]),
            "summary": fit_escaped(headline.summary, PLACEHOLDER_LIMITS["summary"]),
            "published": published,
            "companies": fit_escaped(
                ", ".join(headline.companies), PLACEHOLDER_LIMITS["companies"]
            ),
        }
        content = render_template(post.template, values)
        if also:
            content += "\n" + _also_line(post.language, also, ALSO_LINE_LIMIT - 1)
        return content, None
    embed = discord.Embed(
        title=fit_escaped(headline.title, 256),
        url=safe_url(headline.url),
        description=fit_escaped(headline.summary, 600) or None,
        timestamp=headline.published_at,
        colour=COLOUR,
    )
    embed.add_field(
        name=text(post.language, "channel_post_source"),
        value=fit_escaped(lead.outlet, 200),
        inline=True,
    )
    if headline.companies:
        embed.add_field(
            name=text(post.language, "channel_post_companies"),
            value=fit_escaped(", ".join(headline.companies), 1000),
            inline=True,
        )
    if also:
        embed.add_field(
            name=text(post.language, "channel_post_also"),
            value=fit_escaped(", ".join(also), 1000),
            inline=False,
        )
    embed.set_footer(text=post.marker)
    return None, fit_embed(embed)


def _also_line(language: str, outlets: tuple[str, ...], limit: int) -> str:
    line = text(language, "channel_post_also_line", outlets=fit_escaped(", ".join(outlets), limit))
    return truncate(line, limit)


def webhook_name(label: str) -> str:
    """A feed's label as a webhook may be named."""
    name = _RESERVED_NAME.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], label)
    return truncate(" ".join(name.split()), WEBHOOK_NAME_LIMIT) or "feed"


class DiscordChannelSender:
    """news.channels.ports.ChannelSender on a discord.py client."""

    def __init__(self, client: discord.Client, pacer: RequestPacer) -> None:
        self._client = client
        self._pacer = pacer
        self._webhooks: dict[int, discord.Webhook] = {}  # channel id -> the bot's webhook

    async def send(self, post: ChannelPost) -> tuple[int, int | None]:
        content, embed = post_message(post)
        if post.via is Via.WEBHOOK:
            webhook = await self._webhook(post.channel_id, post.lead.outlet)
            await self._pacer.slot()
            with _refusals_explained():
                sent = await webhook.send(
                    content=content or discord.utils.MISSING,
                    embed=embed or discord.utils.MISSING,
                    username=webhook_name(post.lead.outlet),
                    avatar_url=post.lead.icon_url or discord.utils.MISSING,
                    allowed_mentions=NO_MENTIONS,
                    wait=True,
                )
            return sent.id, webhook.id
        channel = self._client.get_partial_messageable(post.channel_id)
        await self._pacer.slot()
        with _refusals_explained():
            message = await channel.send(
                content=content,
                embed=embed or discord.utils.MISSING,
                nonce=post.nonce,
                allowed_mentions=NO_MENTIONS,
            )
        return message.id, None

    async def edit(self, post: ChannelPost) -> None:
        if post.message_id is None:
            return
        content, embed = post_message(post)
        await self._pacer.slot()
        with _refusals_explained():
            if post.via is Via.WEBHOOK and post.webhook_id is not None:
                webhook = await self._webhook(post.channel_id, post.lead.outlet)
                await webhook.edit_message(
                    post.message_id, content=content, embed=embed, allowed_mentions=NO_MENTIONS
                )
                return
            channel = self._client.get_partial_messageable(post.channel_id)
            await channel.get_partial_message(post.message_id).edit(
                content=content, embed=embed, allowed_mentions=NO_MENTIONS
            )

    async def find(self, post: ChannelPost) -> int | None:
        me = self._client.user
        if me is None:
            return None
        content, _ = post_message(post)
        channel = self._client.get_partial_messageable(post.channel_id)
        await self._pacer.slot()
        with _refusals_explained():
            async for message in channel.history(limit=HISTORY_LIMIT):
                ours = message.author.id == me.id or message.webhook_id is not None
                if ours and _is_post(message, post, content):
                    return message.id
        return None

    async def _webhook(self, channel_id: int, label: str) -> discord.Webhook:
        """The bot's webhook in the channel, made (named after the feed) when it has none."""
        known = self._webhooks.get(channel_id)
        if known is not None:
            return known
        me = self._client.user
        try:
            channel = self._client.get_channel(channel_id)
            if channel is None:
                await self._pacer.slot()
                channel = await self._client.fetch_channel(channel_id)
            if not isinstance(channel, discord.TextChannel):
                raise WebhookRefused("not a text channel")
            await self._pacer.slot()
            mine = [
                hook
                for hook in await channel.webhooks()
                if hook.token and hook.user is not None and me is not None and hook.user.id == me.id
            ]
            if mine:
                webhook = mine[0]
            else:
                await self._pacer.slot()
                webhook = await channel.create_webhook(name=webhook_name(label))
        except discord.Forbidden as error:
            raise WebhookRefused(error.text or "Missing Permissions") from error
        except discord.NotFound as error:
            raise PostRefused(error.text or "Unknown Channel") from error
        self._webhooks[channel_id] = webhook
        return webhook


def _is_post(message: discord.Message, post: ChannelPost, content: str | None) -> bool:
    if message.nonce is not None and str(message.nonce) == post.nonce:
        return True
    if any(embed.footer.text == post.marker for embed in message.embeds):
        return True
    # A templated post has no footer: its text is its mark.
    return content is not None and not message.embeds and message.content == content


@contextmanager
def _refusals_explained() -> Iterator[None]:
    """Refusals that sending again will not fix; anything else (an outage) stays as it is and
    the post is resumed at the next pass."""
    try:
        yield
    except discord.NotFound as error:
        if error.code == UNKNOWN_MESSAGE:
            raise PostGone from error
        raise PostRefused(error.text or "Unknown Channel") from error
    except discord.Forbidden as error:
        raise PostRefused(error.text or "Missing Permissions") from error
