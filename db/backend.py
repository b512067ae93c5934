"""What every repository talks to, whichever database holds the archive.

Two backends implement it: SQLite (db/sqlite/, the embedded default) and PostgreSQL
(db/postgres/, selected by DATABASE_URL). Repositories write one SQL text with ``:name``
parameters where the dialects agree; where they differ, a statement is an ``Sql`` pair that
spells out both, side by side, so the difference stays small and visible. The search index
is each backend's own (FTS5 there, a GIN over the same terms here), behind ``HeadlineIndex``.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

Params = Mapping[str, Any]
PartT = TypeVar("PartT")


class Dialect(StrEnum):
    SQLITE = "sqlite"
    POSTGRES = "postgres"


@dataclass(frozen=True, slots=True)
class Sql:
    """One statement spelled for each dialect, with the same ``:name`` parameters."""

    sqlite: str
    postgres: str

    def text(self, dialect: Dialect) -> str:
        return self.sqlite if dialect is Dialect.SQLITE else self.postgres


Statement = str | Sql


def sql_text(statement: Statement, dialect: Dialect) -> str:
    return statement if isinstance(statement, str) else statement.text(dialect)


class Row(Protocol):
    """A result row: by column name or position (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: str | int, /) -> Any: ...

    def keys(self) -> Iterable[str]: ...


class SchemaError(RuntimeError):
    """The database or the bundled migrations cannot be used as they are."""


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message is one line for an operator."""


class Session(Protocol):
    """Statements inside one transaction or snapshot."""

    @property
    def dialect(self) -> Dialect: ...

    @property
    def index(self) -> HeadlineIndex: ...

    async def execute(self, sql: Statement, params: Params | None = None) -> None: ...

    async def executemany(self, sql: Statement, rows: Iterable[Params]) -> None: ...

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]: ...

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None: ...

    async def fetch_each(self, reads: Sequence[tuple[Statement, Params]]) -> list[list[Row]]:
        """The rows of each statement, run in order (on SQLite in one trip to the database
        thread, for reads that do not depend on each other's answers)."""
        ...


class HeadlineIndex(Protocol):
    """A backend's search index over headlines, written in the headlines' transaction.

    Rows carry ``sort_key``, ``old_sort_key``, ``title``, ``summary``, ``company_ids`` and
    ``topic_ids`` (see db/headlines.py)."""

    async def index_headlines(self, tx: Session, rows: Sequence[Params]) -> None: ...

    async def unindex_headlines(self, tx: Session, rows: Sequence[Params]) -> None: ...

    async def retag_headlines(self, tx: Session, rows: Sequence[Params]) -> None:
        """Rewrite the company/topic tags of indexed headlines; rows carry ``sort_key``,
        ``text`` (title and summary), ``company_ids`` and ``topic_ids``."""
        ...


class Database(Protocol):
    """One open database: transactions, snapshots, single reads and the schema."""

    @property
    def dialect(self) -> Dialect: ...

    @property
    def latest_version(self) -> int: ...

    def transaction(self) -> AbstractAsyncContextManager[Session]: ...

    def snapshot(self) -> AbstractAsyncContextManager[Session]: ...

    async def fetch_all(self, sql: Statement, params: Params | None = None) -> list[Row]: ...

    async def fetch_one(self, sql: Statement, params: Params | None = None) -> Row | None: ...

    async def schema_version(self) -> int: ...

    async def pending_migrations(self) -> list[str]: ...

    async def migrate(self, *, dry_run: bool = False) -> list[str]: ...

    async def close(self) -> None: ...


def json_list_sql(template: str, **lists: str) -> Sql:
    """A statement that reads JSON-array parameters as sets of rows, spelled for both.

    ``template`` names each list as ``{name}`` where a ``(SELECT value ...)`` subquery goes;
    ``lists`` maps the name to the SQL type of its elements (``bigint`` or ``text``). The
    parameter itself is ``:name``, a JSON array (json.dumps of a list).
    """
    sqlite = {name: f"(SELECT value FROM json_each(:{name}))" for name in lists}
    postgres = {
        name: f"(SELECT CAST(value AS {kind}) FROM json_array_elements_text(CAST(:{name} AS json)))"
        for name, kind in lists.items()
    }
    return Sql(sqlite=template.format(**sqlite), postgres=template.format(**postgres))


def part_columns(
    parts: Collection[PartT], columns: Mapping[PartT, tuple[str, ...]]
) -> tuple[str, ...]:
    """The columns of ``parts`` of a row, in the order of ``columns``: one set of parts is
    always one statement text."""
    return tuple(column for part, names in columns.items() if part in parts for column in names)


@functools.cache
def upsert_sql(
    table: str, keys: tuple[str, ...], columns: tuple[str, ...], *, updating: tuple[str, ...]
) -> str:
    """An INSERT of a row (``keys`` and ``columns``, each a ``:name`` parameter) that, when
    the row exists, overwrites only ``updating``: a change written this way keeps what another
    change wrote to the other columns meanwhile (nothing at all when ``updating`` is empty).
    Both dialects spell it the same."""
    names = keys + columns
    update = (
        "DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in updating)
        if updating
        else "DO NOTHING"
    )
    return (
        f"INSERT INTO {table} ({', '.join(names)})\n"
        f"VALUES ({', '.join(':' + name for name in names)})\n"
        f"ON CONFLICT ({', '.join(keys)}) {update}"
    )
