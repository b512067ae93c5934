"""The storage layer: the only package that knows SQL. It returns news.core.models objects.

``Database`` is the SQLite backend (the embedded default), ``PostgresDatabase`` the
PostgreSQL one; repositories take either (``AnyDatabase``, db/backend.py), and
``open_database`` picks by setting. The repository classes keep their historical Sqlite*
names: they run on both backends.
"""

from db.alerts import SqlAlertRepository
from db.archive import SqlArchiveRepository
from db.backend import Database as AnyDatabase
from db.backend import DatabaseUnavailable, Dialect
from db.catalog import SqlCompanyRepository, SqlTopicRepository
from db.channels import SqlChannelRepository
from db.connect import open_database
from db.digests import SqlDigestRepository
from db.feeds import SqlFeedRepository
from db.postgres.database import PostgresDatabase
from db.retagging import SqlRetagRepository
from db.roundups import SqlRoundupRepository
from db.search import TOTAL_CAP, SqlSearchRepository
from db.settings import SqlSettingsRepository
from db.sqlite.database import Database, SchemaError
from db.stories import SqlStoryRepository

__all__ = [
    "TOTAL_CAP",
    "AnyDatabase",
    "Database",
    "DatabaseUnavailable",
    "Dialect",
    "PostgresDatabase",
    "SchemaError",
    "SqlAlertRepository",
    "SqlArchiveRepository",
    "SqlChannelRepository",
    "SqlCompanyRepository",
    "SqlDigestRepository",
    "SqlFeedRepository",
    "SqlRetagRepository",
    "SqlRoundupRepository",
    "SqlSearchRepository",
    "SqlSettingsRepository",
    "SqlStoryRepository",
    "SqlTopicRepository",
    "open_database",
]
