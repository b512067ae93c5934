"""Opening the archive: SQLite at DATABASE_PATH, or PostgreSQL when DATABASE_URL is set."""

from __future__ import annotations

from pathlib import Path

from db.backend import Database, DatabaseUnavailable
from db.postgres.database import PostgresDatabase, redacted
from db.sqlite.database import Database as SqliteDatabase


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("postgresql://", "postgres://"))


async def open_database(
    path: str | Path,
    url: str | None = None,
    *,
    migrate: bool = True,
    stalled_transaction_seconds: float | None = None,
) -> Database:
    """The archive's database, migrated unless ``migrate`` is False; close it after.

    ``stalled_transaction_seconds``: on PostgreSQL, the server ends a session that sits in a
    transaction for longer without sending anything (see ``open_postgres``).

    Raises DatabaseUnavailable when PostgreSQL cannot be reached (no server, unknown
    database, refused login), SchemaError when the schema is newer than the code.
    """
    if url:
        return await open_postgres(
            url, migrate=migrate, stalled_transaction_seconds=stalled_transaction_seconds
        )
    return await SqliteDatabase.open(path, migrate=migrate)


async def open_postgres(
    url: str, *, migrate: bool = True, stalled_transaction_seconds: float | None = None
) -> PostgresDatabase:
    """The PostgreSQL pool. With ``stalled_transaction_seconds`` (the bot passes
    LEASE_SECONDS), a process frozen inside a transaction (SIGSTOP, a paused VM) has it ended
    by the server after that long: a fenced write holds its lease's row FOR SHARE
    (db/leases.py), and the process taking the lease over would otherwise wait on that row
    until the frozen one woke up, however long that was."""
    if not is_postgres_url(url):
        raise DatabaseUnavailable(
            f"DATABASE_URL must start with postgresql:// (got {redacted(url)!r})"
        )
    server_settings = {}
    if stalled_transaction_seconds is not None:
        milliseconds = max(1, round(stalled_transaction_seconds * 1000))
        server_settings["idle_in_transaction_session_timeout"] = f"{milliseconds}ms"
    return await PostgresDatabase.open(url, migrate=migrate, server_settings=server_settings)
