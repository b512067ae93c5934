"""Roundups on either backend: saving an import or a compiled roundup with its headlines in one
transaction, and reading a guild's roundups and weeks back. Only the guild's own roundups are
ever read.

A week may hold several roundups. Saving replaces a roundup only when it is the same article:
the same web address, or the same publisher, title and week. A roundup owns the headlines it
filed (db/headlines.py), so replacing or deleting it drops the ones no longer listed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from news.core.models import (
    NewRoundup,
    NewSection,
    Roundup,
    RoundupKind,
    RoundupListing,
    RoundupRef,
    WeekSummary,
)
from news.core.text import normalize

from db.backend import Database, Dialect, Params, Row, Session, json_list_sql
from db.headlines import StoredHeadline, dedupe_key, store_headlines
from db.locks import LockSpace, lock_scope
from db.roundup_reading import load_roundup
from db.roundup_saving import names_read, read_names, saved_roundup
from db.sqlite import search_index
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
# The candidates for "the same article": the guild's roundups at the same address, and those
# of the week (the code compares publisher and title as normalised text). Two branches, each
# on its own index: an OR of the two would read every roundup of the guild.
_SAME_ARTICLE_CANDIDATES = """
SELECT id, week, title, publisher, url FROM roundups
 WHERE guild_id = :guild_id AND kind = :kind AND week = :week
UNION
SELECT id, week, title, publisher, url FROM roundups
 WHERE guild_id = :guild_id AND kind = :kind AND url IS NOT NULL AND url = :url
 ORDER BY id
"""
_INSERT_ROUNDUP = """
INSERT INTO roundups (guild_id, week, kind, slug, title, publisher, author, copyright,
                      published_at, url)
VALUES (:guild_id, :week, :kind, :slug, :title, :publisher, :author, :copyright, :published_at,
        :url)
RETURNING id
"""
_UPDATE_ROUNDUP = """
UPDATE roundups
   SET week = :week, title = :title, publisher = :publisher, author = :author,
       copyright = :copyright, published_at = :published_at, url = coalesce(:url, url)
 WHERE id = :id
"""
_LISTED_HEADLINES = """
SELECT DISTINCT i.headline_id
  FROM roundup_sections AS s JOIN roundup_items AS i ON i.section_id = s.id
 WHERE s.roundup_id = :roundup_id
"""
# The roundup's own headlines it no longer lists (after a replacement), with their index rows.
_UNLISTED_OWN = """
SELECT h.id, h.sort_key AS old_sort_key FROM headlines AS h
 WHERE h.roundup_id = :roundup_id
   AND NOT EXISTS (SELECT 1 FROM roundup_items AS i JOIN roundup_sections AS s
                       ON s.id = i.section_id
                    WHERE i.headline_id = h.id AND s.roundup_id = :roundup_id)
"""
_OWN_HEADLINES = "SELECT id, sort_key AS old_sort_key FROM headlines WHERE roundup_id = :roundup_id"
_DELETE_HEADLINE = "DELETE FROM headlines WHERE id = :id"
# Rows shared before migration 007 that the guild's roundups no longer list leave its imports.
_UNLINK_UNLISTED_SHARED = json_list_sql(
    """
DELETE FROM headline_sources
 WHERE source_id = :source_id
   AND headline_id IN {ids}
   AND headline_id IN (SELECT id FROM headlines WHERE roundup_id IS NULL)
   AND NOT EXISTS (SELECT 1
                     FROM roundup_items AS i
                     JOIN roundup_sections AS s ON s.id = i.section_id
                     JOIN roundups AS r ON r.id = s.roundup_id
                    WHERE i.headline_id = headline_sources.headline_id
                      AND r.guild_id = :guild_id)
""",
    ids="bigint",
)
_DELETE_ROUNDUP = "DELETE FROM roundups WHERE id = :roundup_id AND guild_id = :guild_id"
_GUILD_ROUNDUP = "SELECT * FROM roundups WHERE id = :roundup_id AND guild_id = :guild_id"
_ROUNDUP_LIST = """
SELECT r.id, r.week, r.title, r.publisher, r.kind, r.published_at,
       (SELECT count(*) FROM roundup_sections AS s JOIN roundup_items AS i
            ON i.section_id = s.id
         WHERE s.roundup_id = r.id) AS headlines
  FROM roundups AS r
 WHERE r.guild_id = :guild_id AND (CAST(:week AS TEXT) IS NULL OR r.week = :week)
 ORDER BY r.week DESC, r.kind = 'imported' DESC, r.published_at DESC, r.id DESC
 LIMIT :limit
"""
_WEEK_ROUNDUP_IDS = """
SELECT id FROM roundups
 WHERE guild_id = :guild_id AND week = :week
 ORDER BY kind = 'imported' DESC, published_at DESC, id DESC
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
# Company names and topic keys in one trip: 'c' rows are companies, 't' rows topics.
_LATEST_WEEK = "SELECT max(week) AS week FROM roundups WHERE guild_id = :guild_id"
_WEEKS = """
SELECT week, count(*) AS roundups FROM roundups WHERE guild_id = :guild_id GROUP BY week
"""
# Every headline the guild sees (its imports and its feeds), counted by the week it is filed
# under: weeks with feed items only are weeks of the archive too.
_HEADLINE_WEEKS = """
SELECT h.week, count(*) AS headlines
  FROM headlines AS h
 WHERE EXISTS (SELECT 1 FROM guild_headlines AS g
                WHERE g.guild_id = :guild_id AND g.headline_id = h.id)
 GROUP BY h.week
"""


class SqlRoundupRepository:
    """news.archive.ports.RoundupRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def save_roundup(
        self, roundup: NewRoundup, *, alert: bool = True
    ) -> tuple[Roundup, bool]:
        """Store a roundup and its headlines in one transaction.

        The guild's import source is created and followed if needed. The same article (same
        address, or same publisher, title and week) is replaced in place, keeping its id and
        the ids of the headlines it lists again; any other article is a roundup of its own.
        """
        async with self._db.transaction() as tx:
            # The same-article lookup holds until commit (before the headlines' lock, as
            # everywhere).
            await lock_scope(tx, LockSpace.ROUNDUPS, roundup.guild_id)
            # What the save needs to read first, in one trip: the import source, the
            # candidates for the same article, and the names the saved roundup shows (the
            # save changes no company or topic).
            source, candidates, name_rows = await tx.fetch_each(
                [
                    _import_source_read(roundup.guild_id),
                    _same_article_read(roundup),
                    names_read(roundup),
                ]
            )
            source_id = int(source[0]["id"])  # RETURNING always yields the upserted row
            await tx.execute(_FOLLOW_SOURCE, {"guild_id": roundup.guild_id, "source_id": source_id})
            found = _same_article(candidates, roundup)
            roundup_id, replaced = await _store_roundup_row(tx, roundup, found)
            listed_before = await _listed(tx, roundup_id) if replaced else []
            headlines = [h for section in roundup.sections for h in section.headlines]
            stored = await store_headlines(
                tx, headlines, source_id, alert=alert, roundup_id=roundup_id
            )
            await _store_sections(tx, roundup_id, roundup.sections, stored, replaced=replaced)
            if replaced:
                await _drop_unlisted(tx, roundup, roundup_id, source_id, listed_before)
        names = read_names(name_rows)
        # Built from what was written rather than read back: reading 2,000 headlines again
        # cost a fifth of the import.
        return saved_roundup(roundup_id, roundup, stored, names), replaced

    async def roundup_for_week(self, guild_id: int, week: str) -> Roundup | None:
        """The week's first roundup: an imported one before a compiled one, then the latest."""
        found = await self.roundups_for_week(guild_id, week)
        return found[0] if found else None

    async def roundups_for_week(self, guild_id: int, week: str) -> list[Roundup]:
        """Every roundup of the week, imported first, then the latest published first."""
        async with self._db.snapshot() as reads:
            rows = await reads.fetch_all(_WEEK_ROUNDUP_IDS, {"guild_id": guild_id, "week": week})
            loaded = [await load_roundup(reads, int(row["id"])) for row in rows]
        return [roundup for roundup in loaded if roundup is not None]

    async def roundup_by_id(self, guild_id: int, roundup_id: int) -> Roundup | None:
        """The guild's roundup with this id; None for another guild's."""
        async with self._db.snapshot() as reads:
            params = {"guild_id": guild_id, "roundup_id": roundup_id}
            if await reads.fetch_one(_GUILD_ROUNDUP, params) is None:
                return None
            return await load_roundup(reads, roundup_id)

    async def list_roundups(
        self, guild_id: int, week: str | None = None, limit: int = 1000
    ) -> list[RoundupListing]:
        """The guild's roundups (of one week, or all), newest week first."""
        rows = await self._db.fetch_all(
            _ROUNDUP_LIST, {"guild_id": guild_id, "week": week, "limit": limit}
        )
        return [
            RoundupListing(
                id=row["id"],
                week=row["week"],
                title=row["title"],
                publisher=row["publisher"],
                kind=RoundupKind(row["kind"]),
                published_at=from_unix(row["published_at"]),
                headlines=row["headlines"],
            )
            for row in rows
        ]

    async def compact_search_index(self) -> None:
        """Merge SQLite's search index into one segment (search_index.optimize); the GIN
        index of PostgreSQL merges its pending entries itself."""
        if self._db.dialect is Dialect.SQLITE:
            async with self._db.transaction() as tx:
                await search_index.optimize(tx)

    async def delete_roundup(self, guild_id: int, roundup_id: int) -> RoundupRef | None:
        """Delete the guild's roundup with the headlines it owns; None when it has none such."""
        params = {"guild_id": guild_id, "roundup_id": roundup_id}
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(_GUILD_ROUNDUP, params)
            if row is None:
                return None
            listed = await _listed(tx, roundup_id)
            own = await tx.fetch_all(_OWN_HEADLINES, params)
            await tx.index.unindex_headlines(tx, [dict(r) for r in own])
            # Cascades to its sections, items, mentions and own headlines with their links.
            await tx.execute(_DELETE_ROUNDUP, params)
            source_id = await _import_source(tx, guild_id)
            await tx.execute(
                _UNLINK_UNLISTED_SHARED,
                {"source_id": source_id, "guild_id": guild_id, "ids": json.dumps(listed)},
            )
        return RoundupRef(row["id"], row["week"], row["title"], row["publisher"])

    async def latest_week(self, guild_id: int) -> str | None:
        row = await self._db.fetch_one(_LATEST_WEEK, {"guild_id": guild_id})
        return str(row["week"]) if row and row["week"] else None

    async def weeks(self, guild_id: int) -> list[WeekSummary]:
        """Every week the guild has a roundup or a headline in (its feeds' included), newest
        first: its roundups, and the headlines it sees filed under that week."""
        async with self._db.snapshot() as reads:
            rows = await reads.fetch_all(_WEEKS, {"guild_id": guild_id})
            filed = await reads.fetch_all(_HEADLINE_WEEKS, {"guild_id": guild_id})
        roundups = {row["week"]: int(row["roundups"]) for row in rows}
        headlines = {row["week"]: int(row["headlines"]) for row in filed}
        return [
            WeekSummary(week, roundups.get(week, 0), headlines.get(week, 0))
            for week in sorted(roundups.keys() | headlines.keys(), reverse=True)
        ]


# --- saving, step by step -----------------------------------------------------------------


def _import_source_read(guild_id: int) -> tuple[str, Params]:
    key = f"import:guild:{guild_id:d}"
    return _GET_IMPORT_SOURCE, {"key": key, "title": key}


async def _import_source(tx: Session, guild_id: int) -> int:
    row = await tx.fetch_one(*_import_source_read(guild_id))
    assert row is not None  # RETURNING always yields the upserted row
    source_id = int(row["id"])
    await tx.execute(_FOLLOW_SOURCE, {"guild_id": guild_id, "source_id": source_id})
    return source_id


async def _store_roundup_row(
    tx: Session, roundup: NewRoundup, found: int | None
) -> tuple[int, bool]:
    """The roundup's id, inserting its row or updating ``found`` (the same article's);
    True when the same article existed."""
    fields = {
        "week": roundup.week,
        "title": roundup.title,
        "publisher": roundup.publisher,
        "author": roundup.author,
        "copyright": roundup.copyright,
        "published_at": unix(roundup.published_at),
        "url": roundup.url,
    }
    if found is not None:
        await tx.execute(_UPDATE_ROUNDUP, {"id": found, **fields})
        return found, True
    identity = {
        "guild_id": roundup.guild_id,
        "kind": str(roundup.kind),
        # Unique with (guild, week, kind): a different article never has all three parts.
        "slug": "|".join(
            (normalize(roundup.publisher or ""), normalize(roundup.title), roundup.url or "")
        ),
    }
    inserted = await tx.fetch_one(_INSERT_ROUNDUP, {**identity, **fields})
    assert inserted is not None  # RETURNING always yields the inserted row
    return int(inserted["id"]), False


def _same_article_read(roundup: NewRoundup) -> tuple[str, Params]:
    keys = {"guild_id": roundup.guild_id, "kind": str(roundup.kind), "week": roundup.week}
    return _SAME_ARTICLE_CANDIDATES, {**keys, "url": roundup.url}


def _same_article(rows: Sequence[Row], roundup: NewRoundup) -> int | None:
    """The id of the guild's roundup that is the same article, among the candidates: the
    same address first, else the same publisher, title and week (compared as normalised
    text)."""
    if roundup.url:
        for row in rows:
            if row["url"] == roundup.url:
                return int(row["id"])
    wanted = (normalize(roundup.publisher or ""), normalize(roundup.title))
    for row in rows:
        if (
            row["week"] == roundup.week
            and (
                normalize(row["publisher"] or ""),
                normalize(row["title"]),
            )
            == wanted
        ):
            return int(row["id"])
    return None


async def _listed(tx: Session, roundup_id: int) -> list[int]:
    rows = await tx.fetch_all(_LISTED_HEADLINES, {"roundup_id": roundup_id})
    return [int(row["headline_id"]) for row in rows]


async def _drop_unlisted(
    tx: Session, roundup: NewRoundup, roundup_id: int, source_id: int, listed_before: list[int]
) -> None:
    """After a replacement: the roundup's own headlines it lists no more are deleted, and
    shared rows (filed before migration 007) leave the guild unless another roundup lists them."""
    unlisted = [dict(row) for row in await tx.fetch_all(_UNLISTED_OWN, {"roundup_id": roundup_id})]
    await tx.index.unindex_headlines(tx, unlisted)
    await tx.executemany(_DELETE_HEADLINE, unlisted)
    await tx.execute(
        _UNLINK_UNLISTED_SHARED,
        {"source_id": source_id, "guild_id": roundup.guild_id, "ids": json.dumps(listed_before)},
    )


async def _store_sections(
    tx: Session,
    roundup_id: int,
    sections: Sequence[NewSection],
    stored: dict[str, StoredHeadline],
    *,
    replaced: bool,
) -> None:
    """Replace the roundup's sections, their commentary mentions and their items (a new
    roundup has none to clear)."""
    if replaced:
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
