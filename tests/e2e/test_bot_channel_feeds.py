"""Channel feeds through the real discord.py client and the fake Discord: /feed add with a
channel, one message per story (edited when another followed feed reports it, posted again
when that message was deleted), /feed format, /feed filter, the webhook and its fallback, a
channel the bot cannot post in, and the Manage Server gate."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from news.channels.models import ChannelReport
from testkit.bot_harness import Server
from testkit.fake_discord import Perm, StoredMessage
from testkit.fake_discord.models import EVERYONE_PERMISSIONS
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from tests.e2e.bot_harness import BotWorld, bot_world

Item = tuple[str, str, str, str]


@dataclass(frozen=True, slots=True)
class World:
    world: BotWorld
    site: ScriptedSite

    def publish(self, path: str, title: str, items: list[Item]) -> str:
        self.site.pages[path] = Page(body=rss(title, items))
        return self.site.url(path)

    async def add(self, server: Server, url: str, **options: str | int) -> StoredMessage:
        return await self.world.reply(
            server, "feed add", {"url": url, "channel": server.channel.id, **options}, admin=True
        )

    async def poll(self, server: Server, ref: str) -> ChannelReport | None:
        """Poll the feed now, then run the channel job once (it may have run already)."""
        await self.world.bot.services.feeds.retry(server.id, ref)
        return await self.world.bot.channel_poster.run_job()

    def posts(self, server: Server) -> list[StoredMessage]:
        return [m for m in self.world.fake.messages(server.channel.id) if m.interaction_id is None]


def stamp(hours_ago: float) -> str:
    return format_datetime(datetime.now(UTC) - timedelta(hours=hours_ago), usegmt=True)


# Distinct stories (similar titles would be grouped into one story, and so one post).
TITLES = (
    "Harbour authority buys electric tugboats",
    "Quantum sensor startup raises seed money",
    "Violinist wins international competition",
    "Regional airline cancels winter routes",
    "Bakery chain recalls almond croissants",
    "Glacier survey finds record melting",
)


def item(
    n: int, title: str | None = None, *, host: str = "wire.test", hours_ago: float | None = None
) -> Item:
    """Item ``n``, published ``n`` hours ago (item 0 is the newest), or ``hours_ago``: a feed
    announces only what is no older than its newest item so far."""
    ago = 0.2 + n if hours_ago is None else hours_ago
    return (f"g{n}", title or TITLES[n], f"https://{host}/{n}", stamp(ago))


@pytest.fixture
async def channels(tmp_path: Path) -> AsyncIterator[World]:
    async with (
        running_scripted_site() as site,
        bot_world(tmp_path, allow_private_urls=True) as world,
    ):
        yield World(world, site)


def expected_refusals(world: BotWorld, path_part: str, status: int = 403) -> None:
    """The refusals a test provoked on purpose, taken off the record the harness checks."""
    refused = [r for r in world.fake.rejections if path_part in r.path]
    assert refused and all(r.status == status for r in refused)
    world.fake.rejections[:] = [r for r in world.fake.rejections if r not in refused]


def title_of(message: StoredMessage) -> str:
    return str(message.embeds[0]["title"]) if message.embeds else message.content


async def test_add_with_a_channel_posts_the_three_newest_then_each_new_story(
    channels: World,
) -> None:
    server = channels.world.alpha
    url = channels.publish("/a.xml", "Wire", [item(n) for n in range(1, 6)])

    added = await channels.add(server, url)
    await channels.world.bot.channel_poster.run_job()
    first = channels.posts(server)
    channels.publish("/a.xml", "Wire", [item(n) for n in range(0, 6)])
    await channels.poll(server, url)

    assert "posted in" in added.content
    # Items 1..3 are the newest, posted oldest first; 4 and 5 are only filed.
    assert [title_of(m) for m in first] == [TITLES[3], TITLES[2], TITLES[1]]
    posts = channels.posts(server)
    assert [title_of(m) for m in posts[3:]] == [TITLES[0]]
    embed = posts[-1].embeds[0]
    assert embed["url"] == "https://wire.test/0" and "timestamp" in embed
    assert {f["name"] for f in embed["fields"]} >= {"Source"}
    assert all(m.mentions_disabled for m in posts)


async def test_a_story_another_feed_reports_edits_the_post_instead_of_posting_again(
    channels: World,
) -> None:
    server = channels.world.alpha
    wire = channels.publish("/wire.xml", "Wire", [item(1, "Chipmaker opens a fab")])
    daily = channels.publish("/daily.xml", "Daily", [item(5, "Unrelated @everyone *news*")])
    await channels.add(server, wire)
    await channels.add(server, daily)
    await channels.world.bot.channel_poster.run_job()
    before = channels.posts(server)
    channels.publish(
        "/daily.xml",
        "Daily",
        [item(5, "Unrelated @everyone *news*"), item(1, "Chipmaker opens a fab")],
    )

    await channels.poll(server, daily)

    after = channels.posts(server)
    assert len(after) == len(before) == 2
    post = next(m for m in after if "Chipmaker" in title_of(m))
    fields = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    assert fields["Source"] == "Wire" and fields["Also reported by"] == "Daily"
    assert post.edits and post.mentions_disabled
    escaped = next(m for m in after if "Unrelated" in title_of(m))
    assert title_of(escaped) == "Unrelated @everyone \\*news\\*"


async def test_a_deleted_post_is_posted_again_when_its_story_is_reported(channels: World) -> None:
    server = channels.world.alpha
    wire = channels.publish("/wire.xml", "Wire", [item(1, "Robot maker lists shares")])
    daily = channels.publish("/daily.xml", "Daily", [])
    await channels.add(server, wire)
    await channels.add(server, daily)
    await channels.world.bot.channel_poster.run_job()
    channels.posts(server)[0].deleted = True
    channels.publish("/daily.xml", "Daily", [item(1, "Robot maker lists shares")])

    report = await channels.poll(server, daily)

    posts = channels.posts(server)
    assert len(posts) == 1 and report is not None
    fields = {f["name"]: f["value"] for f in posts[0].embeds[0]["fields"]}
    assert fields["Source"] == "Daily" and report.reposted == 1
    expected_refusals(channels.world, f"/channels/{server.channel.id}/messages/", 404)


async def test_format_posts_the_template_and_refuses_unknown_placeholders(channels: World) -> None:
    world, server = channels.world, channels.world.alpha
    url = channels.publish("/wire.xml", "Wire", [item(1)])
    await channels.add(server, url)
    await world.bot.channel_poster.run_job()

    unknown = await world.reply(
        server, "feed format", {"feed": url, "template": "{title} {author}"}, admin=True
    )
    too_long = await world.reply(
        server, "feed format", {"feed": url, "template": "{summary}" * 4}, admin=True
    )
    ok = await world.reply(
        server, "feed format", {"feed": url, "template": "📰 {title} — {source} {url}"}, admin=True
    )
    channels.publish("/wire.xml", "Wire", [item(1), item(2, "Launch *day* <@&1>", hours_ago=0.1)])
    await channels.poll(server, url)

    assert "Unknown placeholder {author}" in unknown.content
    assert "characters" in too_long.content
    assert "your text" in ok.content
    post = channels.posts(server)[-1]
    assert post.embeds == []
    assert post.content == "📰 Launch \\*day\\* <@&1> — Wire https://wire.test/2"
    assert post.mentions_disabled


async def test_filter_posts_only_matching_stories_and_files_the_rest(channels: World) -> None:
    world, server = channels.world, channels.world.alpha
    url = channels.publish("/wire.xml", "Wire", [])
    await channels.add(server, url)
    reply = await world.reply(
        server,
        "feed filter",
        {"feed": url, "include": 'quantum, "solar panel"', "exclude": "rumour"},
        admin=True,
    )
    too_long = await world.reply(
        server,
        "feed filter",
        {"feed": url, "include": ", ".join(f"word{n}" for n in range(11))},
        admin=True,
    )
    channels.publish(
        "/wire.xml",
        "Wire",
        [
            item(1, "Quantum computer breaks record"),
            item(2, "New solar panel factory"),
            item(3, "Quantum rumour denied"),
            item(4, "Bakery opens"),
        ],
    )

    await channels.poll(server, url)

    assert "filter" in reply.content
    assert too_long.content == "A filter can have at most 10 alternatives (separated by commas)."
    titles = sorted(title_of(m) for m in channels.posts(server))
    assert titles == ["New solar panel factory", "Quantum computer breaks record"]
    found = await world.reply(server, "headlines", {"query": "Bakery"})
    assert "Bakery opens" in str(found.embeds)


async def test_webhook_without_manage_webhooks_falls_back_with_one_notice(channels: World) -> None:
    world, server = channels.world, channels.world.alpha
    url = channels.publish("/wire.xml", "Wire", [])
    await channels.add(server, url)
    reply = await world.reply(server, "feed webhook", {"feed": url, "enabled": True}, admin=True)
    channels.publish("/wire.xml", "Wire", [item(1)])
    await channels.poll(server, url)
    channels.publish("/wire.xml", "Wire", [item(1), item(2, hours_ago=0.1)])
    await channels.poll(server, url)

    assert "Manage Webhooks" in reply.content
    posts = channels.posts(server)
    assert [m.webhook_id for m in posts] == [None, None]
    owner = server.guild.owner_id
    notices = [m for m in world.fake.dms(owner) if "Wire" in m.content]
    assert len(notices) == 1
    expected_refusals(world, "/webhooks")


async def test_webhook_posts_under_the_feed_name(channels: World) -> None:
    world, server = channels.world, channels.world.alpha
    world.fake.set_bot_permissions(server.guild, EVERYONE_PERMISSIONS | Perm.MANAGE_WEBHOOKS)
    url = channels.publish("/wire.xml", "Wire", [])
    await channels.add(server, url, name="Discord Daily")
    await world.reply(server, "feed webhook", {"feed": url, "enabled": True}, admin=True)
    channels.publish("/wire.xml", "Wire", [item(1)])

    await channels.poll(server, url)

    [post] = channels.posts(server)
    assert post.webhook_id is not None
    assert post.author["username"] == "D\u200biscord Daily"
    assert post.mentions_disabled


async def test_a_channel_the_bot_cannot_post_in_is_reported_once_and_in_status(
    channels: World,
) -> None:
    world, server = channels.world, channels.world.muted
    url = channels.publish("/wire.xml", "Wire", [item(1)])
    await channels.add(server, url)
    await world.bot.channel_poster.run_job()
    channels.publish("/wire.xml", "Wire", [item(1), item(2, hours_ago=0.1)])
    await channels.poll(server, url)
    status = await world.reply(server, "status", admin=True)

    assert channels.posts(server) == []
    notices = [m for m in world.fake.dms(server.guild.owner_id) if "Wire" in m.content]
    assert len(notices) == 1
    fields = [f["value"] for f in status.embeds[0]["fields"]]
    assert any("Missing Permissions" in value and "Wire" in value for value in fields)
    found = await world.reply(server, "headlines", {"query": "Violinist"}, admin=True)
    assert TITLES[2] in str(found.embeds)
    expected_refusals(world, f"/channels/{server.channel.id}/messages")


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("feed channel", {"feed": "x"}),
        ("feed filter", {"feed": "x", "include": "a"}),
        ("feed format", {"feed": "x", "template": "{title}"}),
        ("feed webhook", {"feed": "x", "enabled": True}),
    ],
)
async def test_members_without_manage_server_are_refused(
    channels: World, command: str, options: dict[str, str | bool]
) -> None:
    reply = await channels.world.reply(channels.world.alpha, command, options)

    assert reply.content == "Only members with the Manage Server permission can do that."
