"""The numbered migrations each backend ships: db/migrations (SQLite) and
db/postgres/migrations (PostgreSQL), twins with the same numbers and names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files

from db.backend import SchemaError

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

SQLITE_MIGRATIONS = "migrations"
POSTGRES_MIGRATIONS = "postgres/migrations"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations(folder: str) -> list[Migration]:
    """The migrations in ``folder`` (under db/), checked to be numbered 1..N without gaps."""
    directory = files("db")
    for part in folder.split("/"):
        directory = directory / part
    found = []
    for entry in directory.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text(encoding="utf-8")))
    found.sort(key=lambda migration: migration.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise SchemaError(f"migration {expected:03d} is missing before {migration.name}")
        if not migration.sql.startswith("-- "):
            raise SchemaError(f"{migration.name} must open with a '-- reason' comment line")
    return found


def newer_schema_error(version: int, latest: int) -> SchemaError:
    return SchemaError(
        f"the database is at schema version {version}, but this code only knows "
        f"{latest}: upgrade the bot before opening it"
    )
