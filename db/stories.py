"""Stories: which story each headline was placed in when it arrived (headlines.cluster_id).

Stories are about the news, not about servers: every headline of a week is read here, whoever
follows its source, and a story id is the id of the headline that opened the story.
"""

from __future__ import annotations

from collections.abc import Mapping

from news.core.models import DigestCandidate

from db.backend import Database, Row
from db.headlines import headline_from_row, week_key_range

# The week's headlines in publication order (the sort key orders by minute, then id), with
# their outlet: the title of a feed that ran it, else the publisher of a roundup that listed
# it. The outlet only helps read the title (feeds append their name to it).
_PLACED = """
SELECT h.id, h.sort_key, h.cluster_id
  FROM headlines AS h
 WHERE h.sort_key BETWEEN :low AND :high AND h.cluster_id IS NOT NULL
"""
# Spelled out so that SQLite uses the partial index on unplaced headlines (migration 004):
# feeds ask after every poll that brought something, and most of a week is placed already.
_UNPLACED = """
SELECT h.id, h.sort_key, h.cluster_id
  FROM headlines AS h
 WHERE h.sort_key BETWEEN :low AND :high AND h.cluster_id IS NULL
"""
_WITH_OUTLETS = """
WITH week_headlines AS MATERIALIZED ({selection})
SELECT v.*,
       w.cluster_id,
       coalesce(
           (SELECT nullif(src.title, '')
              FROM headline_sources AS hs
              JOIN sources AS src ON src.id = hs.source_id
             WHERE hs.headline_id = w.id AND src.kind = 'feed'
             ORDER BY src.id
             LIMIT 1),
           (SELECT max(r.publisher)
              FROM roundup_items AS i
              JOIN roundup_sections AS s ON s.id = i.section_id
              JOIN roundups AS r ON r.id = s.roundup_id
             WHERE i.headline_id = w.id)
       ) AS source
  FROM week_headlines AS w
  JOIN headline_view AS v ON v.sort_key = w.sort_key
 ORDER BY w.sort_key
"""
_PLACED_HEADLINES = _WITH_OUTLETS.format(selection=_PLACED)
_UNPLACED_HEADLINES = _WITH_OUTLETS.format(selection=_UNPLACED)
_SAVE_STORY_ID = "UPDATE headlines SET cluster_id = :story_id WHERE id = :id"


class SqliteStoryRepository:
    """news.stories.service.StoryRepository on SQLite."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines that have a story, in publication order, with its id."""
        return await self._week_headlines(week, unplaced=False)

    async def unplaced_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines without a story yet, in publication order."""
        return await self._week_headlines(week, unplaced=True)

    async def save_story_ids(self, story_ids: Mapping[int, int]) -> None:
        """Store each headline's story id (headline id -> story id) in one transaction."""
        rows = [{"id": headline, "story_id": story} for headline, story in story_ids.items()]
        async with self._db.transaction() as tx:
            await tx.executemany(_SAVE_STORY_ID, rows)

    async def _week_headlines(self, week: str, *, unplaced: bool) -> list[DigestCandidate]:
        low, high = week_key_range(week)
        sql = _UNPLACED_HEADLINES if unplaced else _PLACED_HEADLINES
        rows = await self._db.fetch_all(sql, {"low": low, "high": high})
        return list(map(_candidate, rows))


def _candidate(row: Row) -> DigestCandidate:
    story_id = row["cluster_id"]
    return DigestCandidate(
        headline_from_row(row), row["source"], int(story_id) if story_id is not None else None
    )
