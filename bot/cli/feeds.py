"""``feeds add``, ``feeds list``, ``feeds remove`` and ``feeds poll``: the news feeds a
server follows."""

from __future__ import annotations

import argparse
import asyncio

from rich.console import Console, Group, RenderableType
from rich.text import Text

from bot import terminal
from bot.app import Services
from bot.cli import serialize
from bot.cli.common import EXIT_OK, Handlers, Parser, Subcommands, emit
from locales import t
from news.feeds.sources import PollResult

POLL_EVERY_SECONDS = 60  # `feeds poll` without --once: as often as the bot's own job


def add_commands(commands: Subcommands, common: Parser) -> Handlers:
    feeds = commands.add_parser("feeds", help="the news feeds a server follows")
    feed_actions = feeds.add_subparsers(dest="action", required=True, parser_class=Parser)
    feed_add = feed_actions.add_parser("add", parents=[common], help="follow a feed")
    feed_add.add_argument("url", help="the feed, or a web page that announces it")
    feed_add.add_argument("--name", help="the server's own name for it")
    feed_add.add_argument("--channel", type=int, help="post its new stories in this channel")
    feed_actions.add_parser("list", parents=[common], help="the feeds, their health and posting")
    channel = feed_actions.add_parser(
        "channel", parents=[common], help="where a feed posts its new stories"
    )
    channel.add_argument("feed", help="the feed's URL or name")
    channel.add_argument("--channel", type=int, help="the channel id; left out, stop posting")
    filters = feed_actions.add_parser(
        "filter", parents=[common], help="which stories of a feed are posted"
    )
    filters.add_argument("feed", help="the feed's URL or name")
    filters.add_argument("--include", help="alternatives separated by commas (topic:… company:…)")
    filters.add_argument("--exclude", help="alternatives separated by commas")
    template = feed_actions.add_parser(
        "format", parents=[common], help="a feed's posts as a text template"
    )
    template.add_argument("feed", help="the feed's URL or name")
    template.add_argument(
        "--template",
        help="{title} {url} {source} {summary} {published} {companies}; left out, the embed",
    )
    feed_remove = feed_actions.add_parser("remove", parents=[common], help="stop following")
    feed_remove.add_argument("url", help="the feed's URL or name")
    poll = feed_actions.add_parser("poll", parents=[common], help="poll due feeds (all servers)")
    poll.add_argument("--once", action="store_true", help="poll what is due once, then exit")
    poll.add_argument("--force", action="store_true", help="poll now, due or not (the first round)")
    poll.add_argument(
        "feed", nargs="?", help="only this feed (URL or name, of --guild), polled now"
    )
    return {
        "feeds add": _feeds_add,
        "feeds list": _feeds_list,
        "feeds channel": _feeds_channel,
        "feeds filter": _feeds_filter,
        "feeds format": _feeds_format,
        "feeds remove": _feeds_remove,
        "feeds poll": _feeds_poll,
    }


async def _feeds_add(args: argparse.Namespace, services: Services, out: Console) -> int:
    added = await services.feeds.add(args.guild, args.url, name=args.name)
    if args.channel is not None:
        await services.channels.start_posting(added.feed, args.channel)
    document = serialize.feed_added_json(added)
    document["feed"] |= await _posting(services, args.guild, added.feed.source.id)
    key = "terminal.feed_already" if added.already_followed else "terminal.feed_following"
    human = t(
        args.lang, key, name=added.feed.label, items=added.item_count, filed=document["filed"]
    )
    emit(out, args, document, Text(human))
    return EXIT_OK


async def _feeds_list(args: argparse.Namespace, services: Services, out: Console) -> int:
    listing = await services.channels.listing(args.guild)
    document = {
        "feeds": [serialize.feed_json(feed) | serialize.posting_json(p) for feed, p in listing]
    }
    emit(out, args, document, terminal.render_feeds([feed for feed, _ in listing], args.lang))
    return EXIT_OK


async def _posting(services: Services, guild_id: int, source_id: int) -> dict[str, object]:
    for feed, posting in await services.channels.listing(guild_id):
        if feed.source.id == source_id:
            return serialize.posting_json(posting)
    return serialize.posting_json(None)


async def _feeds_channel(args: argparse.Namespace, services: Services, out: Console) -> int:
    feed, posting = await services.channels.set_channel(args.guild, args.feed, args.channel)
    document = {"feed": serialize.feed_json(feed) | serialize.posting_json(posting)}
    human = (
        t(args.lang, "terminal.feed_posts_to", name=feed.label, channel=posting.channel_id)
        if posting.channel_id
        else t(args.lang, "terminal.feed_posts_nowhere", name=feed.label)
    )
    emit(out, args, document, Text(human))
    return EXIT_OK


async def _feeds_filter(args: argparse.Namespace, services: Services, out: Console) -> int:
    feed, posting = await services.channels.set_filter(
        args.guild, args.feed, args.include, args.exclude
    )
    document = {"feed": serialize.feed_json(feed) | serialize.posting_json(posting)}
    human = t(
        args.lang,
        "terminal.feed_filter",
        name=feed.label,
        include=posting.include or "-",
        exclude=posting.exclude or "-",
    )
    emit(out, args, document, Text(human))
    return EXIT_OK


async def _feeds_format(args: argparse.Namespace, services: Services, out: Console) -> int:
    feed, posting = await services.channels.set_format(args.guild, args.feed, args.template)
    document = {"feed": serialize.feed_json(feed) | serialize.posting_json(posting)}
    human = (
        t(args.lang, "terminal.feed_format", name=feed.label, template=posting.template)
        if posting.template is not None
        else t(args.lang, "terminal.feed_format_embed", name=feed.label)
    )
    emit(out, args, document, Text(human))
    return EXIT_OK


async def _feeds_remove(args: argparse.Namespace, services: Services, out: Console) -> int:
    removed = await services.feeds.remove(args.guild, args.url)
    emit(
        out,
        args,
        {"removed": serialize.feed_json(removed)},
        Text(t(args.lang, "terminal.feed_removed", name=removed.label)),
    )
    return EXIT_OK


async def _feeds_poll(args: argparse.Namespace, services: Services, out: Console) -> int:
    forced = args.force or args.feed is not None
    while True:
        if forced:
            results = await services.feeds.poll_now(args.guild, args.feed)
        else:
            results = await services.feeds.poll_due()
        forced = False
        document = {"polls": [serialize.poll_json(result) for result in results]}
        emit(out, args, document, _polls_text(results, args.lang))
        if args.once:
            return EXIT_OK
        await asyncio.sleep(POLL_EVERY_SECONDS)


def _polls_text(results: list[PollResult], language: str) -> RenderableType:
    """Each feed's poll, and the items it had to skip, named."""
    skipped = [
        t(language, "terminal.poll_skipped", url=result.source.url, item=label)
        for result in results
        for label in result.skipped
    ]
    if not skipped:
        return terminal.render_polls(results, language)
    polls = terminal.render_polls(results, language)
    return Group(polls, Text("\n".join(skipped), style="yellow"))
