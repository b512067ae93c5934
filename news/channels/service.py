"""Use cases of channel feeds: where and how a server's feed posts, matching the stories its
feeds bring against those settings, and delivering one message per story and channel.

Exactly once, across crashes (as news.alerts.service):
1. A story a feed brings for the first time enters the channel inbox in the transaction that
   files it (db/channel_inbox.py), for sources some channel posts.
2. The matcher turns inbox rows into outbox rows, one per server feed and story, ever (the
   primary key), for the feeds whose filters admit it, and empties the inbox rows together.
3. A waiting report is assigned to a post before anything is sent: a new post with a fresh
   nonce, or the channel's post of the same story within STORY_WINDOW (then the message is
   edited to add the outlet). A post still 'sending' at the next pass is in doubt: looked for
   in its channel, and sent only when not found. An edit is idempotent: the message is
   rendered from the record, so an edit cut short is simply made again.

Nothing here sleeps or knows Discord: the sender is injected and paces itself.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from news.archive.service import ArchiveService
from news.channels.filters import FeedFilter, clean_filter, parse_filter
from news.channels.models import (
    FIRST_POSTS,
    STORY_WINDOW,
    BrokenFeed,
    ChannelFeed,
    ChannelPart,
    ChannelPost,
    ChannelReport,
    NewPost,
    PostGone,
    PostRefused,
    QueuedReport,
    Via,
    WaitingReport,
    WebhookRefused,
)
from news.channels.ports import ChannelRepository, ChannelSender
from news.channels.templates import check_template
from news.core.errors import RoundupError
from news.digest.ports import SettingsRepository
from news.feeds.service import FeedService
from news.feeds.sources import GuildFeed
from news.stories.service import StoryService

log = logging.getLogger(__name__)

MATCH_BATCH = 1000  # inbox rows matched per transaction
WAITING_LIMIT = 20_000  # reports considered per delivery pass
# Channels served at once: each channel's posts go in order, one at a time (Discord allows a
# channel 5 messages per 5 s). Every channel with posts waiting takes its turn at the shared
# pacer (up to this many), so the channels progress together: none waits on its own bucket
# while the others are done, and no slot of the pacer is left unused at the end.
CHANNEL_CONCURRENCY = 250


class ChannelService:
    def __init__(
        self,
        repository: ChannelRepository,
        feeds: FeedService,
        archive: ArchiveService,
        settings: SettingsRepository,
        stories: StoryService | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        nonces: Callable[[], str] = lambda: secrets.token_hex(8),
    ) -> None:
        self._repo = repository
        self._feeds = feeds
        self._archive = archive
        self._settings = settings
        self._stories = stories
        self._clock = clock
        self._nonces = nonces
        self._match_lock = asyncio.Lock()
        self._delivery_lock = asyncio.Lock()

    # --- settings ------------------------------------------------------------------------------

    async def setup(self, guild_id: int, ref: str) -> tuple[GuildFeed, ChannelFeed]:
        """The guild's feed named by URL, name or title, with its posting settings."""
        feed = await self._feeds.find(guild_id, ref)
        known = await self._repo.channel_feed(guild_id, feed.source.id)
        return feed, known or ChannelFeed(guild_id, feed.source.id, None, self._clock())

    async def start_posting(self, feed: GuildFeed, channel_id: int) -> int:
        """``/feed add … channel:``: the feed posts to the channel from now on; the first time
        it gets a channel, its FIRST_POSTS newest stories are posted and the rest only filed.
        How many were queued."""
        known = await self._repo.channel_feed(feed.guild_id, feed.source.id)
        now = self._clock()
        base = known or ChannelFeed(feed.guild_id, feed.source.id, None, now)
        first = base.channel_id is None
        updated = replace(base, channel_id=channel_id, since=now, broken=None, broken_told=False)
        await self._repo.save_channel_feed(updated, {ChannelPart.CHANNEL})
        return await self._repo.queue_newest(updated, FIRST_POSTS, now) if first else 0

    async def set_channel(
        self, guild_id: int, ref: str, channel_id: int | None
    ) -> tuple[GuildFeed, ChannelFeed]:
        """Post the feed's new stories to another channel; None: stop posting (still filed).
        Setting it again is also how admins resume a channel that refused posts."""
        feed, known = await self.setup(guild_id, ref)
        updated = replace(
            known, channel_id=channel_id, since=self._clock(), broken=None, broken_told=False
        )
        await self._repo.save_channel_feed(updated, {ChannelPart.CHANNEL})
        return feed, updated

    async def set_filter(
        self, guild_id: int, ref: str, include: str | None, exclude: str | None
    ) -> tuple[GuildFeed, ChannelFeed]:
        """Keyword, topic and company filters; both left out: every story is posted."""
        feed, known = await self.setup(guild_id, ref)
        include, exclude = clean_filter(include), clean_filter(exclude)
        self._compile(
            guild_id, include, exclude
        )  # refused now, with its reason, rather than at a poll
        updated = replace(known, include=include, exclude=exclude)
        await self._repo.save_channel_feed(updated, {ChannelPart.FILTER})
        return feed, updated

    async def set_format(
        self, guild_id: int, ref: str, template: str | None
    ) -> tuple[GuildFeed, ChannelFeed]:
        """A text template instead of the embed; None: the embed again."""
        feed, known = await self.setup(guild_id, ref)
        checked = check_template(template) if template is not None else None
        updated = replace(known, template=checked)
        await self._repo.save_channel_feed(updated, {ChannelPart.FORMAT})
        return feed, updated

    async def set_webhook(
        self, guild_id: int, ref: str, enabled: bool
    ) -> tuple[GuildFeed, ChannelFeed]:
        """Post through a channel webhook named after the feed (with its icon)."""
        feed, known = await self.setup(guild_id, ref)
        updated = replace(known, webhook=enabled, webhook_told=False)
        await self._repo.save_channel_feed(updated, {ChannelPart.WEBHOOK})
        return feed, updated

    async def listing(self, guild_id: int) -> list[tuple[GuildFeed, ChannelFeed | None]]:
        """Every feed of the server with its posting settings (None: never set)."""
        settings = {c.source_id: c for c in await self._repo.channel_feeds(guild_id)}
        return [(f, settings.get(f.source.id)) for f in await self._feeds.feeds(guild_id)]

    async def broken_feeds(self, guild_id: int) -> list[BrokenFeed]:
        return await self._repo.broken_feeds(guild_id)

    def _compile(self, guild_id: int, include: str, exclude: str) -> FeedFilter:
        """The filter as the server means it: a company may be one the server added."""
        return parse_filter(
            include,
            exclude,
            topic=lambda name: self._archive.topic_named(name).id,
            company=lambda name: self._archive.company_named(name, guild_id).id,
        )

    # --- matching ------------------------------------------------------------------------------

    async def match_new(self) -> int:
        """Turn every inbox row into the reports the posting feeds admit; how many."""
        queued = 0
        async with self._match_lock:
            while arrived := await self._repo.inbox(MATCH_BATCH):
                feeds = await self._repo.posting_feeds(sorted({a.source_id for a in arrived}))
                by_source: defaultdict[int, list[ChannelFeed]] = defaultdict(list)
                for feed in feeds:
                    by_source[feed.source_id].append(feed)
                filters: dict[tuple[int, str, str], FeedFilter | None] = {}
                reports: list[QueuedReport] = []
                for item in arrived:
                    for feed in by_source[item.source_id]:
                        if feed.channel_id is None or item.queued_at < feed.since:
                            continue
                        check = self._filter_of(feed, filters)
                        if check is not None and check.admits(
                            item.text, item.company_ids, item.topic_ids
                        ):
                            reports.append(
                                QueuedReport(
                                    feed.guild_id, feed.source_id, item.headline_id, feed.channel_id
                                )
                            )
                await self._repo.queue_reports(reports, arrived, self._clock())
                queued += len(reports)
        return queued

    def _filter_of(
        self, feed: ChannelFeed, known: dict[tuple[int, str, str], FeedFilter | None]
    ) -> FeedFilter | None:
        key = (feed.guild_id, feed.include, feed.exclude)
        if key not in known:
            try:
                known[key] = self._compile(*key)
            except RoundupError:
                # Checked when set; a company since removed: nothing is posted, all is filed.
                log.warning("unusable filter: guild=%s source=%s", feed.guild_id, feed.source_id)
                known[key] = None
        return known[key]

    # --- delivery ------------------------------------------------------------------------------

    async def deliver(self, sender: ChannelSender) -> ChannelReport:
        """Resume posts in doubt and edits cut short, then post every waiting report."""
        report = ChannelReport()
        async with self._delivery_lock:
            for post in await self._repo.posts_in_doubt():
                await self._send(post, sender, report, in_doubt=True)
            for post in await self._repo.posts_to_edit():
                await self._edit(post, sender, report)
            if self._stories is not None and (weeks := await self._repo.unplaced_weeks()):
                await self._stories.place_new(weeks)
            waiting = await self._repo.waiting(WAITING_LIMIT)
            by_channel: defaultdict[int, list[WaitingReport]] = defaultdict(list)
            for item in waiting:
                by_channel[item.channel_id].append(item)
            channels: asyncio.Queue[list[WaitingReport]] = asyncio.Queue()
            for items in by_channel.values():
                channels.put_nowait(items)

            async def serve() -> None:
                while not channels.empty():
                    items = channels.get_nowait()
                    try:
                        await self._deliver_channel(items, sender, report)
                    except Exception:
                        # Not planned (the database failed): the reports wait for the next pass.
                        log.exception("channel posts failed: channel=%s", items[0].channel_id)
                        report.failed += 1

            await asyncio.gather(
                *(serve() for _ in range(min(CHANNEL_CONCURRENCY, len(by_channel))))
            )
        return report

    async def _deliver_channel(
        self, items: list[WaitingReport], sender: ChannelSender, report: ChannelReport
    ) -> None:
        """One channel's reports, in order, one post per story (a story's reports that arrive
        together make one post)."""
        stories: dict[int, list[WaitingReport]] = {}
        for item in items:
            stories.setdefault(item.story_id, []).append(item)
        for story_id, reports in stories.items():
            await self._deliver_story(items[0].channel_id, story_id, reports, sender, report)

    async def _deliver_story(
        self,
        channel_id: int,
        story_id: int,
        reports: list[WaitingReport],
        sender: ChannelSender,
        report: ChannelReport,
    ) -> None:
        now = self._clock()
        live = await self._repo.live_post(channel_id, story_id, now - STORY_WINDOW)
        if live is not None:
            await self._repo.attach(live, reports)
            post = await self._repo.post(live)
            if post.message_id is not None:
                await self._edit(post, sender, report)
            return  # a post being sent shows every report it has when it is sent
        lead = reports[0]
        feed = await self._repo.channel_feed(lead.guild_id, lead.source_id)
        settings = await self._settings.get_settings(lead.guild_id)
        webhook = feed is not None and feed.webhook and not feed.webhook_told
        draft = NewPost(
            guild_id=lead.guild_id,
            channel_id=channel_id,
            story_id=story_id,
            nonce=self._nonces(),
            template=feed.template if feed is not None else None,
            via=Via.WEBHOOK if webhook else Via.BOT,
            language=settings.language if settings is not None else "en",
        )
        post = await self._repo.plan_post(draft, reports, now)
        await self._send(post, sender, report, in_doubt=False)

    async def _send(
        self, post: ChannelPost, sender: ChannelSender, report: ChannelReport, *, in_doubt: bool
    ) -> None:
        ids = f"post={post.id} guild={post.guild_id} channel={post.channel_id}"
        try:
            found = await sender.find(post) if in_doubt else None
            if found is not None:
                message_id, webhook_id = found, post.webhook_id
            else:
                message_id, webhook_id = await self._send_falling_back(post, sender, report)
        except PostRefused as refusal:
            await self._refused(post, refusal.reason, report)
            return
        except Exception:
            # An outage or a timeout: the post stays in doubt and is resumed next pass.
            log.exception("channel post not sent, will retry: %s", ids)
            report.failed += 1
            return
        await self._repo.record_sent(post.id, message_id, webhook_id, self._clock())
        report.sent += 1
        log.info("channel post sent: %s message=%s", ids, message_id)

    async def _send_falling_back(
        self, post: ChannelPost, sender: ChannelSender, report: ChannelReport
    ) -> tuple[int, int | None]:
        try:
            return await sender.send(post)
        except WebhookRefused as refusal:
            log.info("webhook refused, posting as the bot: post=%s: %s", post.id, refusal)
            lead = post.lead
            if await self._repo.mark_webhook_told(post.guild_id, lead.source_id):
                report.webhook_refused.append((post.guild_id, lead.source_id))
            await self._repo.record_via(post.id, Via.BOT)
            return await sender.send(replace(post, via=Via.BOT))

    async def _edit(self, post: ChannelPost, sender: ChannelSender, report: ChannelReport) -> None:
        try:
            await sender.edit(post)
        except PostGone:
            # Deleted: the reports it did not show yet get a post of their own.
            await self._repo.record_gone(post.id)
            waiting = [r for r in post.reports if not r.shown]
            log.info("channel post deleted, posting again: post=%s", post.id)
            if waiting:
                queued = [
                    QueuedReport(post.guild_id, r.source_id, r.headline.id, post.channel_id)
                    for r in waiting
                ]
                fresh = await self._repo.plan_post(
                    replace(post, nonce=self._nonces()), queued, self._clock()
                )
                report.reposted += 1
                await self._send(fresh, sender, report, in_doubt=False)
            return
        except PostRefused as refusal:
            await self._refused(post, refusal.reason, report)
            return
        except Exception:
            log.exception("channel post not edited, will retry: post=%s", post.id)
            report.failed += 1
            return
        await self._repo.record_edited(post.id)
        report.edited += 1

    async def _refused(self, post: ChannelPost, reason: str, report: ChannelReport) -> None:
        log.info("channel refused a post: post=%s channel=%s: %s", post.id, post.channel_id, reason)
        await self._repo.record_failed(post.id)
        sources = sorted({r.source_id for r in post.reports})
        report.broken += await self._repo.mark_broken(post.guild_id, sources, reason)
        report.failed += 1


def posting_label(feeds: Sequence[tuple[GuildFeed, ChannelFeed | None]], source_id: int) -> str:
    """The label of the server's feed of ``source_id`` (for notices)."""
    for feed, _ in feeds:
        if feed.source.id == source_id:
            return feed.label
    return str(source_id)
