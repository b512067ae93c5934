"""The PostgreSQL backend: an asyncpg pool behind the same Database/Session interface as
SQLite (db/backend.py), migrations tracked in a schema_version table, and the translation of
the repositories' ``:name`` parameters to PostgreSQL's ``$n``.

Transactions run at READ COMMITTED on one pooled connection each; writers that must not
interleave (headline ids) take an advisory lock inside theirs. Snapshots are REPEATABLE READ,
READ ONLY. Migrations run one per transaction under an advisory lock, so several processes
starting at once apply each migration exactly once.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from db.backend import DatabaseUnavailable, Dialect, HeadlineIndex, Params, Row, Statement, sql_text
from db.postgres import search_index
from db.schema import POSTGRES_MIGRATIONS, Migration, load_migrations, newer_schema_error

# Arbitrary constants of ours naming advisory locks (pg_advisory_xact_lock takes a bigint).
MIGRATION_LOCK = 1802

_SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)
"""
_SCHEMA_VERSION = "SELECT coalesce(max(version), 0) AS version FROM schema_version"
_HAS_SCHEMA_TABLE = "SELECT to_regclass('schema_version') IS NOT NULL AS present"
_RECORD_MIGRATION = "INSERT INTO schema_version (version, name) VALUES ($1, $2)"

# A ``:name`` parameter, not a ``::type`` cast; quoted strings and comments are skipped whole.
_TOKENS = re.compile(
    r"""(?P<skip>'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|::)|(?<![:\w]):(?P<name>[A-Za-z_]\w*)"""
)


def postgres_migrations() -> list[Migration]:
    """The PostgreSQL twins of the SQLite migrations, in db/postgres/migrations."""
    return load_migrations(POSTGRES_MIGRATIONS)


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> tuple[str, tuple[str, ...]]:
    """``sql`` with each distinct ``:name`` replaced by ``$n``, and the names in ``$n`` order."""
    names: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        if name is None:
            return match[0]
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    return _TOKENS.sub(replace, sql), tuple(names)


def _arguments(names: Sequence[str], params: Params | None) -> list[Any]:
    values = params or {}
    try:
        return [values[name] for name in names]
    except KeyError as missing:
        raise KeyError(f"no value for SQL parameter :{missing.args[0]}") from None


class Session:
    """Statements on one pooled connection, inside the holder's transaction."""

    dialect = Dialect.POSTGRES
    index: HeadlineIndex = search_index

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def execute(self, sql: Statement, params: Params | None = None) -> None:
        text, names = translate(sql_text(sql, Dialect.POSTGRES))
        await self.connection.execute(text, *_arguments(names, params))

    async def executemany(self, sql: Statement, rows: Iterable[Params]) -> None:
        text, names = translate(sql_text(sql, Dialect.POSTGRES))
        batch = [_arguments(names, row) for row in rows]
        if batch:
            await self.connection.executemany(text, batch)

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]:
        text, names = translate(sql_text(sql, Dialect.POSTGRES))
        return list(await self.connection.fetch(text, *_arguments(names, params)))

    async def fetch_each(self, reads: Sequence[tuple[Statement, Params]]) -> list[list[Row]]:
        return [await self.fetch_all(sql, params) for sql, params in reads]

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None:
        text, names = translate(sql_text(sql, Dialect.POSTGRES))
        row: Row | None = await self.connection.fetchrow(text, *_arguments(names, params))
        return row


class PostgresDatabase:
    """Owns an asyncpg pool; open with ``async with await PostgresDatabase.open(url)``."""

    dialect = Dialect.POSTGRES

    def __init__(self, pool: asyncpg.Pool, url: str, migrations: list[Migration]) -> None:
        self._pool = pool
        self.url = url
        self._migrations = migrations

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        migrate: bool = True,
        min_size: int = 1,
        max_size: int = 10,
        server_settings: dict[str, str] | None = None,
        refuse_newer: bool = True,
    ) -> PostgresDatabase:
        """Connect a pool and apply pending migrations.

        Raises DatabaseUnavailable (one line, no password) when the server cannot be reached,
        the database does not exist or the login is refused."""
        try:
            pool = await asyncpg.create_pool(
                url,
                min_size=min_size,
                max_size=max_size,
                command_timeout=60,
                timeout=10,
                # Our statements are short: JIT compiling one costs more than running it.
                server_settings={"jit": "off", **(server_settings or {})},
            )
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            raise DatabaseUnavailable(
                f"cannot reach the database at {redacted(url)}: {_reason(error)}"
            ) from None
        database = cls(pool, url, postgres_migrations())
        try:
            if refuse_newer:
                await database._refuse_newer_schema()
            if migrate:
                await database.migrate()
        except BaseException:
            await pool.close()
            raise
        return database

    async def close(self) -> None:
        await self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def pool(self) -> asyncpg.Pool:
        """For backend code (search plan guards, leases, copies): never for repositories."""
        return self._pool

    # --- transactions and reads ---------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Session]:
        """One atomic write: committed when the block ends, rolled back if it raises."""
        async with self._pool.acquire() as connection, connection.transaction():
            yield Session(connection)

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Session]:
        """Several reads that see one consistent state of the database."""
        async with (
            self._pool.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield Session(connection)

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]:
        text, names = translate(sql_text(sql, Dialect.POSTGRES))
        return list(await self._pool.fetch(text, *_arguments(names, params)))

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None:
        text, names = translate(sql_text(sql, Dialect.POSTGRES))
        row: Row | None = await self._pool.fetchrow(text, *_arguments(names, params))
        return row

    # --- schema -------------------------------------------------------------------------

    @property
    def latest_version(self) -> int:
        return len(self._migrations)

    async def schema_version(self) -> int:
        async with self._pool.acquire() as connection:
            return await _version(connection)

    async def pending_migrations(self) -> list[str]:
        current = await self.schema_version()
        return [m.name for m in self._migrations if m.version > current]

    async def migrate(self, *, dry_run: bool = False) -> list[str]:
        """Apply the pending migrations in order, each in its own transaction."""
        pending = await self.pending_migrations()
        if dry_run or not pending:
            return pending
        applied = []
        async with self._pool.acquire() as connection:
            for migration in self._migrations:
                async with connection.transaction():
                    await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                    await connection.execute(_SCHEMA_TABLE)
                    # Another process may have applied it while we waited for the lock.
                    if migration.version <= await _version(connection):
                        continue
                    await connection.execute(migration.sql)
                    await connection.execute(_RECORD_MIGRATION, migration.version, migration.name)
                    applied.append(migration.name)
        return applied

    async def _refuse_newer_schema(self) -> None:
        version = await self.schema_version()
        if version > self.latest_version:
            raise newer_schema_error(version, self.latest_version)


async def _version(connection: asyncpg.Connection) -> int:
    if not await connection.fetchval(_HAS_SCHEMA_TABLE):
        return 0
    return int(await connection.fetchval(_SCHEMA_VERSION))


def _reason(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}:***@{parts.hostname or ''}" + (
        f":{parts.port}" if parts.port else ""
    )
    return urlunsplit(parts._replace(netloc=netloc))
