"""Roundups on SQLite: saving an import or a compiled roundup with its headlines in one
transaction, and reading a guild's roundups and weeks back. Only the guild's own roundups are
ever read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from news.core.models import (
    Headline,
    NewRoundup,
    NewSection,
    Roundup,
    RoundupKind,
    RoundupSection,
    WeekSummary,
)
from news.core.text import normalize

from db.backend import Database, Session, Sql, json_list_sql
from db.headlines import StoredHeadline, dedupe_key, headline_from_row, publication, store_headlines
from db.times import from_unix, unix

_GET_IMPORT_SOURCE = """
INSERT INTO sources (kind, key, title) VALUES ('import', :key, :title)
ON CONFLICT (key) DO UPDATE SET key = excluded.key
RETURNING id
"""
_FOLLOW_SOURCE = """
INSERT INTO guild_sources (guild_id, source_id) VALUES (:guild_id, :source_id)
ON CONFLICT DO NOTHING
"""
_FIND_ROUNDUP = """
SELECT id FROM roundups
 WHERE guild_id = :guild_id AND week = :week AND kind = :kind AND slug = :slug
"""
_INSERT_ROUNDUP = """
INSERT INTO roundups (guild_id, week, kind, slug, title, publisher, author, copyright,
                      published_at)
VALUES (:guild_id, :week, :kind, :slug, :title, :publisher, :author, :copyright, :published_at)
RETURNING id
"""
_UPDATE_ROUNDUP = """
UPDATE roundups
   SET title = :title, publisher = :publisher, author = :author, copyright = :copyright,
       published_at = :published_at
 WHERE id = :id
"""
# Cascades to the sections' items and commentary mentions.
_CLEAR_SECTIONS = "DELETE FROM roundup_sections WHERE roundup_id = :roundup_id"
_INSERT_SECTION = """
INSERT INTO roundup_sections (roundup_id, position, title, commentary)
VALUES (:roundup_id, :position, :title, :commentary)
"""
# Mentions and items name their section by position, so that every section, mention and
# item of a roundup is written with three statements whatever the number of sections.
_INSERT_MENTION = """
INSERT INTO roundup_section_companies (section_id, company_id)
VALUES ((SELECT id FROM roundup_sections WHERE roundup_id = :roundup_id AND position = :section),
        :company_id)
ON CONFLICT DO NOTHING
"""
_INSERT_ITEM = """
INSERT INTO roundup_items (section_id, position, headline_id)
VALUES ((SELECT id FROM roundup_sections WHERE roundup_id = :roundup_id AND position = :section),
        :position, :headline_id)
"""
_ROUNDUP_BY_ID = "SELECT * FROM roundups WHERE id = :roundup_id"
# An imported article wins over a compiled roundup; then the latest published.
_ROUNDUP_FOR_WEEK = """
SELECT * FROM roundups
 WHERE guild_id = :guild_id AND week = :week
 ORDER BY kind = 'imported' DESC, published_at DESC, id DESC
 LIMIT 1
"""
_SECTIONS = Sql(
    sqlite="""
SELECT s.id, s.position, s.title, s.commentary,
       (SELECT json_group_array(c.name)
          FROM roundup_section_companies AS m JOIN companies AS c ON c.id = m.company_id
         WHERE m.section_id = s.id) AS mentions_json
  FROM roundup_sections AS s
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position
""",
    postgres="""
SELECT s.id, s.position, s.title, s.commentary,
       (SELECT coalesce(json_agg(c.name), '[]')
          FROM roundup_section_companies AS m JOIN companies AS c ON c.id = m.company_id
         WHERE m.section_id = s.id) AS mentions_json
  FROM roundup_sections AS s
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position
""",
)
_SECTION_ITEMS = """
SELECT i.section_id, v.*
  FROM roundup_sections AS s
  JOIN roundup_items AS i ON i.section_id = s.id
  JOIN headline_view AS v ON v.id = i.headline_id
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position, i.position
"""
_COMPANY_NAMES = json_list_sql("SELECT id, name FROM companies WHERE id IN {ids}", ids="bigint")
_TOPIC_KEYS = json_list_sql("SELECT id, key FROM topics WHERE id IN {ids}", ids="bigint")
_LATEST_WEEK = "SELECT max(week) AS week FROM roundups WHERE guild_id = :guild_id"
_WEEKS = """
SELECT r.week, count(DISTINCT r.id) AS roundups, count(DISTINCT i.headline_id) AS headlines
  FROM roundups AS r
  LEFT JOIN roundup_sections AS s ON s.roundup_id = r.id
  LEFT JOIN roundup_items AS i ON i.section_id = s.id
 WHERE r.guild_id = :guild_id
 GROUP BY r.week
 ORDER BY r.week DESC
"""


class SqliteRoundupRepository:
    """news.archive.ports.RoundupRepository on SQLite."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def save_roundup(
        self, roundup: NewRoundup, *, alert: bool = True
    ) -> tuple[Roundup, bool]:
        """Store a roundup and its headlines in one transaction.

        The guild's import source is created and followed if needed; headlines are upserted
        by dedupe key (same id, new text and links); a roundup with the same guild, week,
        kind and normalised title is replaced in place, keeping its id.
        """
        async with self._db.transaction() as tx:
            source_id = await _import_source(tx, roundup.guild_id)
            headlines = [h for section in roundup.sections for h in section.headlines]
            stored = await store_headlines(tx, headlines, source_id, alert=alert)
            roundup_id, replaced = await _store_roundup_row(tx, roundup)
            await _store_sections(tx, roundup_id, roundup.sections, stored)
            names = await _names_of(tx, roundup)
        # Built from what was written rather than read back: reading 2,000 headlines again
        # cost a fifth of the import.
        return _saved_roundup(roundup_id, roundup, stored, names), replaced

    async def roundup_for_week(self, guild_id: int, week: str) -> Roundup | None:
        async with self._db.snapshot() as reads:
            row = await reads.fetch_one(_ROUNDUP_FOR_WEEK, {"guild_id": guild_id, "week": week})
            return await _load_roundup(reads, int(row["id"])) if row else None

    async def latest_week(self, guild_id: int) -> str | None:
        row = await self._db.fetch_one(_LATEST_WEEK, {"guild_id": guild_id})
        return str(row["week"]) if row and row["week"] else None

    async def weeks(self, guild_id: int) -> list[WeekSummary]:
        """Every week the guild has a roundup for, newest first."""
        rows = await self._db.fetch_all(_WEEKS, {"guild_id": guild_id})
        return [WeekSummary(row["week"], row["roundups"], row["headlines"]) for row in rows]


# --- saving, step by step -----------------------------------------------------------------


async def _import_source(tx: Session, guild_id: int) -> int:
    key = f"import:guild:{guild_id:d}"
    row = await tx.fetch_one(_GET_IMPORT_SOURCE, {"key": key, "title": key})
    assert row is not None  # RETURNING always yields the upserted row
    source_id = int(row["id"])
    await tx.execute(_FOLLOW_SOURCE, {"guild_id": guild_id, "source_id": source_id})
    return source_id


async def _store_roundup_row(tx: Session, roundup: NewRoundup) -> tuple[int, bool]:
    """The roundup's id, inserting or updating its row; True when it existed."""
    identity = {
        "guild_id": roundup.guild_id,
        "week": roundup.week,
        "kind": str(roundup.kind),
        "slug": normalize(roundup.title),
    }
    fields = {
        "title": roundup.title,
        "publisher": roundup.publisher,
        "author": roundup.author,
        "copyright": roundup.copyright,
        "published_at": unix(roundup.published_at),
    }
    found = await tx.fetch_one(_FIND_ROUNDUP, identity)
    if found is not None:
        await tx.execute(_UPDATE_ROUNDUP, {"id": found["id"], **fields})
        return int(found["id"]), True
    inserted = await tx.fetch_one(_INSERT_ROUNDUP, {**identity, **fields})
    assert inserted is not None  # RETURNING always yields the inserted row
    return int(inserted["id"]), False


async def _store_sections(
    tx: Session,
    roundup_id: int,
    sections: Sequence[NewSection],
    stored: dict[str, StoredHeadline],
) -> None:
    """Replace the roundup's sections, their commentary mentions and their items."""
    await tx.execute(_CLEAR_SECTIONS, {"roundup_id": roundup_id})
    await tx.executemany(
        _INSERT_SECTION,
        [
            {
                "roundup_id": roundup_id,
                "position": position,
                "title": section.title,
                "commentary": section.commentary,
            }
            for position, section in enumerate(sections)
        ],
    )
    await tx.executemany(
        _INSERT_MENTION,
        [
            {"roundup_id": roundup_id, "section": position, "company_id": company_id}
            for position, section in enumerate(sections)
            for company_id in section.mentioned_company_ids
        ],
    )
    await tx.executemany(
        _INSERT_ITEM,
        [
            {
                "roundup_id": roundup_id,
                "section": position,
                "position": item,
                "headline_id": stored[dedupe_key(headline)].id,
            }
            for position, section in enumerate(sections)
            for item, headline in enumerate(section.headlines)
        ],
    )


# --- what a save returns ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Names:
    companies: dict[int, str]
    topics: dict[int, str]


async def _names_of(tx: Session, roundup: NewRoundup) -> _Names:
    """Names of the companies and keys of the topics a roundup refers to."""
    company_ids = {
        company_id
        for section in roundup.sections
        for company_id in (
            *section.mentioned_company_ids,
            *(c for h in section.headlines for c in h.company_ids),
        )
    }
    topic_ids = {t for section in roundup.sections for h in section.headlines for t in h.topic_ids}
    companies = await tx.fetch_all(_COMPANY_NAMES, {"ids": json.dumps(sorted(company_ids))})
    topics = await tx.fetch_all(_TOPIC_KEYS, {"ids": json.dumps(sorted(topic_ids))})
    return _Names(
        companies={row["id"]: row["name"] for row in companies},
        topics={row["id"]: row["key"] for row in topics},
    )


def _saved_roundup(
    roundup_id: int, roundup: NewRoundup, stored: dict[str, StoredHeadline], names: _Names
) -> Roundup:
    """The roundup as save_roundup wrote it, equal to what roundup_for_week reads back."""
    sections = tuple(
        RoundupSection(
            position=position,
            title=section.title,
            commentary=section.commentary,
            mentioned_companies=_sorted_names(section.mentioned_company_ids, names.companies),
            headlines=tuple(
                _saved_headline(stored[dedupe_key(h)], names) for h in section.headlines
            ),
        )
        for position, section in enumerate(roundup.sections)
    )
    return Roundup(
        id=roundup_id,
        guild_id=roundup.guild_id,
        week=roundup.week,
        kind=roundup.kind,
        title=roundup.title,
        publisher=roundup.publisher,
        author=roundup.author,
        copyright=roundup.copyright,
        published_at=from_unix(unix(roundup.published_at)),
        sections=sections,
    )


def _saved_headline(stored: StoredHeadline, names: _Names) -> Headline:
    headline = stored.headline
    _, published, week = publication(headline.published_at)
    return Headline(
        id=stored.id,
        title=headline.title,
        url=stored.url,
        summary=headline.summary,
        language=headline.language,
        published_at=published,
        week=week,
        companies=_sorted_names(headline.company_ids, names.companies),
        topics=_sorted_names(headline.topic_ids, names.topics),
    )


def _sorted_names(ids: Sequence[int], names: dict[int, str]) -> tuple[str, ...]:
    return tuple(sorted({names[i] for i in ids if i in names}))


# --- reading back -------------------------------------------------------------------------


async def _load_roundup(reads: Session, roundup_id: int) -> Roundup | None:
    row = await reads.fetch_one(_ROUNDUP_BY_ID, {"roundup_id": roundup_id})
    if row is None:
        return None
    params = {"roundup_id": roundup_id}
    items: dict[int, list[Headline]] = {}
    for item in await reads.fetch_all(_SECTION_ITEMS, params):
        items.setdefault(item["section_id"], []).append(headline_from_row(item))
    sections = tuple(
        RoundupSection(
            position=section["position"],
            title=section["title"],
            commentary=section["commentary"],
            mentioned_companies=tuple(sorted(json.loads(section["mentions_json"]))),
            headlines=tuple(items.get(section["id"], ())),
        )
        for section in await reads.fetch_all(_SECTIONS, params)
    )
    return Roundup(
        id=row["id"],
        guild_id=row["guild_id"],
        week=row["week"],
        kind=RoundupKind(row["kind"]),
        title=row["title"],
        publisher=row["publisher"],
        author=row["author"],
        copyright=row["copyright"],
        published_at=from_unix(row["published_at"]),
        sections=sections,
    )
