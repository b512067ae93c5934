"""Leases on both backends: claims, expiry, release, renewal and the fence on writes."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from db import AnyDatabase, SqlSettingsRepository
from db.leases import FencedDatabase, SqlLeaseRepository
from news.core.leases import Lease, LeaseBusy, LeaseLost, Leases, current_lease, holder_is_gone
from news.core.models import GuildSettings

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
SECONDS = 30.0


@dataclass
class Clock:
    now: datetime = START

    def __call__(self) -> datetime:
        return self.now


async def never(_: float) -> None:
    """A renewal that never comes: the holder is frozen (SIGSTOP) or dead."""
    await asyncio.Event().wait()


def process(database: AnyDatabase, name: str, clock: Clock) -> Leases:
    return Leases(
        SqlLeaseRepository(database), holder=name, clock=clock, seconds=SECONDS, sleep=never
    )


async def test_a_second_holder_cannot_claim_a_live_lease(database: AnyDatabase) -> None:
    clock = Clock()
    first, second = process(database, "a", clock), process(database, "b", clock)
    [lease] = await first.claim("digest", ["1"])
    clock.now += timedelta(seconds=SECONDS - 1)
    assert await second.claim("digest", ["1"]) == []
    assert lease.token == 1 and lease.holder == "a"


async def test_after_expiry_another_holder_claims_with_a_higher_token(
    database: AnyDatabase,
) -> None:
    clock = Clock()
    first, second = process(database, "a", clock), process(database, "b", clock)
    [old] = await first.claim("digest", ["1"])
    clock.now += timedelta(seconds=SECONDS)
    [new] = await second.claim("digest", ["1"])
    assert (new.holder, new.token) == ("b", old.token + 1)


async def test_a_batch_claims_only_the_free_keys(database: AnyDatabase) -> None:
    clock = Clock()
    first, second = process(database, "a", clock), process(database, "b", clock)
    await first.claim("feed", ["2"])
    claimed = await second.claim("feed", ["1", "2", "3"])
    assert sorted(lease.key for lease in claimed) == ["1", "3"]


async def test_the_old_holders_fenced_write_is_refused(database: AnyDatabase) -> None:
    clock = Clock()
    first, second = process(database, "a", clock), process(database, "b", clock)
    settings = SqlSettingsRepository(FencedDatabase(database))
    [old] = await first.claim("digest", ["1"])
    clock.now += timedelta(seconds=SECONDS + 1)
    [new] = await second.claim("digest", ["1"])
    reset = current_lease.set(old)
    try:
        with pytest.raises(LeaseLost):
            await settings.save_settings(GuildSettings(1, digest_hour=3))
    finally:
        current_lease.reset(reset)
    assert await settings.get_settings(1) is None
    reset = current_lease.set(new)
    try:
        await settings.save_settings(GuildSettings(1, digest_hour=4))
    finally:
        current_lease.reset(reset)
    found = await settings.get_settings(1)
    assert found is not None and found.digest_hour == 4


async def test_a_released_lease_is_free_at_once_and_its_token_keeps_rising(
    database: AnyDatabase,
) -> None:
    clock = Clock()
    first, second = process(database, "a", clock), process(database, "b", clock)
    async with first.holding("alerts", "deliver") as lease:
        assert lease is not None
        async with second.holding("alerts", "deliver") as other:
            assert other is None
    async with second.holding("alerts", "deliver") as taken:
        assert taken is not None and taken.token == lease.token + 1


async def test_renewal_extends_and_fails_after_a_takeover(database: AnyDatabase) -> None:
    clock = Clock()
    repository = SqlLeaseRepository(database)
    first, second = process(database, "a", clock), process(database, "b", clock)
    [lease] = await first.claim("digest", ["1"])
    renewed = await repository.renew(lease, START + timedelta(seconds=90))
    assert renewed is not None and renewed.expires_at == START + timedelta(seconds=90)
    clock.now += timedelta(seconds=60)
    assert await second.claim("digest", ["1"]) == []  # renewed: still a's
    clock.now += timedelta(seconds=31)
    assert len(await second.claim("digest", ["1"])) == 1
    assert await repository.renew(lease, clock.now + timedelta(seconds=30)) is None


async def test_a_guard_refuses_while_another_process_holds_the_key(
    database: AnyDatabase,
) -> None:
    clock = Clock()
    first, second = process(database, "a", clock), process(database, "b", clock)
    async with first.guard("digest")(7):
        with pytest.raises(LeaseBusy):
            async with second.guard("digest")(7):
                pass
    async with second.guard("digest")(7):
        held = current_lease.get()
        assert isinstance(held, Lease) and held.holder == "b"


async def test_live_processes_counts_recent_heartbeats(database: AnyDatabase) -> None:
    repository = SqlLeaseRepository(database)
    await repository.heartbeat("a", "0", START)
    await repository.heartbeat("b", "1", START + timedelta(seconds=80))
    await repository.heartbeat("c", "2", START + timedelta(seconds=90))
    assert await repository.live_processes(START + timedelta(seconds=10)) == 2
    await repository.leave("c")
    assert await repository.live_processes(START + timedelta(seconds=10)) == 1


def dead_holder() -> str:
    """The holder name of a process of this host that has exited (and been reaped)."""
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    return f"{socket.gethostname()}:{child.stdout.strip()}:dead01"


async def test_a_dead_local_holders_leases_are_taken_at_once(database: AnyDatabase) -> None:
    """A crashed process restarted on its host need not wait LEASE_SECONDS for its
    predecessor's leases (on SQLite, the only other process there was)."""
    clock = Clock()
    gone = dead_holder()
    repository = SqlLeaseRepository(database)
    await repository.heartbeat(gone, "", START)
    await process(database, gone, clock).claim("feed", ["1", "2"])
    restarted = process(database, "restarted", clock)
    await repository.heartbeat("restarted", "", START)
    claimed = await restarted.claim("feed", ["1", "2", "3"])
    assert sorted(lease.key for lease in claimed) == ["1", "2", "3"]
    assert all(lease.token == 2 for lease in claimed if lease.key != "3")
    assert (
        await repository.live_processes(START) == 1
    )  # only the restarted one... counted at least 1


@pytest.mark.parametrize(
    "holder",
    [
        pytest.param(f"{socket.gethostname()}:{os.getppid()}:live01", id="live pid here"),
        pytest.param("another-host:1:abcdef", id="another host"),
        pytest.param("not a process name", id="foreign name"),
    ],
)
async def test_a_live_or_remote_holder_keeps_its_lease(database: AnyDatabase, holder: str) -> None:
    clock = Clock()
    await process(database, holder, clock).claim("feed", ["1"])
    assert await process(database, "b", clock).claim("feed", ["1"]) == []
    assert not holder_is_gone(holder)
