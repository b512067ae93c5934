"""The storage layer: the only package that knows SQL. It returns news.core.models objects."""

from db.alerts import SqliteAlertRepository
from db.archive import SqliteArchiveRepository
from db.catalog import SqliteCompanyRepository, SqliteTopicRepository
from db.channels import SqliteChannelRepository
from db.digests import SqliteDigestRepository
from db.feeds import SqliteFeedRepository
from db.retagging import SqliteRetagRepository
from db.roundups import SqliteRoundupRepository
from db.search import TOTAL_CAP, SqliteSearchRepository
from db.settings import SqliteSettingsRepository
from db.sqlite.database import Database, SchemaError
from db.stories import SqliteStoryRepository

__all__ = [
    "TOTAL_CAP",
    "Database",
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
]
