"""The server commands of the local console: ``/digest preview|post|next``,
``/feed add|list|remove|retry|test``, ``/subscribe``, ``/subscriptions``, ``/unsubscribe``,
``/setup digest|digest-options|show|alerts`` and ``/status``, on the same services as the
bot's slash commands and answering in the same words (the catalogue's replies, without
Discord's Markdown).

The console is one member of its own space (user id ``CONSOLE_USER_ID``) with every
permission. Nothing reaches Discord: ``/digest post`` prints what would be posted, and a
channel is a number that stands for one.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, NoReturn
from zoneinfo import ZoneInfo

from rich.console import Console, Group, RenderableType
from rich.text import Text

from bot import terminal
from bot.app import Services
from bot.cli.common import bot_version, did_you_mean
from bot.digest_scheduler import next_fire_time
from locales import t
from news.alerts.models import Delivery, Subscription
from news.core.errors import InvalidInput
from news.core.models import GuildSettings
from news.core.weeks import parse_week
from news.digest.guild_settings import WEEKDAYS
from news.digest.posts import covered_week

if TYPE_CHECKING:
    from bot.console import ParsedCommand

CONSOLE_USER_ID = 0

ACTIONS: dict[str, tuple[str, ...]] = {
    "digest": ("preview", "post", "next"),
    "feed": ("add", "list", "remove", "retry", "test"),
    "setup": ("digest", "digest-options", "show", "alerts"),
}
OPTIONS: dict[str, frozenset[str]] = {
    "digest preview": frozenset({"week"}),
    "digest post": frozenset({"week", "force"}),
    "digest next": frozenset(),
    "feed add": frozenset({"name"}),
    "feed list": frozenset(),
    "feed remove": frozenset(),
    "feed retry": frozenset(),
    "feed test": frozenset(),
    "subscribe": frozenset({"topic", "company", "keyword", "delivery"}),
    "subscriptions": frozenset(),
    "unsubscribe": frozenset(),
    "setup digest": frozenset({"channel", "weekday", "hour", "timezone", "language"}),
    "setup digest-options": frozenset({"sections", "items", "thread", "relevance"}),
    "setup show": frozenset(),
    "setup alerts": frozenset({"channel"}),
    "status": frozenset(),
}
_MARKDOWN = re.compile(r"\*\*|`")
_CHANNEL = re.compile(r"<#(\d+)>")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})

Handler = Callable[["ParsedCommand"], Awaitable[None]]


def command_name(group: str, action: str) -> str:
    """``digest preview``; InvalidInput (with the nearest action) for one the group lacks."""
    if action not in ACTIONS[group]:
        unknown_action(group, action)
    return f"{group} {action}"


def unknown_action(group: str, action: str) -> NoReturn:
    actions = ACTIONS.get(group, ())
    known = " | ".join(actions)
    hint = did_you_mean(action, list(actions)) if action else None
    if hint is not None:
        raise InvalidInput(
            "console.unknown_action_suggest", command=group, action=action, hint=hint
        )
    raise InvalidInput("console.which_action", command=group, actions=known)


def plain(reply: str) -> str:
    """A Discord reply for a terminal: no Markdown markers, channels as ``#id``."""
    return _CHANNEL.sub(r"#\1", _MARKDOWN.sub("", reply))


class ServerCommands:
    """The handlers of the server commands, by their name in ``OPTIONS``."""

    def __init__(self, services: Services, out: Console, guild_id: int, language: str) -> None:
        self._services = services
        self._out = out
        self._guild = guild_id
        self._lang = language
        self._handlers: dict[str, Handler] = {
            "digest preview": self._digest_preview,
            "digest post": self._digest_post,
            "digest next": self._digest_next,
            "feed add": self._feed_add,
            "feed list": self._feed_list,
            "feed remove": self._feed_remove,
            "feed retry": self._feed_retry,
            "feed test": self._feed_test,
            "subscribe": self._subscribe,
            "subscriptions": self._subscriptions,
            "unsubscribe": self._unsubscribe,
            "setup digest": self._setup_digest,
            "setup digest-options": self._setup_digest_options,
            "setup show": self._setup_show,
            "setup alerts": self._setup_alerts,
            "status": self._status,
        }

    def handler(self, name: str) -> Handler:
        return self._handlers[name]

    def _reply(self, key: str, **params: object) -> str:
        return plain(t(self._lang, f"replies.{key}", **params))

    def _say(self, key: str, **params: object) -> None:
        self._out.print(Text(self._reply(key, **params)))

    # --- /digest ------------------------------------------------------------------------

    async def _digest_preview(self, command: ParsedCommand) -> None:
        week = _week(command)
        digest = await self._services.digest.digest(self._guild, week)
        self._out.print(terminal.render_digest(digest, self._lang))

    async def _digest_post(self, command: ParsedCommand) -> None:
        week = _week(command)
        _flag(command, "force")  # accepted as in Discord; the console never posts twice
        settings = await self._services.digest.settings(self._guild)
        if settings.digest_channel_id is None:
            raise InvalidInput("digest.not_configured")
        digest = await self._services.digest.digest(self._guild, week)
        heading = t(self._lang, "terminal.would_post", channel=f"#{settings.digest_channel_id}")
        self._out.print(
            Group(Text(heading, style="dim"), terminal.render_digest(digest, self._lang))
        )

    async def _digest_next(self, command: ParsedCommand) -> None:
        settings = await self._services.digest.settings(self._guild)
        now = self._services.clock()
        when = next_fire_time(settings, now) if settings.digest_channel_id else None
        if when is None:
            self._say("digest_not_scheduled")
            return
        local = when.astimezone(ZoneInfo(settings.timezone))
        self._say(
            "digest_next",
            when=f"{local:%Y-%m-%d %H:%M} ({settings.timezone})",
            relative=_in(when - now, self._lang),
            channel=f"#{settings.digest_channel_id}",
            week=covered_week(local),
        )

    # --- /feed --------------------------------------------------------------------------

    async def _feed_add(self, command: ParsedCommand) -> None:
        feeds = self._services.feeds
        added = await feeds.add(
            self._guild, _required(command), name=command.options.get("name"), added_by=0
        )
        if added.already_followed:
            self._say("feed_already", title=added.feed.label, items=added.item_count)
        else:
            filed = added.first_poll.linked if added.first_poll else 0
            self._say("feed_added", title=added.feed.label, items=added.item_count, filed=filed)

    async def _feed_list(self, command: ParsedCommand) -> None:
        feeds = await self._services.feeds.feeds(self._guild)
        self._out.print(terminal.render_feeds(feeds, self._lang))

    async def _feed_remove(self, command: ParsedCommand) -> None:
        removed = await self._services.feeds.remove(self._guild, _required(command))
        self._say("feed_removed", name=removed.label)

    async def _feed_retry(self, command: ParsedCommand) -> None:
        result = await self._services.feeds.retry(self._guild, _required(command))
        name = result.source.title or result.source.url
        if result.error is None:
            self._say("feed_retry_ok", name=name, filed=result.new_headlines)
        else:
            self._say("feed_retry_failed", name=name, error=result.error)

    async def _feed_test(self, command: ParsedCommand) -> None:
        preview = await self._services.feeds.preview(_required(command))
        feed = preview.feed
        lines: list[RenderableType] = [Text(feed.title or preview.url, style="bold")]
        lines += [Text(f"• {item.title}") for item in feed.items[: terminal.PREVIEW_ITEMS]]
        footer = self._reply("feed_preview", items=len(feed.items), format=feed.format)
        lines.append(Text(footer, style="dim"))
        self._out.print(Group(*lines))

    # --- alerts -------------------------------------------------------------------------

    async def _subscribe(self, command: ParsedCommand) -> None:
        options = command.options
        delivery = _delivery(options.get("delivery", Delivery.DM.value))
        result = await self._services.alerts.subscribe(
            self._guild,
            CONSOLE_USER_ID,
            topic=options.get("topic"),
            company=options.get("company"),
            keyword=options.get("keyword") or command.text or None,
            delivery=delivery,
            language=self._lang,
        )
        subscription = result.subscription
        self._say(
            "subscribed" if result.created else "subscription_updated",
            label=subscription.label,
            kind=self._reply(f"kind_{subscription.kind}"),
            delivery=self._reply(f"delivery_{subscription.delivery}"),
        )

    async def _subscriptions(self, command: ParsedCommand) -> None:
        found = await self._services.alerts.subscriptions(self._guild, CONSOLE_USER_ID)
        if not found:
            self._say("no_subscriptions")
            return
        lines = [f"{n}. {self._subscription_line(s)}" for n, s in enumerate(found, start=1)]
        self._out.print(Text(self._reply("subscriptions_title"), style="bold"))
        self._out.print(Text("\n".join(lines)))

    def _subscription_line(self, subscription: Subscription) -> str:
        kind = self._reply(f"kind_{subscription.kind}")
        delivery = self._reply(f"delivery_{subscription.delivery}")
        stopped = f" · {self._reply('subscription_stopped')}" if subscription.undeliverable else ""
        return f"{subscription.label} ({kind}, {delivery}){stopped}"

    async def _unsubscribe(self, command: ParsedCommand) -> None:
        removed = await self._services.alerts.unsubscribe(
            self._guild, CONSOLE_USER_ID, _required(command)
        )
        self._say("unsubscribed", label=removed.label)

    # --- /setup -------------------------------------------------------------------------

    async def _setup_digest(self, command: ParsedCommand) -> None:
        options = command.options
        saved = await self._services.guild_settings.configure_digest(
            self._guild,
            channel_id=_number(options, "channel"),
            weekday=_weekday(_option(options, "weekday")),
            hour=_number(options, "hour"),
            timezone=_option(options, "timezone"),
            language=_option(options, "language"),
        )
        self._say("settings_saved")
        self._out.print(self._settings(saved))

    async def _setup_digest_options(self, command: ParsedCommand) -> None:
        options = command.options
        saved = await self._services.digest.configure(
            self._guild,
            thread=_flag(command, "thread"),
            max_sections=_number(options, "sections") if "sections" in options else None,
            max_items=_number(options, "items") if "items" in options else None,
            relevance=_option(options, "relevance"),
        )
        self._say(
            "digest_options_saved",
            sections=saved.max_sections,
            items=saved.max_items,
            thread=self._reply("on" if saved.thread else "off"),
            relevance=saved.relevance,
        )

    async def _setup_show(self, command: ParsedCommand) -> None:
        current = await self._services.guild_settings.settings(self._guild)
        self._out.print(self._settings(current))

    async def _setup_alerts(self, command: ParsedCommand) -> None:
        channel = _number(command.options, "channel") if "channel" in command.options else None
        await self._services.guild_settings.set_alert_channel(self._guild, channel)
        if channel is None:
            self._say("alert_channel_cleared")
        else:
            self._say("alert_channel_set", channel=f"#{channel}")

    def _settings(self, settings: GuildSettings) -> RenderableType:
        not_set = self._reply("not_set")
        weekday = t(self._lang, f"choices.{WEEKDAYS[settings.digest_weekday]}")
        rows = [
            ("digest_channel", _channel(settings.digest_channel_id) or not_set),
            ("digest_time", f"{weekday} {settings.digest_hour:02d}:00 ({settings.timezone})"),
            ("language", terminal.language_name(settings.language, self._lang)),
            ("alert_channel", _channel(settings.alert_channel_id) or not_set),
        ]
        return terminal.fields(
            self._reply("settings_title"), [(self._reply(k), v) for k, v in rows]
        )

    # --- /status ------------------------------------------------------------------------

    async def _status(self, command: ParsedCommand) -> None:
        services = self._services
        feeds = await services.feeds.feeds(self._guild)
        settings = await services.guild_settings.settings(self._guild)
        queue = await services.alerts.queue(self._guild)
        if feeds:
            paused = sum(1 for f in feeds if f.source.paused)
            failing = sum(1 for f in feeds if f.source.failure_count and not f.source.paused)
            feed_line = self._reply(
                "status_feed_counts",
                total=len(feeds),
                healthy=len(feeds) - paused - failing,
                failing=failing,
                paused=paused,
            )
        else:
            feed_line = self._reply("status_no_feeds")
        when = next_fire_time(settings, services.clock()) if settings.digest_channel_id else None
        digest_line = (
            self._reply(
                "status_next_digest", when=_moment(when), channel=f"#{settings.digest_channel_id}"
            )
            if when
            else self._reply("digest_not_scheduled")
        )
        oldest = _moment(queue.oldest_waiting) if queue.oldest_waiting else self._reply("never")
        alerts_line = self._reply(
            "status_alert_queue",
            subscriptions=queue.subscriptions,
            waiting=queue.waiting,
            oldest=oldest,
            unmatched=queue.unmatched,
        )
        rows = [
            (self._reply("status_feeds"), feed_line),
            (self._reply("status_digest"), digest_line),
            (self._reply("status_alerts"), alerts_line),
            (t(self._lang, "terminal.version"), f"roundup-bot {bot_version()}"),
        ]
        self._out.print(terminal.fields(self._reply("status_title"), rows))


def _week(command: ParsedCommand) -> str | None:
    week = command.options.get("week") or command.text or None
    return parse_week(week) if week else None


def _required(command: ParsedCommand) -> str:
    if not command.text:
        raise InvalidInput("console.missing_argument", command=command.name)
    return command.text


def _option(options: dict[str, str], name: str) -> str:
    value = options.get(name)
    if not value:
        raise InvalidInput("console.missing_option", option=name)
    return value


def _number(options: dict[str, str], name: str) -> int:
    value = _option(options, name)
    try:
        return int(value.lstrip("#"))
    except ValueError:
        raise InvalidInput("console.not_a_number", option=name, text=value[:20]) from None


def _flag(command: ParsedCommand, name: str) -> bool | None:
    value = command.options.get(name)
    if value is None:
        return None
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise InvalidInput("console.not_a_flag", option=name, text=value[:20])


def _weekday(text: str) -> int:
    lowered = text.strip().lower()
    for number, name in enumerate(WEEKDAYS):
        if lowered in (name, name[:3], str(number)):
            return number
    raise InvalidInput("settings.bad_weekday")


def _delivery(text: str) -> Delivery:
    try:
        return Delivery(text.lower())
    except ValueError:
        raise InvalidInput("console.bad_delivery", text=text[:20]) from None


def _channel(channel_id: int | None) -> str | None:
    return f"#{channel_id}" if channel_id else None


def _moment(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else ""


def _in(delta: timedelta, language: str) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return t(language, "terminal.in_time", days=days, hours=hours, minutes=minutes)
