"""Backup, check and migrate on real SQLite files, with other connections open as the bot's."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from db import Database
from db.sqlite.database import bundled_migrations
from db.sqlite.maintenance import MaintenanceError, backup, check, migrate

LATEST = len(bundled_migrations())
PAGE = 4096


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _count(path: Path, table: str = "companies") -> int:
    with closing(_connect(path)) as connection:
        # The table name is one of this module's literals, never input.
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _user_version(path: Path) -> int:
    with closing(_connect(path)) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _add_companies(connection: sqlite3.Connection, first: int, count: int) -> None:
    connection.executemany(
        "INSERT INTO companies (name, english_name) VALUES (?, ?)",
        [(f"company {n}", "x" * 300) for n in range(first, first + count)],
    )


@pytest.fixture(scope="module")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once per module: applying every migration takes a few tenths of a second."""
    path = tmp_path_factory.mktemp("template") / "archive.db"

    async def create() -> None:
        async with await Database.open(path):
            pass

    asyncio.run(create())
    with closing(_connect(path)) as connection:
        _add_companies(connection, 0, 1000)
    return path


@pytest.fixture
def archive_file(migrated_template: Path, tmp_path: Path) -> Path:
    """A migrated archive with a few hundred kilobytes of rows."""
    return Path(shutil.copy(migrated_template, tmp_path / "archive.db"))


@pytest.fixture
def writer(archive_file: Path) -> Iterator[sqlite3.Connection]:
    """The bot's connection: WAL on, as Database.open leaves it."""
    with closing(_connect(archive_file)) as connection:
        connection.execute("PRAGMA journal_mode = WAL")
        yield connection


def _files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _leftovers(folder: Path) -> list[str]:
    return [name for name in _files(folder) if name.endswith(".tmp")]


# --- backup ---------------------------------------------------------------------------


def test_backup_leaves_out_a_write_still_in_its_transaction(
    archive_file: Path, writer: sqlite3.Connection, tmp_path: Path
) -> None:
    writer.execute("BEGIN IMMEDIATE")
    _add_companies(writer, 5000, 50)

    result = backup(archive_file, tmp_path / "copy.db", pages_per_step=8)
    writer.execute("COMMIT")

    assert result.pages > 8  # really copied in several steps
    assert _count(tmp_path / "copy.db") == 1000
    assert _count(archive_file) == 1050
    assert check(tmp_path / "copy.db").ok


def test_backup_finishes_with_one_consistent_snapshot_while_writes_commit(
    archive_file: Path, tmp_path: Path
) -> None:
    """Each write adds a company and its alias together: any snapshot has as many of each."""
    done = threading.Event()
    written = 0

    def keep_writing() -> None:
        nonlocal written
        with closing(_connect(archive_file)) as connection:
            while not done.is_set():
                connection.execute("BEGIN IMMEDIATE")
                cursor = connection.execute(
                    "INSERT INTO companies (name) VALUES (?)", (f"new {written}",)
                )
                connection.execute(
                    "INSERT INTO company_aliases (company_id, alias, normalized, language) "
                    "VALUES (?, ?, ?, 'en')",
                    (cursor.lastrowid, f"new {written}", f"new {written}"),
                )
                connection.execute("COMMIT")
                written += 1

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        backup(archive_file, tmp_path / "copy.db", pages_per_step=1)
    finally:
        done.set()
        thread.join()

    copy = tmp_path / "copy.db"
    assert _count(copy) - 1000 == _count(copy, "company_aliases")
    assert check(copy).ok


def test_backup_refuses_to_replace_a_file_without_force(archive_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.db"
    target.write_bytes(b"yesterday's backup")

    with pytest.raises(MaintenanceError, match="already exists"):
        backup(archive_file, target)

    assert target.read_bytes() == b"yesterday's backup"
    backup(archive_file, target, force=True)
    assert _count(target) == 1000
    assert _leftovers(tmp_path) == []


def test_backup_refuses_to_write_over_the_database_itself(archive_file: Path) -> None:
    with pytest.raises(MaintenanceError, match="the database itself"):
        backup(archive_file, archive_file, force=True)


@pytest.mark.parametrize(
    ("target", "message"),
    [("/dev/null", "not a regular file"), ("with\0nul.db", "NUL character")],
)
def test_backup_refuses_a_target_that_is_not_a_file_name(
    archive_file: Path, target: str, message: str
) -> None:
    with pytest.raises(MaintenanceError, match=message):
        backup(archive_file, Path(target), force=True)


def test_backup_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(MaintenanceError, match="no database"):
        backup(tmp_path / "absent.db", tmp_path / "copy.db")
    assert not (tmp_path / "absent.db").exists()
    assert not (tmp_path / "copy.db").exists()


def test_a_corrupt_copy_is_not_renamed_into_place(archive_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    shutil.copy(archive_file, broken)
    _scribble(broken)

    with pytest.raises(MaintenanceError, match="integrity"):
        backup(broken, tmp_path / "copy.db")

    assert not (tmp_path / "copy.db").exists()
    assert _leftovers(tmp_path) == []


# --- check ----------------------------------------------------------------------------


def _scribble(path: Path) -> None:
    """Overwrite the pages after the schema with garbage, as a failing disk would."""
    with path.open("r+b") as file:
        file.seek(3 * PAGE)
        file.write(b"\xa5" * (8 * PAGE))


def test_check_passes_a_healthy_archive_while_it_is_open(
    archive_file: Path, writer: sqlite3.Connection
) -> None:
    writer.execute("BEGIN IMMEDIATE")
    _add_companies(writer, 5000, 1)

    report = check(archive_file)

    writer.execute("COMMIT")
    assert report.ok, report.problems
    assert report.schema_version == report.code_version == LATEST


def test_check_finds_overwritten_pages(archive_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    shutil.copy(archive_file, broken)
    _scribble(broken)

    report = check(broken)

    assert not report.ok
    assert report.problems


def test_check_finds_a_truncated_file(archive_file: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.db"
    shutil.copy(archive_file, broken)
    with broken.open("r+b") as file:
        file.truncate(broken.stat().st_size // 2)

    assert not check(broken).ok


def test_check_finds_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"not sqlite at all" * 100)

    report = check(path)

    assert report.problems == [f"cannot read {path}: file is not a database"]


def test_check_finds_rows_that_refer_to_missing_rows(archive_file: Path) -> None:
    with closing(_connect(archive_file)) as connection:
        connection.execute(
            "INSERT INTO company_aliases (company_id, alias, normalized, language) "
            "VALUES (999999, 'ghost', 'ghost', 'en')"
        )

    problems = check(archive_file).problems

    assert len(problems) == 1
    assert "company_aliases" in problems[0]
    assert "companies" in problems[0]


def test_check_reports_a_schema_newer_than_the_code(archive_file: Path) -> None:
    with closing(_connect(archive_file)) as connection:
        connection.execute(f"PRAGMA user_version = {LATEST + 1:d}")

    report = check(archive_file)

    assert report.problems == [
        f"schema version {LATEST + 1} is newer than this code's {LATEST}: upgrade the bot"
    ]


def test_check_reports_pending_migrations(tmp_path: Path) -> None:
    path = _archive_at_version_one(tmp_path)

    report = check(path)

    assert report.pending == [m.name for m in bundled_migrations()[1:]]
    assert not report.ok
    assert _user_version(path) == 1


def test_check_of_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    report = check(tmp_path / "absent.db")
    assert report.problems == [f"no database at {tmp_path / 'absent.db'}"]
    assert not (tmp_path / "absent.db").exists()


# --- migrate --------------------------------------------------------------------------


def _archive_at_version_one(tmp_path: Path) -> Path:
    path = tmp_path / "old.db"
    with closing(_connect(path)) as connection:
        connection.executescript(bundled_migrations()[0].sql)
        connection.execute("PRAGMA user_version = 1")
    return path


async def test_migrate_dry_run_names_the_pending_migrations_and_changes_nothing(
    tmp_path: Path,
) -> None:
    path = _archive_at_version_one(tmp_path)
    before = path.read_bytes()

    run = await migrate(path, dry_run=True)

    assert run.migrations == [m.name for m in bundled_migrations()[1:]]
    assert (run.from_version, run.to_version) == (1, LATEST)
    assert _user_version(path) == 1
    assert path.read_bytes()[100:] == before[100:]  # past the header's change counters


async def test_migrate_applies_the_pending_migrations(tmp_path: Path) -> None:
    path = _archive_at_version_one(tmp_path)

    run = await migrate(path, dry_run=False)

    assert (run.from_version, run.to_version) == (1, LATEST)
    assert _user_version(path) == LATEST
    assert (await migrate(path, dry_run=False)).migrations == []


async def test_migrate_dry_run_on_a_missing_file_creates_nothing(tmp_path: Path) -> None:
    run = await migrate(tmp_path / "new.db", dry_run=True)

    assert run.migrations == [m.name for m in bundled_migrations()]
    assert _files(tmp_path) == []


async def test_migrate_refuses_a_schema_newer_than_the_code(archive_file: Path) -> None:
    with closing(_connect(archive_file)) as connection:
        connection.execute(f"PRAGMA user_version = {LATEST + 1:d}")

    with pytest.raises(MaintenanceError, match="upgrade the bot"):
        await migrate(archive_file, dry_run=False)
    assert _user_version(archive_file) == LATEST + 1
