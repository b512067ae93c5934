"""A server's own companies and spellings tag the feed headlines it sees, for it alone: two
servers follow the same feed through the services the bot builds (bot.app.open_services), a
feed site on 127.0.0.1 and real SQLite or PostgreSQL (the ``backend`` parameter)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.app import Services, open_services
from bot.settings import Settings
from db import SqlAlertRepository
from news.archive import retagging
from news.core.errors import NotFound
from news.core.models import Headline
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from testkit.postgres import TemplateServer

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday of 2026-W48
MONDAY = "Mon, 23 Nov 2026 {hour:02d}:00:00 GMT"
TUESDAY = "Tue, 24 Nov 2026 09:00:00 GMT"
A, B = 101, 202
MEMBER_A, MEMBER_B = 11, 22
ROBOT = ("robot-1", "가상로봇, 투자 유치", "https://news.test/robot-1", MONDAY.format(hour=9))
GREEN = ("green-1", "녹색팀, 신제품 공개", "https://news.test/green-1", MONDAY.format(hour=10))
OTHER = ("other-1", "삼성전자, 새 메모리 발표", "https://news.test/other-1", MONDAY.format(hour=11))


@dataclass
class World:
    services: Services
    site: ScriptedSite
    url: str

    def serve(self, *items: tuple[str, str, str, str]) -> None:
        self.site.pages["/feed.xml"] = Page(body=rss("Shared feed", items))

    async def poll(self) -> None:
        await self.services.feeds.poll_now(A, self.url)

    async def company(self, guild_id: int, name: str) -> list[Headline]:
        report = (await self.services.archive.lookup_company(guild_id, name)).report
        assert report is not None
        return list(report.headlines)

    async def listed(
        self, guild_id: int, text: str = "", company: str | None = None
    ) -> list[Headline]:
        page = await self.services.archive.search_headlines(guild_id, text, company=company)
        return list(page.headlines)


@pytest.fixture
async def world(tmp_path: Path, backend_server: TemplateServer | None) -> AsyncIterator[World]:
    settings = Settings(_env_file=None, database_path=tmp_path / "tags.db", allow_private_urls=True)
    if backend_server is not None:
        assert backend_server.working is not None
        connection = await asyncpg.connect(backend_server.working)
        try:
            await backend_server.clean(connection)
        finally:
            await connection.close()
        settings = Settings(
            _env_file=None, database_url=backend_server.working, allow_private_urls=True
        )
    async with running_scripted_site() as site, open_services(settings, clock=lambda: NOW) as s:
        world = World(s, site, site.url("/feed.xml"))
        world.serve(ROBOT, GREEN, OTHER)
        await s.feeds.add(A, world.url)
        await s.feeds.add(B, world.url)
        yield world


# --- /company and the company filter ---------------------------------------------------------


async def test_a_company_a_server_adds_finds_the_feed_headlines_it_sees(world: World) -> None:
    change = await world.services.archive.add_company("가상로봇", "Fictobot", guild_id=A)

    assert (change.retag.total, change.retag.changed) == (3, 1)
    assert [h.title for h in await world.company(A, "Fictobot")] == ["가상로봇, 투자 유치"]
    report = (await world.services.archive.lookup_company(A, "가상로봇")).report
    assert report is not None and report.weekly_counts[-1] == ("2026-W48", 1)


async def test_the_company_filter_finds_the_servers_own_tags(world: World) -> None:
    await world.services.archive.add_company("가상로봇", "Fictobot", guild_id=A)

    found = await world.listed(A, company="가상로봇")
    assert [h.title for h in found] == ["가상로봇, 투자 유치"]
    assert [h.title for h in await world.listed(A, "투자", company="가상로봇")] == [
        "가상로봇, 투자 유치"
    ]
    assert await world.listed(A, "메모리", company="가상로봇") == []


async def test_a_headline_shows_the_servers_own_company_to_that_server_only(
    world: World,
) -> None:
    await world.services.archive.add_company("가상로봇", "Fictobot", guild_id=A)

    [mine] = await world.listed(A, "투자")
    [theirs] = await world.listed(B, "투자")
    assert mine.companies == ("가상로봇",)
    assert theirs.companies == ()


async def test_another_server_sees_none_of_it(world: World) -> None:
    before = await world.listed(B)
    await world.services.archive.add_company("가상로봇", "Fictobot", guild_id=A)

    with pytest.raises(NotFound):
        await world.listed(B, company="가상로봇")
    assert (await world.services.archive.lookup_company(B, "가상로봇")).report is None
    assert await world.listed(B) == before


async def test_an_alias_of_a_bundled_company_tags_the_feed_for_that_server_only(
    world: World,
) -> None:
    change = await world.services.archive.add_alias("엔비디아", "녹색팀", guild_id=A)

    assert change.retag.changed == 1
    assert [h.title for h in await world.company(A, "엔비디아")] == ["녹색팀, 신제품 공개"]
    assert await world.company(B, "엔비디아") == []
    assert [h.title for h in await world.listed(A, company="NVIDIA")] == ["녹색팀, 신제품 공개"]
    assert await world.listed(B, company="NVIDIA") == []
    [theirs] = await world.listed(B, "녹색팀")
    assert theirs.companies == ()


async def test_new_feed_items_are_tagged_at_ingest_for_the_server_that_added(
    world: World,
) -> None:
    await world.services.archive.add_alias("엔비디아", "녹색팀", guild_id=A)
    fresh = ("green-2", "녹색팀, 데이터센터 확장", "https://news.test/green-2", TUESDAY)
    world.serve(fresh, ROBOT, GREEN, OTHER)

    await world.poll()

    titles = [h.title for h in await world.company(A, "엔비디아")]
    assert titles == ["녹색팀, 데이터센터 확장", "녹색팀, 신제품 공개"]
    assert await world.company(B, "엔비디아") == []


# --- alerts ------------------------------------------------------------------------------


async def test_a_company_alert_fires_on_the_servers_own_tag_and_only_there(
    world: World,
) -> None:
    services = world.services
    await services.archive.add_company("가상로봇", "Fictobot", guild_id=A)
    await services.alerts.subscribe(A, MEMBER_A, company="가상로봇")
    await services.alerts.match_new()
    fresh = ("robot-2", "가상로봇, 새 로봇 출시", "https://news.test/robot-2", TUESDAY)
    world.serve(fresh, ROBOT, GREEN, OTHER)

    await world.poll()
    queued = await services.alerts.match_new()

    assert queued == 1
    waiting = SqlAlertRepository(services.database)
    [alert] = await waiting.waiting_alerts([MEMBER_A, MEMBER_B])
    assert (alert.user_id, alert.guild_id) == (MEMBER_A, A)
    assert alert.headline.title == "가상로봇, 새 로봇 출시"
    assert alert.headline.companies == ("가상로봇",)
    with pytest.raises(NotFound):
        await services.alerts.subscribe(B, MEMBER_B, company="가상로봇")


async def test_an_alias_alerts_the_servers_members_on_the_bundled_company_and_no_others(
    world: World,
) -> None:
    services = world.services
    await services.archive.add_alias("엔비디아", "녹색팀", guild_id=A)
    await services.alerts.subscribe(A, MEMBER_A, company="엔비디아")
    await services.alerts.subscribe(B, MEMBER_B, company="엔비디아")
    await services.alerts.match_new()
    fresh = ("green-2", "녹색팀, 데이터센터 확장", "https://news.test/green-2", TUESDAY)
    world.serve(fresh, ROBOT, GREEN, OTHER)

    await world.poll()

    assert await services.alerts.match_new() == 1
    waiting = SqlAlertRepository(services.database)
    [alert] = await waiting.waiting_alerts([MEMBER_A, MEMBER_B])
    assert (alert.user_id, alert.headline.title) == (MEMBER_A, "녹색팀, 데이터센터 확장")


# --- a big archive -----------------------------------------------------------------------


async def test_a_big_feed_archive_is_retagged_in_the_background_with_progress(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [
        (f"g-{n}", f"녹색팀 소식 {n}", f"https://news.test/g-{n}", MONDAY.format(hour=n % 24))
        for n in range(30)
    ]
    world.serve(*items)
    await world.poll()
    monkeypatch.setattr(retagging, "FOREGROUND_LIMIT", 10)
    monkeypatch.setattr(retagging, "BATCH", 7)

    change = await world.services.archive.add_alias("엔비디아", "녹색팀", guild_id=A)

    assert change.retag.in_background and change.retag.total == 33
    await change.retag.wait()
    assert (change.retag.done, change.retag.changed) == (33, 31)
    assert len(await world.company(A, "NVIDIA")) == 10
    assert await world.company(B, "NVIDIA") == []


async def test_the_company_filter_pages_through_the_servers_own_tags_with_their_total(
    world: World,
) -> None:
    items = [
        (f"g-{n}", f"녹색팀 소식 {n}", f"https://news.test/g-{n}", MONDAY.format(hour=n % 24))
        for n in range(24)
    ]
    world.serve(*items)
    await world.poll()
    await world.services.archive.add_alias("엔비디아", "녹색팀", guild_id=A)
    search = world.services.archive.search_headlines

    pages = [await search(A, "", company="NVIDIA", page=n, per_page=10) for n in (1, 2, 3, 4)]
    shown = [h.title for page in pages for h in page.headlines]
    assert [page.total for page in pages] == [25, 25, 25, 25]  # 24 items and GREEN
    assert [len(page.headlines) for page in pages] == [10, 10, 5, 0]
    assert len(set(shown)) == 25
    times = [h.published_at for page in pages for h in page.headlines]
    assert times == sorted(times, reverse=True)
    narrowed = await search(A, "소식", company="NVIDIA", page=2, per_page=10)
    assert (narrowed.total, len(narrowed.headlines)) == (24, 10)
