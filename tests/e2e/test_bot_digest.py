"""The weekly digest end to end: the real bot, its schedule and record, against the fake
Discord, with a clock the tests move by hand (nothing sleeps).

The jobs' own APScheduler timers never fire here (they wait for real weeks): a test runs a
job by calling it at the time the clock says, as APScheduler would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.client import RoundupBot, bot_session
from bot.digest_scheduler import RETRY_FIRST, next_fire_time
from bot.settings import Settings
from db import Database, SqlDigestRepository, SqlSettingsRepository
from news.archive.importing import ImportRequest
from news.digest.posts import DigestPart, DigestPost, PostState
from news.digest.service import Outcome
from testkit.bot_harness import READ_ONLY, Server, add_server
from testkit.fake_discord import (
    FakeDiscord,
    LoopbackOnlyConnector,
    ManualClock,
    Perm,
    StoredMessage,
    point_discord_at,
    running_bot,
)
from tests.e2e.bot_harness import LINKED_ROUNDUP

MONDAY, FRIDAY = 0, 4
# Monday 2026-11-23 09:00 in Seoul; a Monday post covers the week before it.
SEOUL_MONDAY_NINE = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
COVERED = "2026-W47"
DAY_IN_COVERED_WEEK = date(2026, 11, 18)
GRACE = timedelta(hours=12)
NONCE_MEMORY = timedelta(minutes=10)  # longer than Discord remembers a nonce


class Crash(Exception):
    """The process dying at a chosen step."""


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Scene:
    fake: FakeDiscord
    discord_clock: ManualClock
    database: Path
    clock: Clock
    alpha: Server
    beta: Server

    @asynccontextmanager
    async def bot(self) -> AsyncIterator[RoundupBot]:
        """A bot on the scene's database, ready and done with its start-up catch-up."""
        settings = Settings(
            _env_file=None,  # pydantic-settings' init-only option: ignore .env in tests
            discord_token=SecretStr(self.fake.token),
            discord_api_base=self.fake.api_base,
            discord_gateway_url=self.fake.gateway_url,
            dev_guild_id=self.alpha.id,
            database_path=self.database,
            digest_grace_hours=GRACE.total_seconds() / 3600,
        )
        with point_discord_at(self.fake):
            async with (
                bot_session(
                    settings,
                    clock=self.clock,
                    connector=LoopbackOnlyConnector(),
                    guild_ready_timeout=0.05,
                ) as bot,
                running_bot(bot, self.fake),
            ):
                assert bot.digest_catch_up is not None
                await bot.digest_catch_up
                yield bot

    def posts(self, server: Server) -> list[StoredMessage]:
        """The digest messages in the server's news channel."""
        return [m for m in self.fake.messages(server.channel.id) if m.embeds]

    def markers(self, server: Server) -> list[str]:
        return [m.embeds[-1]["footer"]["text"] for m in self.posts(server)]

    async def record(self, server: Server, week: str = COVERED) -> DigestPost | None:
        async with await Database.open(self.database) as database:
            return await SqlDigestRepository(database).get_post(server.id, week)


@pytest.fixture
async def scene(
    fake_discord: FakeDiscord, discord_clock: ManualClock, tmp_path: Path
) -> AsyncIterator[Scene]:
    alpha = add_server(fake_discord, "alpha")
    beta = add_server(fake_discord, "beta")
    yield Scene(
        fake_discord,
        discord_clock,
        tmp_path / "bot.db",
        Clock(SEOUL_MONDAY_NINE - timedelta(hours=1)),
        alpha,
        beta,
    )


async def configure(
    bot: RoundupBot,
    server: Server,
    *,
    weekday: int = MONDAY,
    hour: int = 9,
    timezone: str = "Asia/Seoul",
    sections: int = 2,
    day: date = DAY_IN_COVERED_WEEK,
) -> None:
    """The server's digest settings, as /setup digest stores them, and a roundup to post
    (``sections`` of two headlines; a dozen make a digest of two messages)."""
    await bot.services.guild_settings.configure_digest(
        server.id,
        channel_id=server.channel.id,
        weekday=weekday,
        hour=hour,
        timezone=timezone,
        language="en",
    )
    await import_roundup(bot, server, day, sections)


async def import_roundup(bot: RoundupBot, server: Server, day: date, sections: int = 2) -> None:
    text = LINKED_ROUNDUP if sections == 2 else _roundup_of(sections, day)
    await bot.services.archive.import_roundup(
        ImportRequest(server.id, text, filename="roundup.md", day=day)
    )


def _roundup_of(sections: int, day: date) -> str:
    lines = ["# Long week", ""]
    for number in range(sections):
        lines += [
            f"## Part {number}",
            "",
            f"- [Story {number}a {day}](https://example.com/{number}a)",
        ]
        lines += [f"- [Story {number}b {day}](https://example.com/{number}b)", ""]
    return "\n".join(lines)


async def fire(bot: RoundupBot, server: Server) -> None:
    """What APScheduler does at the job's time."""
    await bot.digest_scheduler.run_job(server.id)


def patched(
    monkeypatch: pytest.MonkeyPatch, name: str, fails: Callable[[DigestPart | int], bool]
) -> None:
    """Make SqlDigestRepository.<name> die (Crash) for the parts ``fails`` picks."""
    original = getattr(SqlDigestRepository, name)

    async def step(
        self: SqlDigestRepository, post: DigestPost, part: DigestPart | int, *rest: int
    ) -> None:
        if fails(part):
            raise Crash
        await original(self, post, part, *rest)

    monkeypatch.setattr(SqlDigestRepository, name, step)


def _index(part: DigestPart | int) -> int:
    return part.index if isinstance(part, DigestPart) else part


# --- on schedule -------------------------------------------------------------------------


async def test_the_job_posts_the_digest_at_its_time(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        scene.clock.now = SEOUL_MONDAY_NINE
        await fire(bot, scene.alpha)
    [message] = scene.posts(scene.alpha)
    assert message.embeds[-1]["footer"]["text"] == f"roundup-bot · {COVERED} · 1/1"
    assert message.mentions_disabled
    assert scene.fake.rejections == []


async def test_a_job_run_twice_posts_once(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        scene.clock.now = SEOUL_MONDAY_NINE
        await fire(bot, scene.alpha)
        scene.clock.now += timedelta(hours=1)  # the repeated hour when clocks fall back
        await fire(bot, scene.alpha)
    assert len(scene.posts(scene.alpha)) == 1


async def test_setup_moves_the_servers_next_digest_row_at_once(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha, weekday=FRIDAY, hour=18, timezone="America/New_York")
        at = await bot.digest_scheduler.row(scene.alpha.id)
        assert at is not None
        assert at.astimezone(UTC).hour == 23  # 18:00 EST


async def test_a_thread_opens_under_the_digest_when_asked(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        await bot.services.digest.configure(scene.alpha.id, thread=True)
        scene.clock.now = SEOUL_MONDAY_NINE
        await fire(bot, scene.alpha)
    [thread] = scene.fake.threads(scene.alpha.channel.id)
    assert thread.id == scene.posts(scene.alpha)[0].id


# --- restarts ----------------------------------------------------------------------------


async def test_restart_before_the_time_posts_only_when_it_comes(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
    scene.clock.now = SEOUL_MONDAY_NINE - timedelta(minutes=30)
    async with scene.bot() as bot:
        assert scene.posts(scene.alpha) == []
        scene.clock.now = SEOUL_MONDAY_NINE
        await fire(bot, scene.alpha)
    assert len(scene.posts(scene.alpha)) == 1


async def test_restart_within_grace_posts_on_start(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
    scene.clock.now = SEOUL_MONDAY_NINE + timedelta(hours=3)
    async with scene.bot():
        assert scene.markers(scene.alpha) == [f"roundup-bot · {COVERED} · 1/1"]
    async with scene.bot():
        pass
    assert len(scene.posts(scene.alpha)) == 1


async def test_restart_beyond_grace_records_a_miss_and_tells_the_owner(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
    scene.clock.now = SEOUL_MONDAY_NINE + GRACE + timedelta(hours=1)
    async with scene.bot():
        pass
    async with scene.bot():
        pass
    assert scene.posts(scene.alpha) == []
    record = await scene.record(scene.alpha)
    assert record is not None and record.state is PostState.MISSED
    [notice] = scene.fake.dms(scene.alpha.guild.owner_id)
    assert f"{COVERED} was not posted" in notice.content and notice.mentions_disabled


async def test_a_missed_week_is_reported_in_the_alert_channel_when_set(scene: Scene) -> None:
    alerts = scene.fake.add_text_channel(scene.alpha.guild, "alerts")
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
    async with await Database.open(scene.database) as database:
        repository = SqlSettingsRepository(database)
        current = await repository.get_settings(scene.alpha.id)
        assert current is not None
        await repository.save_settings(replace(current, alert_channel_id=alerts.id))
    scene.clock.now = SEOUL_MONDAY_NINE + timedelta(days=2)
    async with scene.bot():
        pass
    [notice] = scene.fake.messages(alerts.id)
    assert notice.content.startswith("The weekly digest")
    assert scene.fake.dms(scene.alpha.guild.owner_id) == []


async def test_an_owner_refusing_dms_crashes_nothing(scene: Scene) -> None:
    scene.fake.world.users[scene.alpha.guild.owner_id].accepts_dms = False
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
    scene.clock.now = SEOUL_MONDAY_NINE + timedelta(days=2)
    async with scene.bot():
        pass
    record = await scene.record(scene.alpha)
    assert record is not None and record.state is PostState.MISSED


async def test_a_crash_between_sending_and_recording_posts_once(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha, sections=12)
        scene.clock.now = SEOUL_MONDAY_NINE
        with monkeypatch.context() as patch:
            patched(patch, "record_part", lambda part: True)
            await fire(bot, scene.alpha)  # part 1 reaches the channel, its id never the record
    assert len(scene.posts(scene.alpha)) == 1
    scene.discord_clock.advance(NONCE_MEMORY.total_seconds())  # only the footer tells now
    scene.clock.now += timedelta(minutes=10)
    async with scene.bot():
        pass
    assert scene.markers(scene.alpha) == [
        f"roundup-bot · {COVERED} · 1/2",
        f"roundup-bot · {COVERED} · 2/2",
    ]
    record = await scene.record(scene.alpha)
    assert record is not None and record.state is PostState.POSTED


async def test_a_crash_right_after_sending_is_settled_by_the_nonce(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        scene.clock.now = SEOUL_MONDAY_NINE
        with monkeypatch.context() as patch:
            patched(patch, "record_part", lambda part: True)
            await fire(bot, scene.alpha)
    async with scene.bot():  # back within Discord's nonce memory
        pass
    assert len(scene.posts(scene.alpha)) == 1


async def test_a_half_posted_digest_resumes_without_repeats(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha, sections=12)
        scene.clock.now = SEOUL_MONDAY_NINE
        with monkeypatch.context() as patch:
            patched(patch, "plan_part", lambda part: _index(part) == 1)
            await fire(bot, scene.alpha)
    assert scene.markers(scene.alpha) == [f"roundup-bot · {COVERED} · 1/2"]
    async with scene.bot():
        pass
    assert scene.markers(scene.alpha) == [
        f"roundup-bot · {COVERED} · 1/2",
        f"roundup-bot · {COVERED} · 2/2",
    ]


# --- several servers, several weeks ----------------------------------------------------------


async def run_schedule(
    bot: RoundupBot, scene: Scene, servers: list[Server], until: datetime
) -> None:
    """Move the clock from job to job until ``until``, running each as APScheduler would."""
    while True:
        due = []
        for server in servers:
            settings = await bot.services.digest.settings(server.id)
            when = next_fire_time(settings, scene.clock.now)
            if when is not None and when <= until:
                due.append((when, server))
        if not due:
            return
        when, server = min(due, key=lambda pair: pair[0])
        scene.clock.now = when
        await fire(bot, server)


async def test_two_servers_on_different_schedules_each_get_their_week(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        await configure(bot, scene.beta, weekday=FRIDAY, hour=18, timezone="America/New_York")
        await import_roundup(bot, scene.alpha, date(2026, 11, 25))
        await import_roundup(bot, scene.beta, date(2026, 11, 25))
        await run_schedule(bot, scene, [scene.alpha, scene.beta], datetime(2026, 12, 1, tzinfo=UTC))
    # Seoul posts on Mondays the week just ended; New York on Fridays the week ending.
    assert scene.markers(scene.alpha) == [
        "roundup-bot · 2026-W47 · 1/1",
        "roundup-bot · 2026-W48 · 1/1",
    ]
    assert scene.markers(scene.beta) == ["roundup-bot · 2026-W48 · 1/1"]


async def test_one_post_per_week_and_no_more(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        for day in (date(2026, 11, 25), date(2026, 12, 2)):
            await import_roundup(bot, scene.alpha, day)
        await run_schedule(bot, scene, [scene.alpha], SEOUL_MONDAY_NINE + timedelta(days=1))
    scene.clock.now += timedelta(hours=2)
    async with scene.bot() as bot:  # a restart in the middle of it all
        reply = await scene.fake.slash(
            scene.alpha.id, scene.alpha.channel.id, scene.alpha.admin.id, "digest post"
        )
        await reply.wait_followups()
        await run_schedule(bot, scene, [scene.alpha], datetime(2026, 12, 8, 1, tzinfo=UTC))
    assert scene.markers(scene.alpha) == [
        "roundup-bot · 2026-W47 · 1/1",
        "roundup-bot · 2026-W48 · 1/1",
        "roundup-bot · 2026-W49 · 1/1",
    ]


# --- failures ----------------------------------------------------------------------------


async def test_a_deleted_channel_fails_tells_the_owner_and_a_new_channel_works(
    scene: Scene,
) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        scene.fake.delete_channel(scene.alpha.channel)
        scene.clock.now = SEOUL_MONDAY_NINE
        await fire(bot, scene.alpha)
        record = await scene.record(scene.alpha)
        assert record is not None and record.state is PostState.FAILED
        [notice] = scene.fake.dms(scene.alpha.guild.owner_id)
        assert "no longer exists" in notice.content and "/setup digest" in notice.content
        fresh = scene.fake.add_text_channel(scene.alpha.guild, "digest")
        await bot.services.guild_settings.configure_digest(
            scene.alpha.id,
            channel_id=fresh.id,
            weekday=MONDAY,
            hour=9,
            timezone="Asia/Seoul",
            language="en",
        )
        reply = await scene.fake.slash(
            scene.alpha.id, fresh.id, scene.alpha.admin.id, "digest post"
        )
        [answer] = await reply.wait_followups()
    assert "Posted the digest for 2026-W47" in answer.content
    assert len([m for m in scene.fake.messages(fresh.id) if m.embeds]) == 1


async def test_a_missing_permission_fails_then_the_next_start_retries(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        scene.alpha.guild.everyone.permissions = READ_ONLY
        scene.fake.set_bot_permissions(scene.alpha.guild, READ_ONLY)
        scene.clock.now = SEOUL_MONDAY_NINE
        await fire(bot, scene.alpha)
    [notice] = scene.fake.dms(scene.alpha.guild.owner_id)
    assert "Send Messages" in notice.content
    scene.fake.set_bot_permissions(scene.alpha.guild, Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES)
    scene.clock.now += timedelta(days=1)  # beyond grace: a failed post is retried anyway
    async with scene.bot():
        pass
    assert len(scene.posts(scene.alpha)) == 1
    record = await scene.record(scene.alpha)
    assert record is not None and record.state is PostState.POSTED


# --- commands ------------------------------------------------------------------------------


async def slash_reply(
    scene: Scene,
    name: str,
    options: dict[str, str | bool] | None = None,
    *,
    admin: bool = False,
    locale: str = "en-US",
) -> StoredMessage:
    server = scene.alpha
    user = server.admin if admin else server.member
    record = await scene.fake.slash(
        server.id, server.channel.id, user.id, name, options, locale=locale
    )
    return await record.wait_reply()


async def test_preview_is_private_and_posts_nothing(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        reply = await slash_reply(scene, "digest preview", {"week": COVERED})
    assert reply.ephemeral and reply.embeds[-1]["footer"]["text"] == "Preview · 1/1"
    assert scene.posts(scene.alpha) == []


async def test_post_by_a_member_is_refused(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        reply = await slash_reply(scene, "digest post")
    assert "Manage Server" in reply.content
    assert scene.posts(scene.alpha) == []


async def test_post_twice_says_it_is_there_and_force_posts_a_copy(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        first = await slash_reply(scene, "digest post", admin=True)
        again = await slash_reply(scene, "digest post", admin=True)
        forced = await slash_reply(scene, "digest post", {"force": True}, admin=True)
    assert "Posted" in first.content and "already" in again.content and "Posted" in forced.content
    assert scene.markers(scene.alpha) == [
        f"roundup-bot · {COVERED} · 1/1",
        f"roundup-bot · {COVERED} · 1/1 · #2",
    ]


async def test_next_tells_when_as_a_discord_timestamp(scene: Scene) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha)
        reply = await slash_reply(scene, "digest next", locale="ko")
    stamp = int(SEOUL_MONDAY_NINE.timestamp())
    assert f"<t:{stamp}:F>" in reply.content and "다음 다이제스트" in reply.content


async def test_next_without_setup_says_so(scene: Scene) -> None:
    async with scene.bot():
        reply = await slash_reply(scene, "digest next")
    assert "/setup digest" in reply.content


async def test_a_post_cut_by_a_lost_database_is_finished_by_the_running_loop_once(
    scene: Scene, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with scene.bot() as bot:
        await configure(bot, scene.alpha, sections=12)
        scene.clock.now = SEOUL_MONDAY_NINE
        with monkeypatch.context() as patch:
            patched(patch, "record_part", lambda part: True)  # the database gone after part 1
            assert await bot.digest_scheduler.run_due() == []
        scene.clock.now += RETRY_FIRST / 2
        assert await bot.digest_scheduler.run_due() == []  # backing off: not tried yet
        scene.clock.now += RETRY_FIRST
        [result] = await bot.digest_scheduler.run_due()
        assert await bot.digest_scheduler.run_due() == []

    assert result.outcome is Outcome.POSTED and result.sent == 1  # part 2 only
    assert scene.markers(scene.alpha) == [
        f"roundup-bot · {COVERED} · 1/2",
        f"roundup-bot · {COVERED} · 2/2",
    ]
    record = await scene.record(scene.alpha)
    assert record is not None and record.state is PostState.POSTED
