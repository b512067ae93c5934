"""Searching a guild's headlines (/headlines) and looking a company up (/company).

The text search is each backend's own: FTS5 here, the GIN index of db/postgres/search.py
on PostgreSQL; the rest is shared, with the company lookup spelled for each dialect.

A guild sees only the headlines of the sources it follows (view guild_headlines) and only its
own roundups; every read here takes the guild id.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from news.archive.search_terms import Unit, search_units
from news.core.models import CompanyActivity, HeadlinePage, HeadlineQuery, RoundupRef
from news.core.weeks import parse_week

from db import guild_tags as own_tags
from db.backend import Database, Dialect, Row, Sql
from db.headlines import ALL_KEYS, ID_MASK, headline_from_row, week_key_range
from db.postgres import filtered_search
from db.postgres import search as postgres_search
from db.postgres import search_index as postgres_index
from db.sqlite import search_plan
from db.sqlite.search_index import filtered_expression, match_expression, phrases_parameter

# Counting every match of a very common term over years of headlines costs more than the
# page itself, so totals stop at this many (see SqlSearchRepository.search_headlines).
TOTAL_CAP = 1000

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
) AS hits
"""
# Everything /company shows in one statement (one trip to SQLite's thread, which matters when
# a hundred commands queue for it): the newest headlines as rows, the weekly counts and the
# roundups mentioning the company as JSON columns repeated on each row. The LEFT JOIN keeps
# one row when there are no headlines, to carry the other two.
# :weeks is a JSON array of [week, lowest sort key, highest sort key].
_COMPANY_ACTIVITY = Sql(
    sqlite="""
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
""",
    postgres="""
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
    SELECT coalesce(json_agg(json_build_array(week, headlines) ORDER BY n), '[]')
           AS counts_json
      FROM (
        SELECT w.n, w.value ->> 0 AS week,
               (SELECT count(*)
                  FROM headline_companies AS hc
                 WHERE hc.company_id = :company_id
                   AND hc.sort_key BETWEEN CAST(w.value ->> 1 AS bigint)
                                       AND CAST(w.value ->> 2 AS bigint)
                   AND EXISTS (SELECT 1 FROM guild_headlines AS g
                                WHERE g.guild_id = :guild_id
                                  AND g.headline_id = hc.headline_id)
               ) AS headlines
          FROM json_array_elements(CAST(:weeks AS json)) WITH ORDINALITY AS w (value, n)
    ) AS weekly
),
mentions AS (
    SELECT coalesce(json_agg(json_build_array(id, week, title, publisher) ORDER BY n), '[]')
           AS mentions_json
      FROM (
        SELECT r.id, r.week, r.title, r.publisher,
               row_number() OVER (ORDER BY r.week DESC, r.published_at DESC, r.id DESC) AS n
          FROM roundups AS r
         WHERE r.guild_id = :guild_id
           AND r.id IN (SELECT s.roundup_id
                          FROM roundup_section_companies AS m
                          JOIN roundup_sections AS s ON s.id = m.section_id
                         WHERE m.company_id = :company_id)
         ORDER BY r.week DESC, r.published_at DESC, r.id DESC
         LIMIT :mention_limit
    ) AS mentioned
)
SELECT counts.counts_json, mentions.mentions_json, h.*
  FROM counts CROSS JOIN mentions
  LEFT JOIN (SELECT v.* FROM page JOIN headline_view AS v ON v.sort_key = page.sort_key) AS h
    ON true
 ORDER BY h.sort_key DESC
""",
)


class SqlSearchRepository:
    """news.archive.ports.HeadlineSearchRepository on either backend."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def search_headlines(self, guild_id: int, query: HeadlineQuery) -> HeadlinePage:
        """Headlines visible to the guild that match every word (and quoted phrase) of the
        query, newest first.

        ``total`` counts matches only up to max(TOTAL_CAP, offset + limit + 1): a total of
        TOTAL_CAP or more means "at least that many", and a total beyond offset + limit
        always tells that a next page exists.
        """
        if self._db.dialect is Dialect.POSTGRES:
            return await self._search_postgres(guild_id, query)
        text = query.text.strip()
        text_expression = match_expression(text) if text else None
        if text and text_expression is None:
            return HeadlinePage(total=0, headlines=(), offset=query.offset, limit=query.limit)
        expression = filtered_expression(text_expression, query.company_id, query.topic_id)
        low, high = week_key_range(parse_week(query.week)) if query.week else ALL_KEYS
        cap = max(TOTAL_CAP, query.offset + query.limit + 1)
        params = {
            "guild_id": guild_id,
            "match": expression,
            "phrases": phrases_parameter(text) if text else None,
            "low": low,
            "high": high,
            "limit": max(query.limit, 0),
            "offset": max(query.offset, 0),
            "cap": cap,
            "id_mask": ID_MASK,
        }
        filters = (query.company_id is not None) + (query.topic_id is not None)
        statement = search_plan.search_statement(text, filters)
        if query.guild_tags and query.company_id is not None:
            statement = own_tags.company_search(params, query, text_expression)
        rows = await self._db.fetch_all(statement, params)
        total = int(rows[0]["total"])  # on every row; an empty page is one row of NULLs
        found = [row for row in rows if row["id"] is not None]
        return await self._page(guild_id, found, total, cap, query)

    async def _search_postgres(self, guild_id: int, query: HeadlineQuery) -> HeadlinePage:
        condition = postgres_index.condition(query.text, query.company_id, query.topic_id)
        if condition is None:
            return HeadlinePage(total=0, headlines=(), offset=query.offset, limit=query.limit)
        low, high = week_key_range(parse_week(query.week)) if query.week else ALL_KEYS
        cap = max(TOTAL_CAP, query.offset + query.limit + 1)
        offset, limit = max(query.offset, 0), max(query.limit, 0)
        phrases = search_units(query.text).phrases if query.text.strip() else ()
        own = query.guild_tags and query.company_id is not None
        if phrases or own:
            return await self._filtered_postgres(guild_id, query, condition, phrases, low, high)
        if not condition.required and not condition.patterns:  # no text, no filter: newest
            return await self._latest_page(guild_id, query, low, high, cap)
        found = await postgres_search.search(
            self._db,
            guild_id,
            condition,
            (low, high),
            (offset, limit),
            cap,
            ID_MASK,
            week=query.week is not None,
        )
        return await self._page(guild_id, found.rows, found.total, cap, query)

    async def _filtered_postgres(
        self,
        guild_id: int,
        query: HeadlineQuery,
        condition: postgres_index.Condition,
        phrases: tuple[Unit, ...],
        low: int,
        high: int,
    ) -> HeadlinePage:
        """Quoted phrases, or a company for a server with its own tags (filtered_search)."""
        cap = max(TOTAL_CAP, query.offset + query.limit + 1)
        own_company = None
        if query.guild_tags and query.company_id is not None:
            company_key = postgres_index.company_key(query.company_id)
            rest = tuple(key for key in condition.required if key != company_key)
            own_company = (query.company_id, rest)
        keys = await filtered_search.matching_keys(
            self._db, guild_id, condition, phrases, low, high, cap, ID_MASK, own_company=own_company
        )
        page = keys[max(query.offset, 0) : max(query.offset, 0) + max(query.limit, 0)]
        rows = await self._db.fetch_all(filtered_search.PAGE_ROWS, {"keys": page}) if page else []
        return await self._page(guild_id, rows, len(keys), cap, query)

    async def _latest_page(
        self, guild_id: int, query: HeadlineQuery, low: int, high: int, cap: int
    ) -> HeadlinePage:
        params = {
            "guild_id": guild_id,
            "low": low,
            "high": high,
            "limit": max(query.limit, 0),
            "offset": max(query.offset, 0),
            "cap": cap,
        }
        rows = await self._db.fetch_all(_LATEST_PAGE, params)
        if query.offset == 0 and len(rows) < query.limit:
            total = len(rows)
        else:
            count = await self._db.fetch_one(_LATEST_COUNT, params)
            total = int(count["total"]) if count else 0
        return await self._page(guild_id, rows, total, cap, query)

    async def _page(
        self, guild_id: int, rows: list[Row], total: int, cap: int, query: HeadlineQuery
    ) -> HeadlinePage:
        headlines = tuple(map(headline_from_row, rows))
        if query.guild_tags:
            headlines = await own_tags.with_own_companies(self._db, guild_id, headlines)
        return HeadlinePage(
            total=total,
            total_exact=total < cap,
            headlines=headlines,
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
        *,
        guild_tags: bool = False,
    ) -> CompanyActivity:
        """The company's newest headlines, its count in each week asked for (zeros included)
        and the guild's roundups whose commentary names it, newest week first."""
        ranges = [[week, *week_key_range(week)] for week in weeks]
        rows = await self._db.fetch_all(
            own_tags.ACTIVITY if guild_tags else _COMPANY_ACTIVITY,
            {
                "guild_id": guild_id,
                "company_id": company_id,
                "weeks": json.dumps(ranges),
                "headline_limit": headline_limit,
                "mention_limit": mention_limit,
            },
        )
        first = rows[0]  # the LEFT JOIN always yields a row
        headlines = tuple(headline_from_row(row) for row in rows if row["id"] is not None)
        if guild_tags:
            headlines = await own_tags.with_own_companies(self._db, guild_id, headlines)
        return CompanyActivity(
            headlines=headlines,
            weekly_counts=tuple((week, count) for week, count in json.loads(first["counts_json"])),
            mentioned_in=tuple(
                RoundupRef(ref_id, week, title, publisher)
                for ref_id, week, title, publisher in json.loads(first["mentions_json"])
            ),
        )
