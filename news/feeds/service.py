"""Use cases of feeds: follow, preview, list, remove and resume them, poll them on time, and
fetch a web article for the roundup importer.

Every fetch goes through the injected news.feeds.ports.Fetcher (bot.fetch.SafeFetcher in the bot),
which refuses private addresses; nothing here sleeps: the clock is injected and the poller
calls ``poll_due`` when it sees fit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree

from news.archive.articles import ExtractedArticle, extract_article
from news.archive.importing import ImportRequest, RoundupBuilder, clean_optional
from news.core.decoding import decode_document
from news.core.errors import InvalidInput, NotFound, RoundupError
from news.core.leases import LeaseLost, Leases
from news.core.models import NewHeadline
from news.core.weeks import week_of
from news.feeds.discovery import discover_feed_links
from news.feeds.fetching import FetchResult
from news.feeds.items import FeedItem
from news.feeds.parse import ParsedFeed, parse_feed
from news.feeds.ports import FeedNotifier, FeedRepository, Fetcher
from news.feeds.sources import (
    FeedSource,
    GuildFeed,
    PollResult,
    after_failure,
    after_success,
    resumed,
)
from news.stories.service import StoryService, arrival_weeks

log = logging.getLogger(__name__)

MAX_FEEDS_PER_GUILD = 100
MAX_URL_LENGTH = 2000
MAX_OPML_BYTES = 1024 * 1024
POLL_BATCH = 500  # due feeds taken per poll_due call
POLL_CONCURRENCY = 16  # feeds fetched at once (the fetcher also caps 2 connections per host)


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

    # --- following ------------------------------------------------------------------------

    async def add(
        self, guild_id: int, url: str, *, name: str | None = None, added_by: int | None = None
    ) -> FeedAdded:
        """Fetch the feed (or the page announcing it) first; follow it when it reads as a
        feed. The first poll of a feed new to the bot files this week's stories, as
        backfill."""
        if len(await self._feeds.guild_feeds(guild_id)) >= MAX_FEEDS_PER_GUILD:
            raise InvalidInput("feed.too_many", limit=MAX_FEEDS_PER_GUILD)
        now = self._clock()
        fetched, parsed = await self._fetch_feed(_require_url(url))
        candidate = FeedSource(
            id=0,
            url=fetched.url,
            title=parsed.title or _host(fetched.url),
            site_link=parsed.link,
            ttl_minutes=parsed.ttl,
            next_poll_at=now,
        )
        followed, already = await self._feeds.follow_feed(
            guild_id, candidate, name=clean_optional(name), added_by=added_by, added_at=now
        )
        first_poll = None
        if followed.source.never_polled:
            first_poll = await self._file(followed.source, fetched, parsed, now)
            followed = replace(followed, source=first_poll.source)
        return FeedAdded(followed, len(parsed.items), already, first_poll)

    async def preview(self, url: str) -> FeedPreview:
        """What ``/feed test`` shows: the feed fetched and parsed, nothing saved."""
        fetched, parsed = await self._fetch_feed(_require_url(url))
        return FeedPreview(fetched.url, parsed)

    async def feeds(self, guild_id: int) -> list[GuildFeed]:
        return await self._feeds.guild_feeds(guild_id)

    async def remove(self, guild_id: int, ref: str) -> GuildFeed:
        """Stop following a feed named by its URL, its name or its title."""
        feed = await self._find(guild_id, ref)
        await self._feeds.unfollow_feed(guild_id, feed.source.id)
        return feed

    async def retry(self, guild_id: int, ref: str) -> PollResult:
        """Resume a feed (paused or backing off) and poll it at once."""
        feed = await self._find(guild_id, ref)
        source = resumed(feed.source, self._clock())
        await self._feeds.record_poll(source)
        return await self.poll_one(source)

    async def _find(self, guild_id: int, ref: str) -> GuildFeed:
        wanted = ref.strip()
        for feed in await self._feeds.guild_feeds(guild_id):
            if wanted in (feed.source.url, feed.name, feed.source.title):
                return feed
        raise NotFound("feed.not_followed")

    # --- polling --------------------------------------------------------------------------

    async def poll_due(
        self, notifier: FeedNotifier | None = None, *, concurrency: int = POLL_CONCURRENCY
    ) -> list[PollResult]:
        """Poll every feed due now, ``concurrency`` at a time, ``POLL_BATCH`` feeds per round
        until none is due; one feed's failure (even an unexpected one) never stops the others."""
        results: list[PollResult] = []
        polled: set[int] = set()
        while True:
            due = await self._feeds.due_feeds(self._clock(), POLL_BATCH)
            # A feed still due after its poll (it crashed before its record was saved) waits
            # for the next run rather than being polled again and again now.
            fresh = [source for source in due if source.id not in polled]
            results += await self._poll_all(fresh, notifier, concurrency)
            polled.update(source.id for source in fresh)
            if len(due) < POLL_BATCH or not fresh:
                return results

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
        """Poll the feed under its lease; None when another process is polling it."""
        if self._leases is None:
            return await self.poll_one(source, notifier)
        async with self._leases.holding("feed", str(source.id)) as lease:
            if lease is None:
                return None
            return await self.poll_one(source, notifier)

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
            after_success(source, now, new_headlines=0, max_age_seconds=fetched.max_age),
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        await self._feeds.record_poll(updated)
        return PollResult(updated, 0, 0, backfill=False, not_modified=True)

    async def _file(
        self, source: FeedSource, fetched: FetchResult, parsed: ParsedFeed, now: datetime
    ) -> PollResult:
        backfill = source.never_polled
        # A new feed brings this week's stories, so the first digest is not empty; older
        # items would only flood the archive with weeks that have passed.
        items = (
            [i for i in parsed.items if week_of(i.published) == week_of(now)]
            if backfill
            else parsed.items
        )
        headlines = [self._headline(item) for item in items]
        filed, linked = await self._feeds.file_stories(source.id, headlines, alert=not backfill)
        updated = replace(
            after_success(source, now, new_headlines=filed, max_age_seconds=fetched.max_age),
            title=parsed.title or source.title,
            site_link=parsed.link or source.site_link,
            ttl_minutes=parsed.ttl,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
        )
        await self._feeds.record_poll(updated)
        # After the poll is recorded: the headlines are stored whatever placing them does.
        if filed and self._stories:
            await self._stories.place_new(arrival_weeks(headlines))
        return PollResult(updated, filed, linked, backfill=backfill)

    async def _failed(
        self,
        source: FeedSource,
        error: RoundupError,
        now: datetime,
        notifier: FeedNotifier | None,
    ) -> PollResult:
        updated = after_failure(source, now, str(error))
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

    def _headline(self, item: FeedItem) -> NewHeadline:
        builder = self._builder()
        text = f"{item.title}\n{item.summary}"
        return NewHeadline(
            title=item.title,
            url=item.url,
            summary=item.summary,
            language=item.language,
            published_at=item.published,
            company_ids=builder.companies.find(text),
            topic_ids=builder.topics.find(text),
        )

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
        fetched = await self._fetcher.fetch(_require_url(url))
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
        room = MAX_FEEDS_PER_GUILD - len(await self._feeds.guild_feeds(guild_id))
        for title, url in read_opml(data):
            if not _is_web_url(url):
                refused.append(url[:200])
                continue
            if len(added) >= room:
                refused.append(url[:200])
                continue
            source = FeedSource(id=0, url=url, title=title or _host(url), next_poll_at=now)
            _, known = await self._feeds.follow_feed(
                guild_id, source, name=None, added_by=added_by, added_at=now
            )
            already += known
            if not known:
                added.append(url)
        return OpmlImport(tuple(added), already, tuple(refused))

    async def export_opml(self, guild_id: int) -> str:
        """The guild's feeds as an OPML 2.0 document."""
        return write_opml(await self._feeds.guild_feeds(guild_id))


def article_import_request(
    guild_id: int, article: ExtractedArticle, *, day: date | None, title: str | None
) -> ImportRequest:
    """The importer's request for a fetched article: its own title, day and site name unless
    the admin gave others."""
    return ImportRequest(
        guild_id=guild_id,
        text=article.text,
        day=day or article.published,
        title=title or article.title,
        publisher=article.site_name,
    )


def read_opml(data: bytes) -> list[tuple[str | None, str]]:
    """(title, xmlUrl) of every outline with a feed URL, in document order."""
    if len(data) > MAX_OPML_BYTES:
        raise InvalidInput("opml.too_large")
    # Entities are how XML bombs explode; OPML never needs a document type.
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise InvalidInput("opml.doctype")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise InvalidInput("opml.unreadable") from error
    return [
        (outline.get("title") or outline.get("text"), url.strip())
        for outline in root.iter("outline")
        if (url := outline.get("xmlUrl"))
    ]


def write_opml(feeds: Sequence[GuildFeed]) -> str:
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "roundup-bot feeds"
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        attributes = {
            "type": "rss",
            "text": feed.label,
            "title": feed.label,
            "xmlUrl": feed.source.url,
        }
        if feed.source.site_link:
            attributes["htmlUrl"] = feed.source.site_link
        ElementTree.SubElement(body, "outline", attributes)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _require_url(url: str) -> str:
    cleaned = url.strip()
    if not cleaned or len(cleaned) > MAX_URL_LENGTH:
        raise InvalidInput("feed.url_required")
    return cleaned


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or url[:100]
    except ValueError:
        return url[:100]
