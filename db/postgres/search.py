"""Headline search on PostgreSQL: the page and the capped total from one statement, with a
plan guard.

A GIN index answers "which headlines have these keys" but not "the newest ten of them": for a
key in a third of a million headlines, the bitmap, heap visits and sort cost far more than
the page. A newest-first scan is the opposite: cheap for common terms, a walk through the
whole table for a term that matches nothing. So the statement looks first, then chooses:

1. recent: the newest PROBE_ROWS rows of the range, newest first, filtered, stopping at the
   end of the page (offset + limit matches): a common term has its page after a few dozen rows;
2. when the page is full, the total (up to the cap) is counted through the GIN index over the
   whole range, in any order and only until the cap is reached; for one word, on a sample of
   its headlines first (_SAMPLED_COUNT, after the statement);
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

from db.backend import Database, Params, Row, Session
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
_FULL_COUNT = _indexed("(SELECT found = :want FROM reach) AND :count_here", ":high")
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
SELECT t.total, t.page_full, v.*
  FROM (SELECT CASE WHEN found = :want THEN (SELECT count(*) FROM full_count)
                    ELSE found + (SELECT count(*) FROM older_page) END AS total,
               found = :want AS page_full
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
SELECT t.total, false AS page_full, v.*
  FROM (SELECT count(*) AS total FROM hits) AS t
  LEFT JOIN (page JOIN headline_view AS v ON v.sort_key = page.sort_key) ON true
 ORDER BY v.sort_key DESC
"""
# The plan guard, sent as one simple query inside the statement's transaction and undone when
# it ends: with sequential scans off and the primary key out of reach, the only plan for the
# GIN parts is a bitmap of the GIN index. Disabling a plan adds a huge cost, which would also
# start parallel workers (JIT is off for the whole pool): off as well.
_GUARD = "SET LOCAL enable_seqscan = off; SET LOCAL max_parallel_workers_per_gather = 0"

# The total of a full page of one word, counted on a sample first. What costs in the count
# is the GIN bitmap of every headline with the word's keys (about 10 ms for a key in 60,000
# of a million); with gin_fuzzy_search_limit the index hands over a random subset of about
# that many of one key's headlines instead, each then checked for the whole condition as in
# the exact count. Every row counted is a real match, so a sample with ``cap`` matches proves
# "cap or more"; one with fewer proves nothing, and the exact count runs. One word only: the
# keys of a word go together (자율주행's 율주 is nearly always in 자율주행), while two words
# (삼성 보안) rarely fill a sample of one of them, and the exact count would run after it.
SAMPLE_LIMIT = 3000
_SAMPLED_COUNT = f"""
SELECT count(*) AS total FROM (
    SELECT s.sort_key FROM headline_search AS s
     WHERE s.keys @> CAST(:sample_keys AS text[])
       AND s.sort_key + 0 BETWEEN :low AND :high
       AND {_MATCHES} AND {_VISIBLE}
     LIMIT :cap
) AS c
"""
_COUNT = f"SELECT count(*) AS total FROM ({_indexed('true', ':high')} LIMIT :cap) AS c"
_SAMPLE = "SELECT set_config('gin_fuzzy_search_limit', :sample, true)"


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
    sample_key = None if week else _sample_key(condition)
    if not week:
        params |= {"probe": PROBE_ROWS, "want": offset + limit, "count_here": sample_key is None}
    any_key = _ANY if condition.alternatives else ""
    statement = (_WEEK if week else _SEARCH).format(any=any_key)
    async with database.snapshot() as reads:
        await reads.execute(_GUARD)
        rows = await reads.fetch_all(statement, params)
        total = int(rows[0]["total"]) if rows else 0
        if sample_key is not None and rows and rows[0]["page_full"]:
            total = await _sampled_total(reads, sample_key, any_key, params)
    return Found([row for row in rows if row["id"] is not None], total)


def _sample_key(condition: Condition) -> str | None:
    """The key whose headlines a full page's count samples: a middle key of a single word
    (the most particular of its syllable pairs); None for anything else."""
    words = [key for key in condition.required if key[0] not in "#^"]
    if condition.alternatives or len(condition.patterns) != 1 or not words:
        return None
    return words[len(words) // 2]


async def _sampled_total(reads: Session, key: str, any_key: str, params: Params) -> int:
    """The full page's total up to the cap: from a sample of the key's headlines when that
    reaches the cap, else counted exactly."""
    cap = int(params["cap"])
    await reads.fetch_one(_SAMPLE, {"sample": str(SAMPLE_LIMIT)})
    sampled = {**params, "sample_keys": [key]}
    row = await reads.fetch_one(_SAMPLED_COUNT.format(any=any_key), sampled)
    if row is not None and int(row["total"]) >= cap:
        return cap
    await reads.fetch_one(_SAMPLE, {"sample": "0"})
    row = await reads.fetch_one(_COUNT.format(any=any_key), params)
    return int(row["total"]) if row is not None else 0
