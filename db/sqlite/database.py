"""The one owner of the SQLite connection: pragmas, migrations, transactions and reads.

Every statement runs under one asyncio lock, so a reader never sees another coroutine's
half-finished write on the shared connection, and writers queue instead of failing with
"database is locked".
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

import aiosqlite

from db.backend import Dialect, HeadlineIndex, Params, Row, SchemaError, Statement, sql_text
from db.schema import SQLITE_MIGRATIONS, Migration, load_migrations, newer_schema_error
from db.sqlite import search_index

__all__ = ["MEMORY", "Database", "Params", "Row", "SchemaError", "Session", "bundled_migrations"]

MEMORY = ":memory:"


def bundled_migrations() -> list[Migration]:
    """The SQLite migrations shipped in db/migrations, numbered 1..N without gaps."""
    return load_migrations(SQLITE_MIGRATIONS)


class Session:
    """Runs statements on the connection while its holder owns the database lock."""

    dialect = Dialect.SQLITE
    index: HeadlineIndex = search_index

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: Statement, params: Params | None = None) -> None:
        await self._connection.execute(sql_text(sql, Dialect.SQLITE), params or {})

    async def executemany(self, sql: Statement, rows: Iterable[Params]) -> None:
        """Run ``sql`` once per row; no round trip to the database thread when there is none."""
        batch = list(rows)
        if batch:
            await self._connection.executemany(sql_text(sql, Dialect.SQLITE), batch)

    # execute_fetchall is one trip to aiosqlite's thread; execute + fetch + close would be three.

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]:
        text = sql_text(sql, Dialect.SQLITE)
        return list(await self._connection.execute_fetchall(text, params or {}))

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None


class Database:
    """Owns one aiosqlite connection; open with ``async with await Database.open(path)``."""

    dialect = Dialect.SQLITE

    def __init__(self, connection: aiosqlite.Connection, migrations: list[Migration]) -> None:
        self._connection = connection
        self._session = Session(connection)
        self._migrations = migrations
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating parent folders), set the pragmas and apply pending migrations.

        Raises SchemaError when the file was written by a newer version of the code.
        """
        if str(path) != MEMORY:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are ours (BEGIN IMMEDIATE), never implicit.
        connection = await aiosqlite.connect(path, isolation_level=None)
        connection.row_factory = sqlite3.Row
        database = cls(connection, bundled_migrations())
        try:
            await database._configure(is_file=str(path) != MEMORY)
            await database._refuse_newer_schema()
            if migrate:
                await database.migrate()
        except BaseException:
            await connection.close()
            raise
        return database

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # --- transactions and reads ---------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """One atomic write: committed when the block ends, rolled back if it raises.

        Inside the block, run statements on the yielded Session only: the lock is not
        re-entrant, so calling this Database again from the block would wait forever.
        """
        async with self._lock:
            # IMMEDIATE takes the write lock up front, so reads made inside the block
            # (e.g. max(id)) cannot be invalidated by another process before we write.
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._session
            except BaseException:
                await self._connection.rollback()
                raise
            await self._connection.commit()

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Session]:
        """Several reads that see one consistent state of the database."""
        async with self._lock:
            await self._connection.execute("BEGIN")
            try:
                yield self._session
            finally:
                await self._connection.rollback()

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]:
        async with self._lock:
            return await self._session.fetch_all(sql, params)

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None:
        async with self._lock:
            return await self._session.fetch_one(sql, params)

    # --- schema -------------------------------------------------------------------------

    @property
    def latest_version(self) -> int:
        """The schema version the bundled migrations lead to."""
        return len(self._migrations)

    async def schema_version(self) -> int:
        row = await self.fetch_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def pending_migrations(self) -> list[str]:
        current = await self.schema_version()
        return [m.name for m in self._migrations if m.version > current]

    async def migrate(self, *, dry_run: bool = False) -> list[str]:
        """Apply the pending migrations in order, each in its own transaction.

        Returns the names of the migrations applied (or, with dry_run, that would be).
        """
        current = await self.schema_version()
        pending = [m for m in self._migrations if m.version > current]
        if not dry_run:
            for migration in pending:
                await self._apply(migration)
        return [migration.name for migration in pending]

    async def _apply(self, migration: Migration) -> None:
        # executescript cannot bind parameters; the version is our own integer, not input.
        script = (
            "BEGIN IMMEDIATE;\n"
            + migration.sql
            + f"\n;PRAGMA user_version = {migration.version:d};\nCOMMIT;\n"
        )
        async with self._lock:
            try:
                await self._connection.executescript(script)
            except BaseException:
                await self._connection.rollback()
                raise

    async def _configure(self, *, is_file: bool) -> None:
        if is_file:
            await self._connection.execute("PRAGMA journal_mode = WAL")
        await self._connection.execute("PRAGMA foreign_keys = ON")
        await self._connection.execute("PRAGMA busy_timeout = 5000")
        await self._connection.execute("PRAGMA synchronous = NORMAL")
        # A search walks the index and checks each match in headline_sources and headlines,
        # pages spread over years of the archive: with SQLite's default 2 MiB cache a
        # million headlines re-read them from the OS on every search (a quarter of the time of
        # a search that checks a thousand matches). 64 MiB, taken only as pages are read.
        await self._connection.execute("PRAGMA cache_size = -65536")
        # The search statements check quoted phrases on their candidate rows in Python.
        await self._connection.create_function(
            "phrase_match", 3, search_index.phrase_match, deterministic=True
        )

    async def _refuse_newer_schema(self) -> None:
        version = await self.schema_version()
        if version > self.latest_version:
            raise newer_schema_error(version, self.latest_version)
