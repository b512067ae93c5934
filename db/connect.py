"""Opening the archive: SQLite at DATABASE_PATH, or PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

from pathlib import Path

from db.backend import Database, DatabaseUnavailable
from db.postgres.database import PostgresDatabase, redacted
from db.sqlite.database import Database as SqliteDatabase


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


async def open_database(
    path: str | Path, url: str | None = None, *, migrate: bool = True
) -> Database:
    """The archive's database, migrated unless ``migrate`` is False; close it after.

    Raises DatabaseUnavailable when PostgreSQL cannot be reached (no server, unknown
    database, refused login), SchemaError when the schema is newer than the code.
    """
    if url:
        return await open_postgres(url, migrate=migrate)
    return await SqliteDatabase.open(path, migrate=migrate)


async def open_postgres(url: str, *, migrate: bool = True) -> PostgresDatabase:
    if not is_postgres_url(url):
        raise DatabaseUnavailable(
            f"DATABASE_URL must start with postgresql:// (got {redacted(url)!r})"
        )
    return await PostgresDatabase.open(url, migrate=migrate)
