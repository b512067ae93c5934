"""``db backup``, ``db check``, ``db migrate`` and ``db copy``: the database itself, never
opened through the services (opening migrates, and these must not). The ``--json`` documents
are a contract in the README. With DATABASE_URL the first three work on PostgreSQL
(db/postgres/maintenance.py); ``db copy`` moves the SQLite archive to PostgreSQL."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from bot.cli.common import EXIT_ERROR, EXIT_OK, DbHandler, Parser, Subcommands, emit
from bot.settings import Settings
from db.postgres import copy as postgres_copy
from db.postgres import maintenance as postgres_maintenance
from db.postgres.copy import CopyResult
from db.sqlite import maintenance
from db.sqlite.maintenance import BackupResult, CheckReport, MaintenanceError, MigrationRun

Json = dict[str, Any]


def add_commands(commands: Subcommands, common: Parser) -> None:
    database = commands.add_parser("db", help="back up, check or migrate the database")
    db_actions = database.add_subparsers(dest="action", required=True, parser_class=Parser)
    backup = db_actions.add_parser("backup", parents=[common], help="online copy, verified")
    backup.add_argument("path", type=Path, help="the backup file to write")
    backup.add_argument("--force", action="store_true", help="replace PATH if it exists")
    db_actions.add_parser("check", parents=[common], help="integrity, foreign keys, schema")
    migrate = db_actions.add_parser("migrate", parents=[common], help="apply pending migrations")
    migrate.add_argument("--dry-run", action="store_true", help="only list what would apply")
    copy = db_actions.add_parser(
        "copy", parents=[common], help="copy the SQLite archive to PostgreSQL (resumable)"
    )
    copy.add_argument("--to", required=True, metavar="URL", help="postgresql://USER@HOST:PORT/DB")


async def dispatch(args: argparse.Namespace, settings: Settings, out: Console) -> int:
    if args.action == "copy":
        return await _db_copy(args, settings.database_path, out)
    url = settings.database_dsn
    if url is not None:
        return await _POSTGRES_HANDLERS[args.action](args, url, out)
    return await _HANDLERS[args.action](args, settings.database_path, out)


async def _pg_backup(args: argparse.Namespace, url: str, out: Console) -> int:
    result = await postgres_maintenance.backup(url, args.path, force=args.force)
    emit(out, args, {"backup": backup_json(result)}, render_backup(result))
    return EXIT_OK


async def _pg_check(args: argparse.Namespace, url: str, out: Console) -> int:
    report = await postgres_maintenance.check(url)
    emit(out, args, check_json(report), render_check(report))
    return EXIT_OK if report.ok else EXIT_ERROR


async def _pg_migrate(args: argparse.Namespace, url: str, out: Console) -> int:
    run = await postgres_maintenance.migrate(url, dry_run=args.dry_run)
    emit(out, args, migration_json(run), render_migration(run))
    return EXIT_OK


async def _db_copy(args: argparse.Namespace, database: Path, out: Console) -> int:
    if not str(args.to).startswith(("postgresql://", "postgres://")):
        raise MaintenanceError("--to must be a postgresql://USER@HOST:PORT/DB address")
    result = await postgres_copy.copy_archive(database, args.to)
    emit(out, args, {"copy": copy_json(result)}, render_copy(result))
    return EXIT_OK if result.ok else EXIT_ERROR


_POSTGRES_HANDLERS = {
    "backup": _pg_backup,
    "check": _pg_check,
    "migrate": _pg_migrate,
}


def copy_json(result: CopyResult) -> Json:
    return {
        "source": str(result.source),
        "target": result.target,
        "ok": result.ok,
        "indexed": result.indexed,
        "tables": [
            {
                "table": table.table,
                "rows": table.rows,
                "copied": table.copied,
                "checksum": table.checksum,
                "ok": table.ok,
            }
            for table in result.tables
        ],
    }


def render_copy(result: CopyResult) -> RenderableType:
    rows = sum(table.rows for table in result.tables)
    copied = sum(table.copied for table in result.tables)
    if result.ok:
        return Text(
            f"Copied {result.source} to {result.target}: {copied} rows written now, "
            f"{rows} in {len(result.tables)} tables, counts and checksums agree; "
            f"{result.indexed} headlines indexed."
        )
    lines = [Text(f"{result.target} does not match {result.source}:", style="bold red")]
    lines += [
        Text(f"- {table.table}: {table.rows} rows in the source, count or checksum differs")
        for table in result.tables
        if not table.ok
    ]
    return Group(*lines)


async def _db_backup(args: argparse.Namespace, database: Path, out: Console) -> int:
    result = await asyncio.to_thread(maintenance.backup, database, args.path, force=args.force)
    emit(out, args, {"backup": backup_json(result)}, render_backup(result))
    return EXIT_OK


async def _db_check(args: argparse.Namespace, database: Path, out: Console) -> int:
    report = await asyncio.to_thread(maintenance.check, database)
    emit(out, args, check_json(report), render_check(report))
    return EXIT_OK if report.ok else EXIT_ERROR


async def _db_migrate(args: argparse.Namespace, database: Path, out: Console) -> int:
    run = await maintenance.migrate(database, dry_run=args.dry_run)
    emit(out, args, migration_json(run), render_migration(run))
    return EXIT_OK


_HANDLERS: dict[str, DbHandler] = {
    "backup": _db_backup,
    "check": _db_check,
    "migrate": _db_migrate,
}


def backup_json(result: BackupResult) -> Json:
    return {
        "source": str(result.source),
        "path": str(result.path),
        "bytes": result.size_bytes,
        "pages": result.pages,
        "seconds": round(result.seconds, 3),
        "integrity": "ok",
    }


def render_backup(result: BackupResult) -> RenderableType:
    return Text(
        f"Backed up {result.source} to {result.path}: {result.size_bytes / 2**20:.1f} MiB, "
        f"{result.pages} pages in {result.seconds:.2f} s; integrity ok."
    )


def check_json(report: CheckReport) -> Json:
    return {
        "path": str(report.path),
        "ok": report.ok,
        "schema_version": report.schema_version,
        "code_version": report.code_version,
        "pending_migrations": report.pending,
        "problems": report.problems,
    }


def render_check(report: CheckReport) -> RenderableType:
    if report.ok:
        return Text(f"{report.path}: ok (schema version {report.schema_version}).")
    count = len(report.problems)
    heading = f"{report.path}: {count} problem{'' if count == 1 else 's'}"
    lines = [Text(heading, style="bold red")]
    lines += [Text(f"- {problem}") for problem in report.problems]
    if report.pending:
        lines.append(Text("`python -m bot db migrate` applies them.", style="dim"))
    return Group(*lines)


def migration_json(run: MigrationRun) -> Json:
    return {
        "dry_run": run.dry_run,
        "from_version": run.from_version,
        "to_version": run.to_version,
        "migrations": run.migrations,
    }


def render_migration(run: MigrationRun) -> RenderableType:
    if not run.migrations:
        return Text(f"Up to date at schema version {run.from_version}.")
    names = ", ".join(run.migrations)
    if run.dry_run:
        return Text(
            f"Would apply {names} (schema version {run.from_version} → {run.to_version}); "
            "nothing changed."
        )
    return Text(f"Applied {names}: schema version {run.from_version} → {run.to_version}.")
