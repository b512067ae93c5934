"""The ``/feed`` commands of the local console: ``add``, ``list``, ``remove``, ``retry`` and
``test``, and how a feed posts to a channel (``channel``, ``filter``, ``format``, ``webhook``),
on the same services as the bot's ``/feed`` and answering with the same catalogue replies.

A channel is a number that stands for one: nothing reaches Discord from the console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, Group, RenderableType
from rich.text import Text

from bot import terminal
from bot.app import Services
from bot.console_admin import Handler, _flag, _number, _required, plain
from locales import t
from news.channels.models import ChannelFeed
from news.core.errors import InvalidInput

if TYPE_CHECKING:
    from bot.console import ParsedCommand


class FeedCommands:
    """The handlers of ``/feed``, by their name in ``console_admin.OPTIONS``."""

    def __init__(self, services: Services, out: Console, guild_id: int, language: str) -> None:
        self._services = services
        self._out = out
        self._guild = guild_id
        self._lang = language
        self.handlers: dict[str, Handler] = {
            "feed add": self._add,
            "feed list": self._list,
            "feed remove": self._remove,
            "feed retry": self._retry,
            "feed test": self._test,
            "feed channel": self._channel,
            "feed filter": self._filter,
            "feed format": self._format,
            "feed webhook": self._webhook,
        }

    def _reply(self, key: str, **params: object) -> str:
        return plain(t(self._lang, f"replies.{key}", **params))

    def _say(self, *lines: str) -> None:
        self._out.print(Text("\n".join(lines)))

    async def _add(self, command: ParsedCommand) -> None:
        options = command.options
        channel = _number(options, "channel") if "channel" in options else None
        added = await self._services.feeds.add(
            self._guild, _required(command), name=options.get("name"), added_by=0
        )
        if channel is not None:
            await self._services.channels.start_posting(added.feed, channel)
        if added.already_followed:
            lines = [self._reply("feed_already", title=added.feed.label, items=added.item_count)]
        else:
            filed = added.first_poll.linked if added.first_poll else 0
            title = added.feed.label
            lines = [self._reply("feed_added", title=title, items=added.item_count, filed=filed)]
        if channel is not None:
            lines.append(self._reply("feed_posts_to", channel=f"<#{channel}>"))
        self._say(*lines)

    async def _list(self, command: ParsedCommand) -> None:
        listing = await self._services.channels.listing(self._guild)
        table = terminal.render_feeds([feed for feed, _ in listing], self._lang)
        if not listing:
            self._out.print(table)
            return
        postings = [f"{feed.label}: {self._posting(posting)}" for feed, posting in listing]
        self._out.print(Group(table, Text("\n".join(postings))))

    def _posting(self, posting: ChannelFeed | None) -> str:
        """Where and how the feed posts, as /feed list says it in Discord."""
        if posting is None or posting.channel_id is None:
            return self._reply("feed_not_posting")
        line = self._reply("feed_posting", channel=f"<#{posting.channel_id}>")
        if posting.broken:
            line += " · " + self._reply("feed_posting_broken", reason=posting.broken)
        if posting.include or posting.exclude:
            line += "\n  " + self._filter_line(posting)
        if posting.template is not None:
            line += "\n  " + self._reply("feed_format_line", template=posting.template)
        if posting.webhook:
            line += "\n  " + self._reply("feed_webhook_line")
        return line

    def _filter_line(self, posting: ChannelFeed) -> str:
        none = self._reply("feed_filter_none")
        return self._reply(
            "feed_filter_line", include=posting.include or none, exclude=posting.exclude or none
        )

    async def _remove(self, command: ParsedCommand) -> None:
        removed = await self._services.feeds.remove(self._guild, _required(command))
        self._say(self._reply("feed_removed", name=removed.label))

    async def _retry(self, command: ParsedCommand) -> None:
        result = await self._services.feeds.retry(self._guild, _required(command))
        name = result.source.title or result.source.url
        if result.error is None:
            self._say(self._reply("feed_retry_ok", name=name, filed=result.new_headlines))
        else:
            self._say(self._reply("feed_retry_failed", name=name, error=result.error))

    async def _test(self, command: ParsedCommand) -> None:
        preview = await self._services.feeds.preview(_required(command))
        feed = preview.feed
        lines: list[RenderableType] = [Text(feed.title or preview.url, style="bold")]
        lines += [Text(f"• {item.title}") for item in feed.items[: terminal.PREVIEW_ITEMS]]
        footer = self._reply("feed_preview", items=len(feed.items), format=feed.format)
        lines.append(Text(footer, style="dim"))
        self._out.print(Group(*lines))

    async def _channel(self, command: ParsedCommand) -> None:
        options = command.options
        channel = _number(options, "channel") if "channel" in options else None
        found, _ = await self._services.channels.set_channel(
            self._guild, _required(command), channel
        )
        if channel is None:
            self._say(self._reply("feed_channel_off", name=found.label))
        else:
            self._say(self._reply("feed_channel_set", name=found.label, channel=f"<#{channel}>"))

    async def _filter(self, command: ParsedCommand) -> None:
        options = command.options
        found, posting = await self._services.channels.set_filter(
            self._guild, _required(command), options.get("include"), options.get("exclude")
        )
        if not posting.include and not posting.exclude:
            self._say(self._reply("feed_filter_cleared", name=found.label))
        else:
            self._say(self._reply("feed_filter_set", name=found.label), self._filter_line(posting))

    async def _format(self, command: ParsedCommand) -> None:
        template = command.options.get("template")
        found, _ = await self._services.channels.set_format(
            self._guild, _required(command), template
        )
        key = "feed_format_set" if template is not None else "feed_format_cleared"
        self._say(self._reply(key, name=found.label))

    async def _webhook(self, command: ParsedCommand) -> None:
        enabled = _flag(command, "enabled")
        if enabled is None:
            raise InvalidInput("console.missing_option", option="enabled")
        found, _ = await self._services.channels.set_webhook(
            self._guild, _required(command), enabled
        )
        self._say(
            self._reply("feed_webhook_on" if enabled else "feed_webhook_off", name=found.label)
        )
