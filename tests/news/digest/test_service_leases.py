"""Two bot processes on one database: a due digest is posted by exactly one of them, and the
work of a holder that died (or froze) is taken over once its lease has expired."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from db import (
    AnyDatabase,
    SqlArchiveRepository,
    SqlDigestRepository,
    SqlSettingsRepository,
    SqlTopicRepository,
)
from db.leases import FencedDatabase, SqlLeaseRepository
from news.core.leases import LeaseBusy, LeaseLost, Leases, current_lease
from news.core.models import GuildSettings
from news.digest.posts import PostState
from news.digest.service import DigestService, Outcome
from testkit.builders import headline, roundup, section
from testkit.postgres import TemplateServer
from tests.backends import open_backend, reopen
from tests.news.digest.test_service import (
    CHANNEL,
    GUILD,
    SCHEDULED,
    WEEK,
    Clock,
    Crash,
    FakeOutlet,
)

LEASE_SECONDS = 30.0
GRACE = timedelta(hours=12)


async def frozen(_: float) -> None:
    """No renewal ever comes: the holder is dead or stopped (SIGKILL, SIGSTOP)."""
    await asyncio.Event().wait()


@dataclass
class Process:
    """One bot process: its own connection to the database, its own holder name."""

    leases: Leases
    service: DigestService
    digests: SqlDigestRepository


def process(database: AnyDatabase, name: str, clock: Clock) -> Process:
    leases = Leases(
        SqlLeaseRepository(database),
        holder=name,
        clock=clock,
        seconds=LEASE_SECONDS,
        sleep=frozen,
    )
    fenced = FencedDatabase(database)
    digests = SqlDigestRepository(fenced)
    service = DigestService(
        SqlSettingsRepository(fenced),
        SqlArchiveRepository(fenced),
        SqlTopicRepository(fenced),
        digests,
        clock=clock,
        guard=leases.guard("digest"),
    )
    return Process(leases, service, digests)


@pytest.fixture
async def databases(
    backend_server: TemplateServer | None, tmp_path: Path
) -> AsyncIterator[tuple[AnyDatabase, AnyDatabase]]:
    path = tmp_path / "shared.db"
    async with open_backend(backend_server, path) as first:
        second = await reopen(first, path)
        try:
            await SqlSettingsRepository(first).save_settings(
                GuildSettings(GUILD, digest_channel_id=CHANNEL, language="en")
            )
            await SqlArchiveRepository(first).save_roundup(
                roundup(section(headline("Chip news", "https://example.com/chip")), guild_id=GUILD)
            )
            yield first, second
        finally:
            await second.close()


class SlowOutlet(FakeOutlet):
    """Every send yields to the loop, so that two posters interleave if they can."""

    async def send_part(self, channel_id: int, message: str, nonce: str) -> int:
        await asyncio.sleep(0)
        return await super().send_part(channel_id, message, nonce)


async def test_two_processes_claiming_one_due_digest_post_it_once(
    databases: tuple[AnyDatabase, AnyDatabase],
) -> None:
    clock = Clock()
    channel = SlowOutlet()
    a, b = (process(db, name, clock) for db, name in zip(databases, "ab", strict=True))

    outcomes = await asyncio.gather(
        a.service.catch_up(GUILD, SCHEDULED, channel, grace=GRACE),
        b.service.catch_up(GUILD, SCHEDULED, channel, grace=GRACE),
        return_exceptions=True,
    )

    posted = [o for o in outcomes if not isinstance(o, BaseException) and o is not None]
    assert [result.outcome for result in posted] == [Outcome.POSTED]
    assert [type(o) for o in outcomes if isinstance(o, BaseException)] in ([LeaseBusy], [])
    assert len(channel.sent) == 3
    # Whoever comes second finds it posted.
    again = await b.service.catch_up(GUILD, SCHEDULED, channel, grace=GRACE)
    assert again is None and len(channel.sent) == 3


class DiesAfterOnePart(FakeOutlet):
    async def send_part(self, channel_id: int, message: str, nonce: str) -> int:
        if self.sent:
            raise Crash("the process is killed")
        return await super().send_part(channel_id, message, nonce)


async def test_a_dead_holders_digest_is_taken_over_after_the_lease_and_its_late_write_refused(
    databases: tuple[AnyDatabase, AnyDatabase],
) -> None:
    clock = Clock()
    a, b = (process(db, name, clock) for db, name in zip(databases, "ab", strict=True))
    dying = DiesAfterOnePart()
    # a claims the server's lease and dies after its first part: it never releases.
    [lease] = await a.leases.claim("digest", [str(GUILD)])
    token = current_lease.set(lease)
    try:
        with pytest.raises(Crash):
            await a.service.catch_up(GUILD, SCHEDULED, dying, grace=GRACE)
    finally:
        current_lease.reset(token)

    channel = FakeOutlet(sent=list(dying.sent))  # the channel as a left it: part 1 of 3
    clock.now += timedelta(seconds=LEASE_SECONDS - 1)
    with pytest.raises(LeaseBusy):
        await b.service.catch_up(GUILD, SCHEDULED, channel, grace=GRACE)
    assert len(channel.sent) == 1

    clock.now += timedelta(seconds=1)  # LEASE_SECONDS after a's claim
    result = await b.service.catch_up(GUILD, SCHEDULED, channel, grace=GRACE)
    assert result is not None and result.outcome is Outcome.POSTED
    assert len(channel.sent) == 3
    assert len({message.marker for message in channel.sent}) == 3

    # a wakes up (it was only stopped) and writes under its old token: refused, no effect.
    post = await a.digests.get_post(GUILD, WEEK)
    assert post is not None and post.state is PostState.POSTED
    token = current_lease.set(lease)
    try:
        with pytest.raises(LeaseLost):
            await a.digests.save_post(replace(post, state=PostState.FAILED))
    finally:
        current_lease.reset(token)
    after = await b.digests.get_post(GUILD, WEEK)
    assert after is not None and after.state is PostState.POSTED
