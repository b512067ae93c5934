"""Re-tagging a guild's headlines (news.archive.retagging.RetagRepository), read in batches
by id: the headlines its roundups filed, their company tags and index tags rewritten; and the
feed headlines it sees, its own tags on them (guild_headline_companies) rewritten."""

from __future__ import annotations

import json
from collections.abc import Sequence

from news.archive.retagging import TaggedSection, TaggedText

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
         WHERE ht.headline_id = h.id) AS topics_json,
       (SELECT json_group_array(hm.company_id) FROM headline_mentions AS hm
         WHERE hm.headline_id = h.id) AS mentions_json
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
         WHERE ht.headline_id = h.id) AS topics_json,
       (SELECT coalesce(json_agg(hm.company_id), '[]') FROM headline_mentions AS hm
         WHERE hm.headline_id = h.id) AS mentions_json
  FROM headlines AS h
 WHERE h.id > :after_id
   AND h.roundup_id IN (SELECT id FROM roundups WHERE guild_id = :guild_id)
 ORDER BY h.id
 LIMIT :limit
""",
)
_UNLINK_COMPANIES = "DELETE FROM headline_companies WHERE headline_id = :id"
_UNLINK_MENTIONS = "DELETE FROM headline_mentions WHERE headline_id = :id"
_LINK_MENTION = """
INSERT INTO headline_mentions (headline_id, company_id) VALUES (:id, :company_id)
ON CONFLICT DO NOTHING
"""
_SECTIONS_BATCH = Sql(
    sqlite="""
SELECT s.id, s.commentary,
       (SELECT json_group_array(m.company_id) FROM roundup_section_companies AS m
         WHERE m.section_id = s.id) AS companies_json
  FROM roundup_sections AS s
 WHERE s.id > :after_id AND s.commentary <> ''
   AND s.roundup_id IN (SELECT id FROM roundups WHERE guild_id = :guild_id)
 ORDER BY s.id
 LIMIT :limit
""",
    postgres="""
SELECT s.id, s.commentary,
       (SELECT coalesce(json_agg(m.company_id), '[]') FROM roundup_section_companies AS m
         WHERE m.section_id = s.id) AS companies_json
  FROM roundup_sections AS s
 WHERE s.id > :after_id AND s.commentary <> ''
   AND s.roundup_id IN (SELECT id FROM roundups WHERE guild_id = :guild_id)
 ORDER BY s.id
 LIMIT :limit
""",
)
_UNLINK_SECTION = "DELETE FROM roundup_section_companies WHERE section_id = :id"
_LINK_SECTION = """
INSERT INTO roundup_section_companies (section_id, company_id) VALUES (:id, :company_id)
ON CONFLICT DO NOTHING
"""
_LINK_COMPANY = """
INSERT INTO headline_companies (headline_id, company_id, sort_key)
VALUES (:id, :company_id, :sort_key)
ON CONFLICT DO NOTHING
"""

# The feed headlines a guild sees: linked to a source it follows, and no roundup's own row.
_FEED_COUNT = """
SELECT count(DISTINCT hs.headline_id) AS total
  FROM guild_sources AS gs
  JOIN headline_sources AS hs ON hs.source_id = gs.source_id
  JOIN headlines AS h ON h.id = hs.headline_id
 WHERE gs.guild_id = :guild_id AND h.roundup_id IS NULL
"""
_FEED_BATCH = Sql(
    sqlite="""
SELECT h.id, h.sort_key, h.title, h.summary,
       (SELECT json_group_array(hc.company_id) FROM headline_companies AS hc
         WHERE hc.headline_id = h.id) AS shared_json,
       (SELECT json_group_array(t.company_id) FROM guild_headline_companies AS t
         WHERE t.guild_id = :guild_id AND t.headline_id = h.id) AS companies_json
  FROM headlines AS h
 WHERE h.id > :after_id
   AND h.roundup_id IS NULL
   AND EXISTS (SELECT 1 FROM guild_headlines AS g
                WHERE g.guild_id = :guild_id AND g.headline_id = h.id)
 ORDER BY h.id
 LIMIT :limit
""",
    postgres="""
SELECT h.id, h.sort_key, h.title, h.summary,
       (SELECT coalesce(json_agg(hc.company_id), '[]') FROM headline_companies AS hc
         WHERE hc.headline_id = h.id) AS shared_json,
       (SELECT coalesce(json_agg(t.company_id), '[]') FROM guild_headline_companies AS t
         WHERE t.guild_id = :guild_id AND t.headline_id = h.id) AS companies_json
  FROM headlines AS h
 WHERE h.id > :after_id
   AND h.roundup_id IS NULL
   AND EXISTS (SELECT 1 FROM guild_headlines AS g
                WHERE g.guild_id = :guild_id AND g.headline_id = h.id)
 ORDER BY h.id
 LIMIT :limit
""",
)
_UNLINK_GUILD_COMPANIES = """
DELETE FROM guild_headline_companies WHERE guild_id = :guild_id AND headline_id = :id
"""
_LINK_GUILD_COMPANY = """
INSERT INTO guild_headline_companies (guild_id, headline_id, company_id, sort_key)
VALUES (:guild_id, :id, :company_id, :sort_key)
ON CONFLICT DO NOTHING
"""


class SqlRetagRepository:
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
                title=row["title"],
                summary=row["summary"],
                company_ids=tuple(json.loads(row["companies_json"])),
                topic_ids=tuple(json.loads(row["topics_json"])),
                mention_ids=tuple(json.loads(row["mentions_json"])),
            )
            for row in rows
        ]

    async def save_company_tags(self, headlines: Sequence[TaggedText]) -> None:
        if not headlines:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(_UNLINK_COMPANIES, [{"id": h.id} for h in headlines])
            await tx.executemany(_UNLINK_MENTIONS, [{"id": h.id} for h in headlines])
            await tx.executemany(
                _LINK_MENTION,
                [
                    {"id": h.id, "company_id": company_id}
                    for h in headlines
                    for company_id in h.mention_ids
                ],
            )
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
                        "text": f"{h.title}\n{h.summary}",
                        "company_ids": h.company_ids,
                        "topic_ids": h.topic_ids,
                    }
                    for h in headlines
                ],
            )

    async def own_sections(self, guild_id: int, after_id: int, limit: int) -> list[TaggedSection]:
        rows = await self._db.fetch_all(
            _SECTIONS_BATCH, {"guild_id": guild_id, "after_id": after_id, "limit": limit}
        )
        return [
            TaggedSection(
                id=row["id"],
                commentary=row["commentary"],
                company_ids=tuple(json.loads(row["companies_json"])),
            )
            for row in rows
        ]

    async def save_section_mentions(self, sections: Sequence[TaggedSection]) -> None:
        if not sections:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(_UNLINK_SECTION, [{"id": s.id} for s in sections])
            await tx.executemany(
                _LINK_SECTION,
                [{"id": s.id, "company_id": c} for s in sections for c in s.company_ids],
            )

    async def feed_headline_count(self, guild_id: int) -> int:
        row = await self._db.fetch_one(_FEED_COUNT, {"guild_id": guild_id})
        return int(row["total"]) if row else 0

    async def feed_headlines(self, guild_id: int, after_id: int, limit: int) -> list[TaggedText]:
        rows = await self._db.fetch_all(
            _FEED_BATCH, {"guild_id": guild_id, "after_id": after_id, "limit": limit}
        )
        return [
            TaggedText(
                id=row["id"],
                sort_key=row["sort_key"],
                title=row["title"],
                summary=row["summary"],
                company_ids=tuple(json.loads(row["companies_json"])),
                shared_ids=tuple(json.loads(row["shared_json"])),
            )
            for row in rows
        ]

    async def save_guild_tags(self, guild_id: int, headlines: Sequence[TaggedText]) -> None:
        if not headlines:
            return
        async with self._db.transaction() as tx:
            await tx.executemany(
                _UNLINK_GUILD_COMPANIES, [{"guild_id": guild_id, "id": h.id} for h in headlines]
            )
            await tx.executemany(
                _LINK_GUILD_COMPANY,
                [
                    {
                        "guild_id": guild_id,
                        "id": h.id,
                        "company_id": company_id,
                        "sort_key": h.sort_key,
                    }
                    for h in headlines
                    for company_id in h.company_ids
                ],
            )
