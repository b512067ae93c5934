"""The archive on SQLite: roundups (db/roundups.py) and the searches over their headlines
(db/search.py) as the one repository the archive service takes."""

from __future__ import annotations

from db.roundups import SqlRoundupRepository
from db.search import SqlSearchRepository


class SqlArchiveRepository(SqlRoundupRepository, SqlSearchRepository):
    """news.archive.ports.ArchiveRepository on either backend."""
