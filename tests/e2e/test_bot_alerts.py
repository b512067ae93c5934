"""Topic alerts end to end: slash commands through the fake Discord, headlines from a feed
served on 127.0.0.1, and the alert job delivering DMs and alert-channel messages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import count

import pytest
import pytest_asyncio

from cogs.alerts.delivery import DiscordAlertSender, RequestPacer
from news.alerts.models import AlertBatch, Delivery
from testkit.bot_harness import READ_ONLY, Server, discord_accepts_everything
from testkit.fake_discord import Member, StoredMessage
from testkit.fake_discord.models import EVERYONE_PERMISSIONS
from testkit.feed_server import Page, ScriptedSite, rss, running_scripted_site
from tests.e2e.bot_harness import BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

_story_ids = count(1)


@dataclass(frozen=True, slots=True)
class AlertWorld:
    world: BotWorld
    site: ScriptedSite

    def feed_url(self, server: Server) -> str:
        return self.site.url(f"/{server.guild.name}.xml")

    async def follow_feed(self, server: Server) -> None:
        """The server follows its own feed; its first poll files the week's items silently."""
        self.site.pages[f"/{server.guild.name}.xml"] = Page(body=rss("Wire", []))
        await self.world.reply(server, "feed add", {"url": self.feed_url(server)}, admin=True)

    async def publish(self, server: Server, *titles: str) -> list[str]:
        """New items in the server's feed, polled at once: what subscribers hear about."""
        items = []
        for title in titles:
            story = next(_story_ids)
            items.append((f"g{story}", title, f"https://news.test/{story}", _an_hour_ago()))
        self.site.pages[f"/{server.guild.name}.xml"] = Page(body=rss("Wire", items))
        await self.world.bot.services.feeds.retry(server.id, self.feed_url(server))
        return [link for _, _, link, _ in items]

    async def deliver(self) -> None:
        await self.world.bot.alert_dispatcher.run_job()

    async def subscribe(
        self, server: Server, member: Member, locale: str = "en-US", **options: str
    ) -> StoredMessage:
        record = await self.world.fake.slash(
            server.id, server.channel.id, member.id, "subscribe", options, locale=locale
        )
        return await record.wait_reply()


def _an_hour_ago() -> str:
    return format_datetime(datetime.now(UTC) - timedelta(hours=1), usegmt=True)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AlertWorld]:
    async with (
        running_scripted_site() as site,
        bot_world(tmp_path_factory.mktemp("alerts"), allow_private_urls=True) as world,
    ):
        alerts = AlertWorld(world, site)
        await alerts.follow_feed(world.alpha)
        await alerts.follow_feed(world.beta)
        yield alerts


@pytest.fixture
def alerts(started: AlertWorld) -> Iterator[AlertWorld]:
    with discord_accepts_everything(started.world.fake):
        yield started


def _texts(messages: list[StoredMessage]) -> str:
    return "\n".join(str(message.embeds) for message in messages)


async def test_a_keyword_subscriber_gets_one_dm_per_batch_and_never_twice(
    alerts: AlertWorld,
) -> None:
    world = alerts.world
    member = world.fake.add_member(world.alpha.guild, "reader")
    reply = await alerts.subscribe(world.alpha, member, keyword="양자 센서")
    links = await alerts.publish(
        world.alpha, "양자센서 스타트업 투자 유치", "신형 양자 센서 공개", "날씨 소식"
    )

    await alerts.deliver()
    await alerts.deliver()

    assert "Subscribed to **양자 센서**" in reply.content
    [message] = world.fake.dms(member.id)
    assert links[0] in _texts([message]) and links[1] in _texts([message])
    assert links[2] not in _texts([message])
    assert message.mentions_disabled


async def test_a_company_subscription_matches_any_alias(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.alpha.guild, "gpu-fan")
    await alerts.subscribe(world.alpha, member, company="NVIDIA")

    [link] = await alerts.publish(world.alpha, "엔비디아, 새 GPU 공개")
    await alerts.deliver()

    [message] = world.fake.dms(member.id)
    assert link in _texts([message])
    assert "NVIDIA" in _texts([message])  # the subscription that found it


async def test_a_feeds_first_poll_alerts_nobody(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.alpha.guild, "early")
    await alerts.subscribe(world.alpha, member, keyword="백필")
    alerts.site.pages["/backfill.xml"] = Page(
        body=rss("Old", [("b1", "백필 기사", "https://news.test/backfill", _an_hour_ago())])
    )

    await world.reply(
        world.alpha, "feed add", {"url": alerts.site.url("/backfill.xml")}, admin=True
    )
    await alerts.deliver()

    assert world.fake.dms(member.id) == []


async def test_a_server_never_alerts_on_another_servers_feed(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.beta.guild, "beta-reader")
    await alerts.subscribe(world.beta, member, keyword="격리시험")

    await alerts.publish(world.alpha, "격리시험 기사는 알파에만")
    await alerts.deliver()

    assert world.fake.dms(member.id) == []


async def test_channel_delivery_mentions_only_the_subscriber(alerts: AlertWorld) -> None:
    world = alerts.world
    channel = world.alpha.channel
    await world.reply(world.alpha, "setup alerts", {"channel": channel.id}, admin=True)
    member = world.fake.add_member(world.alpha.guild, "channel-reader")
    await alerts.subscribe(world.alpha, member, keyword="채널배달", delivery="channel")

    [link] = await alerts.publish(world.alpha, "채널배달 @everyone 시험")
    await alerts.deliver()

    [message] = [m for m in world.fake.messages(channel.id) if m.content == f"<@{member.id}>"]
    mentions = message.allowed_mentions or {}
    assert mentions["parse"] == [] and mentions["users"] == [member.id]
    assert link in _texts([message])
    assert "\\@everyone" in _texts([message]) or "@everyone" not in message.content


async def test_refused_dms_fall_back_to_the_alert_channel_and_the_user_is_told(
    started: AlertWorld,
) -> None:
    alerts = started  # not `alerts`: the refused DM is a rejection this test expects
    world = alerts.world
    rejections = len(world.fake.rejections)
    channel = world.beta.channel
    await world.reply(world.beta, "setup alerts", {"channel": channel.id}, admin=True)
    member = world.fake.add_member(world.beta.guild, "closed-dms", accepts_dms=False)
    await alerts.subscribe(world.beta, member, keyword="거절시험")

    [link] = await alerts.publish(world.beta, "거절시험 기사")
    await alerts.deliver()  # the DM is refused: the alert waits for the channel
    await alerts.deliver()
    record = await world.fake.slash(
        world.beta.id, world.beta.channel.id, member.id, "subscriptions"
    )
    [notice] = await record.wait_followups()

    [message] = [m for m in world.fake.messages(channel.id) if m.content == f"<@{member.id}>"]
    assert link in _texts([message])
    assert notice.ephemeral and "alert channel" in notice.content
    # The one refusal this test is about; the module's world checks there is no other.
    [refusal] = world.fake.rejections[rejections:]
    assert refusal.code == 50007
    del world.fake.rejections[rejections:]


async def test_subscriptions_lists_them_with_a_button_that_removes_one(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.beta.guild, "lister")
    await alerts.subscribe(world.beta, member, keyword="첫째")
    await alerts.subscribe(world.beta, member, topic="security")
    record = await world.fake.slash(
        world.beta.id, world.beta.channel.id, member.id, "subscriptions"
    )
    listing = await record.wait_reply()
    listed = str(listing.embeds)
    [first_button, _] = listing.custom_ids()

    clicked = await world.fake.component(listing.id, member.id, first_button)
    await clicked.wait_response()

    remaining = await world.bot.services.alerts.subscriptions(world.beta.id, member.id)
    assert "첫째" in listed and listing.ephemeral
    assert [s.kind for s in remaining] == ["topic"]
    assert "첫째" not in str(listing.embeds)  # the list was redrawn without it


async def test_unsubscribe_takes_the_autocompleted_id(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.beta.guild, "leaver")
    await alerts.subscribe(world.beta, member, keyword="떠나기")
    [subscription] = await world.bot.services.alerts.subscriptions(world.beta.id, member.id)

    record = await world.fake.slash(
        world.beta.id,
        world.beta.channel.id,
        member.id,
        "unsubscribe",
        {"subscription": str(subscription.id)},
    )
    reply = await record.wait_reply()

    assert reply.content == "Unsubscribed from **떠나기**."
    assert await world.bot.services.alerts.subscriptions(world.beta.id, member.id) == []


async def test_subscribe_wants_exactly_one_thing_to_follow(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.beta.guild, "greedy")

    both = await alerts.subscribe(world.beta, member, keyword="a", company="삼성")
    none = await alerts.subscribe(world.beta, member, locale="ko")

    assert both.content == "Give exactly one of topic, company or keyword."
    assert none.content == "topic, company, keyword 중 하나만 주세요."


async def test_channel_delivery_needs_an_alert_channel(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.muted.guild, "muted-reader")

    reply = await alerts.subscribe(world.muted, member, keyword="x1", delivery="channel")

    assert "no alert channel" in reply.content


async def test_quiet_hours_refuse_a_time_that_is_not_one(alerts: AlertWorld) -> None:
    world = alerts.world
    options = {"start": "25:99", "end": "07:00", "timezone": "Asia/Seoul"}

    reply = await world.reply(world.alpha, "alerts quiet", options)
    good = await world.reply(
        world.alpha, "alerts quiet", {"start": "22:00", "end": "07:00", "timezone": "Asia/Seoul"}
    )

    assert "is not a time of day" in reply.content
    assert good.content.startswith("Quiet hours: 22:00–07:00 (Asia/Seoul)")


async def test_setup_alerts_is_for_managers_only(alerts: AlertWorld) -> None:
    world = alerts.world

    reply = await world.reply(world.alpha, "setup alerts", {"channel": world.alpha.channel.id})

    assert reply.content == "Only members with the Manage Server permission can do that."


async def test_status_shows_feeds_digest_and_the_alert_queue(alerts: AlertWorld) -> None:
    world = alerts.world

    reply = await world.reply(world.alpha, "status", admin=True)
    refused = await world.reply(world.alpha, "status")

    [embed] = reply.embeds
    fields = {field["name"]: field["value"] for field in embed["fields"]}
    assert reply.ephemeral and reply.mentions_disabled
    assert "followed" in fields["Feeds"] and "healthy" in fields["Feeds"]
    assert "subscriptions" in fields["Alerts"] and "waiting" in fields["Alerts"]
    assert embed["footer"]["text"].startswith("roundup-bot ")
    assert refused.content == "Only members with the Manage Server permission can do that."


async def test_an_alert_channel_the_bot_lost_is_reported_and_the_alert_goes_by_dm(
    started: AlertWorld,
) -> None:
    alerts = started  # not `alerts`: the refused posts are rejections this test expects
    world = alerts.world
    guild = world.beta.guild
    await world.reply(world.beta, "setup alerts", {"channel": world.beta.channel.id}, admin=True)
    member = world.fake.add_member(guild, "lost-channel")
    await alerts.subscribe(world.beta, member, keyword="권한상실", delivery="channel")
    rejections = len(world.fake.rejections)
    everyone = guild.everyone.permissions
    # The admins took Send Messages away from everyone, the bot included.
    guild.everyone.permissions = READ_ONLY
    world.fake.set_bot_permissions(guild, READ_ONLY)
    try:
        [link] = await alerts.publish(world.beta, "권한상실 시험 기사")
        await alerts.deliver()  # refused in the channel
        await alerts.deliver()  # by DM instead
    finally:
        guild.everyone.permissions = everyone
        world.fake.set_bot_permissions(guild, EVERYONE_PERMISSIONS)

    [notice] = world.fake.dms(guild.owner_id)
    # In the server's language: Korean unless /setup digest chose English.
    assert "알림을 올리지 못했습니다" in notice.content and notice.mentions_disabled
    [alert] = world.fake.dms(member.id)
    assert link in _texts([alert])
    assert {r.code for r in world.fake.rejections[rejections:]} == {50013}
    del world.fake.rejections[rejections:]


async def test_a_batch_in_doubt_is_found_by_its_marker_once_the_nonce_is_forgotten(
    alerts: AlertWorld,
) -> None:
    world = alerts.world
    member = world.fake.add_member(world.alpha.guild, "in-doubt")
    sender = DiscordAlertSender(world.bot, RequestPacer(1000))
    channel_id = await sender.open_dm(member.id)
    sent = AlertBatch(9001, member.id, None, Delivery.DM, channel_id, "first-nonce")
    message_id = await sender.send(sent)

    # After a long outage Discord no longer echoes the nonce: the footer marker still tells.
    forgotten = replace(sent, nonce="another-nonce")
    other = replace(sent, id=9002, nonce="another-nonce")

    assert await sender.find(forgotten) == message_id
    assert await sender.find(other) is None


async def test_an_unknown_company_is_refused_in_the_users_language(alerts: AlertWorld) -> None:
    world = alerts.world
    member = world.fake.add_member(world.beta.guild, "typo")

    reply = await alerts.subscribe(world.beta, member, locale="ko", company="엔비디야")

    assert reply.ephemeral and "회사를 찾지 못했습니다" in reply.content
    assert "엔비디아" in reply.content  # the suggestion
