"""The archive on SQLite: roundups (db/roundups.py) and the searches over their headlines
(db/search.py) as the one repository the archive service takes."""

from __future__ import annotations

from db.roundups import SqliteRoundupRepository
from db.search import SqliteSearchRepository


class SqliteArchiveRepository(SqliteRoundupRepository, SqliteSearchRepository):
    """news.archive.ports.ArchiveRepository on SQLite."""
