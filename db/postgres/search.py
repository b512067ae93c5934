"""Headline search on PostgreSQL, with a plan guard.

A GIN index answers "which headlines have these keys" but not "the newest ten of them": for a
key in a third of a million headlines, the bitmap, heap visits and sort cost far more than
the page. A newest-first scan is the opposite: cheap for common terms, a walk through the
whole table for a term that matches nothing. So the search looks first, then chooses:

1. probe: the newest PROBE_ROWS index rows of the range, newest first, filtered: when the term
   is common, the page is full here after a few dozen rows;
2. otherwise the term is rare among recent headlines, and the rest of the range (older than
   the probe) comes from the GIN index, with plain index and sequential scans disabled for
   that one statement (SET LOCAL), so a misestimate never turns it into a table walk.

Either way the cost is bounded by a few thousand rows, where a single plan could cost a
million. Counting (up to TOTAL_CAP) goes through the GIN index too, under the same guard.
"""

from __future__ import annotations

from db.backend import Database, Row
from db.postgres.search_index import Condition

PROBE_ROWS = 2000

_VISIBLE = """
EXISTS (SELECT 1 FROM guild_headlines AS g
         WHERE g.guild_id = :guild_id AND g.headline_id = (s.sort_key & :id_mask))
"""
# CASE makes the order explicit: the cheap key test first, the regular expressions only on
# the rows that have every key (left to itself, the planner ran the patterns first).
_MATCHES = """
CASE WHEN s.keys @> CAST(:required AS text[]) {any}
     THEN s.terms ~ ALL (CAST(:patterns AS text[])) ELSE false END
"""
_ANY = " AND s.keys && CAST(:alternatives AS text[])"
# In the statements meant for the GIN index, ``sort_key + 0`` keeps the primary key out of
# the plan: a bitmap of a ten-year range would cost more than the search.
_GIN_KEYS = "s.keys @> CAST(:required AS text[]) {any}"

_PROBE = f"""
SELECT s.sort_key
  FROM (SELECT sort_key, terms, keys FROM headline_search
         WHERE sort_key BETWEEN :low AND :high
         ORDER BY sort_key DESC
         LIMIT :probe) AS s
 WHERE {_MATCHES} AND {_VISIBLE}
 ORDER BY s.sort_key DESC
 LIMIT :want
"""
# Where the probe stopped: its oldest sort key, and whether it reached the end of the range.
_PROBE_FLOOR = """
SELECT min(sort_key) AS floor, count(*) AS scanned
  FROM (SELECT sort_key FROM headline_search
         WHERE sort_key BETWEEN :low AND :high
         ORDER BY sort_key DESC
         LIMIT :probe) AS r
"""
_INDEXED = f"""
SELECT s.sort_key
  FROM headline_search AS s
 WHERE {_GIN_KEYS} AND s.sort_key + 0 BETWEEN :low AND :high
   AND s.terms ~ ALL (CAST(:patterns AS text[])) AND {_VISIBLE}
 ORDER BY s.sort_key DESC
 LIMIT :want
"""
_COUNT = f"""
SELECT count(*) AS total FROM (
    SELECT 1 FROM headline_search AS s
     WHERE {_GIN_KEYS} AND s.sort_key + 0 BETWEEN :low AND :high
       AND s.terms ~ ALL (CAST(:patterns AS text[])) AND {_VISIBLE}
     LIMIT :cap
) AS hits
"""
# A week is a few thousand headlines: its range, newest first, is the cheapest plan.
_WEEK_PAGE = f"""
SELECT s.sort_key FROM headline_search AS s
 WHERE s.sort_key BETWEEN :low AND :high AND {_MATCHES} AND {_VISIBLE}
 ORDER BY s.sort_key DESC
 LIMIT :want
"""
_WEEK_COUNT = f"""
SELECT count(*) AS total FROM (
    SELECT 1 FROM headline_search AS s
     WHERE s.sort_key BETWEEN :low AND :high AND {_MATCHES} AND {_VISIBLE}
     LIMIT :cap
) AS hits
"""
_PAGE_ROWS = """
SELECT v.* FROM headline_view AS v
 WHERE v.sort_key = ANY (CAST(:keys AS bigint[]))
 ORDER BY v.sort_key DESC
"""
# The plan guard: only bitmap scans remain, and the only index that narrows them is the GIN.
# Disabling a plan adds a huge cost, which would also start JIT compilation (a second of it)
# and parallel workers: both off for these statements.
_GUARD = (
    "SET LOCAL enable_seqscan = off",
    "SET LOCAL enable_indexscan = off",
    "SET LOCAL jit = off",
    "SET LOCAL max_parallel_workers_per_gather = 0",
)


def _with_any(sql: str, condition: Condition) -> str:
    # Two fixed spellings of each statement: with the "one of" keys or without.
    return sql.format(any=_ANY if condition.alternatives else "")


async def search_page(
    database: Database,
    guild_id: int,
    condition: Condition,
    low: int,
    high: int,
    offset: int,
    limit: int,
    id_mask: int,
    *,
    whole_range: bool = True,
) -> list[Row]:
    """The page's headline_view rows, newest first; ``whole_range`` False for a week."""
    want = offset + limit
    if limit <= 0:
        return []
    params = {
        "guild_id": guild_id,
        "required": list(condition.required),
        "alternatives": list(condition.alternatives),
        "patterns": list(condition.patterns),
        "low": low,
        "high": high,
        "probe": PROBE_ROWS,
        "want": want,
        "id_mask": id_mask,
    }
    async with database.snapshot() as reads:
        keys = [
            row["sort_key"] for row in await reads.fetch_all(_with_any(_PROBE, condition), params)
        ]
        if len(keys) < want:
            bound = await reads.fetch_one(_PROBE_FLOOR, params)
            if bound is not None and bound["scanned"] == PROBE_ROWS:
                for statement in _GUARD:
                    await reads.execute(statement)
                older = {**params, "high": int(bound["floor"]) - 1, "want": want - len(keys)}
                rows = await reads.fetch_all(_with_any(_INDEXED, condition), older)
                keys += [row["sort_key"] for row in rows]
        page = keys[offset:want]
        if not page:
            return []
        return await reads.fetch_all(_PAGE_ROWS, {"keys": page})


async def count_matches(
    database: Database,
    guild_id: int,
    condition: Condition,
    low: int,
    high: int,
    cap: int,
    id_mask: int,
    *,
    whole_range: bool = True,
) -> int:
    """How many visible headlines match, counting up to ``cap``."""
    params = {
        "guild_id": guild_id,
        "required": list(condition.required),
        "alternatives": list(condition.alternatives),
        "patterns": list(condition.patterns),
        "low": low,
        "high": high,
        "cap": cap,
        "id_mask": id_mask,
    }
    async with database.snapshot() as reads:
        if not whole_range:
            row = await reads.fetch_one(_with_any(_WEEK_COUNT, condition), params)
            return int(row["total"]) if row else 0
        for statement in _GUARD:
            await reads.execute(statement)
        row = await reads.fetch_one(_with_any(_COUNT, condition), params)
    return int(row["total"]) if row else 0
