"""Roundups and headlines: storing imports, reading them back, search and company lookups.

A guild sees only the headlines of the sources it follows (view guild_headlines) and only its
own roundups; every read here takes the guild id.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from news.core.models import (
    CompanyActivity,
    Headline,
    HeadlinePage,
    HeadlineQuery,
    NewHeadline,
    NewRoundup,
    NewSection,
    Roundup,
    RoundupKind,
    RoundupRef,
    RoundupSection,
    WeekSummary,
)
from news.core.text import normalize
from news.core.weeks import parse_week, week_bounds, week_of

from db.sqlite.database import Database, Row, Session
from db.sqlite.search_index import filtered_expression, index_terms, match_expression, tags
from db.times import from_unix, unix

# Counting every match of a very common term over years of headlines costs more than the
# page itself, so totals stop at this many (see SqliteArchiveRepository.search_headlines).
TOTAL_CAP = 1000
_ID_BITS = 32
_ID_MASK = (1 << _ID_BITS) - 1
_ALL_KEYS = (-(2**63), 2**63 - 1)

# --- saving a roundup -----------------------------------------------------------------

_GET_IMPORT_SOURCE = """
INSERT INTO sources (kind, key, title) VALUES ('import', :key, :title)
ON CONFLICT (key) DO UPDATE SET key = excluded.key
RETURNING id
"""
_FOLLOW_SOURCE = """
INSERT INTO guild_sources (guild_id, source_id) VALUES (:guild_id, :source_id)
ON CONFLICT DO NOTHING
"""
_HEADLINES_BY_KEY = """
SELECT id, dedupe_key, sort_key, url FROM headlines
 WHERE dedupe_key IN (SELECT value FROM json_each(:keys))
"""
_NEXT_HEADLINE_ID = "SELECT coalesce(max(id), 0) + 1 AS next_id FROM headlines"
_INSERT_HEADLINE = """
INSERT INTO headlines (id, dedupe_key, url, title, summary, language, published_at, week,
                       sort_key, relevance)
VALUES (:id, :dedupe_key, :url, :title, :summary, :language, :published_at, :week, :sort_key,
        :relevance)
"""
_UPDATE_HEADLINE = """
UPDATE headlines
   SET url = coalesce(:url, url), title = :title, summary = :summary, language = :language,
       published_at = :published_at, week = :week, sort_key = :sort_key,
       relevance = :relevance
 WHERE id = :id
"""
_UNINDEX_HEADLINE = "DELETE FROM headline_search WHERE rowid = :old_sort_key"
_INDEX_HEADLINE = """
INSERT INTO headline_search (rowid, terms, tags) VALUES (:sort_key, :terms, :tags)
"""
_LINK_SOURCE = """
INSERT INTO headline_sources (headline_id, source_id) VALUES (:id, :source_id)
ON CONFLICT DO NOTHING
"""
_QUEUE_FOR_ALERTS = "INSERT INTO alert_inbox (headline_id) VALUES (:id) ON CONFLICT DO NOTHING"
_LINKED_TO_SOURCE = """
SELECT headline_id FROM headline_sources
 WHERE source_id = :source_id AND headline_id IN (SELECT value FROM json_each(:ids))
"""
_UNLINK_COMPANIES = "DELETE FROM headline_companies WHERE headline_id = :id"
_UNLINK_TOPICS = "DELETE FROM headline_topics WHERE headline_id = :id"
_UNLINK_MENTIONS = "DELETE FROM headline_mentions WHERE headline_id = :id"
_LINK_MENTION = """
INSERT INTO headline_mentions (headline_id, company_id) VALUES (:id, :company_id)
ON CONFLICT DO NOTHING
"""
_LINK_COMPANY = """
INSERT INTO headline_companies (headline_id, company_id, sort_key)
VALUES (:id, :company_id, :sort_key)
ON CONFLICT DO NOTHING
"""
_LINK_TOPIC = """
INSERT INTO headline_topics (headline_id, topic_id) VALUES (:id, :topic_id)
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

# --- reading roundups -------------------------------------------------------------------

_ROUNDUP_BY_ID = "SELECT * FROM roundups WHERE id = :roundup_id"
# An imported article wins over a compiled roundup; then the latest published.
_ROUNDUP_FOR_WEEK = """
SELECT * FROM roundups
 WHERE guild_id = :guild_id AND week = :week
 ORDER BY kind = 'imported' DESC, published_at DESC, id DESC
 LIMIT 1
"""
_SECTIONS = """
SELECT s.id, s.position, s.title, s.commentary,
       (SELECT json_group_array(c.name)
          FROM roundup_section_companies AS m JOIN companies AS c ON c.id = m.company_id
         WHERE m.section_id = s.id) AS mentions_json
  FROM roundup_sections AS s
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position
"""
_SECTION_ITEMS = """
SELECT i.section_id, v.*
  FROM roundup_sections AS s
  JOIN roundup_items AS i ON i.section_id = s.id
  JOIN headline_view AS v ON v.id = i.headline_id
 WHERE s.roundup_id = :roundup_id
 ORDER BY s.position, i.position
"""
_COMPANY_NAMES = """
SELECT id, name FROM companies WHERE id IN (SELECT value FROM json_each(:ids))
"""
_TOPIC_KEYS = "SELECT id, key FROM topics WHERE id IN (SELECT value FROM json_each(:ids))"
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


# --- search and company lookups -------------------------------------------------------------
# The search index yields rowids (= sort keys) newest first, already restricted to the week's
# range, so SQLite stops after offset + limit visible rows instead of sorting every match.
# The low 32 bits of a sort key are the headline id (a CHECK in the schema holds it), which
# spares a lookup in headlines for every candidate.

_SEARCH_PAGE = """
WITH page AS MATERIALIZED (
    SELECT f.rowid AS sort_key
      FROM headline_search AS f
     WHERE headline_search MATCH :match
       AND f.rowid BETWEEN :low AND :high
       AND EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = f.rowid & :id_mask)
     ORDER BY f.rowid DESC
     LIMIT :limit OFFSET :offset
)
SELECT v.* FROM page JOIN headline_view AS v ON v.sort_key = page.sort_key
 ORDER BY v.sort_key DESC
"""
_SEARCH_COUNT = """
SELECT count(*) AS total FROM (
    SELECT 1
      FROM headline_search AS f
     WHERE headline_search MATCH :match
       AND f.rowid BETWEEN :low AND :high
       AND EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = f.rowid & :id_mask)
     LIMIT :cap
)
"""
_LATEST_PAGE = """
WITH page AS MATERIALIZED (
    SELECT h.sort_key
      FROM headlines AS h
     WHERE h.sort_key BETWEEN :low AND :high
       AND EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = h.id)
     ORDER BY h.sort_key DESC
     LIMIT :limit OFFSET :offset
)
SELECT v.* FROM page JOIN headline_view AS v ON v.sort_key = page.sort_key
 ORDER BY v.sort_key DESC
"""
_LATEST_COUNT = """
SELECT count(*) AS total FROM (
    SELECT 1
      FROM headlines AS h
     WHERE h.sort_key BETWEEN :low AND :high
       AND EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = h.id)
     LIMIT :cap
)
"""
# Everything /company shows in one statement (one trip to SQLite's thread, which matters when
# a hundred commands queue for it): the newest headlines as rows, the weekly counts and the
# roundups mentioning the company as JSON columns repeated on each row. The LEFT JOIN keeps
# one row when there are no headlines, to carry the other two.
# :weeks is a JSON array of [week, lowest sort key, highest sort key].
_COMPANY_ACTIVITY = """
WITH page AS MATERIALIZED (
    SELECT hc.sort_key
      FROM headline_companies AS hc
     WHERE hc.company_id = :company_id
       AND EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = hc.headline_id)
     ORDER BY hc.sort_key DESC
     LIMIT :headline_limit
),
counts AS (
    SELECT json_group_array(json_array(week, headlines)) AS counts_json FROM (
        SELECT json_extract(w.value, '$[0]') AS week,
               (SELECT count(*)
                  FROM headline_companies AS hc
                 WHERE hc.company_id = :company_id
                   AND hc.sort_key BETWEEN json_extract(w.value, '$[1]')
                                       AND json_extract(w.value, '$[2]')
                   AND EXISTS (SELECT 1 FROM guild_headlines AS g
                                WHERE g.guild_id = :guild_id
                                  AND g.headline_id = hc.headline_id)
               ) AS headlines
          FROM json_each(:weeks) AS w
    )
),
mentions AS (
    SELECT json_group_array(json_array(id, week, title, publisher)) AS mentions_json FROM (
        SELECT r.id, r.week, r.title, r.publisher
          FROM roundups AS r
         WHERE r.guild_id = :guild_id
           AND r.id IN (SELECT s.roundup_id
                          FROM roundup_section_companies AS m
                          JOIN roundup_sections AS s ON s.id = m.section_id
                         WHERE m.company_id = :company_id)
         ORDER BY r.week DESC, r.published_at DESC, r.id DESC
         LIMIT :mention_limit
    )
)
SELECT counts.counts_json, mentions.mentions_json, h.*
  FROM counts CROSS JOIN mentions
  LEFT JOIN (SELECT v.* FROM page JOIN headline_view AS v ON v.sort_key = page.sort_key) AS h
 ORDER BY h.sort_key DESC
"""


def sort_key(published_at: int, headline_id: int) -> int:
    """Newest-first order key: the minute of publication, then the id as a tie-breaker."""
    return (published_at // 60 << _ID_BITS) + headline_id


def week_key_range(week: str) -> tuple[int, int]:
    """The inclusive range of sort keys of headlines published in ``week`` (UTC)."""
    start, end = week_bounds(week)
    return sort_key(unix(start), 0), sort_key(unix(end), 0) - 1


@functools.lru_cache(maxsize=8192)  # asked three times per headline during one save
def dedupe_key(headline: NewHeadline) -> str:
    """Its canonical URL, or its normalised title when it has no link."""
    url = (headline.url or "").strip()
    return url or "title:" + normalize(headline.title)


@dataclass(frozen=True, slots=True)
class _StoredHeadline:
    id: int
    sort_key: int
    old_sort_key: int | None  # None when the headline is new
    url: str | None  # as stored: an update without a link keeps the link it had
    headline: NewHeadline  # the text that was written (the last occurrence of its key)


class SqliteArchiveRepository:
    """news.ports.ArchiveRepository on SQLite."""

    def __init__(self, database: Database) -> None:
        self._db = database

    # --- writing ------------------------------------------------------------------------

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
            stored = await _store_headlines(tx, headlines, source_id, alert=alert)
            roundup_id, replaced = await _store_roundup_row(tx, roundup)
            await _store_sections(tx, roundup_id, roundup.sections, stored)
            names = await _names_of(tx, roundup)
        # Built from what was written rather than read back: reading 2,000 headlines again
        # cost a fifth of the import.
        return _saved_roundup(roundup_id, roundup, stored, names), replaced

    # --- roundups -----------------------------------------------------------------------

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

    # --- headlines ----------------------------------------------------------------------

    async def search_headlines(self, guild_id: int, query: HeadlineQuery) -> HeadlinePage:
        """Headlines visible to the guild that match every word of the query, newest first.

        ``total`` counts matches only up to max(TOTAL_CAP, offset + limit + 1): a total of
        TOTAL_CAP or more means "at least that many", and a total beyond offset + limit
        always tells that a next page exists.
        """
        text = query.text.strip()
        text_expression = match_expression(text) if text else None
        if text and text_expression is None:
            return HeadlinePage(total=0, headlines=(), offset=query.offset, limit=query.limit)
        expression = filtered_expression(text_expression, query.company_id, query.topic_id)
        low, high = week_key_range(parse_week(query.week)) if query.week else _ALL_KEYS
        cap = max(TOTAL_CAP, query.offset + query.limit + 1)
        params = {
            "guild_id": guild_id,
            "match": expression,
            "low": low,
            "high": high,
            "limit": max(query.limit, 0),
            "offset": max(query.offset, 0),
            "cap": cap,
            "id_mask": _ID_MASK,
        }
        page_sql, count_sql = (
            (_SEARCH_PAGE, _SEARCH_COUNT) if expression else (_LATEST_PAGE, _LATEST_COUNT)
        )
        rows = await self._db.fetch_all(page_sql, params)
        # A first page that is not full already tells the total: one query, not two.
        if query.offset == 0 and len(rows) < query.limit:
            total = len(rows)
        else:
            count = await self._db.fetch_one(count_sql, params)
            total = int(count["total"]) if count else 0
        return HeadlinePage(
            total=total,
            total_exact=total < cap,
            headlines=tuple(map(headline_from_row, rows)),
            offset=query.offset,
            limit=query.limit,
        )

    async def company_activity(
        self,
        guild_id: int,
        company_id: int,
        weeks: Sequence[str],
        headline_limit: int,
        mention_limit: int,
    ) -> CompanyActivity:
        """The company's newest headlines, its count in each week asked for (zeros included)
        and the guild's roundups whose commentary names it, newest week first."""
        ranges = [[week, *week_key_range(week)] for week in weeks]
        rows = await self._db.fetch_all(
            _COMPANY_ACTIVITY,
            {
                "guild_id": guild_id,
                "company_id": company_id,
                "weeks": json.dumps(ranges),
                "headline_limit": headline_limit,
                "mention_limit": mention_limit,
            },
        )
        first = rows[0]  # the LEFT JOIN always yields a row
        return CompanyActivity(
            headlines=tuple(headline_from_row(row) for row in rows if row["id"] is not None),
            weekly_counts=tuple((week, count) for week, count in json.loads(first["counts_json"])),
            mentioned_in=tuple(
                RoundupRef(ref_id, week, title, publisher)
                for ref_id, week, title, publisher in json.loads(first["mentions_json"])
            ),
        )


# --- saving, step by step -----------------------------------------------------------------


async def _import_source(tx: Session, guild_id: int) -> int:
    key = f"import:guild:{guild_id:d}"
    row = await tx.fetch_one(_GET_IMPORT_SOURCE, {"key": key, "title": key})
    assert row is not None  # RETURNING always yields the upserted row
    source_id = int(row["id"])
    await tx.execute(_FOLLOW_SOURCE, {"guild_id": guild_id, "source_id": source_id})
    return source_id


async def _store_headlines(
    tx: Session, headlines: Sequence[NewHeadline], source_id: int, *, alert: bool
) -> dict[str, _StoredHeadline]:
    """Upsert the headlines with their links and index rows; returns what each key became.
    With ``alert``, the headlines new to the archive wait in the inbox of the alert matcher,
    written in this transaction so that no stored headline escapes it."""
    # The last occurrence of a key wins, as the freshest text of that story.
    latest = {dedupe_key(headline): headline for headline in headlines}
    stored = await _assign_ids(tx, latest)
    # FTS5 flushes its pending terms to a new segment whenever a rowid is lower than the one
    # before it, so rows go in by ascending sort key: one segment per save, not hundreds.
    keys = sorted(latest, key=lambda key: stored[key].sort_key)
    all_rows = [_headline_row(key, latest[key], stored[key]) for key in keys]
    new_rows = [row for row in all_rows if row["old_sort_key"] is None]
    updated_rows = [row for row in all_rows if row["old_sort_key"] is not None]
    await tx.executemany(_INSERT_HEADLINE, new_rows)
    if alert:
        await tx.executemany(_QUEUE_FOR_ALERTS, new_rows)
        known = [stored[key].id for key in keys if stored[key].old_sort_key is not None]
        await _queue_new_to_source(tx, known, source_id)
    await tx.executemany(_UPDATE_HEADLINE, updated_rows)
    await tx.executemany(_UNINDEX_HEADLINE, updated_rows)
    await tx.executemany(_UNLINK_COMPANIES, updated_rows)
    await tx.executemany(_UNLINK_TOPICS, updated_rows)
    await tx.executemany(_UNLINK_MENTIONS, updated_rows)
    await tx.executemany(_INDEX_HEADLINE, all_rows)
    await tx.executemany(_LINK_SOURCE, [{"id": r["id"], "source_id": source_id} for r in all_rows])
    await tx.executemany(_LINK_COMPANY, _company_links(latest, stored))
    await tx.executemany(_LINK_TOPIC, _topic_links(latest, stored))
    await tx.executemany(_LINK_MENTION, _mention_links(latest, stored))
    return stored


async def store_new_headlines(
    tx: Session, headlines: Sequence[NewHeadline], source_id: int, *, alert: bool
) -> tuple[int, int]:
    """File the headlines the archive lacks, and link every headline to the source.

    A story already filed (by this source or another) keeps its text, date and id: it is
    only linked, so that every guild following the source sees it and a feed polled again
    never moves a story to another week. Returns (stories filed now, stories linked in all).
    """
    latest = {dedupe_key(headline): headline for headline in headlines}
    known = {
        row["dedupe_key"]: int(row["id"])
        for row in await tx.fetch_all(_HEADLINES_BY_KEY, {"keys": json.dumps(list(latest))})
    }
    fresh = [headline for key, headline in latest.items() if key not in known]
    if fresh:  # most polls of a busy feed bring nothing new: spare the id lookups
        await _store_headlines(tx, fresh, source_id, alert=alert)
    if alert:
        await _queue_new_to_source(tx, list(known.values()), source_id)
    await tx.executemany(_LINK_SOURCE, [{"id": i, "source_id": source_id} for i in known.values()])
    return len(fresh), len(latest)


async def _queue_new_to_source(tx: Session, headline_ids: list[int], source_id: int) -> None:
    """Stories the archive had from elsewhere but this source brings for the first time wait
    for the alert matcher again: they are news to the servers that follow only this source.
    Nobody hears twice, as the outbox holds one row per user and headline."""
    if not headline_ids:
        return
    params = {"source_id": source_id, "ids": json.dumps(headline_ids)}
    linked = {row["headline_id"] for row in await tx.fetch_all(_LINKED_TO_SOURCE, params)}
    await tx.executemany(_QUEUE_FOR_ALERTS, [{"id": i} for i in headline_ids if i not in linked])


async def _assign_ids(tx: Session, latest: dict[str, NewHeadline]) -> dict[str, _StoredHeadline]:
    """Known headlines keep their id; new ones get the next free ids.

    We choose ids ourselves because the sort key embeds the id and must be written with the
    row; BEGIN IMMEDIATE guarantees nobody else inserts meanwhile.
    """
    existing = {
        row["dedupe_key"]: row
        for row in await tx.fetch_all(_HEADLINES_BY_KEY, {"keys": json.dumps(list(latest))})
    }
    next_row = await tx.fetch_one(_NEXT_HEADLINE_ID)
    next_id = int(next_row["next_id"]) if next_row else 1
    stored = {}
    for key, headline in latest.items():
        known = existing.get(key)
        old_key: int | None = None
        url = headline.url
        if known is None:
            headline_id = next_id
            next_id += 1
        else:
            headline_id, old_key = int(known["id"]), int(known["sort_key"])
            url = url or known["url"]
        new_key = sort_key(unix(headline.published_at), headline_id)
        stored[key] = _StoredHeadline(headline_id, new_key, old_key, url, headline)
    return stored


def _headline_row(key: str, headline: NewHeadline, stored: _StoredHeadline) -> dict[str, object]:
    published, _, week = _publication(headline.published_at)
    return {
        "id": stored.id,
        "dedupe_key": key,
        "url": headline.url,
        "title": headline.title,
        "summary": headline.summary,
        "language": headline.language,
        "published_at": published,
        "week": week,
        "sort_key": stored.sort_key,
        "old_sort_key": stored.old_sort_key,
        "relevance": min(max(headline.relevance, 0.0), 1.0),
        "terms": index_terms(headline.title + "\n" + headline.summary),
        "tags": tags(headline.company_ids, headline.topic_ids),
    }


def _company_links(
    latest: dict[str, NewHeadline], stored: dict[str, _StoredHeadline]
) -> list[dict[str, int]]:
    return [
        {"id": stored[key].id, "company_id": company_id, "sort_key": stored[key].sort_key}
        for key, headline in latest.items()
        for company_id in headline.company_ids
    ]


def _mention_links(
    latest: dict[str, NewHeadline], stored: dict[str, _StoredHeadline]
) -> list[dict[str, int]]:
    return [
        {"id": stored[key].id, "company_id": company_id}
        for key, headline in latest.items()
        for company_id in headline.mention_ids
        if company_id not in headline.company_ids
    ]


def _topic_links(
    latest: dict[str, NewHeadline], stored: dict[str, _StoredHeadline]
) -> list[dict[str, int]]:
    return [
        {"id": stored[key].id, "topic_id": topic_id}
        for key, headline in latest.items()
        for topic_id in headline.topic_ids
    ]


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
    stored: dict[str, _StoredHeadline],
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
    roundup_id: int, roundup: NewRoundup, stored: dict[str, _StoredHeadline], names: _Names
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


def _saved_headline(stored: _StoredHeadline, names: _Names) -> Headline:
    headline = stored.headline
    _, published, week = _publication(headline.published_at)
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


def headline_from_row(row: Row) -> Headline:
    """A Headline from a headline_view row; companies and topics sorted for stable output."""
    return Headline(
        id=row["id"],
        title=row["title"],
        url=row["url"],
        summary=row["summary"],
        language=row["language"],
        published_at=from_unix(row["published_at"]),
        week=row["week"],
        companies=tuple(sorted(json.loads(row["companies_json"]))),
        topics=tuple(sorted(json.loads(row["topics_json"]))),
    )


@functools.lru_cache(maxsize=1024)  # the headlines of one import share their time
def _publication(moment: datetime) -> tuple[int, datetime, str]:
    """Seconds since the epoch, the UTC time they stand for, and its ISO week."""
    seconds = unix(moment)
    utc = from_unix(seconds)
    return seconds, utc, week_of(utc)
