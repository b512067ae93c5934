"""What ``python -m bot db …`` prints: the ``--json`` documents (a contract in the README) and
their terminal rendering."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

from db.sqlite.maintenance import BackupResult, CheckReport, MigrationRun

Json = dict[str, Any]


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
