"""/feed through the fake Discord: following a feed on 127.0.0.1, listing it, finding its
stories with /headlines, and the admin-only gate; /roundup-import url:."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import pytest_asyncio

from bot.feed_poller import DiscordFeedNotifier
from news.feeds.sources import PAUSE_AFTER
from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import OptionValue, Upload
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from tests.e2e.bot_harness import BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

ARTICLE = b"""<html><head><title>Weekly chips</title></head><body><article>
<h1>Chip week in review</h1>
<ul>
<li><a href="https://news.test/fab">Foundry opens a second fab in the desert</a></li>
<li><a href="https://news.test/memory">Memory prices climb for a third month</a></li>
</ul>
</article></body></html>"""


@dataclass(frozen=True, slots=True)
class FeedWorld:
    world: BotWorld
    site: ScriptedSite


def this_week() -> str:
    """An hour ago: the bot files a new feed's stories of the current week."""
    return format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FeedWorld]:
    async with (
        running_scripted_site() as site,
        bot_world(tmp_path_factory.mktemp("feeds"), allow_private_urls=True) as world,
    ):
        story = ("g1", "Quantum sensor startup raises funds", "https://news.test/q", this_week())
        site.pages["/feed.xml"] = Page(body=rss("Local Tech Wire", [story]))
        site.pages["/article.html"] = Page(body=ARTICLE, content_type="text/html")
        yield FeedWorld(world, site)


@pytest.fixture
def feeds(started: FeedWorld) -> Iterator[FeedWorld]:
    with discord_accepts_everything(started.world.fake):
        yield started


async def test_feed_add_then_list_then_headlines_finds_the_story(feeds: FeedWorld) -> None:
    world, server = feeds.world, feeds.world.alpha
    url = feeds.site.url("/feed.xml")

    added = await world.reply(server, "feed add", {"url": url}, admin=True)
    listed = await world.reply(server, "feed list", admin=True)
    found = await world.reply(server, "headlines", {"query": "Quantum sensor"})

    assert "Local Tech Wire" in added.content and "1 items" in added.content
    assert listed.embeds[0]["fields"][0]["name"] == "Local Tech Wire"
    assert "healthy" in listed.embeds[0]["fields"][0]["value"]
    assert "Quantum sensor startup raises funds" in str(found.embeds)


async def test_feed_add_is_refused_to_a_member_without_manage_server(feeds: FeedWorld) -> None:
    reply = await feeds.world.reply(
        feeds.world.beta, "feed add", {"url": feeds.site.url("/feed.xml")}
    )

    assert reply.content == "Only members with the Manage Server permission can do that."
    assert await feeds.world.bot.services.feeds.feeds(feeds.world.beta.id) == []


async def test_feed_list_answers_in_korean(feeds: FeedWorld) -> None:
    reply = await feeds.world.reply(feeds.world.beta, "feed list", admin=True, locale="ko")

    assert "구독하는 피드가 아직 없습니다" in reply.content


async def test_opml_export_attaches_the_servers_feeds(feeds: FeedWorld) -> None:
    world = feeds.world
    await world.reply(world.alpha, "feed add", {"url": feeds.site.url("/feed.xml")}, admin=True)

    record = await world.run(world.alpha, "feed opml-export", admin=True)

    await record.wait_response()
    [upload] = [f for r in world.fake.requests if r.path.endswith("/callback") for f in r.files]
    assert upload.filename == "feeds.opml"
    assert f'xmlUrl="{feeds.site.url("/feed.xml")}"' in upload.data.decode()


async def test_roundup_import_takes_an_article_url(feeds: FeedWorld) -> None:
    world = feeds.world
    options = {"url": feeds.site.url("/article.html"), "date": "2026-02-04"}

    record = await world.run(world.beta, "roundup-import", options, admin=True)

    (summary,) = await record.wait_followups()
    assert "2 headlines" in summary.content


async def test_roundup_import_wants_exactly_one_of_file_and_url(feeds: FeedWorld) -> None:
    world = feeds.world
    options: dict[str, OptionValue] = {
        "url": feeds.site.url("/article.html"),
        "file": Upload("a.txt", b"- one\n", "text/plain"),
    }

    reply = await world.reply(world.beta, "roundup-import", options, admin=True)

    assert reply.content == "Give exactly one of file and url."


async def test_a_feed_paused_by_failures_is_reported_to_the_owner(feeds: FeedWorld) -> None:
    world, site = feeds.world, feeds.site
    story = ("b1", "Battery maker doubles output", "https://news.test/b", this_week())
    site.pages["/breaking.xml"] = Page(body=rss("Fragile Wire", [story]))
    await world.reply(world.beta, "feed add", {"url": site.url("/breaking.xml")}, admin=True)
    site.pages["/breaking.xml"].status = 500
    service = world.bot.services.feeds
    notifier = DiscordFeedNotifier(world.bot, world.bot.services.guild_settings)

    for _ in range(PAUSE_AFTER):
        [feed] = await service.feeds(world.beta.id)
        await service.poll_one(feed.source, notifier)

    [notice] = world.fake.dms(world.beta.guild.owner_id)
    assert "**Fragile Wire**" in notice.content
    assert "/feed retry" in notice.content
    assert "HTTP status 500" in notice.content and notice.mentions_disabled


async def test_companies_add_then_company_finds_the_servers_feed_story_and_no_other(
    feeds: FeedWorld,
) -> None:
    world = feeds.world
    story = ("r1", "가상드론, 시리즈 B 투자 유치", "https://news.test/drone", this_week())
    feeds.site.pages["/shared.xml"] = Page(body=rss("Shared Wire", [story]))
    for server in (world.alpha, world.beta):
        await world.reply(server, "feed add", {"url": feeds.site.url("/shared.xml")}, admin=True)
    options = {"name": "가상드론", "english": "Fictodrone"}

    added = await world.reply(world.alpha, "companies add", options, admin=True)
    found = await world.reply(world.alpha, "company", {"name": "Fictodrone"})
    elsewhere = await world.reply(world.beta, "company", {"name": "Fictodrone"})
    listed = await world.reply(world.beta, "headlines", {"query": "가상드론"})

    assert added.content.startswith("Added **가상드론**.")
    assert found.embeds[0]["title"] == "가상드론 (Fictodrone)"
    assert "가상드론, 시리즈 B 투자 유치" in str(found.embeds)
    assert "I don't know a company called **Fictodrone**" in str(elsewhere.embeds)
    assert "가상드론, 시리즈 B 투자 유치" in str(listed.embeds)
    assert "· 가상드론" not in str(listed.embeds)
