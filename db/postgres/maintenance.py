"""Operator tasks on a PostgreSQL archive: migrations on demand, a health check, a backup.

``db check`` on PostgreSQL means: the server answers; the schema version (schema_version)
against the code's, with the pending migrations and any applied migration whose name is not
the code's (a twin renamed or missing); constraints left NOT VALID and indexes left invalid
(a failed CREATE INDEX CONCURRENTLY); and headlines missing from the search index. The
server checks its own pages (checksums, WAL), so there is no integrity_check to run.

``db backup`` runs ``pg_dump --format=custom`` into a temporary file beside the target,
checks the archive by listing it with ``pg_restore --list``, and renames it into place.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

from db.backend import SchemaError
from db.postgres.database import PostgresDatabase, postgres_migrations, redacted
from db.sqlite.maintenance import BackupResult, CheckReport, MaintenanceError, MigrationRun

_APPLIED = """
SELECT version, name FROM schema_version ORDER BY version
"""
_NOT_VALID_CONSTRAINTS = """
SELECT conrelid::regclass::text AS relation, conname AS name
  FROM pg_constraint
 WHERE NOT convalidated AND connamespace = 'public'::regnamespace
 ORDER BY 1, 2
"""
_INVALID_INDEXES = """
SELECT i.indexrelid::regclass::text AS name
  FROM pg_index AS i JOIN pg_class AS c ON c.oid = i.indexrelid
 WHERE NOT (i.indisvalid AND i.indisready) AND c.relnamespace = 'public'::regnamespace
 ORDER BY 1
"""
_UNINDEXED_HEADLINES = """
SELECT count(*) AS missing FROM headlines AS h
 WHERE NOT EXISTS (SELECT 1 FROM headline_search AS s WHERE s.sort_key = h.sort_key)
"""


async def migrate(url: str, *, dry_run: bool) -> MigrationRun:
    try:
        async with await PostgresDatabase.open(url, migrate=False, max_size=2) as database:
            before = await database.schema_version()
            names = await database.migrate(dry_run=dry_run)
            after = database.latest_version if dry_run else await database.schema_version()
    except SchemaError as error:
        raise MaintenanceError(str(error)) from None
    return MigrationRun(dry_run, before, after, names)


async def check(url: str) -> CheckReport:
    """The report of ``db check`` for the database at ``url``; writes nothing."""
    migrations = postgres_migrations()
    code_version = len(migrations)
    where = redacted(url)
    async with await PostgresDatabase.open(
        url, migrate=False, max_size=1, refuse_newer=False
    ) as database:
        version = await database.schema_version()
        async with database.snapshot() as reads:
            applied = await reads.fetch_all(_APPLIED) if version else []
            constraints = await reads.fetch_all(_NOT_VALID_CONSTRAINTS)
            indexes = await reads.fetch_all(_INVALID_INDEXES)
            unindexed = await reads.fetch_one(_UNINDEXED_HEADLINES) if version else None
    names = {m.version: m.name for m in migrations}
    problems = [
        f"migration {row['version']} was applied as {row['name']}, the code names it "
        f"{names[row['version']]}"
        for row in applied
        if row["version"] in names and row["name"] != names[row["version"]]
    ]
    problems += [
        f"constraint {row['name']} on {row['relation']} is NOT VALID" for row in constraints
    ]
    problems += [f"index {row['name']} is invalid (rebuild it with REINDEX)" for row in indexes]
    if unindexed is not None and unindexed["missing"]:
        problems.append(f"{unindexed['missing']} headlines are missing from the search index")
    return CheckReport(
        where,
        code_version,
        schema_version=version,
        pending=[m.name for m in migrations if m.version > version],
        integrity=problems,
    )


async def backup(url: str, target: Path, *, force: bool = False) -> BackupResult:
    """pg_dump the database to ``target`` (custom format), verified before it is renamed."""
    pg_dump, pg_restore = shutil.which("pg_dump"), shutil.which("pg_restore")
    if pg_dump is None or pg_restore is None:
        raise MaintenanceError(
            "pg_dump and pg_restore are not on PATH: install the PostgreSQL client tools"
        )
    _refuse_unsafe_target(target, force=force)
    started = time.monotonic()
    descriptor, temporary_name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    os.close(descriptor)
    temporary = Path(temporary_name)
    try:
        await _run(pg_dump, "--format=custom", "--no-owner", f"--file={temporary}", url)
        listing = await _run(pg_restore, "--list", str(temporary))
        entries = sum(1 for line in listing.splitlines() if line and not line.startswith(";"))
        if entries == 0:
            raise MaintenanceError("the dump lists no entries: refusing to keep it")
        os.replace(temporary, target)
    except BaseException:
        await asyncio.to_thread(temporary.unlink, missing_ok=True)
        raise
    size = (await asyncio.to_thread(target.stat)).st_size
    return BackupResult(redacted(url), target, size, entries, time.monotonic() - started)


def _refuse_unsafe_target(target: Path, *, force: bool) -> None:
    if "\0" in str(target):
        raise MaintenanceError("a file name cannot contain a NUL character")
    if not target.parent.is_dir():
        raise MaintenanceError(f"no such folder: {target.parent}")
    if target.exists():
        if not target.is_file():
            raise MaintenanceError(f"{target} is not a regular file")
        if not force:
            raise MaintenanceError(f"{target} already exists (--force replaces it)")


async def _run(program: str, *arguments: str) -> str:
    process = await asyncio.create_subprocess_exec(
        program,
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        first = (err.decode(errors="replace").strip().splitlines() or ["failed"])[0]
        raise MaintenanceError(f"{Path(program).name}: {first}")
    return out.decode(errors="replace")
