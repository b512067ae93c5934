"""A server's own company tags on the feed headlines it sees (guild_headline_companies; see
news.catalog.guild_tags): written at ingest and by re-tagging, read for that server only by
/company, the company filter of /headlines, the companies shown on a headline and alerts.

The shared reads (db/search.py) stay as they are for a server that added nothing; a server with
additions gets the variants here, which add its own tags to the shared ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from news.core.models import Headline, HeadlineQuery

from db.backend import Database, Params, Session, Sql, json_list_sql
from db.sqlite.search_index import filtered_expression
from db.sqlite.search_plan import Walk, page_and_total

_LINK = """
INSERT INTO guild_headline_companies (guild_id, headline_id, company_id, sort_key)
VALUES (:guild_id, :id, :company_id, :sort_key)
ON CONFLICT DO NOTHING
"""
_NAMES = json_list_sql(
    """
SELECT t.headline_id, c.name
  FROM guild_headline_companies AS t JOIN companies AS c ON c.id = t.company_id
 WHERE t.guild_id = :guild_id AND t.headline_id IN {ids}
""",
    ids="bigint",
)

_VISIBLE = """EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = {headline})"""

# /headlines with a company filter: the index's matches (tags of the shared catalogue and of
# the server's own roundups) and the feed headlines the server's own tags name, merged newest
# first. {text} narrows the second kind to the text and topic asked for, when any.
_COMPANY_MATCHES = f"""
    SELECT f.rowid AS sort_key
      FROM headline_search AS f
     WHERE headline_search MATCH :match
       AND f.rowid BETWEEN :low AND :high
       AND {_VISIBLE.format(headline="f.rowid & :id_mask")}
    UNION
    SELECT t.sort_key
      FROM guild_headline_companies AS t
     WHERE t.guild_id = :guild_id AND t.company_id = :company_id
       AND t.sort_key BETWEEN :low AND :high
       {{text}}
       AND {_VISIBLE.format(headline="t.headline_id")}
"""
_TEXT = """AND EXISTS (SELECT 1 FROM headline_search AS r
                    WHERE headline_search MATCH :rest AND r.rowid = t.sort_key)"""
# Count first: the UNION is computed whole either way, so once rather than for the page and
# again for the count.
_SEARCH = {
    narrowed: page_and_total(
        _COMPANY_MATCHES.format(text=_TEXT if narrowed else ""), "ORDER BY 1 DESC", Walk.COUNT_FIRST
    )
    for narrowed in (False, True)
}

# /company for a server with its own tags: as db/search.py's, the server's tags added to the
# shared ones (a headline tagged both ways counts once).
_SQLITE_ACTIVITY = f"""
WITH page AS MATERIALIZED (
    SELECT hc.sort_key
      FROM headline_companies AS hc
     WHERE hc.company_id = :company_id
       AND {_VISIBLE.format(headline="hc.headline_id")}
    UNION
    SELECT t.sort_key
      FROM guild_headline_companies AS t
     WHERE t.guild_id = :guild_id AND t.company_id = :company_id
       AND {_VISIBLE.format(headline="t.headline_id")}
     ORDER BY 1 DESC
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
                   AND {_VISIBLE.format(headline="hc.headline_id")}
               ) + (SELECT count(*)
                  FROM guild_headline_companies AS t
                 WHERE t.guild_id = :guild_id AND t.company_id = :company_id
                   AND t.sort_key BETWEEN json_extract(w.value, '$[1]')
                                      AND json_extract(w.value, '$[2]')
                   AND NOT EXISTS (SELECT 1 FROM headline_companies AS hc
                                    WHERE hc.headline_id = t.headline_id
                                      AND hc.company_id = t.company_id)
                   AND {_VISIBLE.format(headline="t.headline_id")}
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

_PG_ACTIVITY = f"""
WITH page AS MATERIALIZED (
    SELECT hc.sort_key
      FROM headline_companies AS hc
     WHERE hc.company_id = :company_id
       AND {_VISIBLE.format(headline="hc.headline_id")}
    UNION
    SELECT t.sort_key
      FROM guild_headline_companies AS t
     WHERE t.guild_id = :guild_id AND t.company_id = :company_id
       AND {_VISIBLE.format(headline="t.headline_id")}
     ORDER BY 1 DESC
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
                   AND {_VISIBLE.format(headline="hc.headline_id")}
               ) + (SELECT count(*)
                  FROM guild_headline_companies AS t
                 WHERE t.guild_id = :guild_id AND t.company_id = :company_id
                   AND t.sort_key BETWEEN CAST(w.value ->> 1 AS bigint)
                                      AND CAST(w.value ->> 2 AS bigint)
                   AND NOT EXISTS (SELECT 1 FROM headline_companies AS hc
                                    WHERE hc.headline_id = t.headline_id
                                      AND hc.company_id = t.company_id)
                   AND {_VISIBLE.format(headline="t.headline_id")}
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
"""
ACTIVITY = Sql(sqlite=_SQLITE_ACTIVITY, postgres=_PG_ACTIVITY)


def company_search(
    params: dict[str, Any], query: HeadlineQuery, text_expression: str | None
) -> str:
    """The statement of a company-filtered search for a server with its own tags (page and
    total, as db/sqlite/search_plan.page_and_total); adds its parameters to ``params``."""
    assert query.company_id is not None
    rest = filtered_expression(text_expression, None, query.topic_id)
    params.update(company_id=query.company_id, rest=rest)
    return _SEARCH[rest is not None]


async def with_own_companies(
    db: Database | Session, guild_id: int, headlines: Iterable[Headline]
) -> tuple[Headline, ...]:
    """The headlines with the companies the guild's own tags add to those shown to all."""
    headlines = tuple(headlines)
    if not headlines:
        return headlines
    ids = json.dumps([h.id for h in headlines])
    own: dict[int, set[str]] = {}
    for row in await db.fetch_all(_NAMES, {"guild_id": guild_id, "ids": ids}):
        own.setdefault(int(row["headline_id"]), set()).add(row["name"])
    return tuple(
        replace(h, companies=tuple(sorted({*h.companies, *own[h.id]}))) if h.id in own else h
        for h in headlines
    )


async def link(tx: Session, rows: Sequence[Params]) -> None:
    """Write own tags: rows of ``guild_id``, ``id`` (headline), ``company_id``, ``sort_key``."""
    await tx.executemany(_LINK, rows)
