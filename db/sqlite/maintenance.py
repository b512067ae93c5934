"""Operator tasks on the database file: online backup, health check, migrations on demand.

Backup and check use their own short-lived sqlite3 connection, so they work while the bot
holds its own connection open; in WAL mode neither blocks the bot's writes.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from db.sqlite.database import Database, SchemaError, bundled_migrations

# 1,024 pages (4 MiB at the default page size) per step: each step is a few milliseconds.
BACKUP_PAGES_PER_STEP = 1024
BUSY_TIMEOUT_SECONDS = 5.0  # as the bot's busy_timeout: wait out a writer's commit


class MaintenanceError(RuntimeError):
    """A maintenance task refused or failed; the message is safe to show an operator."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    source: Path | str  # a file, or a PostgreSQL address (db/postgres/maintenance.py)
    path: Path
    size_bytes: int
    pages: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ForeignKeyViolation:
    table: str
    rowid: int | None
    parent: str


@dataclass(frozen=True, slots=True)
class CheckReport:
    path: Path | str  # a file, or a PostgreSQL address (db/postgres/maintenance.py)
    code_version: int
    schema_version: int | None = None
    pending: list[str] = field(default_factory=list)
    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[ForeignKeyViolation] = field(default_factory=list)
    unreadable: str | None = None

    @property
    def problems(self) -> list[str]:
        """Each thing wrong with the file, worded for an operator; empty when healthy."""
        if self.unreadable is not None:
            return [self.unreadable]
        found = [f"integrity: {message}" for message in self.integrity]
        found += [
            f"foreign key: {v.table} row {v.rowid} refers to a missing {v.parent} row"
            for v in self.foreign_keys
        ]
        version = self.schema_version or 0
        if version > self.code_version:
            found.append(
                f"schema version {version} is newer than this code's {self.code_version}: "
                "upgrade the bot"
            )
        elif self.pending:
            found.append(f"{len(self.pending)} pending migrations: {', '.join(self.pending)}")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class MigrationRun:
    dry_run: bool
    from_version: int
    to_version: int
    migrations: list[str]


# --- backup ---------------------------------------------------------------------------


def backup(
    source: Path,
    target: Path,
    *,
    force: bool = False,
    pages_per_step: int = BACKUP_PAGES_PER_STEP,
) -> BackupResult:
    """Copy ``source`` to ``target`` while other connections keep reading and writing.

    The copy is written to a temporary file beside ``target``, checked with
    ``PRAGMA integrity_check`` and only then renamed over ``target`` (atomically), so
    ``target`` is either the old file or a complete, verified copy, never half of one.
    """
    _refuse_unsafe_target(source, target, force=force)
    started = time.monotonic()
    descriptor, temporary_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        try:
            pages = _copy_snapshot(source, temporary, pages_per_step)
        except sqlite3.DatabaseError as error:
            raise MaintenanceError(f"cannot read {source}: {error}") from None
        problems = _integrity_problems(temporary)
        if problems:
            raise MaintenanceError(f"the copy failed its integrity check: {problems[0]}")
        _fsync_file(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(target.parent)
    return BackupResult(source, target, target.stat().st_size, pages, time.monotonic() - started)


def _refuse_unsafe_target(source: Path, target: Path, *, force: bool) -> None:
    if "\0" in str(target):  # the OS refuses it; say so instead of failing in os.stat
        raise MaintenanceError("a file name cannot contain a NUL character")
    if not source.is_file():
        raise MaintenanceError(f"no database at {source}")
    if not target.parent.is_dir():
        raise MaintenanceError(f"no such folder: {target.parent}")
    if target.exists():
        if target.is_dir():
            raise MaintenanceError(f"{target} is a folder; name the backup file")
        if not target.is_file():  # a device or a socket: never replaced, even with --force
            raise MaintenanceError(f"{target} is not a regular file")
        if target.samefile(source):
            raise MaintenanceError(f"{target} is the database itself")
        if not force:
            raise MaintenanceError(f"{target} already exists (--force replaces it)")


def _copy_snapshot(source: Path, target: Path, pages_per_step: int) -> int:
    """Copy ``source`` page by page from one read snapshot; return the page count.

    The read transaction held across the steps pins one WAL snapshot: writes other
    connections commit meanwhile are not in the copy and do not restart it (without it,
    SQLite restarts the backup after every outside write, forever on a busy database).
    In WAL mode the snapshot does not block writers.
    """
    with (
        closing(_connect_existing(source)) as reader,
        closing(sqlite3.connect(target, isolation_level=None)) as copy,
    ):
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        reader.backup(copy, pages=pages_per_step)
        reader.execute("ROLLBACK")
        # One self-contained file, no -wal beside it; the bot turns WAL back on at open.
        copy.execute("PRAGMA journal_mode = DELETE")
        return int(copy.execute("PRAGMA page_count").fetchone()[0])


def _fsync_file(path: Path) -> None:
    with path.open("rb") as file:
        os.fsync(file.fileno())


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable: without it a crash can bring back the old name.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- check ----------------------------------------------------------------------------


def check(path: Path) -> CheckReport:
    """Integrity, foreign keys and schema version of the file at ``path``; writes nothing."""
    code_version = len(bundled_migrations())
    if not path.is_file():
        return CheckReport(path, code_version, unreadable=f"no database at {path}")
    try:
        with closing(_connect_existing(path)) as connection:
            integrity = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
            violations = [
                ForeignKeyViolation(str(row[0]), row[1], str(row[2]))
                for row in connection.execute("PRAGMA foreign_key_check")
            ]
            version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        return CheckReport(path, code_version, unreadable=f"cannot read {path}: {error}")
    pending = [m.name for m in bundled_migrations() if m.version > version]
    return CheckReport(
        path,
        code_version,
        schema_version=version,
        pending=pending,
        integrity=[] if integrity == ["ok"] else integrity,
        foreign_keys=violations,
    )


def _integrity_problems(path: Path) -> list[str]:
    try:
        with closing(sqlite3.connect(path)) as connection:
            rows = [str(row[0]) for row in connection.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:  # too damaged for the check to walk it
        return [str(error)]
    return [] if rows == ["ok"] else rows


def _connect_existing(path: Path) -> sqlite3.Connection:
    """A connection to a file that must already exist (mode=rw never creates one)."""
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=rw",
        uri=True,
        isolation_level=None,
        timeout=BUSY_TIMEOUT_SECONDS,
    )


# --- migrate --------------------------------------------------------------------------


async def migrate(path: Path, *, dry_run: bool) -> MigrationRun:
    """Apply the pending migrations, or with ``dry_run`` only name them.

    A dry run on a missing file names every migration and creates nothing.
    """
    if dry_run and not await asyncio.to_thread(path.exists):
        names = [migration.name for migration in bundled_migrations()]
        return MigrationRun(True, 0, len(names), names)
    try:
        async with await Database.open(path, migrate=False) as database:
            before = await database.schema_version()
            names = await database.migrate(dry_run=dry_run)
            after = database.latest_version if dry_run else await database.schema_version()
    except SchemaError as error:
        raise MaintenanceError(str(error)) from None
    except sqlite3.DatabaseError as error:
        raise MaintenanceError(f"cannot read {path}: {error}") from None
    return MigrationRun(dry_run, before, after, names)
