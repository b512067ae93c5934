"""AlertService over the real repositories, on SQLite and on PostgreSQL, with a sender that
stands in for Discord: batching, exactly-once across passes, restarts and crashes, refused DMs,
quiet hours, pause, the hourly cap, server isolation and the limits."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from db import (
    AnyDatabase,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlFeedRepository,
    SqlSettingsRepository,
    SqlTopicRepository,
)
from db.alerts import SqlAlertRepository
from news.alerts.models import (
    AlertBatch,
    AlertUndeliverable,
    Delivery,
    Notice,
    UndeliverableReason,
)
from news.alerts.service import AlertService
from news.archive.importing import ImportRequest
from news.archive.service import ArchiveService
from news.core.errors import InvalidInput
from news.core.models import EVERY_SETTING, GuildSettings, NewHeadline, SettingsPart
from news.feeds.sources import FeedSource
from testkit.builders import headline, roundup, section
from testkit.postgres import TemplateServer
from tests.backends import open_at

START = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # noon in Seoul
GUILD = 1
OTHER_GUILD = 2
ALICE = 10
BOB = 11
ALERT_CHANNEL = 555


def dm_channel(user_id: int) -> int:
    return 9000 + user_id


@dataclass
class Sent:
    batch_id: int
    user_id: int
    channel_id: int
    delivery: Delivery
    titles: list[str]
    nonce: str
    language: str


class Crash(Exception):
    """The process dies right after Discord accepted the message."""


@dataclass
class FakeSender:
    """Records every message; can refuse a user's DMs, fail before sending, or crash after."""

    sent: list[Sent] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    finds: list[int] = field(default_factory=list)
    refuses_dms: set[int] = field(default_factory=set)
    failing: bool = False
    crash_after_send: type[BaseException] | None = None
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(70_000))

    async def open_dm(self, user_id: int) -> int:
        self.opened.append(user_id)
        return dm_channel(user_id)

    async def send(self, batch: AlertBatch) -> int:
        if self.failing:
            raise RuntimeError("Discord is down")
        if batch.channel_id == dm_channel(batch.user_id) and batch.user_id in self.refuses_dms:
            raise AlertUndeliverable(UndeliverableReason.DMS_REFUSED, "Cannot send messages")
        titles = sorted(alert.headline.title for alert in batch.alerts)
        self.sent.append(
            Sent(
                batch.id,
                batch.user_id,
                batch.channel_id,
                batch.delivery,
                titles,
                batch.nonce,
                batch.language,
            )
        )
        if self.crash_after_send is not None:
            raise self.crash_after_send()
        return next(self.message_ids)

    async def find(self, batch: AlertBatch) -> int | None:
        self.finds.append(batch.id)
        for index, message in enumerate(self.sent):
            if message.channel_id == batch.channel_id and message.nonce == batch.nonce:
                return 70_000 + index
        return None

    def titles_to(self, user_id: int) -> list[str]:
        return sorted(title for message in self.sent if message.user_id == user_id
                      for title in message.titles)  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class World:
    """One database (a SQLite file or a PostgreSQL URL) with the services on it, as the bot
    runs them; restartable."""

    def __init__(self, path: Path | str, clock: Clock) -> None:
        self.path = path
        self.clock = clock
        self.sender = FakeSender()
        self.nonces = (f"nonce{n}" for n in itertools.count(1))
        self.recognises = False

    async def open(self, *, hourly_cap: int = 6, limit: int = 25) -> None:
        self.database: AnyDatabase = await open_at(self.path)
        self.archive = ArchiveService(
            SqlCompanyRepository(self.database),
            SqlTopicRepository(self.database),
            SqlArchiveRepository(self.database),
            self.clock,
        )
        if self.recognises:
            await self.archive.start()
        self.settings = SqlSettingsRepository(self.database)
        self.alerts = AlertService(
            SqlAlertRepository(self.database),
            self.archive,
            self.settings,
            self.clock,
            subscription_limit=limit,
            hourly_cap=hourly_cap,
            nonces=lambda: next(self.nonces),
        )

    async def recognise_companies(self) -> None:
        """Load the company and topic recognizers, now and after every restart: only the
        tests that name a company or import an article need them, and they cost the most."""
        self.recognises = True
        await self.archive.start()

    async def close(self) -> None:
        await self.database.close()

    async def restart(self, *, hourly_cap: int = 6, limit: int = 25) -> None:
        """A new process on the same database: nothing kept in memory survives."""
        await self.close()
        await self.open(hourly_cap=hourly_cap, limit=limit)

    async def store(self, *titles: str, guild: int = GUILD, at: datetime | None = None) -> None:
        """New headlines in the server's own import source, as an import stores them (each
        call another article, titled after its first headline)."""
        when = at or self.clock.now
        headlines = (headline(title, at=when) for title in titles)
        await SqlArchiveRepository(self.database).save_roundup(
            roundup(section(*headlines), guild_id=guild, at=when, title=titles[0])
        )

    async def pass_(self) -> int:
        """One round of the alert job: match what arrived, deliver what may go."""
        await self.alerts.match_new()
        report = await self.alerts.deliver(self.sender)
        return report.sent

    async def set_alert_channel(self, guild_id: int) -> None:
        await self.settings.save_settings(GuildSettings(guild_id, alert_channel_id=ALERT_CHANNEL))

    async def waiting(self, guild_id: int = GUILD) -> int:
        return (await SqlAlertRepository(self.database).guild_queue(guild_id)).waiting


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def seeded() -> dict[str, Any]:
    """The bundled companies and topics, seeded once per backend on first use and copied
    for each test (a file copy; PostgreSQL's rows put back): seeding costs more than most
    tests."""
    return {}


@pytest.fixture
async def world(
    tmp_path: Path,
    clock: Clock,
    backend_server: TemplateServer | None,
    seeded: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[World]:
    path: Path | str
    if backend_server is None:
        if "sqlite" not in seeded:
            seeded["sqlite"] = tmp_path_factory.mktemp("template") / "seeded.db"
            await seed_database(seeded["sqlite"])
        path = tmp_path / "alerts.db"
        shutil.copyfile(seeded["sqlite"], path)
    else:
        assert backend_server.working is not None
        path = backend_server.working
        connection = await asyncpg.connect(path)
        try:
            if "postgres" not in seeded:
                await backend_server.clean(connection)
                await seed_database(path)
                seeded["postgres"] = await backend_server.snapshot(connection)
            await backend_server.restore(connection, seeded["postgres"])
        finally:
            await connection.close()
    made = World(path, clock)
    await made.open()
    yield made
    await made.close()


async def seed_database(path: Path | str) -> None:
    seeded = World(path, Clock())
    await seeded.open()
    await seeded.recognise_companies()  # the archive seeds the catalogue as it starts
    await seeded.close()


async def follow(feeds: SqlFeedRepository, guild_id: int, url: str) -> FeedSource:
    source = FeedSource(id=0, url=url, title="Wire")
    followed, _ = await feeds.follow_feed(
        guild_id, source, name=None, added_by=None, added_at=START
    )
    return followed.source


# --- batching ------------------------------------------------------------------------------------


async def test_several_headlines_reach_each_subscriber_in_one_message(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.subscribe(GUILD, BOB, keyword="보안")
    await world.store("정보보안 예산 증가", "클라우드 보안성 평가", "보안 패치", "날씨 소식")

    assert await world.pass_() == 2

    assert sorted(message.user_id for message in world.sender.sent) == [ALICE, BOB]
    expected = ["보안 패치", "정보보안 예산 증가", "클라우드 보안성 평가"]
    assert world.sender.titles_to(ALICE) == world.sender.titles_to(BOB) == expected
    assert world.sender.sent[0].delivery is Delivery.DM


async def test_one_headline_matching_several_subscriptions_is_told_once(world: World) -> None:
    await world.recognise_companies()
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.subscribe(GUILD, ALICE, keyword="패치")
    await world.alerts.subscribe(GUILD, ALICE, company="삼성전자")
    await world.store("삼성전자 보안 패치")

    await world.pass_()

    [message] = world.sender.sent
    assert message.titles == ["삼성전자 보안 패치"]


async def test_a_dm_gathers_the_users_alerts_from_every_server(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.subscribe(OTHER_GUILD, ALICE, keyword="보안")
    await world.store("보안 패치 하나", guild=GUILD)
    await world.store("보안 패치 둘", guild=OTHER_GUILD)

    await world.pass_()

    [message] = world.sender.sent
    assert message.titles == ["보안 패치 둘", "보안 패치 하나"]


async def test_the_dm_channel_is_opened_once_and_remembered(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 하나")
    await world.pass_()
    await world.restart()
    await world.store("보안 둘")
    await world.pass_()

    assert world.sender.opened == [ALICE]
    assert [m.channel_id for m in world.sender.sent] == [dm_channel(ALICE)] * 2


async def test_alerts_are_written_in_the_language_of_the_last_subscription(
    world: World,
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안", language="ko")
    await world.store("보안 패치")

    await world.pass_()

    assert world.sender.sent[0].language == "ko"


# --- never twice, nothing lost -------------------------------------------------------------------


async def test_a_headline_is_never_told_twice_across_passes(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    await world.pass_()
    await world.store("보안 패치", "보안 신제품")  # the first again, and a new one

    await world.pass_()
    await world.pass_()

    assert [m.titles for m in world.sender.sent] == [["보안 패치"], ["보안 신제품"]]


async def test_a_headline_is_never_told_twice_across_a_restart(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    await world.pass_()

    await world.restart()
    await world.pass_()
    await world.store("보안 신제품")
    await world.pass_()

    assert [m.titles for m in world.sender.sent] == [["보안 패치"], ["보안 신제품"]]


@pytest.mark.parametrize("crash", [asyncio.CancelledError, Crash])
async def test_a_crash_between_send_and_record_is_found_not_sent_again(
    world: World, crash: type[BaseException]
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    await world.alerts.match_new()
    world.sender.crash_after_send = crash
    # A cancelled task takes the whole pass down with it, as at shutdown.
    with contextlib.suppress(asyncio.CancelledError):
        await world.alerts.deliver(world.sender)

    world.sender.crash_after_send = None
    await world.restart()
    report = await world.alerts.deliver(world.sender)

    assert len(world.sender.sent) == 1
    assert world.sender.finds == [world.sender.sent[0].batch_id]
    assert (report.sent, report.alerts) == (1, 1)
    # Recorded now: the next passes neither look for it nor send it.
    await world.pass_()
    assert len(world.sender.sent) == 1 and len(world.sender.finds) == 1


async def test_a_batch_planned_but_never_sent_is_sent_once_at_the_next_pass(
    world: World,
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    world.sender.failing = True  # the request never reached Discord
    report = await world.pass_()
    assert report == 0 and world.sender.sent == []

    world.sender.failing = False
    await world.restart()
    await world.pass_()
    await world.pass_()

    [message] = world.sender.sent
    assert message.titles == ["보안 패치"]
    assert world.sender.finds == [message.batch_id]  # looked for first, then sent


async def test_a_batch_in_doubt_is_resent_with_its_nonce_and_language(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안", language="ko")
    await world.store("보안 패치")
    world.sender.failing = True
    await world.pass_()

    world.sender.failing = False
    await world.pass_()

    [message] = world.sender.sent
    assert (message.nonce, message.language) == ("nonce1", "ko")


# --- refused DMs ---------------------------------------------------------------------------------


async def test_refused_dms_go_to_the_alert_channel_at_the_next_pass(world: World) -> None:
    await world.set_alert_channel(GUILD)
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    world.sender.refuses_dms.add(ALICE)

    assert await world.pass_() == 0
    await world.pass_()

    [message] = world.sender.sent
    assert (message.channel_id, message.delivery) == (ALERT_CHANNEL, Delivery.CHANNEL)
    assert message.titles == ["보안 패치"]
    notice = await world.alerts.take_notice(ALICE)
    assert notice is not None and notice.notice is Notice.DMS_REFUSED_CHANNEL


async def test_after_a_refusal_new_alerts_skip_the_dm_for_a_while(world: World) -> None:
    await world.set_alert_channel(GUILD)
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    world.sender.refuses_dms.add(ALICE)
    await world.store("보안 하나")
    await world.pass_()
    await world.pass_()
    refusals_before = len(world.sender.sent)

    await world.store("보안 둘")
    await world.pass_()
    await world.pass_()

    assert [m.titles for m in world.sender.sent[refusals_before:]] == [["보안 둘"]]
    assert all(m.channel_id == ALERT_CHANNEL for m in world.sender.sent)


async def test_refused_dms_without_an_alert_channel_stop_the_dm_subscriptions(
    world: World,
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    world.sender.refuses_dms.add(ALICE)

    await world.pass_()

    [subscription] = await world.alerts.subscriptions(GUILD, ALICE)
    assert subscription.undeliverable
    notice = await world.alerts.take_notice(ALICE)
    assert notice is not None
    assert (notice.notice, notice.notice_guild) == (Notice.DMS_REFUSED_STOPPED, GUILD)
    assert await world.alerts.take_notice(ALICE) is None
    # Later headlines are not even queued for the stopped subscription.
    await world.store("보안 신제품")
    await world.pass_()
    assert world.sender.sent == [] and await world.waiting() == 0


@dataclass
class PausingMeanwhile:
    """The server settings, read while a delivery handles a refusal, with the user pausing
    their alerts each time they are read: another command, between the delivery's read of the
    user's preferences and its write."""

    settings: SqlSettingsRepository
    pause: Callable[[], Awaitable[object]]

    async def get_settings(self, guild_id: int) -> GuildSettings | None:
        await self.pause()
        return await self.settings.get_settings(guild_id)

    async def save_settings(
        self, settings: GuildSettings, parts: Collection[SettingsPart] = EVERY_SETTING
    ) -> None:
        await self.settings.save_settings(settings, parts)


@pytest.mark.parametrize("alert_channel", [True, False], ids=["alert channel", "none"])
async def test_a_pause_while_a_refusal_is_recorded_lasts(world: World, alert_channel: bool) -> None:
    if alert_channel:
        await world.set_alert_channel(GUILD)
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    world.sender.refuses_dms.add(ALICE)
    pausing = PausingMeanwhile(world.settings, lambda: world.alerts.pause(ALICE, 5))
    delivery = AlertService(SqlAlertRepository(world.database), world.archive, pausing, world.clock)

    await delivery.match_new()
    await delivery.deliver(world.sender)

    prefs = await world.alerts.prefs(ALICE)
    assert prefs.paused_until == world.clock.now + timedelta(hours=5)
    assert prefs.dm_refused_at == world.clock.now
    assert prefs.notice is not None


async def test_subscribing_again_after_a_stop_revives_the_subscription(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 패치")
    world.sender.refuses_dms.add(ALICE)
    await world.pass_()
    world.sender.refuses_dms.clear()

    result = await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 신제품")
    await world.pass_()

    assert not result.subscription.undeliverable
    assert world.sender.titles_to(ALICE) == ["보안 신제품"]


# --- quiet hours, pause, the hourly cap ----------------------------------------------------------


async def test_quiet_hours_across_midnight_in_seoul_hold_alerts_until_morning(
    world: World, clock: Clock
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.set_quiet_hours(ALICE, "22:00", "07:00", "Asia/Seoul")
    clock.now = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)  # 23:30 in Seoul
    await world.store("보안 밤 소식")
    await world.pass_()
    clock.now = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 02:00 the next day
    await world.store("보안 새벽 소식")
    await world.pass_()
    assert world.sender.sent == []
    assert await world.waiting() == 2

    clock.now = datetime(2026, 11, 25, 22, 0, tzinfo=UTC)  # 07:00
    await world.pass_()

    [message] = world.sender.sent
    assert message.titles == ["보안 밤 소식", "보안 새벽 소식"]


async def test_a_paused_user_gets_no_alerts_queued_until_resumed(
    world: World, clock: Clock
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.subscribe(GUILD, BOB, keyword="보안")
    await world.alerts.pause(ALICE, 2)
    await world.store("보안 쉬는 동안")
    await world.pass_()

    assert world.sender.titles_to(ALICE) == []
    assert world.sender.titles_to(BOB) == ["보안 쉬는 동안"]
    assert await world.waiting() == 0

    clock.advance(hours=2)
    await world.store("보안 돌아온 뒤")
    await world.pass_()
    assert world.sender.titles_to(ALICE) == ["보안 돌아온 뒤"]


async def test_pausing_without_hours_lasts_until_resumed(world: World, clock: Clock) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.pause(ALICE, None)
    clock.advance(days=300)
    await world.store("보안 하나")
    await world.pass_()

    await world.alerts.resume(ALICE)
    await world.store("보안 둘")
    await world.pass_()

    assert world.sender.titles_to(ALICE) == ["보안 둘"]


async def test_the_seventh_message_within_an_hour_waits_for_the_next_hour(
    world: World, clock: Clock
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    for n in range(7):
        await world.store(f"보안 소식 {n}")
        await world.pass_()
        clock.advance(minutes=5)
    assert len(world.sender.sent) == 6
    assert await world.waiting() == 1

    clock.now = START + timedelta(hours=1, seconds=1)
    await world.pass_()

    assert len(world.sender.sent) == 7
    assert world.sender.sent[-1].titles == ["보안 소식 6"]


# --- isolation and age ---------------------------------------------------------------------------


async def test_a_headline_of_a_feed_only_one_server_follows_reaches_only_its_members(
    world: World,
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="HBM")
    await world.alerts.subscribe(OTHER_GUILD, BOB, keyword="HBM")
    feeds = SqlFeedRepository(world.database)
    wire = await follow(feeds, GUILD, "https://wire.test/feed.xml")
    story = NewHeadline("삼성 HBM 공급", "https://wire.test/1", "", "ko", START)

    await feeds.file_stories(wire.id, [story], alert=True)
    await world.store("HBM 가격", guild=GUILD)
    await world.pass_()

    assert world.sender.titles_to(ALICE) == ["HBM 가격", "삼성 HBM 공급"]
    assert world.sender.titles_to(BOB) == []


async def test_a_story_two_feeds_carry_reaches_each_server_once(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="HBM")
    await world.alerts.subscribe(OTHER_GUILD, ALICE, keyword="HBM")
    await world.alerts.subscribe(OTHER_GUILD, BOB, keyword="HBM")
    feeds = SqlFeedRepository(world.database)
    wire = await follow(feeds, GUILD, "https://wire.test/feed.xml")
    other = await follow(feeds, OTHER_GUILD, "https://other.test/feed.xml")
    story = NewHeadline("삼성 HBM 공급", "https://news.test/hbm", "", "ko", START)
    await feeds.file_stories(wire.id, [story], alert=True)
    await world.pass_()

    await feeds.file_stories(other.id, [story], alert=True)  # the same link, later
    await world.pass_()

    assert world.sender.titles_to(ALICE) == ["삼성 HBM 공급"]
    assert world.sender.titles_to(BOB) == ["삼성 HBM 공급"]


async def test_an_import_of_old_roundups_alerts_nobody(world: World, clock: Clock) -> None:
    await world.recognise_companies()
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    old_day = (clock.now - timedelta(days=30)).date()
    await world.archive.import_roundup(
        ImportRequest(GUILD, "지난달 보안 소식 - https://x.test/1\n", day=old_day)
    )
    await world.store("보안 예전 소식", at=clock.now - timedelta(days=8))

    await world.pass_()

    assert world.sender.sent == []
    assert await world.waiting() == 0


async def test_an_import_of_this_week_alerts_with_companies_as_recognised(
    world: World,
) -> None:
    await world.recognise_companies()
    await world.alerts.subscribe(GUILD, ALICE, company="애플")
    text = "애플리케이션 보안 점검 가이드 - https://x.test/1\n애플이 새 아이폰 공개 - https://x.test/2\n"

    await world.archive.import_roundup(ImportRequest(GUILD, text))
    await world.pass_()

    assert world.sender.titles_to(ALICE) == ["애플이 새 아이폰 공개"]


# --- subscribing ---------------------------------------------------------------------------------


async def test_the_subscription_limit_is_per_user_and_server(world: World) -> None:
    await world.restart(limit=2)
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.alerts.subscribe(GUILD, ALICE, keyword="HBM")

    with pytest.raises(InvalidInput, match="2 subscriptions"):
        await world.alerts.subscribe(GUILD, ALICE, keyword="AI")
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안", delivery=Delivery.DM)
    await world.alerts.subscribe(OTHER_GUILD, ALICE, keyword="AI")


async def test_channel_delivery_needs_an_alert_channel(world: World) -> None:
    with pytest.raises(InvalidInput, match="no alert channel"):
        await world.alerts.subscribe(GUILD, ALICE, keyword="보안", delivery=Delivery.CHANNEL)

    await world.set_alert_channel(GUILD)
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안", delivery=Delivery.CHANNEL)
    await world.store("보안 패치")
    await world.pass_()

    [message] = world.sender.sent
    assert (message.channel_id, message.delivery) == (ALERT_CHANNEL, Delivery.CHANNEL)


async def test_an_unsubscribed_keyword_is_no_longer_matched(world: World) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="보안")
    await world.store("보안 하나")
    await world.pass_()

    await world.alerts.unsubscribe(GUILD, ALICE, "보안")
    await world.store("보안 둘")
    await world.pass_()

    assert world.sender.titles_to(ALICE) == ["보안 하나"]


async def test_old_delivered_alerts_are_forgotten_and_still_never_told_again(
    world: World, clock: Clock
) -> None:
    await world.alerts.subscribe(GUILD, ALICE, keyword="HBM")
    feeds = SqlFeedRepository(world.database)
    wire = await follow(feeds, GUILD, "https://wire.test/feed.xml")
    other = await follow(feeds, GUILD, "https://other.test/feed.xml")
    story = NewHeadline("삼성 HBM 공급", "https://news.test/hbm", "", "ko", START)
    await feeds.file_stories(wire.id, [story], alert=True)
    await world.pass_()
    clock.advance(days=7, hours=12)
    await world.alerts.forget_old()
    kept = await outbox_rows(world)
    clock.advance(days=1)

    await world.alerts.forget_old()
    await feeds.file_stories(other.id, [story], alert=True)  # the old story, linked again
    await world.pass_()

    assert kept == 1  # inside the matcher's window (and a day), the record stays
    assert await outbox_rows(world) == 0
    assert world.sender.titles_to(ALICE) == ["삼성 HBM 공급"]


async def outbox_rows(world: World) -> int:
    row = await world.database.fetch_one("SELECT count(*) AS n FROM alert_outbox")
    return int(row["n"]) if row else 0
