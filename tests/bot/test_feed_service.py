"""FeedService end to end below Discord: the real fetcher against a feed site on 127.0.0.1,
each backend (SQLite, PostgreSQL), polls under leases as in the bot, a clock moved by hand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.fetch import SafeFetcher
from db import (
    AnyDatabase,
    Database,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlFeedRepository,
    SqlTopicRepository,
)
from db.leases import FencedDatabase, SqlLeaseRepository
from news.archive.service import ArchiveService
from news.core.errors import InvalidInput, NotFound
from news.core.leases import LeaseBusy, Leases
from news.core.models import Headline
from news.feeds import service as feed_service
from news.feeds.fetching import AddressRefused, FetchResult
from news.feeds.ports import Fetcher
from news.feeds.service import FeedService
from news.feeds.sources import (
    DEFAULT_INTERVAL,
    MAX_INTERVAL,
    PAUSE_AFTER,
    FeedSource,
    GuildFeed,
    backoff,
    jittered,
)
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from testkit.postgres import TemplateServer
from tests.backends import open_seeded_backend

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday of 2026-W48
THIS_WEEK = "Tue, 24 Nov 2026 09:00:00 GMT"
EARLIER = "Tue, 10 Nov 2026 09:00:00 GMT"
ALPHA, BETA, GAMMA = 101, 202, 303


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Notices:
    """news.feeds.ports.FeedNotifier that remembers what admins would be told."""

    paused: list[tuple[int, GuildFeed]] = field(default_factory=list)

    async def feed_paused(self, guild_id: int, feed: GuildFeed) -> None:
        self.paused.append((guild_id, feed))


@dataclass
class World:
    site: ScriptedSite
    feeds: FeedService
    archive: ArchiveService
    clock: Clock
    repo: SqlFeedRepository
    database: AnyDatabase  # unfenced, as the leases see it

    async def visible(self, guild_id: int) -> list[Headline]:
        page = await self.archive.search_headlines(guild_id, "", per_page=25)
        return list(page.headlines)

    async def source(self, guild_id: int, url: str) -> FeedSource:
        feeds = await self.feeds.feeds(guild_id)
        return next(feed.source for feed in feeds if feed.source.url == url)


async def never(_: float) -> None:
    """Lease renewals never come due: no test here outlives a lease."""
    await asyncio.Event().wait()


def process_leases(database: AnyDatabase, holder: str, clock: Clock) -> Leases:
    """One bot process's leases on the database."""
    return Leases(SqlLeaseRepository(database), holder=holder, clock=clock, sleep=never)


@pytest.fixture
async def world(backend_server: TemplateServer | None, tmp_path: Path) -> AsyncIterator[World]:
    clock = Clock()
    async with (
        open_seeded_backend(backend_server, tmp_path / "feeds.db") as raw,
        SafeFetcher(allow_private=True) as fetcher,
        running_scripted_site() as site,
    ):
        database = FencedDatabase(raw)
        archive = ArchiveService(
            SqlCompanyRepository(database),
            SqlTopicRepository(database),
            SqlArchiveRepository(database),
            clock,
        )
        await archive.start()
        repo = SqlFeedRepository(database)
        leases = process_leases(raw, "first", clock)
        feeds = FeedService(repo, fetcher, archive.builder, clock, leases=leases)
        yield World(site, feeds, archive, clock, repo, raw)


def story(n: int, date: str = THIS_WEEK, *, link: str | None = None) -> tuple[str, str, str, str]:
    return (f"guid-{n}", f"Story number {n} about chips", link or f"https://news.test/{n}", date)


def serve(
    world: World,
    path: str,
    *items: tuple[str, str, str, str],
    etag: str | None = None,
    cache_control: str | None = None,
) -> str:
    body = rss(f"Feed {path}", items)
    world.site.pages[path] = Page(body=body, etag=etag, cache_control=cache_control)
    return world.site.url(path)


# --- adding, listing, removing ---------------------------------------------------------------


async def test_add_files_every_item_under_its_own_week_as_backfill(world: World) -> None:
    url = serve(world, "/a.xml", story(1), story(2, EARLIER))

    added = await world.feeds.add(ALPHA, url)

    assert added.item_count == 2
    assert added.first_poll is not None and added.first_poll.backfill
    filed = {h.url: h.week for h in await world.visible(ALPHA)}
    assert filed == {"https://news.test/1": "2026-W48", "https://news.test/2": "2026-W46"}


async def test_add_shows_the_feeds_title(world: World) -> None:
    added = await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1)))

    assert added.feed.source.title == "Feed /a.xml"


async def test_add_finds_the_feed_a_web_page_announces(world: World) -> None:
    serve(world, "/feed.xml", story(1))
    world.site.pages["/home"] = Page(
        body=b'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml">'
        b"</head><body>hello</body></html>",
        content_type="text/html",
    )

    added = await world.feeds.add(ALPHA, world.site.url("/home"))

    assert added.feed.source.url == world.site.url("/feed.xml")


async def test_add_refuses_a_page_without_a_feed(world: World) -> None:
    world.site.pages["/plain"] = Page(
        body=b"<html><body>no feed</body></html>", content_type="text/html"
    )

    with pytest.raises(InvalidInput):
        await world.feeds.add(ALPHA, world.site.url("/plain"))


async def test_add_refuses_a_private_address_when_private_urls_are_off(
    world: World, tmp_path: Path
) -> None:
    async with (
        await Database.open(tmp_path / "strict.db") as database,
        SafeFetcher(allow_private=False) as strict,
    ):
        service = FeedService(SqlFeedRepository(database), strict, world.archive.builder)
        with pytest.raises(AddressRefused):
            await service.add(ALPHA, serve(world, "/a.xml", story(1)))
    assert world.site.hits["/a.xml"] == 0


async def test_preview_saves_nothing(world: World) -> None:
    preview = await world.feeds.preview(serve(world, "/a.xml", story(1)))

    assert [item.title for item in preview.feed.items] == ["Story number 1 about chips"]
    assert await world.feeds.feeds(ALPHA) == []
    assert await world.visible(ALPHA) == []


async def test_list_shows_last_success_and_next_poll(world: World) -> None:
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1)))

    [feed] = await world.feeds.feeds(ALPHA)

    assert feed.source.last_success_at == NOW
    assert feed.source.next_poll_at is not None and feed.source.next_poll_at > NOW
    assert feed.source.failure_count == 0


async def test_remove_hides_the_feeds_stories_from_the_guild(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url, name="Chips daily")

    removed = await world.feeds.remove(ALPHA, "Chips daily")

    assert removed.source.url == url
    assert await world.feeds.feeds(ALPHA) == []
    assert await world.visible(ALPHA) == []


async def test_remove_of_an_unknown_feed_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await world.feeds.remove(ALPHA, "https://nowhere.test/feed")


# --- polling ------------------------------------------------------------------------------------


async def test_a_due_feed_files_new_items_without_backfill(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    serve(world, "/a.xml", story(1), story(2))
    world.clock.now = NOW + MAX_INTERVAL * 2

    [result] = await world.feeds.poll_due()

    assert (result.new_headlines, result.linked, result.backfill) == (1, 2, False)
    assert len(await world.visible(ALPHA)) == 2


async def test_one_call_polls_every_due_feed_in_rounds(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_service, "POLL_BATCH", 2)
    for n in range(5):
        await world.feeds.add(ALPHA, serve(world, f"/{n}.xml", story(n)))
    world.clock.now = NOW + MAX_INTERVAL * 2

    results = await world.feeds.poll_due()

    assert len(results) == 5
    assert all(world.site.hits[f"/{n}.xml"] == 2 for n in range(5))


async def test_a_feed_whose_poll_crashed_is_not_polled_again_in_the_same_call(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(feed_service, "POLL_BATCH", 1)
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1)))
    world.clock.now = NOW + MAX_INTERVAL * 2

    async def crash(source: FeedSource, notifier: object = None) -> None:
        raise RuntimeError("a bug, not the feed's fault")

    monkeypatch.setattr(world.feeds, "poll_one", crash)

    assert await world.feeds.poll_due() == []  # logged, and left for the next run


async def test_a_feed_not_due_is_not_fetched(world: World) -> None:
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1)))

    assert await world.feeds.poll_due() == []
    assert world.site.hits["/a.xml"] == 1


async def test_an_unchanged_feed_answers_304_and_files_nothing(world: World) -> None:
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1), etag='"v1"'))
    world.clock.now = NOW + MAX_INTERVAL * 2

    [result] = await world.feeds.poll_due()

    assert result.not_modified
    assert result.new_headlines == 0
    assert result.source.etag == '"v1"'


async def test_the_feeds_ttl_lengthens_the_interval(world: World) -> None:
    world.site.pages["/slow.xml"] = Page(body=rss("Slow", [story(1)], ttl=120))

    added = await world.feeds.add(ALPHA, world.site.url("/slow.xml"))

    source = added.feed.source
    assert source.next_poll_at == NOW + jittered(timedelta(minutes=120), source.id)


async def test_cache_control_is_honoured_up_to_six_hours(world: World) -> None:
    url = serve(world, "/a.xml", story(1), cache_control="max-age=604800")

    added = await world.feeds.add(ALPHA, url)

    source = added.feed.source
    assert source.next_poll_at == NOW + jittered(MAX_INTERVAL, source.id)


async def test_a_failing_feed_backs_off_exponentially(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    world.site.pages["/a.xml"].status = 500
    waits = []
    for _ in range(3):
        world.clock.now = (await world.source(ALPHA, url)).next_poll_at or NOW
        [result] = await world.feeds.poll_due()
        assert result.source.next_poll_at is not None
        waits.append(result.source.next_poll_at - world.clock.now)

    source_id = (await world.source(ALPHA, url)).id
    assert waits == [jittered(backoff(n), source_id) for n in (1, 2, 3)]
    assert waits[0] < waits[1] < waits[2]


async def test_repeated_failures_pause_the_feed_and_tell_every_followers_admins(
    world: World,
) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    await world.feeds.add(BETA, url)
    world.site.pages["/a.xml"].status = 503
    notices = Notices()
    for _ in range(PAUSE_AFTER):
        world.clock.now = (await world.source(ALPHA, url)).next_poll_at or NOW
        await world.feeds.poll_due(notices)

    source = await world.source(ALPHA, url)
    assert source.paused
    assert sorted(guild for guild, _ in notices.paused) == [ALPHA, BETA]
    assert "503" in (notices.paused[0][1].source.last_error or "")


async def test_a_paused_feed_is_no_longer_polled(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    world.site.pages["/a.xml"].status = 503
    for _ in range(PAUSE_AFTER):
        world.clock.now = (await world.source(ALPHA, url)).next_poll_at or NOW
        await world.feeds.poll_due()
    hits = world.site.hits["/a.xml"]
    world.clock.now += timedelta(days=30)

    assert await world.feeds.poll_due() == []
    assert world.site.hits["/a.xml"] == hits


async def test_retry_resumes_a_paused_feed_and_polls_it(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    world.site.pages["/a.xml"].status = 503
    for _ in range(PAUSE_AFTER):
        world.clock.now = (await world.source(ALPHA, url)).next_poll_at or NOW
        await world.feeds.poll_due()
    serve(world, "/a.xml", story(1), story(2))

    result = await world.feeds.retry(ALPHA, url)

    assert result.error is None
    assert not result.source.paused
    assert result.source.failure_count == 0
    assert result.new_headlines == 1


async def test_quiet_polls_lengthen_the_interval(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    waits = []
    for _ in range(5):
        world.clock.now = (await world.source(ALPHA, url)).next_poll_at or NOW
        [result] = await world.feeds.poll_due()
        assert result.source.next_poll_at is not None
        waits.append(result.source.next_poll_at - world.clock.now)

    source_id = (await world.source(ALPHA, url)).id
    assert waits[0] == jittered(DEFAULT_INTERVAL, source_id)
    assert waits[-1] == jittered(DEFAULT_INTERVAL * 2, source_id)


# --- one story, many sources and guilds ---------------------------------------------------------


async def test_one_story_in_two_feeds_is_one_headline_seen_by_both_guilds(world: World) -> None:
    link = "https://news.test/big"
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1, link=link)))
    tracked = f"{link}?utm_source=rss&utm_medium=feed"
    await world.feeds.add(BETA, serve(world, "/b.xml", story(9, link=tracked)))

    alpha, beta = await world.visible(ALPHA), await world.visible(BETA)

    assert [h.url for h in alpha] == [link]
    assert [h.id for h in beta] == [alpha[0].id]


async def test_a_guild_sees_only_the_feeds_it_follows(world: World) -> None:
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1)))
    await world.feeds.add(BETA, serve(world, "/b.xml", story(2)))

    assert [h.url for h in await world.visible(ALPHA)] == ["https://news.test/1"]
    assert [h.url for h in await world.visible(BETA)] == ["https://news.test/2"]
    assert await world.visible(GAMMA) == []


async def test_a_second_guild_following_a_polled_feed_sees_its_stories(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)

    added = await world.feeds.add(BETA, url)

    assert added.first_poll is None
    assert [h.url for h in await world.visible(BETA)] == ["https://news.test/1"]


async def test_items_sharing_a_guid_file_one_headline(world: World) -> None:
    first = ("same", "First telling", "https://news.test/x", THIS_WEEK)
    again = ("same", "Second telling", "https://news.test/y", THIS_WEEK)

    await world.feeds.add(ALPHA, serve(world, "/a.xml", first, again))

    assert [h.title for h in await world.visible(ALPHA)] == ["First telling"]


async def test_identical_dates_on_every_item_become_the_time_first_seen(world: World) -> None:
    stamp = "Mon, 23 Nov 2026 00:00:00 GMT"
    await world.feeds.add(ALPHA, serve(world, "/a.xml", story(1, stamp), story(2, stamp)))

    assert {h.published_at for h in await world.visible(ALPHA)} == {NOW}


async def test_a_story_keeps_its_first_date_when_polled_again(world: World) -> None:
    url = serve(world, "/a.xml", story(1, ""))
    await world.feeds.add(ALPHA, url)
    world.clock.now = NOW + MAX_INTERVAL * 2
    await world.feeds.poll_due()

    assert [h.published_at for h in await world.visible(ALPHA)] == [NOW]


async def test_companies_are_recognised_in_feed_items(world: World) -> None:
    item = ("n1", "삼성전자, 새 반도체 공장 착공", "https://news.test/samsung", THIS_WEEK)

    await world.feeds.add(ALPHA, serve(world, "/a.xml", item))

    [headline] = await world.visible(ALPHA)
    assert "삼성전자" in headline.companies


# --- OPML -------------------------------------------------------------------------------------


async def test_opml_import_follows_web_feeds_and_refuses_others(world: World) -> None:
    opml = (
        b'<?xml version="1.0"?><opml version="2.0"><body>'
        b'<outline text="A" xmlUrl="https://a.test/feed.xml"/>'
        b'<outline text="group"><outline text="B" xmlUrl="http://b.test/rss"/></outline>'
        b'<outline text="local" xmlUrl="file:///etc/passwd"/>'
        b"</body></opml>"
    )

    imported = await world.feeds.import_opml(ALPHA, opml)

    assert imported.added == ("https://a.test/feed.xml", "http://b.test/rss")
    assert imported.refused == ("file:///etc/passwd",)


async def test_opml_export_lists_the_guilds_feeds(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url, name="Chips & more")

    document = await world.feeds.export_opml(ALPHA)

    assert f'xmlUrl="{url}"' in document
    assert 'text="Chips &amp; more"' in document


async def test_opml_with_a_doctype_is_refused(world: World) -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>'

    with pytest.raises(InvalidInput):
        await world.feeds.import_opml(ALPHA, bomb)


# --- one poll at a time, across processes --------------------------------------------------


class HeldFetcher:
    """The fetcher of a process whose fetch is under way: it waits at the gate."""

    def __init__(self, inner: Fetcher) -> None:
        self._inner = inner
        self.fetching = asyncio.Event()
        self.gate = asyncio.Event()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        self.fetching.set()
        await self.gate.wait()
        return await self._inner.fetch(url, etag=etag, last_modified=last_modified)


class HeldListing(SqlFeedRepository):
    """The feeds of a process that listed the due feeds and is about to poll them."""

    def __init__(self, database: AnyDatabase) -> None:
        super().__init__(FencedDatabase(database))
        self.listed = asyncio.Event()
        self.gate = asyncio.Event()

    async def due_feeds(self, now: datetime, limit: int) -> list[FeedSource]:
        due = await super().due_feeds(now, limit)
        self.listed.set()
        await self.gate.wait()
        return due


async def follow_unpolled(world: World, guild_id: int, url: str) -> None:
    """The guild follows the feed (as an OPML import does): never polled, due now."""
    source = FeedSource(id=0, url=url, title="A", next_poll_at=world.clock.now)
    await world.repo.follow_feed(guild_id, source, name=None, added_by=None, added_at=NOW)


def second_process(
    world: World, fetcher: Fetcher, repo: SqlFeedRepository | None = None
) -> FeedService:
    """Another bot process on the same database, with its own leases."""
    repo = repo or SqlFeedRepository(FencedDatabase(world.database))
    leases = process_leases(world.database, "second", world.clock)
    return FeedService(repo, fetcher, world.archive.builder, world.clock, leases=leases)


async def test_retry_is_refused_while_another_process_polls_the_feed(world: World) -> None:
    url = serve(world, "/a.xml", story(1))
    await world.feeds.add(ALPHA, url)
    world.clock.now += timedelta(hours=2)
    async with SafeFetcher(allow_private=True) as real:
        held = HeldFetcher(real)
        scheduled = second_process(world, held)
        polling = asyncio.create_task(scheduled.poll_due())
        await held.fetching.wait()

        with pytest.raises(LeaseBusy):
            await world.feeds.retry(ALPHA, url)
        held.gate.set()
        [result] = await polling

    assert result.error is None
    assert world.site.hits["/a.xml"] == 2  # the add and the scheduled poll, no retry


async def test_add_leaves_the_first_poll_to_a_scheduled_poll_under_way(world: World) -> None:
    url = serve(world, "/a.xml", story(1), story(2))
    await follow_unpolled(world, BETA, url)
    async with SafeFetcher(allow_private=True) as real:
        held = HeldFetcher(real)
        scheduled = second_process(world, held)
        polling = asyncio.create_task(scheduled.poll_due())
        await held.fetching.wait()

        added = await world.feeds.add(ALPHA, url)
        held.gate.set()
        [result] = await polling

    assert added.first_poll is None
    assert result.new_headlines == 2 and result.backfill
    assert len(await world.visible(ALPHA)) == 2


async def test_a_scheduled_poll_skips_a_feed_an_add_polled_since_it_was_listed(
    world: World,
) -> None:
    url = serve(world, "/a.xml", story(1), story(2))
    await follow_unpolled(world, BETA, url)
    async with SafeFetcher(allow_private=True) as fetcher:
        listing = HeldListing(world.database)
        scheduled = second_process(world, fetcher, listing)
        polling = asyncio.create_task(scheduled.poll_due())
        await listing.listed.wait()

        added = await world.feeds.add(ALPHA, url)
        listing.gate.set()

        assert await polling == []
    assert added.first_poll is not None and added.first_poll.new_headlines == 2
    assert world.site.hits["/a.xml"] == 1  # the add's fetch only
