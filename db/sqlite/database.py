"""The one owner of the SQLite connection: pragmas, migrations, transactions and reads.

Every statement runs under one asyncio lock, so a reader never sees another coroutine's
half-finished write on the shared connection, and writers queue instead of failing with
"database is locked".
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

import aiosqlite

from db.backend import Dialect, HeadlineIndex, Params, Row, SchemaError, Statement, sql_text
from db.schema import SQLITE_MIGRATIONS, Migration, load_migrations, newer_schema_error
from db.sqlite import search_index

__all__ = ["MEMORY", "Database", "Params", "Row", "SchemaError", "Session", "bundled_migrations"]

MEMORY = ":memory:"
T = TypeVar("T")


def bundled_migrations() -> list[Migration]:
    """The SQLite migrations shipped in db/migrations, numbered 1..N without gaps."""
    return load_migrations(SQLITE_MIGRATIONS)


class Session:
    """Runs statements on the connection while its holder owns the database lock.

    Writes (``execute``, ``executemany``) wait in the session and go to aiosqlite's thread
    together with the next read or the commit, in the order they were made: every trip to
    that thread costs two thread wake-ups, and saving a roundup makes about twenty
    statements. A failed write surfaces at that read or commit, inside the same
    transaction, which then rolls back as it would have.
    """

    dialect = Dialect.SQLITE
    index: HeadlineIndex = search_index

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self._pending: list[tuple[str, list[Params]]] = []

    async def execute(self, sql: Statement, params: Params | None = None) -> None:
        self._pending.append((sql_text(sql, Dialect.SQLITE), [params or {}]))

    async def executemany(self, sql: Statement, rows: Iterable[Params]) -> None:
        """Run ``sql`` once per row (nothing at all for no rows)."""
        batch = list(rows)
        if batch:
            self._pending.append((sql_text(sql, Dialect.SQLITE), batch))

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]:
        text = sql_text(sql, Dialect.SQLITE)
        if not self._pending:  # execute_fetchall is one trip; execute + fetch + close, three
            return list(await self._connection.execute_fetchall(text, params or {}))
        writes = self._take_pending()
        rows: list[Row] = await self._in_thread(_write_then_read, writes, text, params or {})
        return rows

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None:
        rows = await self.fetch_all(sql, params)
        return rows[0] if rows else None

    async def fetch_each(self, reads: Sequence[tuple[Statement, Params]]) -> list[list[Row]]:
        """The waiting writes, then each read, in one trip."""
        texts = [(sql_text(sql, Dialect.SQLITE), params) for sql, params in reads]
        return await self._in_thread(_write_then_read_each, self._take_pending(), texts)

    async def commit(self) -> None:
        """The waiting writes and the commit, in one trip."""
        await self._in_thread(_write_then_commit, self._take_pending())

    def discard(self) -> None:
        """Forget the waiting writes (the transaction rolls back)."""
        self._pending = []

    def _take_pending(self) -> list[tuple[str, list[Params]]]:
        writes, self._pending = self._pending, []
        return writes

    async def _in_thread(self, function: Callable[..., T], *args: object) -> T:
        # aiosqlite runs every call on its connection in its own thread; _execute is how its
        # public methods queue one there, here with several statements at once.
        queue: Callable[..., Awaitable[T]] = self._connection._execute
        return await queue(function, self._connection._conn, *args)


def _write(connection: sqlite3.Connection, writes: list[tuple[str, list[Params]]]) -> None:
    for sql, rows in writes:
        if len(rows) == 1:
            connection.execute(sql, rows[0])
        else:
            connection.executemany(sql, rows)


def _write_then_read(
    connection: sqlite3.Connection,
    writes: list[tuple[str, list[Params]]],
    sql: str,
    params: Params,
) -> list[Row]:
    _write(connection, writes)
    return list(connection.execute(sql, params).fetchall())


def _write_then_read_each(
    connection: sqlite3.Connection,
    writes: list[tuple[str, list[Params]]],
    reads: list[tuple[str, Params]],
) -> list[list[Row]]:
    _write(connection, writes)
    return [list(connection.execute(sql, params).fetchall()) for sql, params in reads]


def _write_then_commit(
    connection: sqlite3.Connection, writes: list[tuple[str, list[Params]]]
) -> None:
    _write(connection, writes)
    connection.commit()


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
            # (e.g. max(id)) cannot be invalidated by another process before we write. It
            # goes with the block's first trip to the database thread, before anything else.
            await self._session.execute("BEGIN IMMEDIATE")
            try:
                yield self._session
                await self._session.commit()
            except BaseException:
                self._session.discard()
                await self._connection.rollback()
                raise

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Session]:
        """Several reads that see one consistent state of the database."""
        async with self._lock:
            await self._connection.execute("BEGIN")
            try:
                yield self._session
            finally:
                self._session.discard()
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
        # Migration 013 fills the pairs column of the stored index rows from their terms.
        await self._connection.create_function(
            "term_pairs", 1, search_index.index_pairs, deterministic=True
        )

    async def _refuse_newer_schema(self) -> None:
        version = await self.schema_version()
        if version > self.latest_version:
            raise newer_schema_error(version, self.latest_version)
