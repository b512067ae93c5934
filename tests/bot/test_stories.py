"""Stories found as headlines arrive: imports and feeds place each new headline once, in the
story it belongs to whoever brought it, and a restart goes on from the stored ids."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.fetch import SafeFetcher
from db import (
    AnyDatabase,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlDigestRepository,
    SqlFeedRepository,
    SqlSettingsRepository,
    SqlStoryRepository,
    SqlTopicRepository,
)
from news.archive.importing import ImportRequest
from news.archive.service import ArchiveService
from news.core.models import DigestCandidate
from news.digest.service import DigestService
from news.feeds.service import FeedService
from news.stories.service import StoryService
from testkit.builders import headline, roundup, section
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from testkit.postgres import TemplateServer
from tests.backends import open_seeded_backend

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday of 2026-W48
WEEK = "2026-W48"
ALPHA, BETA = 101, 202


@dataclass
class World:
    database: AnyDatabase
    site: ScriptedSite
    archive: ArchiveService
    feeds: FeedService
    stories: StoryService

    async def candidates(self, guild_id: int) -> list[DigestCandidate]:
        """The week's candidates as the digest compiles them: imports placed first."""
        await self.stories.place_new([WEEK])
        return await SqlDigestRepository(self.database).week_candidates(guild_id, WEEK)

    async def import_roundup(self, guild_id: int, *links: tuple[str, str]) -> None:
        """A roundup of one section listing (title, link) pairs."""
        items = "\n".join(f"- [{title}]({link})" for title, link in links)
        text = f"# 주간 테크\n\n## 반도체\n\n{items}\n"
        await self.archive.import_roundup(ImportRequest(guild_id, text, day=date(2026, 11, 25)))

    async def follow_feed(self, guild_id: int, title: str, link: str) -> None:
        item = ("guid-1", title, link, "Tue, 24 Nov 2026 09:00:00 GMT")
        self.site.pages["/feed.xml"] = Page(body=rss("Chip Wire", [item]))
        await self.feeds.add(guild_id, self.site.url("/feed.xml"))


@pytest.fixture
async def world(backend_server: TemplateServer | None, tmp_path: Path) -> AsyncIterator[World]:
    async with (
        open_seeded_backend(backend_server, tmp_path / "stories.db") as database,
        SafeFetcher(allow_private=True) as fetcher,
        running_scripted_site() as site,
    ):
        stories = StoryService(SqlStoryRepository(database))
        archive = ArchiveService(
            SqlCompanyRepository(database),
            SqlTopicRepository(database),
            SqlArchiveRepository(database),
            lambda: NOW,
        )
        await archive.start()
        feeds = FeedService(
            SqlFeedRepository(database), fetcher, archive.builder, lambda: NOW, stories
        )
        yield World(database, site, archive, feeds, stories)


async def test_an_imported_headline_gets_its_own_id_as_story_id(world: World) -> None:
    await world.import_roundup(ALPHA, ("삼성전자, HBM4 양산 앞당겨", "https://news.test/hbm4"))
    [candidate] = await world.candidates(ALPHA)
    assert candidate.story_id == candidate.headline.id


async def test_an_imported_roundup_and_a_feed_item_of_one_story_share_a_story_id(
    world: World,
) -> None:
    await world.import_roundup(ALPHA, ("삼성전자, HBM4 양산 앞당겨", "https://news.test/hbm4"))
    await world.follow_feed(
        BETA, "Samsung moves up HBM4 production", "https://news.test/hbm4?utm_source=rss"
    )
    [imported] = await world.candidates(ALPHA)
    [fed] = await world.candidates(BETA)
    # The import owns its row and the feed has its own: one canonical link, one story.
    assert fed.headline.id != imported.headline.id
    assert fed.story_id == imported.story_id is not None


async def test_a_feed_item_retelling_an_imported_story_joins_it(world: World) -> None:
    await world.import_roundup(ALPHA, ("삼성전자, HBM4 양산 앞당겨", "https://news.test/hbm4"))
    await world.follow_feed(BETA, "삼성전자가 HBM4 양산 일정을 앞당겼다", "https://wire.test/77")
    [imported] = await world.candidates(ALPHA)
    [fed] = await world.candidates(BETA)
    assert fed.headline.id != imported.headline.id
    assert fed.story_id == imported.story_id is not None


async def test_a_feed_item_of_another_story_opens_its_own(world: World) -> None:
    await world.import_roundup(ALPHA, ("삼성전자, HBM4 양산 앞당겨", "https://news.test/hbm4"))
    await world.follow_feed(BETA, "Naver opens a data center in Sejong", "https://news.test/dc")
    [imported] = await world.candidates(ALPHA)
    [fed] = await world.candidates(BETA)
    assert fed.story_id == fed.headline.id != imported.story_id


async def test_a_restarted_service_places_new_headlines_in_the_stored_stories(
    world: World,
) -> None:
    await world.import_roundup(
        ALPHA,
        ("네이버, 세종에 초대형 AI 데이터센터 짓는다", "https://news.test/1"),
        ("크래프톤, 인도 게임 대회 개최", "https://news.test/2"),
    )
    repository = SqlStoryRepository(world.database)
    ids = {c.headline.title: c.headline.id for c in await repository.unplaced_headlines(WEEK)}
    naver, krafton = (
        ids["네이버, 세종에 초대형 AI 데이터센터 짓는다"],
        ids["크래프톤, 인도 게임 대회 개최"],
    )
    # Stored ids win over the titles: a rebuilt index reads them and does not group again.
    await repository.save_story_ids(WEEK, {naver: krafton, krafton: krafton})
    await SqlArchiveRepository(world.database).save_roundup(
        roundup(
            section(headline("네이버, 세종 초대형 AI 데이터센터 짓는다", "https://b.test/1")),
            guild_id=ALPHA,
        )
    )

    assert await StoryService(repository).place_new([WEEK]) == 1
    story_of = {c.headline.title: c.story_id for c in await world.candidates(ALPHA)}
    assert story_of["네이버, 세종 초대형 AI 데이터센터 짓는다"] == krafton


async def test_compiling_a_digest_places_the_weeks_imported_headlines_first(
    world: World,
) -> None:
    # BETA follows only a feed, so its digest is compiled, not taken from an import.
    await world.follow_feed(BETA, "Naver opens a data center in Sejong", "https://news.test/dc")
    await world.import_roundup(ALPHA, ("삼성전자, HBM4 양산 앞당겨", "https://news.test/hbm4"))
    repository = SqlStoryRepository(world.database)
    assert len(await repository.unplaced_headlines(WEEK)) == 1  # the import, not yet placed
    digests = DigestService(
        SqlSettingsRepository(world.database),
        SqlArchiveRepository(world.database),
        SqlTopicRepository(world.database),
        SqlDigestRepository(world.database),
        clock=lambda: NOW,
        stories=world.stories,
    )
    await digests.digest(BETA, WEEK)
    assert await repository.unplaced_headlines(WEEK) == []
