"""Use cases of feeds: follow, preview, list, remove and resume them, poll them on time, and
fetch a web article for the roundup importer.

Every fetch goes through the injected news.feeds.ports.Fetcher (bot.fetch.SafeFetcher in the bot),
which refuses private addresses; nothing here sleeps: the clock is injected and the poller
calls ``poll_due`` when it sees fit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from news.archive.articles import ExtractedArticle, extract_article
from news.archive.importing import HeadlineDraft, RoundupBuilder, clean_optional
from news.catalog.guild_tags import GuildTagger, with_own_tags
from news.core.decoding import decode_document
from news.core.errors import InvalidInput, NotFound, RoundupError
from news.core.leases import LeaseBusy, LeaseLost, Leases
from news.core.models import NewHeadline
from news.feeds.discovery import discover_feed_links
from news.feeds.fetching import FetchResult, HttpStatusError
from news.feeds.items import FeedItem, is_news, item_label, newest_date
from news.feeds.opml import read_opml, write_opml
from news.feeds.parse import ParsedFeed, parse_feed
from news.feeds.ports import FeedNotifier, FeedRepository, Fetcher
from news.feeds.sources import (
    NO_FLOOR,
    FeedSource,
    GuildFeed,
    PollResult,
    after_failure,
    after_success,
    feed_identity,
    is_web_url,
    require_url,
    resumed,
    url_host,
)
from news.stories.service import StoryService, arrival_weeks

log = logging.getLogger(__name__)

MAX_FEEDS_PER_GUILD = 100
POLL_BATCH = 500  # due feeds taken per poll_due call
POLL_CONCURRENCY = 16  # feeds fetched at once (the fetcher also caps 2 connections per host)
FOREVER = datetime(9999, 1, 1, tzinfo=UTC)  # every feed is due by then: a forced poll


@dataclass(frozen=True, slots=True)
class FeedPreview:
    """What a feed URL holds, fetched and parsed, nothing saved."""

    url: str  # the feed's own URL (found on the page when a web page was given)
    feed: ParsedFeed


@dataclass(frozen=True, slots=True)
class FeedAdded:
    feed: GuildFeed
    item_count: int  # items in the feed now
    already_followed: bool
    first_poll: PollResult | None  # None when another guild's polling already filed it


@dataclass(frozen=True, slots=True)
class OpmlImport:
    added: tuple[str, ...]  # feed URLs now followed (polled within a minute or two)
    already_followed: int
    refused: tuple[str, ...]  # outline URLs that are not http(s)


class FeedService:
    def __init__(
        self,
        feeds: FeedRepository,
        fetcher: Fetcher,
        builder: Callable[[], RoundupBuilder],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        stories: StoryService | None = None,
        *,
        shortest_poll: timedelta = NO_FLOOR,
        taggers: Callable[[], Mapping[int, GuildTagger]] | None = None,
        leases: Leases | None = None,
    ) -> None:
        self._feeds = feeds
        # When given, a due feed is polled only by the process that claims its lease.
        self._leases = leases
        self._fetcher = fetcher
        # A provider, not a builder: admins' new companies reach the archive service's one.
        self._builder = builder
        self._clock = clock
        # Without it, headlines are stored without a story and a digest groups them itself.
        self._stories = stories
        # FEED_POLL_SECONDS: no feed is polled again sooner, whatever it asks.
        self._shortest = shortest_poll
        # The servers that added companies or spellings, each tagging what it follows.
        self._taggers = taggers

    # --- following ------------------------------------------------------------------------

    async def add(
        self, guild_id: int, url: str, *, name: str | None = None, added_by: int | None = None
    ) -> FeedAdded:
        """Fetch the feed (or the page announcing it) first; follow it when it reads as a
        feed. The first poll of a feed new to the bot files this week's stories, as
        backfill."""
        if len(await self._feeds.guild_feeds(guild_id)) >= MAX_FEEDS_PER_GUILD:
            raise InvalidInput("feed.too_many", limit=MAX_FEEDS_PER_GUILD)  # before fetching
        now = self._clock()
        fetched, parsed = await self._fetch_feed(require_url(url))
        candidate = FeedSource(
            id=0,
            url=fetched.url,
            title=parsed.title or url_host(fetched.url),
            site_link=parsed.link,
            ttl_minutes=parsed.ttl,
            next_poll_at=now,
            icon_url=parsed.icon,
        )
        followed, already = await self._feeds.follow_feed(
            guild_id,
            candidate,
            name=clean_optional(name),
            added_by=added_by,
            added_at=now,
            limit=MAX_FEEDS_PER_GUILD,
        )
        first_poll = await self._first_poll(followed.source, fetched, parsed, now)
        if first_poll is not None:
            followed = replace(followed, source=first_poll.source)
        return FeedAdded(followed, len(parsed.items), already, first_poll)

    async def _first_poll(
        self, source: FeedSource, fetched: FetchResult, parsed: ParsedFeed, now: datetime
    ) -> PollResult | None:
        """File what was fetched as the feed's first poll, under the feed's lease like any
        poll; None when it was polled already, or is being polled (by a scheduled poll or
        another server's add, which file it)."""
        async with self._claimed(source.id) as mine:
            current = await self._feeds.feed_source(source.id) if mine else None
            if current is None or not current.never_polled:
                return None
            return await self._file(current, fetched, parsed, now)

    async def preview(self, url: str) -> FeedPreview:
        """What ``/feed test`` shows: the feed fetched and parsed, nothing saved."""
        fetched, parsed = await self._fetch_feed(require_url(url))
        return FeedPreview(fetched.url, parsed)

    async def feeds(self, guild_id: int) -> list[GuildFeed]:
        return await self._feeds.guild_feeds(guild_id)

    async def remove(self, guild_id: int, ref: str) -> GuildFeed:
        """Stop following a feed named by its URL, its name or its title."""
        feed = await self._find(guild_id, ref)
        await self._feeds.unfollow_feed(guild_id, feed.source.id)
        return feed

    async def retry(self, guild_id: int, ref: str) -> PollResult:
        """Resume a feed (paused or backing off) and poll it at once, under its lease
        (LeaseBusy while a scheduled poll has it)."""
        return await self._poll_named(guild_id, ref, None, resume=True)

    async def _poll_named(
        self, guild_id: int, ref: str, notifier: FeedNotifier | None, *, resume: bool
    ) -> PollResult:
        """Poll the guild's feed named by ``ref`` now, read afresh under its lease."""
        async with self._claimed((await self._find(guild_id, ref)).source.id) as mine:
            if not mine:
                raise LeaseBusy()
            source = (await self._find(guild_id, ref)).source
            if resume:
                source = resumed(source, self._clock())
                await self._feeds.record_poll(source)
            return await self.poll_one(source, notifier)

    async def find(self, guild_id: int, ref: str) -> GuildFeed:
        """The guild's feed named by its URL, its name or its title; NotFound otherwise."""
        return await self._find(guild_id, ref)

    async def _find(self, guild_id: int, ref: str) -> GuildFeed:
        """The guild's feed named by ``ref``: its URL in any form of it (feed_identity), else
        its name or title; a name that fits several feeds is refused with their list."""
        wanted = ref.strip()
        feeds = await self._feeds.guild_feeds(guild_id)
        identity = feed_identity(wanted)
        by_url = [feed for feed in feeds if feed_identity(feed.source.url) == identity]
        named = by_url or [feed for feed in feeds if wanted in (feed.name, feed.source.title)]
        if len(named) > 1:
            candidates = "; ".join(f"{feed.label} <{feed.source.url}>" for feed in named)
            raise InvalidInput("feed.ambiguous", name=wanted[:100], candidates=candidates)
        if not named:
            raise NotFound("feed.not_followed")
        return named[0]

    # --- polling --------------------------------------------------------------------------

    async def poll_due(
        self,
        notifier: FeedNotifier | None = None,
        *,
        concurrency: int = POLL_CONCURRENCY,
        force: bool = False,
    ) -> list[PollResult]:
        """Poll every feed due now (with ``force``, every unpaused feed, due or not),
        ``concurrency`` at a time, ``POLL_BATCH`` feeds per round until none is due; one
        feed's failure (even an unexpected one) never stops the others."""
        results: list[PollResult] = []
        polled: set[int] = set()
        while True:
            due = await self._feeds.due_feeds(FOREVER if force else self._clock(), POLL_BATCH)
            # A feed still due after its poll (it crashed before its record was saved) waits
            # for the next run rather than being polled again and again now.
            fresh = [source for source in due if source.id not in polled]
            results += await self._poll_all(fresh, notifier, concurrency)
            polled.update(source.id for source in fresh)
            if len(due) < POLL_BATCH or not fresh:
                return results

    async def poll_now(
        self, guild_id: int, ref: str | None = None, notifier: FeedNotifier | None = None
    ) -> list[PollResult]:
        """Poll now, due or not (``feeds poll --force``): the guild's feed named by ``ref``
        (paused or not), or without one every unpaused feed anyone follows."""
        if ref is None:
            return await self.poll_due(notifier, force=True)
        return [await self._poll_named(guild_id, ref, notifier, resume=False)]

    async def _poll_all(
        self, due: list[FeedSource], notifier: FeedNotifier | None, concurrency: int
    ) -> list[PollResult]:
        gate = asyncio.Semaphore(concurrency)

        async def poll(source: FeedSource) -> PollResult | None:
            async with gate:
                try:
                    return await self._poll_claimed(source, notifier)
                except LeaseLost as lost:
                    log.warning("feed poll given up: source=%s (%s)", source.id, lost)
                    return None
                except Exception:
                    log.exception("feed poll failed: source=%s url=%s", source.id, source.url)
                    return None

        results = await asyncio.gather(*(poll(source) for source in due))
        return [result for result in results if result is not None]

    async def _poll_claimed(
        self, source: FeedSource, notifier: FeedNotifier | None
    ) -> PollResult | None:
        """Poll the feed under its lease; None when another process is polling it, or polled
        it since ``source`` was read (its record moved on)."""
        async with self._claimed(source.id) as mine:
            current = await self._feeds.feed_source(source.id) if mine else None
            if current is None or current.next_poll_at != source.next_poll_at:
                return None
            return await self.poll_one(current, notifier)

    @asynccontextmanager
    async def _claimed(self, source_id: int) -> AsyncIterator[bool]:
        """The feed's lease for the block: True when this process holds it (always, without
        leases), False when another is polling the feed."""
        if self._leases is None:
            yield True
            return
        async with self._leases.holding("feed", str(source_id)) as lease:
            yield lease is not None

    async def poll_one(
        self, source: FeedSource, notifier: FeedNotifier | None = None
    ) -> PollResult:
        """One conditional GET; stories filed, the next poll scheduled, failures counted."""
        now = self._clock()
        try:
            fetched = await self._fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
            if fetched.not_modified:
                return await self._unchanged(source, fetched, now)
            parsed = await asyncio.to_thread(
                parse_feed,
                fetched.body,
                url=fetched.url,
                content_type=fetched.content_type,
                now=now,
            )
        except RoundupError as error:
            return await self._failed(source, error, now, notifier)
        return await self._file(source, fetched, parsed, now)

    async def _unchanged(
        self, source: FeedSource, fetched: FetchResult, now: datetime
    ) -> PollResult:
        updated = replace(
            after_success(
                source,
                now,
                new_headlines=0,
                max_age_seconds=fetched.max_age,
                shortest=self._shortest,
            ),
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        await self._feeds.record_poll(updated)
        return PollResult(updated, 0, 0, backfill=False, not_modified=True)

    async def _file(
        self, source: FeedSource, fetched: FetchResult, parsed: ParsedFeed, now: datetime
    ) -> PollResult:
        backfill = source.never_polled
        # Every item is filed under its own week; only news is announced: not a new feed's
        # first (backfill) poll, nor an item dated before the newest the feed gave so far.
        made, skipped = self._headlines(source, parsed.items)
        made = await self._own_tags(source, made)
        news = [h for item, h in made if not backfill and is_news(item, source.newest_item_at)]
        known = [h for item, h in made if backfill or not is_news(item, source.newest_item_at)]
        filed, linked, unfiled = await self._store(source, news, alert=True, now=now)
        quiet = await self._store(source, known, alert=False, now=now)
        filed, linked, skipped = filed + quiet[0], linked + quiet[1], skipped + unfiled + quiet[2]
        updated = replace(
            after_success(
                source,
                now,
                new_headlines=filed,
                max_age_seconds=fetched.max_age,
                shortest=self._shortest,
            ),
            title=parsed.title or source.title,
            icon_url=parsed.icon or source.icon_url,
            site_link=parsed.link or source.site_link,
            ttl_minutes=parsed.ttl,
            # A skipped item is fetched again in full at the next poll, not answered by a 304.
            etag=source.etag if skipped else fetched.etag,
            last_modified=source.last_modified if skipped else fetched.last_modified,
            newest_item_at=newest_date(parsed.items, source.newest_item_at),
        )
        await self._feeds.record_poll(updated)
        # After the poll is recorded: the headlines are stored whatever placing them does.
        headlines = [headline for _, headline in made]
        if filed and self._stories:
            await self._stories.place_new(arrival_weeks(headlines))
        return PollResult(updated, filed, linked, backfill=backfill, skipped=tuple(skipped))

    def _headlines(
        self, source: FeedSource, items: Sequence[FeedItem]
    ) -> tuple[list[tuple[FeedItem, NewHeadline]], list[str]]:
        """Each item as a headline to file, analysed with the whole document (the feed's other
        items tell how tech the source is: news.catalog.relevance.source_prior); when that
        fails, item by item, so that an item that cannot be read is skipped, named."""
        builder = self._builder()
        try:
            analysed = builder.feed_headlines([_draft(item) for item in items])
            return list(zip(items, analysed, strict=True)), []
        except Exception:
            log.exception("feed document analysed item by item: source=%s", source.id)
        made: list[tuple[FeedItem, NewHeadline]] = []
        skipped: list[str] = []
        for item in items:
            try:
                made.append((item, builder.feed_headlines([_draft(item)])[0]))
            except Exception:
                skipped.append(item_label(item.title, item.url))
                log.exception("feed item skipped: source=%s item=%s", source.id, skipped[-1])
        return made, skipped

    async def _own_tags(
        self, source: FeedSource, made: list[tuple[FeedItem, NewHeadline]]
    ) -> list[tuple[FeedItem, NewHeadline]]:
        """Each following server that added companies or spellings tags the items with them,
        for itself; no server added any: not even a query."""
        taggers = self._taggers() if self._taggers is not None else {}
        if not taggers or not made:
            return made
        mine = [(g, taggers[g]) for g in await self._feeds.followers(source.id) if g in taggers]
        return [(item, with_own_tags(headline, mine)) for item, headline in made]

    async def _store(
        self, source: FeedSource, headlines: list[NewHeadline], *, alert: bool, now: datetime
    ) -> tuple[int, int, list[str]]:
        """File the headlines in one transaction; when that fails, one by one, so that one bad
        item costs only itself. Only what is announced (``alert``) waits for the channels that
        post the feed. Returns (filed, linked, the items skipped, named)."""
        if not headlines:
            return 0, 0, []
        try:
            filed, linked = await self._feeds.file_stories(
                source.id, headlines, alert=alert, arrived_at=now
            )
            return filed, linked, []
        except Exception:
            if len(headlines) == 1:
                label = item_label(headlines[0].title, headlines[0].url)
                log.exception("feed item skipped: source=%s item=%s", source.id, label)
                return 0, 0, [label]
        filed = linked = 0
        skipped: list[str] = []
        for headline in headlines:
            one = await self._store(source, [headline], alert=alert, now=now)
            filed, linked, skipped = filed + one[0], linked + one[1], skipped + one[2]
        return filed, linked, skipped

    async def _failed(
        self,
        source: FeedSource,
        error: RoundupError,
        now: datetime,
        notifier: FeedNotifier | None,
    ) -> PollResult:
        retry_after = error.retry_after if isinstance(error, HttpStatusError) else None
        updated = after_failure(
            source, now, str(error), retry_after_seconds=retry_after, shortest=self._shortest
        )
        await self._feeds.record_poll(updated)
        paused_now = updated.paused and not source.paused
        log.info(
            "feed poll failed: source=%s failures=%d: %s", source.id, updated.failure_count, error
        )
        if paused_now and notifier is not None:
            await self._tell_followers(updated, notifier)
        return PollResult(updated, 0, 0, backfill=False, error=str(error), paused_now=paused_now)

    async def _tell_followers(self, source: FeedSource, notifier: FeedNotifier) -> None:
        for guild_id in await self._feeds.followers(source.id):
            mine = [f for f in await self._feeds.guild_feeds(guild_id) if f.source.id == source.id]
            for feed in mine:
                await notifier.feed_paused(guild_id, replace(feed, source=source))

    # --- fetching -------------------------------------------------------------------------

    async def _fetch_feed(self, url: str) -> tuple[FetchResult, ParsedFeed]:
        """The feed at ``url``, or the first feed a web page at ``url`` announces."""
        fetched = await self._fetcher.fetch(url)
        try:
            return fetched, self._parse(fetched)
        except InvalidInput:
            page, _ = decode_document(fetched.body, fetched.content_type)
            links = discover_feed_links(page, fetched.url)
            if not links:
                raise InvalidInput("feed.none_found") from None
        announced = await self._fetcher.fetch(links[0])
        return announced, self._parse(announced)

    def _parse(self, fetched: FetchResult) -> ParsedFeed:
        return parse_feed(
            fetched.body, url=fetched.url, content_type=fetched.content_type, now=self._clock()
        )

    async def fetch_article(self, url: str) -> ExtractedArticle:
        """A web article's text and metadata, fetched safely, for the roundup importer."""
        fetched = await self._fetcher.fetch(require_url(url))
        page, _ = decode_document(fetched.body, fetched.content_type)
        return await asyncio.to_thread(extract_article, page, url=fetched.url)

    # --- OPML -----------------------------------------------------------------------------

    async def import_opml(
        self, guild_id: int, data: bytes, *, added_by: int | None = None
    ) -> OpmlImport:
        """Follow every feed an OPML file lists; each is fetched at its first poll."""
        now = self._clock()
        added: list[str] = []
        refused: list[str] = []
        already = 0
        for title, url in read_opml(data):
            source = FeedSource(id=0, url=url, title=title or url_host(url), next_poll_at=now)
            try:
                if not is_web_url(url):
                    raise InvalidInput("feed.url_required")
                _, known = await self._feeds.follow_feed(
                    guild_id,
                    source,
                    name=None,
                    added_by=added_by,
                    added_at=now,
                    limit=MAX_FEEDS_PER_GUILD,
                )
            except InvalidInput:  # not a web address, or the server follows as many as it may
                refused.append(url[:200])
                continue
            already += known
            if not known:
                added.append(url)
        return OpmlImport(tuple(added), already, tuple(refused))

    async def export_opml(self, guild_id: int) -> str:
        """The guild's feeds as an OPML 2.0 document."""
        return write_opml(await self._feeds.guild_feeds(guild_id))


def _draft(item: FeedItem) -> HeadlineDraft:
    return HeadlineDraft(
        item.title, item.url, item.summary, item.language, item.published, item.categories
    )
