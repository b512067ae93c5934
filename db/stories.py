"""Stories: which story each headline was placed in when it arrived (headlines.cluster_id).

Stories are about the news, not about servers: every headline of a week is read here, whoever
follows its source, and a story id is the id of the headline that opened the story.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

from news.core.models import DigestCandidate
from news.stories.ports import PlacedSummary

from db.backend import Database, Row, Sql, json_list_sql
from db.headlines import headline_from_row, week_key_range
from db.locks import LockSpace, lock_scope

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
# Some headlines (placed by another process), by id: the week's range keeps the lookup to it.
_AMONG = json_list_sql(
    """
SELECT h.id, h.sort_key, h.cluster_id
  FROM headlines AS h
 WHERE h.sort_key BETWEEN :low AND :high AND h.cluster_id IS NOT NULL AND h.id IN {ids}
""",
    ids="bigint",
)
_PLACED_HEADLINES = _WITH_OUTLETS.format(selection=_PLACED)
_UNPLACED_HEADLINES = _WITH_OUTLETS.format(selection=_UNPLACED)
_PLACED_AMONG = Sql(
    sqlite=_WITH_OUTLETS.format(selection=_AMONG.sqlite),
    postgres=_WITH_OUTLETS.format(selection=_AMONG.postgres),
)
# Asked before every placement round, so read from indexes only: the week's headlines less
# its unplaced ones (the partial index of _UNPLACED), and ids from the sort keys (their low 32
# bits, migration 001), as reading cluster_id from each row costs ~11 ms for 16,000.
_PLACED_SUMMARY = """
SELECT week.placed - waiting.placed AS placed, week.id_sum - waiting.id_sum AS id_sum
  FROM (SELECT count(*) AS placed,
               CAST(coalesce(sum(h.sort_key & 4294967295), 0) AS BIGINT) AS id_sum
          FROM headlines AS h
         WHERE h.sort_key BETWEEN :low AND :high) AS week,
       (SELECT count(*) AS placed,
               CAST(coalesce(sum(h.sort_key & 4294967295), 0) AS BIGINT) AS id_sum
          FROM headlines AS h
         WHERE h.sort_key BETWEEN :low AND :high AND h.cluster_id IS NULL) AS waiting
"""
_PLACED_IDS = """
SELECT h.id
  FROM headlines AS h
 WHERE h.sort_key BETWEEN :low AND :high AND h.cluster_id IS NOT NULL
"""
# Only a headline no one placed yet takes a story id: when another process placed it first,
# its id stays and the row is not returned. :pairs is a JSON object, headline id -> story id.
_SAVE_STORY_IDS = Sql(
    sqlite="""
UPDATE headlines
   SET cluster_id = CAST(p.value AS INTEGER)
  FROM json_each(:pairs) AS p
 WHERE headlines.id = CAST(p.key AS INTEGER) AND headlines.cluster_id IS NULL
RETURNING headlines.id
""",
    postgres="""
UPDATE headlines AS h
   SET cluster_id = CAST(p.value AS BIGINT)
  FROM json_each_text(CAST(:pairs AS json)) AS p
 WHERE h.id = CAST(p.key AS BIGINT) AND h.cluster_id IS NULL
RETURNING h.id
""",
)


class SqlStoryRepository:
    """news.stories.service.StoryRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines that have a story, in publication order, with its id."""
        return await self._week_headlines(week, unplaced=False)

    async def unplaced_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines without a story yet, in publication order."""
        return await self._week_headlines(week, unplaced=True)

    async def placed_summary(self, week: str) -> PlacedSummary:
        """How many of the week's headlines have a story, and the sum of their ids."""
        low, high = week_key_range(week)
        row = await self._db.fetch_one(_PLACED_SUMMARY, {"low": low, "high": high})
        assert row is not None  # an aggregate always returns its row
        return PlacedSummary(int(row["placed"]), int(row["id_sum"]))

    async def placed_ids(self, week: str) -> set[int]:
        """The ids of the week's headlines that have a story."""
        low, high = week_key_range(week)
        rows = await self._db.fetch_all(_PLACED_IDS, {"low": low, "high": high})
        return {int(row["id"]) for row in rows}

    async def placed_among(self, week: str, ids: Collection[int]) -> list[DigestCandidate]:
        """Those of these headlines of the week that have a story, in publication order."""
        low, high = week_key_range(week)
        params = {"low": low, "high": high, "ids": json.dumps(sorted(ids))}
        return list(map(_candidate, await self._db.fetch_all(_PLACED_AMONG, params)))

    async def save_story_ids(self, week: str, story_ids: Mapping[int, int]) -> set[int]:
        """Store the story id of each headline that has none yet (headline id -> story id),
        in one transaction; the ids of the headlines it was stored for."""
        pairs = json.dumps({str(headline): story for headline, story in story_ids.items()})
        async with self._db.transaction() as tx:
            # Processes placing the same week queue here, so that two saves never wait on
            # each other's rows (a deadlock on PostgreSQL).
            await lock_scope(tx, LockSpace.STORIES, week)
            rows = await tx.fetch_all(_SAVE_STORY_IDS, {"pairs": pairs})
        return {int(row["id"]) for row in rows}

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
