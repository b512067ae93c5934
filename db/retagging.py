"""Re-tagging a guild's own headlines (news.archive.retagging.RetagRepository): the
headlines its roundups filed, read in batches by id, their company tags and index tags
rewritten."""

from __future__ import annotations

import json
from collections.abc import Sequence

from news.archive.retagging import TaggedText

from db.backend import Database, Sql

_OWN_COUNT = """
SELECT count(*) AS total
  FROM roundups AS r JOIN headlines AS h ON h.roundup_id = r.id
 WHERE r.guild_id = :guild_id
"""
_OWN_BATCH = Sql(
    sqlite="""
SELECT h.id, h.sort_key, h.title, h.summary,
       (SELECT json_group_array(hc.company_id) FROM headline_companies AS hc
         WHERE hc.headline_id = h.id) AS companies_json,
       (SELECT json_group_array(ht.topic_id) FROM headline_topics AS ht
         WHERE ht.headline_id = h.id) AS topics_json
  FROM headlines AS h
 WHERE h.id > :after_id
   AND h.roundup_id IN (SELECT id FROM roundups WHERE guild_id = :guild_id)
 ORDER BY h.id
 LIMIT :limit
""",
    postgres="""
SELECT h.id, h.sort_key, h.title, h.summary,
       (SELECT coalesce(json_agg(hc.company_id), '[]') FROM headline_companies AS hc
         WHERE hc.headline_id = h.id) AS companies_json,
       (SELECT coalesce(json_agg(ht.topic_id), '[]') FROM headline_topics AS ht
         WHERE ht.headline_id = h.id) AS topics_json
  FROM headlines AS h
 WHERE h.id > :after_id
   AND h.roundup_id IN (SELECT id FROM roundups WHERE guild_id = :guild_id)
 ORDER BY h.id
 LIMIT :limit
""",
)
_UNLINK_COMPANIES = "DELETE FROM headline_companies WHERE headline_id = :id"
_LINK_COMPANY = """
INSERT INTO headline_companies (headline_id, company_id, sort_key)
VALUES (:id, :company_id, :sort_key)
ON CONFLICT DO NOTHING
"""


class SqliteRetagRepository:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def own_headline_count(self, guild_id: int) -> int:
        row = await self._db.fetch_one(_OWN_COUNT, {"guild_id": guild_id})
        return int(row["total"]) if row else 0

    async def own_headlines(self, guild_id: int, after_id: int, limit: int) -> list[TaggedText]:
        rows = await self._db.fetch_all(
            _OWN_BATCH, {"guild_id": guild_id, "after_id": after_id, "limit": limit}
        )
        return [
            TaggedText(
                id=row["id"],
                sort_key=row["sort_key"],
                text=f"{row['title']}\n{row['summary']}",
                company_ids=tuple(json.loads(row["companies_json"])),
                topic_ids=tuple(json.loads(row["topics_json"])),
            )
            for row in rows
        ]

    async def save_company_tags(self, headlines: Sequence[TaggedText]) -> None:
        if not headlines:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(_UNLINK_COMPANIES, [{"id": h.id} for h in headlines])
            await tx.executemany(
                _LINK_COMPANY,
                [
                    {"id": h.id, "company_id": company_id, "sort_key": h.sort_key}
                    for h in headlines
                    for company_id in h.company_ids
                ],
            )
            await tx.index.retag_headlines(
                tx,
                [
                    {
                        "sort_key": h.sort_key,
                        "text": h.text,
                        "company_ids": h.company_ids,
                        "topic_ids": h.topic_ids,
                    }
                    for h in headlines
                ],
            )
