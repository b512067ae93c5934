"""Each server's next weekly digest time: the rows that decide which digest is due.

The bot computes the times from the guild settings (weekday, hour, time zone) and writes
them here; whichever process claims a due server's digest lease posts it and moves the row on.
"""

from __future__ import annotations

from datetime import datetime

from db.backend import Database
from db.times import from_unix, unix

_DUE = """
SELECT guild_id, next_digest_at FROM digest_schedule
 WHERE next_digest_at <= :now
 ORDER BY next_digest_at, guild_id
 LIMIT :limit
"""
_EARLIEST = "SELECT min(next_digest_at) AS earliest FROM digest_schedule"
_GET = "SELECT next_digest_at FROM digest_schedule WHERE guild_id = :guild_id"
_SET = """
INSERT INTO digest_schedule (guild_id, next_digest_at) VALUES (:guild_id, :at)
ON CONFLICT (guild_id) DO UPDATE SET next_digest_at = excluded.next_digest_at
"""
_ADD = """
INSERT INTO digest_schedule (guild_id, next_digest_at) VALUES (:guild_id, :at)
ON CONFLICT (guild_id) DO NOTHING
"""
# Moved on only from the time that was posted: a /setup digest that moved it meanwhile wins.
_ADVANCE = """
UPDATE digest_schedule SET next_digest_at = :next
 WHERE guild_id = :guild_id AND next_digest_at = :done
"""
_REMOVE = "DELETE FROM digest_schedule WHERE guild_id = :guild_id"


class SqlDigestScheduleRepository:
    """news.digest.ports.DigestScheduleRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def due(self, now: datetime, limit: int) -> list[tuple[int, datetime]]:
        rows = await self._db.fetch_all(_DUE, {"now": unix(now), "limit": limit})
        return [(int(row["guild_id"]), from_unix(int(row["next_digest_at"]))) for row in rows]

    async def earliest(self) -> datetime | None:
        row = await self._db.fetch_one(_EARLIEST)
        return None if row is None or row["earliest"] is None else from_unix(int(row["earliest"]))

    async def next_at(self, guild_id: int) -> datetime | None:
        row = await self._db.fetch_one(_GET, {"guild_id": guild_id})
        return None if row is None else from_unix(int(row["next_digest_at"]))

    async def set_next(self, guild_id: int, at: datetime | None) -> None:
        """The server's next digest time; None removes it (no digest channel)."""
        async with self._db.transaction() as tx:
            if at is None:
                await tx.execute(_REMOVE, {"guild_id": guild_id})
            else:
                await tx.execute(_SET, {"guild_id": guild_id, "at": unix(at)})

    async def add_missing(self, rows: list[tuple[int, datetime]]) -> None:
        """Rows for servers that have none yet (another process may have added them)."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                _ADD, [{"guild_id": guild_id, "at": unix(at)} for guild_id, at in rows]
            )

    async def advance(self, guild_id: int, done: datetime, following: datetime | None) -> None:
        async with self._db.transaction() as tx:
            if following is None:
                await tx.execute(_REMOVE, {"guild_id": guild_id})
            else:
                await tx.execute(
                    _ADVANCE,
                    {"guild_id": guild_id, "done": unix(done), "next": unix(following)},
                )
