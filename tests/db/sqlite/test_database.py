from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db import Database, SchemaError
from db.sqlite.database import bundled_migrations


async def test_all_migrations_apply_to_an_empty_database(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "empty.db") as database:
        assert await database.schema_version() == len(bundled_migrations())
        assert await database.pending_migrations() == []


async def test_every_migration_opens_with_a_reason_comment() -> None:
    for migration in bundled_migrations():
        first_line = migration.sql.splitlines()[0]
        assert first_line.startswith("-- ") and len(first_line) > 10, migration.name


async def test_opening_creates_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deeper" / "archive.db"
    async with await Database.open(path):
        pass
    assert path.exists()


async def test_memory_database_is_migrated() -> None:
    async with await Database.open(":memory:") as database:
        assert await database.schema_version() == database.latest_version


async def test_newer_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {len(bundled_migrations()) + 1}")
    connection.close()
    with pytest.raises(SchemaError, match="only knows"):
        await Database.open(path)


async def test_migrate_dry_run_lists_pending_without_applying(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "a.db", migrate=False) as database:
        names = [migration.name for migration in bundled_migrations()]
        assert await database.migrate(dry_run=True) == names
        assert await database.schema_version() == 0
        assert await database.migrate() == names
        assert await database.schema_version() == len(names)


async def test_reopening_applies_nothing_again(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "a.db"):
        pass
    async with await Database.open(tmp_path / "a.db") as database:
        assert await database.migrate() == []


async def test_pragmas_are_set(database: Database) -> None:
    assert await _pragma(database, "foreign_keys") == 1
    assert await _pragma(database, "journal_mode") == "wal"
    assert await _pragma(database, "busy_timeout") == 5000
    assert await _pragma(database, "synchronous") == 1  # NORMAL
    assert await _pragma(database, "cache_size") == -65536  # KiB: the search's pages stay


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with database.transaction() as tx:
            await tx.execute(
                "INSERT INTO guild_sources (guild_id, source_id) VALUES (:g, :s)", {"g": 1, "s": 99}
            )


async def test_failed_transaction_leaves_nothing_written(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as tx:
            await tx.execute(
                "INSERT INTO companies (name, english_name) VALUES (:n, :e)", {"n": "가", "e": "A"}
            )
            raise RuntimeError("crash in the middle of a write")
    assert await database.fetch_all("SELECT * FROM companies") == []


async def test_committed_transaction_is_visible(database: Database) -> None:
    async with database.transaction() as tx:
        await tx.execute(
            "INSERT INTO companies (name, english_name) VALUES (:n, :e)", {"n": "가", "e": "A"}
        )
    rows = await database.fetch_all("SELECT name FROM companies")
    assert [row["name"] for row in rows] == ["가"]


async def _pragma(database: Database, name: str) -> object:
    row = await database.fetch_one("PRAGMA " + name)
    assert row is not None
    return row[0]
