"""The storage layer: the only package that knows SQL. It returns news.core.models objects."""

from db.alerts import SqliteAlertRepository
from db.archive import TOTAL_CAP, SqliteArchiveRepository
from db.catalog import SqliteCompanyRepository, SqliteTopicRepository
from db.digests import SqliteDigestRepository
from db.feeds import SqliteFeedRepository
from db.settings import SqliteSettingsRepository
from db.sqlite.database import Database, SchemaError
from db.stories import SqliteStoryRepository

__all__ = [
    "TOTAL_CAP",
    "Database",
    "SchemaError",
    "SqliteAlertRepository",
    "SqliteArchiveRepository",
    "SqliteCompanyRepository",
    "SqliteDigestRepository",
    "SqliteFeedRepository",
    "SqliteSettingsRepository",
    "SqliteStoryRepository",
    "SqliteTopicRepository",
]
