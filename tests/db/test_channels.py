"""The channel feeds repository on both backends: settings, the inbox a poll fills, the outbox,
posts and broken feeds."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from db import AnyDatabase, SqlChannelRepository, SqlFeedRepository
from news.channels.models import ChannelFeed, ChannelPart, NewPost, PostState, QueuedReport, Via
from tests.db.test_feeds import NOW, follow, new_source, story

GUILD, CHANNEL = 1, 500


async def posting_feed(database: AnyDatabase) -> tuple[SqlFeedRepository, ChannelFeed]:
    feeds = SqlFeedRepository(database)
    source = await follow(feeds, GUILD, new_source())
    feed = ChannelFeed(GUILD, source.id, CHANNEL, since=NOW, include="Story")
    await SqlChannelRepository(database).save_channel_feed(feed, set(ChannelPart))
    return feeds, feed


async def test_settings_read_back_as_saved(database: AnyDatabase) -> None:
    _, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)

    assert await channels.channel_feed(GUILD, feed.source_id) == feed
    assert await channels.channel_feeds(GUILD) == [feed]
    assert await channels.posting_feeds([feed.source_id, 999]) == [feed]
    assert await channels.channel_feed(2, feed.source_id) is None


async def test_a_poll_fills_the_inbox_and_matching_moves_it_to_the_outbox(
    database: AnyDatabase,
) -> None:
    feeds, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)
    await feeds.file_stories(feed.source_id, [story(1), story(2)], arrived_at=NOW)
    await feeds.file_stories(feed.source_id, [story(2)], arrived_at=NOW)  # known: not again

    arrived = await channels.inbox(10)
    assert sorted(a.text for a in arrived) == ["Story 1\n", "Story 2\n"]
    assert {a.queued_at for a in arrived} == {NOW}
    queued = [QueuedReport(GUILD, a.source_id, a.headline_id, CHANNEL) for a in arrived]
    await channels.queue_reports(queued, arrived, NOW)

    assert await channels.inbox(10) == []
    waiting = await channels.waiting(10)
    assert sorted(w.headline_id for w in waiting) == sorted(a.headline_id for a in arrived)


async def test_queue_newest_counts_the_stories_it_queued(database: AnyDatabase) -> None:
    feeds, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)
    await feeds.file_stories(feed.source_id, [story(n) for n in range(5)], arrived_at=NOW)

    assert await channels.queue_newest(feed, 3, NOW) == 3
    assert await channels.queue_newest(feed, 3, NOW) == 0  # the same three: already queued
    assert len(await channels.waiting(10)) == 3


async def test_a_post_is_planned_sent_and_shown(database: AnyDatabase) -> None:
    feeds, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)
    await feeds.file_stories(feed.source_id, [story(1)], arrived_at=NOW)
    await channels.queue_newest(feed, 1, NOW)
    [waiting] = await channels.waiting(10)
    new = NewPost(GUILD, CHANNEL, waiting.story_id, "nonce-1", None, Via.BOT, "en")

    planned = await channels.plan_post(new, [waiting], NOW)
    assert planned.state is PostState.SENDING
    assert [r.headline.title for r in planned.reports] == ["Story 1"]
    assert [p.id for p in await channels.posts_in_doubt()] == [planned.id]
    assert await channels.live_post(CHANNEL, waiting.story_id, NOW) == planned.id

    await channels.record_sent(planned.id, 9001, None, NOW + timedelta(seconds=1))
    sent = await channels.post(planned.id)
    assert (sent.state, sent.message_id, sent.reports[0].shown) == (PostState.SENT, 9001, True)
    assert await channels.posts_in_doubt() == []
    assert await channels.waiting(10) == []


async def test_a_broken_feed_is_told_once(database: AnyDatabase) -> None:
    _, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)

    [broken] = await channels.mark_broken(GUILD, [feed.source_id], "Missing Access")
    assert (broken.source_id, broken.channel_id, broken.reason) == (
        feed.source_id,
        CHANNEL,
        "Missing Access",
    )
    assert await channels.mark_broken(GUILD, [feed.source_id], "Missing Access") == []
    assert [b.source_id for b in await channels.broken_feeds(GUILD)] == [feed.source_id]
    assert await channels.posting_feeds([feed.source_id]) == []
    assert await channels.mark_webhook_told(GUILD, feed.source_id) is True
    assert await channels.mark_webhook_told(GUILD, feed.source_id) is False


async def test_a_settings_change_keeps_a_refusal_recorded_since_it_was_read(
    database: AnyDatabase,
) -> None:
    _, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)
    read_by_the_admin = await channels.channel_feed(GUILD, feed.source_id)
    await channels.mark_broken(GUILD, [feed.source_id], "Missing Access")
    assert read_by_the_admin is not None

    await channels.save_channel_feed(
        replace(read_by_the_admin, include="보안", template="{title}"),
        {ChannelPart.FILTER, ChannelPart.FORMAT},
    )

    stored = await channels.channel_feed(GUILD, feed.source_id)
    assert stored == replace(
        feed, include="보안", template="{title}", broken="Missing Access", broken_told=True
    )


async def test_setting_the_channel_again_clears_its_refusal(database: AnyDatabase) -> None:
    _, feed = await posting_feed(database)
    channels = SqlChannelRepository(database)
    await channels.mark_broken(GUILD, [feed.source_id], "Missing Access")

    await channels.save_channel_feed(replace(feed, channel_id=CHANNEL + 1), {ChannelPart.CHANNEL})

    assert await channels.channel_feed(GUILD, feed.source_id) == replace(
        feed, channel_id=CHANNEL + 1
    )
