"""One test suite, both backends: the ``database`` fixtures of tests/db and the service tests
take a ``backend`` parameter (sqlite, postgres); this opens the database it names."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from db import AnyDatabase, Database, PostgresDatabase
from db.backend import Sql
from testkit.postgres import TemplateServer

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
