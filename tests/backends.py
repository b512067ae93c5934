"""One test suite, both backends: the ``database`` fixtures of tests/db and the service tests
take a ``backend`` parameter (sqlite, postgres); this opens the database it names."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from db import (
    AnyDatabase,
    Database,
    PostgresDatabase,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlTopicRepository,
)
from db.backend import Sql
from news.archive.service import ArchiveService
from testkit.postgres import Snapshot, TemplateServer

BACKENDS = ["sqlite", "postgres"]
# A test's commits need not survive a power cut: skip the fsync at each one.
TEST_SETTINGS = {"synchronous_commit": "off"}
# What a violated constraint raises, on either backend.
IntegrityError = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)

_TABLE_NAMES = Sql(
    sqlite="SELECT name FROM sqlite_master WHERE type = 'table'",
    postgres="SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
)


async def table_names(database: AnyDatabase) -> set[str]:
    return {row["name"] for row in await database.fetch_all(_TABLE_NAMES)}


@asynccontextmanager
async def open_backend(server: TemplateServer | None, path: Path) -> AsyncIterator[AnyDatabase]:
    """A fresh, migrated database: a new PostgreSQL database made from the session's template
    (dropped after) when ``server`` is given (the ``backend_server`` fixture), else a SQLite
    file at ``path``."""
    if server is None:
        async with await Database.open(path) as database:
            yield database
        return
    assert server.working is not None
    async with await PostgresDatabase.open(
        server.working, max_size=4, server_settings=TEST_SETTINGS
    ) as database:
        async with database.pool.acquire() as connection:
            await server.clean(connection)
        yield database


# The bundled catalogue as stored by the archive's start, per working database: putting it back
# costs ~0.15 s where seeding it again costs ~1.5 s (on this machine, under load).
_CATALOGUES: dict[str, Snapshot] = {}


async def seed_catalogue(server: TemplateServer, connection: asyncpg.Connection) -> None:
    """Empty the working database but for the bundled companies and topics, which a started
    archive service stores; seeded once a session, then put back from a snapshot."""
    assert server.working is not None
    if server.working not in _CATALOGUES:
        await server.clean(connection)
        async with await PostgresDatabase.open(server.working, max_size=1) as database:
            await ArchiveService(
                SqlCompanyRepository(database),
                SqlTopicRepository(database),
                SqlArchiveRepository(database),
            ).start()
        _CATALOGUES[server.working] = await server.snapshot(connection)
    await server.restore(connection, _CATALOGUES[server.working])


@asynccontextmanager
async def open_seeded_backend(
    server: TemplateServer | None, path: Path
) -> AsyncIterator[AnyDatabase]:
    """As open_backend, with the bundled catalogue stored already (on SQLite the archive's
    start seeds it, quickly)."""
    async with open_backend(server, path) as database:
        if server is not None and isinstance(database, PostgresDatabase):
            async with database.pool.acquire() as connection:
                await seed_catalogue(server, connection)
        yield database


def seeded_working_database(server: TemplateServer) -> str:
    """The session's working PostgreSQL database holding the bundled catalogue only, for a
    synchronous test that runs a command with asyncio.run: its URL."""
    assert server.working is not None
    working = server.working

    async def seed() -> None:
        connection = await asyncpg.connect(working, timeout=10)
        try:
            await seed_catalogue(server, connection)
        finally:
            await connection.close()

    asyncio.run(seed())
    return working


async def open_at(target: Path | str) -> AnyDatabase:
    """The database at ``target``: a PostgreSQL URL (a str) or a SQLite file (a Path)."""
    if isinstance(target, str):
        return await PostgresDatabase.open(target, max_size=4, server_settings=TEST_SETTINGS)
    return await Database.open(target)


async def reopen(database: AnyDatabase, path: Path) -> AnyDatabase:
    """Another connection to the same database (a restart): same file, or same URL."""
    if isinstance(database, PostgresDatabase):
        return await PostgresDatabase.open(database.url, max_size=4, server_settings=TEST_SETTINGS)
    return await Database.open(path)
