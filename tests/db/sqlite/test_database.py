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


async def test_a_read_in_a_transaction_sees_the_writes_before_it(database: Database) -> None:
    insert = "INSERT INTO companies (name, english_name) VALUES (:n, :e)"
    async with database.transaction() as tx:
        await tx.executemany(insert, [{"n": "가", "e": "A"}, {"n": "나", "e": "B"}])
        await tx.execute(
            "UPDATE companies SET english_name = :e WHERE name = :n", {"n": "가", "e": "C"}
        )
        rows = await tx.fetch_all("SELECT name, english_name FROM companies ORDER BY name")
    assert [(row["name"], row["english_name"]) for row in rows] == [("가", "C"), ("나", "B")]


async def test_fetch_each_answers_every_read_after_the_writes_before_it(
    database: Database,
) -> None:
    insert = "INSERT INTO companies (name, english_name) VALUES (:n, :e)"
    count = "SELECT count(*) AS n FROM companies"
    async with database.transaction() as tx:
        await tx.execute(insert, {"n": "가", "e": "A"})
        first, names = await tx.fetch_each(
            [(count, {}), ("SELECT name FROM companies WHERE english_name = :e", {"e": "A"})]
        )
        await tx.execute(insert, {"n": "나", "e": "B"})
        (second,) = await tx.fetch_each([(count, {})])
    assert (first[0]["n"], [row["name"] for row in names], second[0]["n"]) == (1, ["가"], 2)


async def test_a_write_failing_at_commit_keeps_none_of_the_transaction(database: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with database.transaction() as tx:
            await tx.execute(
                "INSERT INTO companies (name, english_name) VALUES (:n, :e)", {"n": "가", "e": "A"}
            )
            await tx.execute(
                "INSERT INTO guild_sources (guild_id, source_id) VALUES (:g, :s)", {"g": 1, "s": 99}
            )
    assert await database.fetch_all("SELECT * FROM companies") == []
    async with database.transaction() as tx:  # the session starts clean again
        await tx.execute(
            "INSERT INTO companies (name, english_name) VALUES (:n, :e)", {"n": "나", "e": "B"}
        )
    assert [row["name"] for row in await database.fetch_all("SELECT name FROM companies")] == ["나"]


async def _pragma(database: Database, name: str) -> object:
    row = await database.fetch_one("PRAGMA " + name)
    assert row is not None
    return row[0]
