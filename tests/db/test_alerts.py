"""SqlAlertRepository on real SQLite: subscriptions, preferences, the matcher's inbox (filled
by imports and feeds in their own transaction) and the outbox with its batches."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from db import Database, SqlArchiveRepository, SqlFeedRepository
from db.alerts import SqlAlertRepository
from db.sqlite.database import bundled_migrations
from news.alerts.models import (
    AlertBatch,
    AlertPrefs,
    Delivery,
    NewSubscription,
    Notice,
    PendingAlert,
    PrefsField,
    QueuedAlert,
    QuietHours,
    SubscriptionKind,
)
from news.core.models import Company, NewHeadline, Topic
from news.feeds.sources import FeedSource
from testkit.builders import WEDNESDAY, headline, headlines_roundup, roundup, section
from tests.backends import IntegrityError

NOW = WEDNESDAY + timedelta(hours=1)
GUILD = 1
OTHER_GUILD = 2
USER = 10
OTHER_USER = 11


@pytest.fixture
def alerts(database: Database) -> SqlAlertRepository:
    return SqlAlertRepository(database)


@pytest.fixture
async def subscribed(alerts: SqlAlertRepository) -> None:
    """The subscription (id 1) that the queued alerts name."""
    await alerts.add_subscription(topic_subscription(99), limit=25, now=NOW)


def topic_subscription(
    target: int = 3,
    *,
    guild: int = GUILD,
    user: int = USER,
    delivery: Delivery = Delivery.DM,
    label: str = "Security",
) -> NewSubscription:
    kind = SubscriptionKind.TOPIC
    return NewSubscription(
        guild, user, kind, target, str(target), f"{kind}:{target}", label, delivery
    )


async def subscribe(alerts: SqlAlertRepository, new: NewSubscription, *, limit: int = 25) -> int:
    added = await alerts.add_subscription(new, limit=limit, now=NOW)
    assert added is not None
    return added[0].id


async def import_titles(archive: SqlArchiveRepository, *titles: str, guild: int = GUILD) -> None:
    await archive.save_roundup(headlines_roundup(*titles, guild_id=guild))


async def inbox_titles(alerts: SqlAlertRepository) -> list[str]:
    return [arrived.text.split("\n")[0] for arrived in await alerts.inbox(100)]


async def inbox_ids(alerts: SqlAlertRepository) -> list[int]:
    return [arrived.id for arrived in await alerts.inbox(100)]


def queued(headline_id: int, *, user: int = USER, guild: int = GUILD, sub: int = 1) -> QueuedAlert:
    return QueuedAlert(user, headline_id, guild, sub, Delivery.DM)


async def outbox_rows(database: Database) -> list[tuple[int, int, int | None, str]]:
    rows = await database.fetch_all(
        "SELECT user_id, headline_id, batch_id, delivery FROM alert_outbox"
        " ORDER BY user_id, headline_id"
    )
    return [(r["user_id"], r["headline_id"], r["batch_id"], r["delivery"]) for r in rows]


async def plan(
    alerts: SqlAlertRepository, pending: list[PendingAlert], *, user: int = USER
) -> AlertBatch:
    batch = AlertBatch(0, user, None, Delivery.DM, 500, "n1", tuple(pending))
    return await alerts.plan_batch(batch, NOW)


# --- subscriptions ---------------------------------------------------------------------------


async def test_subscribing_again_to_the_same_thing_updates_it(
    alerts: SqlAlertRepository,
) -> None:
    first = await alerts.add_subscription(topic_subscription(), limit=25, now=NOW)
    again = await alerts.add_subscription(
        topic_subscription(delivery=Delivery.CHANNEL, label="보안"), limit=25, now=NOW
    )

    assert first is not None and again is not None
    assert first[1] is True and again[1] is False
    assert again[0].id == first[0].id
    assert (again[0].delivery, again[0].label) == (Delivery.CHANNEL, "보안")
    assert len(await alerts.subscriptions(GUILD, USER)) == 1


async def test_subscribing_again_revives_an_undeliverable_subscription(
    alerts: SqlAlertRepository,
) -> None:
    await subscribe(alerts, topic_subscription())
    await alerts.stop_dm_alerts(AlertPrefs(USER), GUILD)
    assert await alerts.deliverable_subscriptions() == []

    again = await alerts.add_subscription(topic_subscription(), limit=25, now=NOW)

    assert again is not None and not again[0].undeliverable
    assert len(await alerts.deliverable_subscriptions()) == 1


async def test_the_limit_counts_one_users_subscriptions_in_one_server(
    alerts: SqlAlertRepository,
) -> None:
    await subscribe(alerts, topic_subscription(1), limit=2)
    await subscribe(alerts, topic_subscription(2), limit=2)

    assert await alerts.add_subscription(topic_subscription(3), limit=2, now=NOW) is None
    # At the limit, changing an existing subscription still works, and other people and
    # servers have their own count.
    assert await alerts.add_subscription(topic_subscription(1), limit=2, now=NOW) is not None
    await subscribe(alerts, topic_subscription(3, user=OTHER_USER), limit=2)
    await subscribe(alerts, topic_subscription(3, guild=OTHER_GUILD), limit=2)
    assert [s.target_id for s in await alerts.subscriptions(GUILD, USER)] == [1, 2]


async def test_a_user_removes_only_their_own_subscription(
    alerts: SqlAlertRepository,
) -> None:
    mine = await subscribe(alerts, topic_subscription())

    assert await alerts.remove_subscription(GUILD, OTHER_USER, mine) is None
    assert await alerts.remove_subscription(OTHER_GUILD, USER, mine) is None
    removed = await alerts.remove_subscription(GUILD, USER, mine)

    assert removed is not None and removed.id == mine
    assert await alerts.subscriptions(GUILD, USER) == []


async def test_stopping_dm_alerts_stops_only_dm_subscriptions_in_that_server(
    alerts: SqlAlertRepository,
) -> None:
    await subscribe(alerts, topic_subscription(1))
    channel = await subscribe(alerts, topic_subscription(2, delivery=Delivery.CHANNEL))
    elsewhere = await subscribe(alerts, topic_subscription(1, guild=OTHER_GUILD))
    other_user = await subscribe(alerts, topic_subscription(1, user=OTHER_USER))
    notice = AlertPrefs(USER, notice=Notice.DMS_REFUSED_STOPPED, notice_guild=GUILD)

    await alerts.stop_dm_alerts(notice, GUILD)

    deliverable = {s.id for s in await alerts.deliverable_subscriptions()}
    assert deliverable == {channel, elsewhere, other_user}
    assert await alerts.prefs(USER) == notice


# --- preferences ---------------------------------------------------------------------------------


async def test_preferences_read_back_as_saved(alerts: SqlAlertRepository) -> None:
    prefs = AlertPrefs(
        USER,
        language="ko",
        paused_until=NOW + timedelta(hours=3),
        quiet=QuietHours(22 * 60, 7 * 60, "Asia/Seoul"),
        dm_channel_id=900,
        dm_refused_at=NOW,
        notice=Notice.DMS_REFUSED_CHANNEL,
        notice_guild=GUILD,
    )

    await alerts.save_prefs(prefs, set(PrefsField))

    assert await alerts.prefs(USER) == prefs
    assert await alerts.prefs_of([USER, OTHER_USER]) == {USER: prefs}
    await alerts.save_prefs(AlertPrefs(USER), set(PrefsField))
    # The DM channel is no part the user sets: plan_batch caches it.
    assert await alerts.prefs(USER) == AlertPrefs(USER, dm_channel_id=900)


async def test_saving_one_part_of_the_preferences_keeps_the_others(
    alerts: SqlAlertRepository,
) -> None:
    stored = AlertPrefs(
        USER,
        language="ko",
        quiet=QuietHours(22 * 60, 7 * 60, "Asia/Seoul"),
        dm_refused_at=NOW,
        notice=Notice.DMS_REFUSED_CHANNEL,
        notice_guild=GUILD,
    )
    await alerts.save_prefs(stored, set(PrefsField))
    # A pause decided on preferences read before the refusal and notice were written.
    stale = AlertPrefs(USER, paused_until=NOW + timedelta(hours=3))

    await alerts.save_prefs(stale, {PrefsField.PAUSE})

    assert await alerts.prefs(USER) == replace(stored, paused_until=NOW + timedelta(hours=3))


async def test_the_first_part_saved_for_a_user_starts_their_preferences(
    alerts: SqlAlertRepository,
) -> None:
    await alerts.save_prefs(AlertPrefs(USER, language="ko"), {PrefsField.LANGUAGE})

    assert await alerts.prefs(USER) == AlertPrefs(USER, language="ko")


async def test_a_notice_is_taken_once(alerts: SqlAlertRepository) -> None:
    owed = AlertPrefs(USER, language="ko", notice=Notice.DMS_REFUSED_STOPPED, notice_guild=GUILD)
    await alerts.save_prefs(owed, set(PrefsField))

    assert await alerts.take_notice(USER) == owed
    assert await alerts.take_notice(USER) is None
    assert await alerts.take_notice(OTHER_USER) is None
    assert await alerts.prefs(USER) == AlertPrefs(USER, language="ko")


# --- the inbox -----------------------------------------------------------------------------------


async def test_an_import_puts_its_new_headlines_in_the_inbox(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await import_titles(archive, "삼성 HBM 공급", "정보보안 예산")

    assert sorted(await inbox_titles(alerts)) == ["삼성 HBM 공급", "정보보안 예산"]


async def test_a_headline_already_archived_does_not_enter_the_inbox_again(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await import_titles(archive, "삼성 HBM 공급")
    await alerts.queue_alerts([], await inbox_ids(alerts), NOW)

    await import_titles(archive, "삼성 HBM 공급", "새 소식")

    assert await inbox_titles(alerts) == ["새 소식"]


async def test_an_import_without_alerts_leaves_the_inbox_empty(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await archive.save_roundup(headlines_roundup("지난해 소식"), alert=False)

    assert await alerts.inbox(100) == []


async def test_a_feed_poll_with_alerts_fills_the_inbox_and_a_backfill_does_not(
    database: Database, alerts: SqlAlertRepository
) -> None:
    feeds = SqlFeedRepository(database)
    source = await follow(feeds, GUILD, "https://wire.test/feed.xml")

    await feeds.file_stories(source.id, [story(1), story(2)], alert=False)
    await feeds.file_stories(source.id, [story(1), story(2), story(3)], alert=True)

    assert await inbox_titles(alerts) == ["Story 3"]


async def test_the_inbox_carries_what_the_matcher_needs(
    alerts: SqlAlertRepository,
    archive: SqlArchiveRepository,
    database: Database,
    samsung: Company,
    security: Topic,
) -> None:
    found = headline(
        "삼성 보안 패치", summary="요약문", companies=(samsung.id,), topics=(security.id,)
    )
    await archive.save_roundup(roundup(section(found)))
    feeds = SqlFeedRepository(database)
    await follow(feeds, OTHER_GUILD, "https://wire.test/feed.xml")
    await follow(feeds, 3, "https://other.test/feed.xml")

    [arrived] = await alerts.inbox(100)

    assert arrived.text == "삼성 보안 패치\n요약문"
    assert arrived.published_at == WEDNESDAY
    assert (arrived.company_ids, arrived.topic_ids) == ((samsung.id,), (security.id,))
    assert arrived.guild_ids == (GUILD,)


async def test_a_feed_headline_reaches_every_server_following_the_feed(
    database: Database, alerts: SqlAlertRepository
) -> None:
    feeds = SqlFeedRepository(database)
    source = await follow(feeds, GUILD, "https://wire.test/feed.xml")
    await follow(feeds, OTHER_GUILD, "https://wire.test/feed.xml")
    await follow(feeds, 3, "https://other.test/feed.xml")

    await feeds.file_stories(source.id, [story(1)], alert=True)

    [arrived] = await alerts.inbox(100)
    assert sorted(arrived.guild_ids) == [GUILD, OTHER_GUILD]


async def test_the_inbox_gives_the_oldest_headlines_first_up_to_the_limit(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await import_titles(archive, "하나")
    await import_titles(archive, "둘")
    await import_titles(archive, "셋")

    assert [a.text.split("\n")[0] for a in await alerts.inbox(2)] == ["하나", "둘"]


# --- queueing ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("subscribed")
async def test_queueing_the_same_headline_for_a_user_twice_keeps_one_alert(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository, database: Database
) -> None:
    await import_titles(archive, "삼성 HBM 공급")
    [headline_id] = await inbox_ids(alerts)

    await alerts.queue_alerts([queued(headline_id), queued(headline_id, sub=2)], [], NOW)
    await alerts.queue_alerts([queued(headline_id, guild=OTHER_GUILD)], [headline_id], NOW)

    assert await outbox_rows(database) == [(USER, headline_id, None, "dm")]
    assert await alerts.inbox(100) == []


@pytest.mark.usefixtures("subscribed")
async def test_queueing_leaves_the_inbox_only_together_with_its_alerts(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository, database: Database
) -> None:
    await import_titles(archive, "삼성 HBM 공급")
    [headline_id] = await inbox_ids(alerts)
    missing_headline = headline_id + 1000  # breaks the outbox's foreign key: the write fails

    with pytest.raises(IntegrityError):
        await alerts.queue_alerts(
            [queued(headline_id), queued(missing_headline)], [headline_id], NOW
        )

    assert await inbox_ids(alerts) == [headline_id]
    assert await outbox_rows(database) == []


# --- batches -------------------------------------------------------------------------------------


async def queue_titles(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository, *titles: str
) -> list[int]:
    await import_titles(archive, *titles)
    ids = await inbox_ids(alerts)
    await alerts.queue_alerts([queued(i) for i in ids], ids, NOW)
    return ids


@pytest.mark.usefixtures("subscribed")
async def test_a_planned_batch_takes_its_alerts_out_of_the_waiting_ones(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await queue_titles(alerts, archive, "하나", "둘")
    waiting = await alerts.waiting_alerts(await alerts.waiting_users(100))
    assert [a.headline.title for a in waiting] == ["하나", "둘"]

    batch = await plan(alerts, waiting)

    assert batch.id > 0 and batch.nonce == "n1"
    assert await alerts.waiting_alerts(await alerts.waiting_users(100)) == []


@pytest.mark.usefixtures("subscribed")
async def test_a_batch_not_recorded_as_sent_is_in_doubt_with_its_alerts(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await queue_titles(alerts, archive, "하나", "둘")
    batch = await plan(alerts, await alerts.waiting_alerts(await alerts.waiting_users(100)))

    [in_doubt] = await alerts.batches_in_doubt()

    assert (in_doubt.id, in_doubt.channel_id, in_doubt.nonce) == (batch.id, 500, "n1")
    assert in_doubt.marker == batch.marker
    assert sorted(a.headline.title for a in in_doubt.alerts) == ["둘", "하나"]

    await alerts.record_sent(batch.id, 7777, NOW)
    assert await alerts.batches_in_doubt() == []


@pytest.mark.usefixtures("subscribed")
async def test_a_batch_in_doubt_keeps_the_users_language(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await queue_titles(alerts, archive, "하나")
    await alerts.save_prefs(AlertPrefs(USER, language="ko"), {PrefsField.LANGUAGE})
    pending = await alerts.waiting_alerts(await alerts.waiting_users(100))
    await alerts.plan_batch(
        AlertBatch(0, USER, None, Delivery.DM, 500, "n1", tuple(pending), "ko"), NOW
    )

    [in_doubt] = await alerts.batches_in_doubt()

    assert in_doubt.language == "ko"


@pytest.mark.usefixtures("subscribed")
async def test_recent_batches_count_towards_the_hourly_cap_unless_failed(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await queue_titles(alerts, archive, "하나", "둘")
    [first, second] = await alerts.waiting_alerts(await alerts.waiting_users(100))
    sent = await plan(alerts, [first])
    await alerts.record_sent(sent.id, 1, NOW)
    failed = await plan(alerts, [second])
    await alerts.record_failed(failed.id)

    assert await alerts.batches_since([USER, OTHER_USER], NOW - timedelta(hours=1)) == {USER: 1}
    assert await alerts.batches_since([USER], NOW + timedelta(seconds=1)) == {}


@pytest.mark.usefixtures("subscribed")
async def test_retargeting_sends_back_only_the_alerts_of_servers_with_a_channel(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository, database: Database
) -> None:
    await import_titles(archive, "하나", guild=GUILD)
    await import_titles(archive, "둘", guild=OTHER_GUILD)
    one, two = await inbox_ids(alerts)
    await alerts.queue_alerts([queued(one), queued(two, guild=OTHER_GUILD)], [one, two], NOW)
    batch = await plan(alerts, await alerts.waiting_alerts(await alerts.waiting_users(100)))

    await alerts.retarget(batch.id, [GUILD], Delivery.CHANNEL)

    [waiting] = await alerts.waiting_alerts(await alerts.waiting_users(100))
    assert (waiting.headline.id, waiting.delivery, waiting.guild_id) == (
        one,
        Delivery.CHANNEL,
        GUILD,
    )
    assert await alerts.batches_in_doubt() == []
    # The other server's alert stays with the failed batch: never sent, never sent twice.
    assert (USER, two, batch.id, "dm") in await outbox_rows(database)


@pytest.mark.usefixtures("subscribed")
async def test_a_servers_queue_counts_its_waiting_alerts_and_all_unmatched_headlines(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await queue_titles(alerts, archive, "하나", "둘", "셋")
    [first, *_] = await alerts.waiting_alerts(await alerts.waiting_users(100))
    await plan(alerts, [first])
    await import_titles(archive, "넷", guild=OTHER_GUILD)

    queue = await alerts.guild_queue(GUILD)

    assert (queue.subscriptions, queue.waiting, queue.unmatched) == (1, 2, 1)
    assert queue.oldest_waiting == NOW.replace(microsecond=0)
    other = await alerts.guild_queue(OTHER_GUILD)
    assert (other.subscriptions, other.waiting, other.oldest_waiting) == (0, 0, None)


# --- the migration -------------------------------------------------------------------------------


async def test_an_archive_from_before_alerts_upgrades_without_alerting_its_headlines(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    database_before_alerts(path)

    async with await Database.open(path) as database:
        alerts = SqlAlertRepository(database)
        assert await database.pending_migrations() == []
        assert await alerts.inbox(100) == []
        assert await alerts.deliverable_subscriptions() == []


def database_before_alerts(path: Path) -> None:
    """A database as 004 left it, with a headline of a server's import."""
    before = [m for m in bundled_migrations() if m.version < 5]
    connection = sqlite3.connect(path)
    for migration in before:
        connection.executescript(migration.sql)
    connection.executescript(
        """
        INSERT INTO sources (id, kind, key) VALUES (1, 'import', 'import:guild:1');
        INSERT INTO guild_sources (guild_id, source_id) VALUES (1, 1);
        INSERT INTO headlines (id, dedupe_key, title, language, published_at, week, sort_key)
        VALUES (1, 'title:옛 소식', '옛 소식', 'ko', 1795000000, '2026-W48',
                (1795000000 / 60 << 32) + 1);
        INSERT INTO headline_sources (headline_id, source_id) VALUES (1, 1);
        """
    )
    connection.execute(f"PRAGMA user_version = {len(before)}")
    connection.commit()
    connection.close()


# --- helpers for feeds ---------------------------------------------------------------------------


def story(n: int) -> NewHeadline:
    return NewHeadline(f"Story {n}", f"https://wire.test/{n}", "", "en", NOW)


async def follow(feeds: SqlFeedRepository, guild_id: int, url: str) -> FeedSource:
    source = FeedSource(id=0, url=url, title="Wire", next_poll_at=NOW)
    followed, _ = await feeds.follow_feed(guild_id, source, name=None, added_by=None, added_at=NOW)
    return followed.source


async def test_a_story_known_from_another_feed_enters_the_inbox_for_its_new_servers(
    database: Database, alerts: SqlAlertRepository
) -> None:
    feeds = SqlFeedRepository(database)
    first = await follow(feeds, GUILD, "https://wire.test/feed.xml")
    second = await follow(feeds, OTHER_GUILD, "https://other.test/feed.xml")
    await feeds.file_stories(first.id, [story(1)], alert=True)
    await alerts.queue_alerts([], await inbox_ids(alerts), NOW)  # matched for GUILD only

    await feeds.file_stories(second.id, [story(1)], alert=True)

    [arrived] = await alerts.inbox(100)
    assert sorted(arrived.guild_ids) == [GUILD, OTHER_GUILD]


async def test_a_story_polled_again_from_the_same_feed_stays_out_of_the_inbox(
    database: Database, alerts: SqlAlertRepository
) -> None:
    feeds = SqlFeedRepository(database)
    source = await follow(feeds, GUILD, "https://wire.test/feed.xml")
    await feeds.file_stories(source.id, [story(1)], alert=True)
    await alerts.queue_alerts([], await inbox_ids(alerts), NOW)

    await feeds.file_stories(source.id, [story(1)], alert=True)

    assert await alerts.inbox(100) == []


async def test_an_import_of_a_headline_another_server_has_enters_the_inbox_for_it(
    alerts: SqlAlertRepository, archive: SqlArchiveRepository
) -> None:
    await import_titles(archive, "삼성 HBM 공급", guild=GUILD)
    await alerts.queue_alerts([], await inbox_ids(alerts), NOW)

    await import_titles(archive, "삼성 HBM 공급", guild=OTHER_GUILD)
    await import_titles(archive, "삼성 HBM 공급", guild=OTHER_GUILD)  # again: the same article

    # The other server's import files a headline of its own: news to that server only.
    [arrived] = await alerts.inbox(100)
    assert arrived.guild_ids == (OTHER_GUILD,)
