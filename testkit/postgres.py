"""Throwaway PostgreSQL databases for tests and benches, fast: the migrations are applied once,
to a template database; ``fresh()`` makes a database from it (``CREATE DATABASE ... TEMPLATE``)
and ``clean()`` empties the session's working database between tests.

Why both: on this machine's disk CREATE DATABASE and DROP DATABASE take about a second each
(they fsync the copied files), so a database per test would add minutes to the suite.
The repository tests share one working database made from the template, emptied before each
test (DELETE in foreign-key order and sequences reset, one transaction: ~10 ms), which leaves
it exactly as fresh from the template; tests about the schema itself take a fresh() one.

The server is TEST_DATABASE_URL (any database on it; we connect to it to create others), by
default postgresql://postgres@127.0.0.1:5432/postgres. When it does not answer, the tests that
need it are skipped, unless REQUIRE_POSTGRES=1 (CI) makes that a failure.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from db.postgres.database import PostgresDatabase

DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_SERVER_URL


def required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0", "false")


def with_database(url: str, name: str) -> str:
    """The same server address, naming database ``name``."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


async def unreachable_reason(url: str) -> str | None:
    """None when a server answers at ``url``, else why not (one line)."""
    try:
        connection = await asyncpg.connect(url, timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        return f"{type(error).__name__}: {error}".splitlines()[0]
    await connection.close()
    return None


def _quoted(name: str) -> str:
    # Our own generated names (letters, digits, underscores), quoted as identifiers.
    assert name.replace("_", "").isalnum(), name
    return '"' + name + '"'


@dataclass
class TemplateServer:
    """A server with one migrated template; makes and drops fresh databases from it."""

    url: str
    prefix: str = field(default_factory=lambda: f"rt_{os.getpid()}_{uuid.uuid4().hex[:6]}")
    template: str | None = None
    working: str | None = None
    _counter: itertools.count[int] = field(default_factory=itertools.count)
    _clean_script: str | None = None
    _tables: list[str] = field(default_factory=list)  # children before parents

    async def create_template(self) -> None:
        name = f"{self.prefix}_template"
        await self._admin(f"CREATE DATABASE {_quoted(name)}")
        database = await PostgresDatabase.open(with_database(self.url, name), max_size=1)
        await database.close()
        self.template = name

    async def create_working(self) -> str:
        """The session's working database, made from the template; its URL."""
        self.working = await self.fresh()
        connection = await asyncpg.connect(self.working, timeout=10)
        try:
            self._clean_script, self._tables = await _clean_script(connection)
        finally:
            await connection.close()
        return self.working

    async def clean(self, connection: asyncpg.Connection) -> None:
        """Empty every table of the working database and reset its sequences."""
        assert self._clean_script is not None
        await connection.execute(self._clean_script)

    async def fresh(self) -> str:
        """A new migrated database: its URL."""
        assert self.template is not None
        name = f"{self.prefix}_{next(self._counter)}"
        await self._admin(f"CREATE DATABASE {_quoted(name)} TEMPLATE {_quoted(self.template)}")
        return with_database(self.url, name)

    async def snapshot(self, connection: asyncpg.Connection) -> Snapshot:
        """Every row of the working database, to put back after a clean() (say, a catalogue
        seeded once for a module): much cheaper than a database per test."""
        tables = [(table, await connection.fetch(f"SELECT * FROM {_quoted(table)}"))
                  for table in reversed(self._tables)]  # fmt: skip
        return Snapshot(
            tuple((table, list(rows[0].keys()), rows) for table, rows in tables if rows)
        )

    async def restore(self, connection: asyncpg.Connection, snapshot: Snapshot) -> None:
        """Empty the working database and put the snapshot's rows back, parents first, with
        the identity sequences moved past them."""
        await self.clean(connection)
        async with connection.transaction():
            for table, columns, rows in snapshot.tables:
                await connection.copy_records_to_table(
                    table, records=[tuple(row) for row in rows], columns=columns
                )
            for row in await connection.fetch(_IDENTITY_COLUMNS):
                table, column = row["table_name"], row["column_name"]
                await connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{_quoted(table)}', '{column}'), "
                    f"coalesce(max({_quoted(column)}), 0) + 1, false) FROM {_quoted(table)}"
                )

    async def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        await self._admin(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")

    async def drop_template(self) -> None:
        if self.working is not None:
            await self.drop(self.working)
            self.working = None
        if self.template is not None:
            await self.drop(with_database(self.url, self.template))
            self.template = None

    async def _admin(self, statement: str) -> None:
        connection = await asyncpg.connect(self.url, timeout=10)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


_FOREIGN_KEYS = """
SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
  FROM pg_constraint AS c
 WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace
"""
_TABLES = """
SELECT tablename FROM pg_tables
 WHERE schemaname = 'public' AND tablename <> 'schema_version'
 ORDER BY tablename
"""
_SEQUENCES = "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
_IDENTITY_COLUMNS = """
SELECT table_name, column_name FROM information_schema.columns
 WHERE table_schema = 'public' AND is_identity = 'YES'
"""


@dataclass(frozen=True)
class Snapshot:
    """Rows of the working database: (table, columns, rows), parents first."""

    tables: tuple[tuple[str, list[str], list[asyncpg.Record]], ...]


async def _clean_script(connection: asyncpg.Connection) -> tuple[str, list[str]]:
    """DELETE from every table, children before parents, and restart every sequence; and
    the tables in that order."""
    tables = [row["tablename"] for row in await connection.fetch(_TABLES)]
    parents: dict[str, set[str]] = {table: set() for table in tables}
    for row in await connection.fetch(_FOREIGN_KEYS):
        if row["child"] != row["parent"]:
            parents[row["child"]].add(row["parent"])
    ordered: list[str] = []
    while len(ordered) < len(tables):  # a table goes once no remaining table refers to it
        for table in tables:
            if table not in ordered and not any(
                table in parents[other] for other in tables if other not in ordered
            ):
                ordered.append(table)
    statements = ["BEGIN", "SET LOCAL synchronous_commit = off"]
    statements += [f"DELETE FROM {_quoted(table)}" for table in ordered]
    statements += [
        f"SELECT setval('{row['sequencename']}', 1, false)"
        for row in await connection.fetch(_SEQUENCES)
    ]
    statements.append("COMMIT")
    return ";\n".join(statements), ordered


def start_template_server() -> tuple[TemplateServer | None, str | None]:
    """(server with its template, None), or (None, why not) when no server answers.
    Synchronous: called from a session fixture, outside any event loop."""
    url = server_url()
    reason = asyncio.run(unreachable_reason(url))
    if reason is not None:
        return None, f"no PostgreSQL at {url} ({reason})"
    server = TemplateServer(url)

    async def start() -> None:
        await server.create_template()
        await server.create_working()

    asyncio.run(start())
    return server, None
