"""The storage layer: the only package that knows SQL. It returns news.models objects."""

from db.alerts import SqliteAlertRepository
from db.archive import TOTAL_CAP, SqliteArchiveRepository
from db.companies import SqliteCompanyRepository, SqliteTopicRepository
from db.database import Database, SchemaError
from db.digests import SqliteDigestRepository
from db.feeds import SqliteFeedRepository
from db.settings import SqliteSettingsRepository
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
