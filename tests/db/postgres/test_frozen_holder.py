"""A process frozen (SIGSTOP, a paused VM) inside a fenced write on PostgreSQL: the write holds
its lease's row FOR SHARE, so without a limit the process taking the lease over would wait on
that row until the frozen one woke up. The bot's pool has the server end such a transaction
after LEASE_SECONDS (``stalled_transaction_seconds``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from db import PostgresDatabase
from db.connect import open_postgres
from db.leases import FencedDatabase, SqlLeaseRepository
from news.core.leases import Leases, current_lease
from testkit.postgres import TemplateServer

LEASE_SECONDS = 5.0
STALLED_SECONDS = 0.3  # the server's limit in this test: short, to keep the test fast
EXPIRED = timedelta(seconds=LEASE_SECONDS + 1)


async def never(_: float) -> None:
    await asyncio.Event().wait()


def holder(database: PostgresDatabase, name: str, now: datetime) -> Leases:
    return Leases(
        SqlLeaseRepository(database), holder=name, clock=lambda: now, seconds=LEASE_SECONDS,
        sleep=never,
    )  # fmt: skip


async def test_a_frozen_holders_open_write_does_not_keep_its_lease_from_being_taken_over(
    postgres_server: TemplateServer,
) -> None:
    assert postgres_server.working is not None
    url = postgres_server.working
    frozen_db = await open_postgres(url, stalled_transaction_seconds=STALLED_SECONDS)
    other_db = await open_postgres(url, stalled_transaction_seconds=STALLED_SECONDS)
    try:
        now = datetime.now(UTC)
        [lease] = await holder(frozen_db, "frozen", now).claim("frozen-test", ["1"])
        in_write, thaw = asyncio.Event(), asyncio.Event()

        async def write_then_freeze() -> None:
            current_lease.set(lease)
            async with FencedDatabase(frozen_db).transaction() as tx:
                in_write.set()
                await thaw.wait()  # frozen: nothing reaches the server meanwhile
                await tx.execute("INSERT INTO processes (holder, shards, started_at, seen_at)"
                                 " VALUES ('late', '0', 0, 0)")  # fmt: skip

        frozen = asyncio.create_task(write_then_freeze())
        await in_write.wait()
        successor = holder(other_db, "successor", now + EXPIRED)
        [taken] = await asyncio.wait_for(successor.claim("frozen-test", ["1"]), 10)
        assert (taken.holder, taken.token) == ("successor", lease.token + 1)
        thaw.set()  # the frozen process wakes up and writes on: refused
        with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError)):
            await frozen
        assert await other_db.fetch_one("SELECT 1 FROM processes WHERE holder = 'late'") is None
    finally:
        await frozen_db.close()
        await other_db.close()


async def test_a_successor_waits_for_a_fenced_write_still_going_then_takes_over(
    postgres_server: TemplateServer,
) -> None:
    assert postgres_server.working is not None
    frozen_db = await open_postgres(postgres_server.working)
    other_db = await open_postgres(postgres_server.working)
    try:
        now = datetime.now(UTC)
        [lease] = await holder(frozen_db, "frozen", now).claim("frozen-test", ["2"])
        in_write, thaw = asyncio.Event(), asyncio.Event()

        async def write_then_freeze() -> None:
            current_lease.set(lease)
            async with FencedDatabase(frozen_db).transaction():
                in_write.set()
                await thaw.wait()

        frozen = asyncio.create_task(write_then_freeze())
        await in_write.wait()
        claim = asyncio.create_task(
            holder(other_db, "successor", now + EXPIRED).claim("frozen-test", ["2"])
        )
        done, _ = await asyncio.wait({claim}, timeout=STALLED_SECONDS * 3)
        assert not done  # waiting on the row the write holds: it commits first
        thaw.set()
        await frozen
        [taken] = await claim
        assert taken.holder == "successor"
    finally:
        await frozen_db.close()
        await other_db.close()
