"""The storage layer: the only package that knows SQL. It returns news.core.models objects.

``Database`` is the SQLite backend (the embedded default), ``PostgresDatabase`` the
PostgreSQL one; repositories take either (``AnyDatabase``, db/backend.py), and
``open_database`` picks by setting. The repository classes keep their historical Sqlite*
names: they run on both backends.
"""

from db.alerts import SqliteAlertRepository
from db.archive import SqliteArchiveRepository
from db.backend import Database as AnyDatabase
from db.backend import DatabaseUnavailable, Dialect
from db.catalog import SqliteCompanyRepository, SqliteTopicRepository
from db.channels import SqliteChannelRepository
from db.connect import open_database
from db.digests import SqliteDigestRepository
from db.feeds import SqliteFeedRepository
from db.postgres.database import PostgresDatabase
from db.retagging import SqliteRetagRepository
from db.roundups import SqliteRoundupRepository
from db.search import TOTAL_CAP, SqliteSearchRepository
from db.settings import SqliteSettingsRepository
from db.sqlite.database import Database, SchemaError
from db.stories import SqliteStoryRepository

__all__ = [
    "TOTAL_CAP",
    "AnyDatabase",
    "Database",
    "DatabaseUnavailable",
    "Dialect",
    "PostgresDatabase",
    "SchemaError",
    "SqliteAlertRepository",
    "SqliteArchiveRepository",
    "SqliteChannelRepository",
    "SqliteCompanyRepository",
    "SqliteDigestRepository",
    "SqliteFeedRepository",
    "SqliteRetagRepository",
    "SqliteRoundupRepository",
    "SqliteSearchRepository",
    "SqliteSettingsRepository",
    "SqliteStoryRepository",
    "SqliteTopicRepository",
    "open_database",
]
