"""DigestService against real SQLite and a fake outlet: exactly once, resume, failures."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from db import (
    Database,
    SqlArchiveRepository,
    SqlDigestRepository,
    SqlSettingsRepository,
    SqlTopicRepository,
)
from news.core.errors import InvalidInput
from news.core.models import Digest, GuildSettings
from news.digest.ports import PartFooter
from news.digest.posts import DigestPart, DigestPost, DigestUndeliverable, FailureReason, PostState
from news.digest.service import DigestService, Outcome
from testkit.builders import headline, roundup, section
from testkit.postgres import TemplateServer
from tests.backends import open_backend

GUILD = 1
CHANNEL = 500
# Monday 2026-11-30 10:00 in Seoul: a Monday 09:00 post covers the week before, 2026-W48.
MONDAY_10_SEOUL = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
SCHEDULED = MONDAY_10_SEOUL - timedelta(hours=1)
WEEK = "2026-W48"


class Crash(Exception):
    """The process dying at a chosen step."""


@dataclass
class Clock:
    now: datetime = MONDAY_10_SEOUL

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Sent:
    message_id: int
    channel_id: int
    nonce: str
    marker: str


@dataclass
class FakeOutlet:
    """A channel that keeps every message; ``parts`` messages per digest."""

    parts: int = 3
    refusal: FailureReason | None = None
    sent: list[Sent] = field(default_factory=list)
    threads: list[tuple[int, str]] = field(default_factory=list)
    nonce_echo: bool = True  # Discord forgets nonces after a few minutes
    _ids: count[int] = field(default_factory=lambda: count(1000))

    def render(self, digest: Digest, settings: GuildSettings, footer: PartFooter) -> list[str]:
        return [footer(index, self.parts) for index in range(self.parts)]

    async def find_part(self, channel_id: int, part: DigestPart) -> int | None:
        for message in self.sent:
            same_nonce = self.nonce_echo and message.nonce == part.nonce
            if message.channel_id == channel_id and (same_nonce or message.marker == part.marker):
                return message.message_id
        return None

    async def send_part(self, channel_id: int, message: str, nonce: str) -> int:
        if self.refusal is not None:
            raise DigestUndeliverable(self.refusal)
        sent = Sent(next(self._ids), channel_id, nonce, message)
        self.sent.append(sent)
        return sent.message_id

    async def open_thread(self, channel_id: int, message_id: int, name: str) -> None:
        self.threads.append((message_id, name))

    def markers(self) -> list[str]:
        return [message.marker for message in self.sent]


@pytest.fixture
async def database(
    backend_server: TemplateServer | None, tmp_path: Path
) -> AsyncIterator[Database]:
    """The digest service on each backend: SQLite and PostgreSQL."""
    async with open_backend(backend_server, tmp_path / "digest.db") as database:
        yield database  # type: ignore[misc]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def digests(database: Database) -> SqlDigestRepository:
    return SqlDigestRepository(database)


@pytest.fixture
async def service(database: Database, digests: SqlDigestRepository, clock: Clock) -> DigestService:
    settings = SqlSettingsRepository(database)
    await settings.save_settings(GuildSettings(GUILD, digest_channel_id=CHANNEL, language="en"))
    archive = SqlArchiveRepository(database)
    await archive.save_roundup(
        roundup(section(headline("Chip news", "https://example.com/chip")), guild_id=GUILD)
    )
    return DigestService(settings, archive, SqlTopicRepository(database), digests, clock=clock)


@pytest.fixture
def outlet() -> FakeOutlet:
    return FakeOutlet()


async def test_publish_sends_every_part_once_and_records_it(
    service: DigestService, outlet: FakeOutlet
) -> None:
    result = await service.publish(GUILD, outlet)
    assert result.outcome is Outcome.POSTED
    assert outlet.markers() == [f"roundup-bot · {WEEK} · {n}/3" for n in (1, 2, 3)]
    assert [p.message_id for p in result.post.parts] == [m.message_id for m in outlet.sent]
    assert result.post.state is PostState.POSTED


async def test_publish_again_sends_nothing(service: DigestService, outlet: FakeOutlet) -> None:
    await service.publish(GUILD, outlet)
    again = await service.publish(GUILD, outlet)
    assert again.outcome is Outcome.ALREADY_POSTED
    assert len(outlet.sent) == 3


async def test_force_posts_a_new_edition_with_its_own_markers(
    service: DigestService, outlet: FakeOutlet
) -> None:
    await service.publish(GUILD, outlet)
    forced = await service.publish(GUILD, outlet, force=True)
    assert forced.post.edition == 2
    assert outlet.markers()[3:] == [f"roundup-bot · {WEEK} · {n}/3 · #2" for n in (1, 2, 3)]


async def test_crash_between_sending_and_recording_never_posts_twice(
    service: DigestService,
    outlet: FakeOutlet,
    digests: SqlDigestRepository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def die(*args: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(digests, "record_part", die)
        with pytest.raises(Crash):
            await service.publish(GUILD, outlet)
    outlet.nonce_echo = False  # long after: only the footer marker tells
    resumed = await service.publish(GUILD, outlet)
    assert resumed.outcome is Outcome.POSTED
    assert outlet.markers() == [f"roundup-bot · {WEEK} · {n}/3" for n in (1, 2, 3)]
    assert resumed.post.parts[0].message_id == outlet.sent[0].message_id


async def test_a_part_in_doubt_not_in_the_channel_is_resent_with_its_nonce(
    service: DigestService,
    outlet: FakeOutlet,
    digests: SqlDigestRepository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def die(*args: object) -> int:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(outlet, "send_part", die)  # dies while sending: nothing went out
        with pytest.raises(Crash):
            await service.publish(GUILD, outlet)
    planned = await digests.get_post(GUILD, WEEK)
    assert planned is not None
    await service.publish(GUILD, outlet)
    assert outlet.sent[0].nonce == planned.parts[0].nonce
    assert len(outlet.sent) == 3


async def test_a_half_posted_digest_resumes_at_its_first_unsent_part(
    service: DigestService,
    outlet: FakeOutlet,
    digests: SqlDigestRepository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan_part = digests.plan_part

    async def die_before_the_second(post: DigestPost, part: DigestPart) -> None:
        if part.index == 1:
            raise Crash
        await plan_part(post, part)

    with monkeypatch.context() as patch:
        patch.setattr(digests, "plan_part", die_before_the_second)
        with pytest.raises(Crash):
            await service.publish(GUILD, outlet)
    assert len(outlet.sent) == 1
    resumed = await service.publish(GUILD, outlet)
    assert outlet.markers() == [f"roundup-bot · {WEEK} · {n}/3" for n in (1, 2, 3)]
    assert resumed.sent == 2


async def test_a_refusal_fails_the_post_with_its_reason(
    service: DigestService, outlet: FakeOutlet
) -> None:
    outlet.refusal = FailureReason.FORBIDDEN
    result = await service.publish(GUILD, outlet)
    assert (result.outcome, result.failure) == (Outcome.FAILED, FailureReason.FORBIDDEN)
    assert result.post.state is PostState.FAILED
    assert result.post.last_error == "forbidden"


async def test_a_failed_post_succeeds_once_fixed(
    service: DigestService, outlet: FakeOutlet
) -> None:
    outlet.refusal = FailureReason.CHANNEL_MISSING
    await service.publish(GUILD, outlet)
    outlet.refusal = None
    result = await service.publish(GUILD, outlet)
    assert result.outcome is Outcome.POSTED and result.post.last_error is None


async def test_publishing_without_a_channel_asks_for_setup(
    database: Database, service: DigestService, outlet: FakeOutlet
) -> None:
    with pytest.raises(InvalidInput, match="/setup digest"):
        await service.publish(2, outlet)


async def test_the_default_week_is_the_one_the_post_covers(service: DigestService) -> None:
    settings = await service.settings(GUILD)
    assert service.week_to_post(settings) == WEEK


async def test_an_imported_roundup_is_the_digest(service: DigestService) -> None:
    digest = await service.digest(GUILD, WEEK)
    assert digest.imported
    assert [item.headline.title for item in digest.sections[0].items] == ["Chip news"]


async def test_catch_up_within_grace_posts(service: DigestService, outlet: FakeOutlet) -> None:
    result = await service.catch_up(GUILD, SCHEDULED, outlet, grace=timedelta(hours=12))
    assert result is not None and result.outcome is Outcome.POSTED
    assert result.post.week == WEEK


async def test_catch_up_beyond_grace_records_a_miss(
    service: DigestService, outlet: FakeOutlet, clock: Clock
) -> None:
    clock.now = SCHEDULED + timedelta(hours=13)
    result = await service.catch_up(GUILD, SCHEDULED, outlet, grace=timedelta(hours=12))
    assert result is not None and result.outcome is Outcome.MISSED
    assert outlet.sent == []
    again = await service.catch_up(GUILD, SCHEDULED, outlet, grace=timedelta(hours=12))
    assert again is None


async def test_catch_up_ignores_a_time_before_the_schedule_was_set(
    service: DigestService, outlet: FakeOutlet
) -> None:
    await service.schedule_changed(GUILD)
    result = await service.catch_up(GUILD, SCHEDULED, outlet, grace=timedelta(hours=12))
    assert result is None and outlet.sent == []


async def test_catch_up_retries_a_failed_post_even_beyond_grace(
    service: DigestService, outlet: FakeOutlet, clock: Clock
) -> None:
    outlet.refusal = FailureReason.FORBIDDEN
    await service.publish(GUILD, outlet)
    outlet.refusal = None
    clock.now = SCHEDULED + timedelta(days=2)
    result = await service.catch_up(GUILD, SCHEDULED, outlet, grace=timedelta(hours=12))
    assert result is not None and result.outcome is Outcome.POSTED


async def test_a_thread_opens_under_the_first_message_when_asked(
    service: DigestService, outlet: FakeOutlet
) -> None:
    await service.configure(GUILD, thread=True)
    await service.publish(GUILD, outlet)
    assert [message_id for message_id, _ in outlet.threads] == [outlet.sent[0].message_id]


async def test_configure_rejects_absurd_sizes(service: DigestService) -> None:
    with pytest.raises(InvalidInput):
        await service.configure(GUILD, max_sections=0)


async def test_configure_needs_setup_first(service: DigestService) -> None:
    with pytest.raises(InvalidInput, match="/setup digest"):
        await service.configure(2, thread=True)


async def test_options_changed_at_once_all_last(service: DigestService, clock: Clock) -> None:
    # Each reads the options before any writes them: two admins and a /setup digest at once.
    await asyncio.gather(
        service.configure(GUILD, thread=True),
        service.configure(GUILD, max_items=9),
        service.schedule_changed(GUILD),
    )

    options = await service.options(GUILD)
    assert (options.thread, options.max_items, options.scheduled_since) == (True, 9, clock.now)


async def test_resume_interrupted_finishes_posts_left_half_way(
    service: DigestService,
    outlet: FakeOutlet,
    digests: SqlDigestRepository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def die(*args: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(digests, "record_part", die)
        with pytest.raises(Crash):
            await service.publish(GUILD, outlet, week="2026-W40")
    results = await service.resume_interrupted(outlet)
    assert [(r.outcome, r.post.week) for r in results] == [(Outcome.POSTED, "2026-W40")]
    assert len(outlet.sent) == 3
