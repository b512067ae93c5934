"""Leases on background work, the processes' heartbeats, and the fence on every write.

A claim is one upsert per key that takes the row only when its lease has expired and raises
its token (``INSERT … ON CONFLICT … DO UPDATE … WHERE expires_at <= now RETURNING``): on
PostgreSQL two processes claiming the same key at once queue on the row, and the second finds
it taken. A batch is claimed in key order, in one transaction, so two claimers never wait on
each other crosswise.

``FencedDatabase`` wraps the database the repositories write through: a transaction opened
while a lease is current (news.core.leases.current_lease) first reads the lease's row with its
token, ``FOR SHARE`` on PostgreSQL, so a claimer taking it over waits until the write has
committed, and a write after a takeover raises LeaseLost and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime

from news.core.leases import Lease, LeaseLost, current_lease

from db.backend import Database, Dialect, Params, Row, Session, Sql, Statement, json_list_sql
from db.times import from_unix, unix

_CLAIM = """
INSERT INTO leases (kind, key, holder, token, expires_at)
VALUES (:kind, :key, :holder, 1, :expires_at)
ON CONFLICT (kind, key) DO UPDATE
   SET holder = excluded.holder, token = leases.token + 1, expires_at = excluded.expires_at
 WHERE leases.expires_at <= :now
RETURNING token
"""
_RENEW = """
UPDATE leases SET expires_at = :expires_at
 WHERE kind = :kind AND key = :key AND holder = :holder AND token = :token
RETURNING token
"""
_RELEASE = """
UPDATE leases SET expires_at = :now
 WHERE kind = :kind AND key = :key AND holder = :holder AND token = :token
"""
_FENCE = Sql(
    sqlite="""
SELECT token FROM leases
 WHERE kind = :kind AND key = :key AND holder = :holder AND token = :token
""",
    postgres="""
SELECT token FROM leases
 WHERE kind = :kind AND key = :key AND holder = :holder AND token = :token
   FOR SHARE
""",
)
_HEARTBEAT = """
INSERT INTO processes (holder, shards, started_at, seen_at)
VALUES (:holder, :shards, :now, :now)
ON CONFLICT (holder) DO UPDATE SET shards = excluded.shards, seen_at = excluded.seen_at
"""
_LIVE = "SELECT count(*) AS live FROM processes WHERE seen_at >= :since"
_LEAVE = "DELETE FROM processes WHERE holder = :holder"
_HOLDERS = json_list_sql(
    "SELECT DISTINCT holder FROM leases WHERE kind = :kind AND key IN {keys} AND expires_at > :now",
    keys="text",
)
_RELEASE_HOLDER = """
UPDATE leases SET expires_at = :now WHERE holder = :holder AND expires_at > :now
RETURNING key
"""
_HOLDER = "SELECT holder, token, expires_at FROM leases WHERE kind = :kind AND key = :key"


def _key(lease: Lease) -> dict[str, object]:
    return {"kind": lease.kind, "key": lease.key, "holder": lease.holder, "token": lease.token}


class SqlLeaseRepository:
    """news.core.leases.LeaseRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def claim(
        self, kind: str, keys: Sequence[str], holder: str, now: datetime, expires_at: datetime
    ) -> list[Lease]:
        claimed = []
        until = unix(expires_at)
        async with self._db.transaction() as tx:
            for key in sorted(set(keys)):
                row = await tx.fetch_one(
                    _CLAIM,
                    {
                        "kind": kind,
                        "key": key,
                        "holder": holder,
                        "expires_at": until,
                        "now": unix(now),
                    },
                )
                if row is not None:
                    claimed.append(Lease(kind, key, holder, int(row["token"]), from_unix(until)))
        return claimed

    async def renew(self, lease: Lease, expires_at: datetime) -> Lease | None:
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_RENEW, {**_key(lease), "expires_at": unix(expires_at)})
        if row is None:
            return None
        return Lease(lease.kind, lease.key, lease.holder, lease.token, from_unix(unix(expires_at)))

    async def release(self, leases: Sequence[Lease], now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.executemany(_RELEASE, [{**_key(lease), "now": unix(now)} for lease in leases])

    async def heartbeat(self, holder: str, shards: str, now: datetime) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_HEARTBEAT, {"holder": holder, "shards": shards, "now": unix(now)})

    async def live_processes(self, since: datetime) -> int:
        row = await self._db.fetch_one(_LIVE, {"since": unix(since)})
        return max(1, int(row["live"]) if row else 1)

    async def leave(self, holder: str) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(_LEAVE, {"holder": holder})

    async def holders(self, kind: str, keys: Sequence[str], now: datetime) -> set[str]:
        params = {"kind": kind, "keys": json.dumps(list(keys)), "now": unix(now)}
        return {str(row["holder"]) for row in await self._db.fetch_all(_HOLDERS, params)}

    async def release_holder(self, holder: str, now: datetime) -> int:
        async with self._db.transaction() as tx:
            expired = await tx.fetch_all(_RELEASE_HOLDER, {"holder": holder, "now": unix(now)})
            await tx.execute(_LEAVE, {"holder": holder})
        return len(expired)

    async def holder_of(self, kind: str, key: str) -> tuple[str, int, datetime] | None:
        """Who holds the unit's lease, with its token and expiry (for operators and tests)."""
        row = await self._db.fetch_one(_HOLDER, {"kind": kind, "key": key})
        if row is None:
            return None
        return str(row["holder"]), int(row["token"]), from_unix(int(row["expires_at"]))


async def check_fence(tx: Session, lease: Lease) -> None:
    """Raise LeaseLost unless ``lease`` still carries its token, inside ``tx``."""
    if await tx.fetch_one(_FENCE, _key(lease)) is None:
        raise LeaseLost(lease)


class FencedDatabase:
    """The database as the repositories see it: every transaction opened under a lease is
    fenced by it. Reads and everything else go straight through."""

    def __init__(self, inner: Database) -> None:
        self.inner = inner

    @property
    def dialect(self) -> Dialect:
        return self.inner.dialect

    @property
    def latest_version(self) -> int:
        return self.inner.latest_version

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        async with self.inner.transaction() as tx:
            lease = current_lease.get()
            if lease is not None:
                await check_fence(tx, lease)
            yield tx

    def snapshot(self) -> AbstractAsyncContextManager[Session]:
        return self.inner.snapshot()

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]:
        return await self.inner.fetch_all(sql, params)

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None:
        return await self.inner.fetch_one(sql, params)

    async def schema_version(self) -> int:
        return await self.inner.schema_version()

    async def pending_migrations(self) -> list[str]:
        return await self.inner.pending_migrations()

    async def migrate(self, *, dry_run: bool = False) -> list[str]:
        return await self.inner.migrate(dry_run=dry_run)

    async def close(self) -> None:
        await self.inner.close()
