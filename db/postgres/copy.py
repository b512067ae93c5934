"""``db copy --to postgresql://…``: move an archive from SQLite to PostgreSQL, checked and
resumable.

The target is migrated to the code's schema first; the source must be at that version too.
Each table is copied in chunks, in foreign-key order, every chunk in its own transaction:
COPY into a temporary table, then ``INSERT … ON CONFLICT DO NOTHING``, so running the copy
again after an interruption continues where it stopped and never writes a row twice. A
table whose row count and checksum already agree is skipped. The search index is not
copied (FTS5 and GIN differ): PostgreSQL's is built from the copied headlines, also in
chunks and also resumable. Identity sequences then continue after the highest copied id.

The check: per table, the row count and an order-independent checksum (the sum, modulo
2**64, of a hash of each row's values) on both sides must agree.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from db.postgres import search_index
from db.postgres.database import PostgresDatabase, redacted
from db.sqlite.database import bundled_migrations
from db.sqlite.maintenance import MaintenanceError

CHUNK_ROWS = 10_000

# Parents before children: every foreign key points to a table earlier in the list.
TABLES = (
    "companies",
    "company_aliases",
    "topics",
    "topic_keywords",
    "sources",
    "guild_sources",
    # Before headlines: an imported headline refers to the roundup that owns it (007).
    "roundups",
    "headlines",
    "headline_sources",
    "headline_companies",
    "headline_topics",
    "headline_mentions",
    "roundup_sections",
    "roundup_section_companies",
    "roundup_items",
    "guild_settings",
    "digest_posts",
    "digest_parts",
    "subscriptions",
    "alert_users",
    "alert_inbox",
    "alert_batches",
    "alert_outbox",
    "channel_feeds",
    "channel_inbox",
    "channel_posts",
    "channel_outbox",
    "guild_headline_companies",
    # Each server's next digest time (leases and processes are a running bot's own state).
    "digest_schedule",
)

_COLUMNS = """
SELECT column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND table_name = $1
 ORDER BY ordinal_position
"""
_IDENTITY_COLUMNS = """
SELECT table_name, column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND is_identity = 'YES'
"""
_UNINDEXED = """
SELECT h.sort_key, h.title, h.summary,
       array(SELECT company_id FROM headline_companies WHERE headline_id = h.id) AS companies,
       array(SELECT topic_id FROM headline_topics WHERE headline_id = h.id) AS topics
  FROM headlines AS h
 WHERE NOT EXISTS (SELECT 1 FROM headline_search AS s WHERE s.sort_key = h.sort_key)
 LIMIT $1
"""


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    rows: int  # in the source
    copied: int  # written by this run
    checksum: str  # the source's
    ok: bool  # the target's count and checksum agree


@dataclass(frozen=True, slots=True)
class CopyResult:
    source: Path
    target: str
    tables: tuple[TableCopy, ...]
    indexed: int  # headlines added to the search index by this run

    @property
    def ok(self) -> bool:
        return all(table.ok for table in self.tables)


Progress = Callable[[str, int], None]


async def copy_archive(source: Path, url: str, *, progress: Progress | None = None) -> CopyResult:
    if not await asyncio.to_thread(source.is_file):
        raise MaintenanceError(f"no database at {source}")
    with closing(_open_source(source)) as reader:
        version = int(reader.execute("PRAGMA user_version").fetchone()[0])
        latest = len(bundled_migrations())
        if version != latest:
            raise MaintenanceError(
                f"{source} is at schema version {version}, the code at {latest}: "
                "run `python -m bot db migrate` on it first"
            )
        async with (
            await PostgresDatabase.open(url, max_size=2) as target,
            target.pool.acquire() as connection,
        ):
            tables = [await _copy_table(reader, connection, table, progress) for table in TABLES]
            indexed = await _build_search_index(connection, progress)
            await _continue_sequences(connection)
    return CopyResult(source, redacted(url), tuple(tables), indexed)


def _open_source(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
    )
    connection.execute("PRAGMA busy_timeout = 5000")
    return connection


async def _copy_table(
    reader: sqlite3.Connection,
    connection: asyncpg.Connection,
    table: str,
    progress: Progress | None,
) -> TableCopy:
    columns = [row["column_name"] for row in await connection.fetch(_COLUMNS, table)]
    source_columns = {row[1] for row in reader.execute(f"PRAGMA table_info({_ident(table)})")}
    missing = [column for column in columns if column not in source_columns]
    if missing:
        raise MaintenanceError(f"{table}: the source has no column {missing[0]}")
    select = f"SELECT {', '.join(map(_ident, columns))} FROM {_ident(table)}"
    rows, checksum = await asyncio.to_thread(_count_and_checksum, reader, select)
    target_rows, target_checksum = await _target_count_and_checksum(connection, select)
    copied = 0
    if (rows, checksum) != (target_rows, target_checksum):
        copied = await _copy_rows(reader, connection, table, columns, select, progress)
        target_rows, target_checksum = await _target_count_and_checksum(connection, select)
    ok = (rows, checksum) == (target_rows, target_checksum)
    return TableCopy(table, rows, copied, f"{checksum:016x}", ok)


async def _copy_rows(
    reader: sqlite3.Connection,
    connection: asyncpg.Connection,
    table: str,
    columns: list[str],
    select: str,
    progress: Progress | None,
) -> int:
    cursor = reader.execute(select)
    stage = f"_copy_{table}"
    names = ", ".join(map(_ident, columns))
    await connection.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS {_ident(stage)} "
        f"(LIKE {_ident(table)} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    )
    copied = 0
    while chunk := await asyncio.to_thread(cursor.fetchmany, CHUNK_ROWS):
        async with connection.transaction():
            await connection.copy_records_to_table(stage, records=chunk, columns=columns)
            status = await connection.execute(
                f"INSERT INTO {_ident(table)} ({names}) SELECT {names} FROM {_ident(stage)} "
                "ON CONFLICT DO NOTHING"
            )
        copied += int(status.split()[-1])
        if progress is not None:
            progress(table, copied)
    return copied


def _count_and_checksum(reader: sqlite3.Connection, select: str) -> tuple[int, int]:
    cursor = reader.execute(select)
    count = total = 0
    while chunk := cursor.fetchmany(CHUNK_ROWS):
        count += len(chunk)
        total = (total + sum(map(_row_hash, chunk))) % 2**64
    return count, total


async def _target_count_and_checksum(
    connection: asyncpg.Connection, select: str
) -> tuple[int, int]:
    count = total = 0
    async with connection.transaction(isolation="repeatable_read", readonly=True):
        async for record in connection.cursor(select, prefetch=CHUNK_ROWS):
            count += 1
            total = (total + _row_hash(tuple(record))) % 2**64
    return count, total


def _row_hash(row: Sequence[Any]) -> int:
    text = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


async def _build_search_index(connection: asyncpg.Connection, progress: Progress | None) -> int:
    indexed = 0
    while rows := await connection.fetch(_UNINDEXED, CHUNK_ROWS):
        records = []
        for row in rows:
            entry = search_index.index_row(
                row["sort_key"],
                row["title"] + "\n" + row["summary"],
                row["companies"],
                row["topics"],
            )
            records.append((entry["sort_key"], entry["terms"], entry["keys"]))
        async with connection.transaction():
            await connection.copy_records_to_table(
                "headline_search", records=records, columns=["sort_key", "terms", "keys"]
            )
        indexed += len(records)
        if progress is not None:
            progress("headline_search", indexed)
    return indexed


async def _continue_sequences(connection: asyncpg.Connection) -> None:
    for row in await connection.fetch(_IDENTITY_COLUMNS):
        table, column = _ident(row["table_name"]), _ident(row["column_name"])
        await connection.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{row['column_name']}'), "
            f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)"
        )


def _ident(name: str) -> str:
    """A table or column name of our own schema, quoted as an identifier."""
    if not name.replace("_", "").isalnum():
        raise MaintenanceError(f"unexpected name in the schema: {name!r}")
    return '"' + name + '"'
