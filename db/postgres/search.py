"""Headline search on PostgreSQL: the page and the capped total from one statement, with a
plan guard.

A GIN index answers "which headlines have these keys" but not "the newest ten of them": for a
key in a third of a million headlines, the bitmap, heap visits and sort cost far more than
the page. A newest-first scan is the opposite: cheap for common terms, a walk through the
whole table for a term that matches nothing. So the statement looks first, then chooses:

1. recent: the newest PROBE_ROWS rows of the range, newest first, filtered, stopping at the
   end of the page (offset + limit matches): a common term has its page after a few dozen rows;
2. when the page is full, the total (up to the cap) is counted through the GIN index over the
   whole range, in any order and only until the cap is reached;
3. when the page is not full and the probe stopped short of the end of the range, the rest
   of the range (older than the probe) comes from the GIN index, newest first up to the cap:
   that one pass gives the rest of the page and the total;
4. otherwise the probe saw the whole range, and what it found is the total.

Either way the cost is bounded by a few thousand rows, where a single plan could cost a
million, and the page and its total come back from one statement. ``sort_key + 0`` keeps the
primary key out of the GIN parts (a backward walk of a ten-year range, filtered row by row,
is the plan this avoids); the guard (_GUARD) takes away sequential scans, so a misestimate of
the keys never turns them into a table walk.

A week is a few thousand headlines: its range, newest first, is the cheapest plan, and its
one pass gives the page and the capped total too.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.backend import Database, Row
from db.postgres.search_index import Condition

PROBE_ROWS = 2000

_VISIBLE = """
EXISTS (SELECT 1 FROM guild_headlines AS g
         WHERE g.guild_id = :guild_id AND g.headline_id = (s.sort_key & :id_mask))
"""
# CASE makes the order explicit: the cheap key test first, the regular expressions only on
# the rows that have every key (left to itself, the planner ran the patterns first). It also
# hides the keys from the planner, so the newest-first scans never turn into GIN bitmaps.
_MATCHES = """
CASE WHEN s.keys @> CAST(:required AS text[]) {any}
     THEN s.terms ~ ALL (CAST(:patterns AS text[])) ELSE false END
"""
_ANY = " AND s.keys && CAST(:alternatives AS text[])"


def _indexed(gate: str, top: str) -> str:
    """The matches from :low to ``top`` through the GIN index, when ``gate`` holds; ``{any}``
    is left for the alternatives. ``sort_key + 0`` keeps the primary key out of the plan."""
    return f"""
SELECT s.sort_key FROM headline_search AS s
 WHERE {gate}
   AND s.keys @> CAST(:required AS text[]) {{any}}
   AND s.sort_key + 0 BETWEEN :low AND {top}
   AND s.terms ~ ALL (CAST(:patterns AS text[])) AND {_VISIBLE}
"""


# The gates are scalar subqueries on ``reach``, that is one-time filters: a part whose gate is
# false never runs; nor does the probe's floor (probe_keys), read only by the older part.
_OLDER_PAGE = _indexed("(SELECT older FROM reach)", "(SELECT min(sort_key) - 1 FROM probe_keys)")
_FULL_COUNT = _indexed("(SELECT found = :want FROM reach)", ":high")
_SEARCH = f"""
WITH recent AS MATERIALIZED (
    SELECT s.sort_key
      FROM (SELECT sort_key, terms, keys FROM headline_search
             WHERE sort_key BETWEEN :low AND :high
             ORDER BY sort_key DESC
             LIMIT :probe) AS s
     WHERE {_MATCHES} AND {_VISIBLE}
     ORDER BY s.sort_key DESC
     LIMIT :want
),
probe_keys AS MATERIALIZED (
    SELECT sort_key FROM headline_search
     WHERE sort_key BETWEEN :low AND :high
     ORDER BY sort_key DESC
     LIMIT :probe
),
reach AS MATERIALIZED (
    SELECT found, found < :want AND (SELECT count(*) FROM probe_keys) = :probe AS older
      FROM (SELECT count(*) AS found FROM recent) AS r
),
older_page AS MATERIALIZED (
    {_OLDER_PAGE}
     ORDER BY s.sort_key + 0 DESC
     LIMIT (SELECT :cap - found FROM reach)
),
full_count AS MATERIALIZED (
    {_FULL_COUNT}
     LIMIT :cap
),
page AS (
    SELECT sort_key FROM recent UNION ALL SELECT sort_key FROM older_page
     ORDER BY sort_key DESC
     LIMIT :limit OFFSET :offset
)
SELECT t.total, v.*
  FROM (SELECT CASE WHEN found = :want THEN (SELECT count(*) FROM full_count)
                    ELSE found + (SELECT count(*) FROM older_page) END AS total
          FROM reach) AS t
  LEFT JOIN (page JOIN headline_view AS v ON v.sort_key = page.sort_key) ON true
 ORDER BY v.sort_key DESC
"""
_WEEK = f"""
WITH hits AS MATERIALIZED (
    SELECT s.sort_key FROM headline_search AS s
     WHERE s.sort_key BETWEEN :low AND :high AND {_MATCHES} AND {_VISIBLE}
     ORDER BY s.sort_key DESC
     LIMIT :cap
),
page AS (
    SELECT sort_key FROM hits ORDER BY sort_key DESC LIMIT :limit OFFSET :offset
)
SELECT t.total, v.*
  FROM (SELECT count(*) AS total FROM hits) AS t
  LEFT JOIN (page JOIN headline_view AS v ON v.sort_key = page.sort_key) ON true
 ORDER BY v.sort_key DESC
"""
# The plan guard, sent as one simple query inside the statement's transaction and undone when
# it ends: with sequential scans off and the primary key out of reach, the only plan for the
# GIN parts is a bitmap of the GIN index. Disabling a plan adds a huge cost, which would also
# start parallel workers (JIT is off for the whole pool): off as well.
_GUARD = "SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0"


@dataclass(frozen=True, slots=True)
class Found:
    """A page of headline_view rows, newest first, and the total counted up to the cap."""

    rows: list[Row]
    total: int


async def search(
    database: Database,
    guild_id: int,
    condition: Condition,
    bounds: tuple[int, int],
    page: tuple[int, int],
    cap: int,
    id_mask: int,
    *,
    week: bool = False,
) -> Found:
    """The visible matches in the sort key range ``bounds``: the rows of ``page`` (offset,
    limit) and the total up to ``cap`` (at least offset + limit + 1); ``week`` for a week's
    range."""
    (low, high), (offset, limit) = bounds, page
    params = {
        "guild_id": guild_id,
        "required": list(condition.required),
        "alternatives": list(condition.alternatives),
        "patterns": list(condition.patterns),
        "low": low,
        "high": high,
        "offset": offset,
        "limit": limit,
        "cap": cap,
        "id_mask": id_mask,
    }
    if not week:
        params |= {"probe": PROBE_ROWS, "want": offset + limit}
    statement = (_WEEK if week else _SEARCH).format(any=_ANY if condition.alternatives else "")
    async with database.snapshot() as reads:
        await reads.execute(_GUARD)
        rows = await reads.fetch_all(statement, params)
    total = int(rows[0]["total"]) if rows else 0
    return Found([row for row in rows if row["id"] is not None], total)
