"""The searches on PostgreSQL that the GIN plan of db/postgres/search.py does not answer alone.

- Quoted phrases must stand within the title or within the summary, as on SQLite (see
  db/sqlite/search_index.phrase_match), while an index row runs the two together: the index
  finds the candidates and each one's own title and summary are checked here in Python.
- A company filter for a server with its own tags (db/guild_tags.py) adds the feed headlines
  those tags name and that meet the rest of the condition.

The candidates are read newest first in batches until ``cap`` matches are found or none are
left, so the page and the capped total come from one pass.
"""

from __future__ import annotations

from news.archive.search_terms import Unit, phrase_in

from db.backend import Database, Row
from db.postgres.search_index import Condition

_VISIBLE = """EXISTS (SELECT 1 FROM guild_headlines AS g
                WHERE g.guild_id = :guild_id AND g.headline_id = h.id)"""
_ANY = " AND s.keys && CAST(:alternatives AS text[])"
_INDEXED = """
    SELECT s.sort_key FROM headline_search AS s
     WHERE s.keys @> CAST(:required AS text[]) {any}
       AND s.terms ~ ALL (CAST(:patterns AS text[]))
       AND s.sort_key BETWEEN :low AND :high
"""
_OWN_TAGGED = """
    UNION
    SELECT t.sort_key FROM guild_headline_companies AS t
      JOIN headline_search AS s ON s.sort_key = t.sort_key
     WHERE t.guild_id = :guild_id AND t.company_id = :company_id
       AND t.sort_key BETWEEN :low AND :high
       AND s.keys @> CAST(:rest_required AS text[]) {any}
       AND s.terms ~ ALL (CAST(:patterns AS text[]))
"""
_CANDIDATES = f"""
SELECT m.sort_key, h.title, h.summary FROM ({{matches}}) AS m
  JOIN headlines AS h ON h.id = (m.sort_key & :id_mask)
 WHERE {_VISIBLE}
 ORDER BY m.sort_key DESC
 LIMIT :batch
"""
PAGE_ROWS = """
SELECT v.* FROM headline_view AS v
 WHERE v.sort_key = ANY (CAST(:keys AS bigint[]))
 ORDER BY v.sort_key DESC
"""


def _statement(condition: Condition, own: bool) -> str:
    matches = _INDEXED + (_OWN_TAGGED if own else "")
    return _CANDIDATES.format(matches=matches.format(any=_ANY if condition.alternatives else ""))


async def matching_keys(
    database: Database,
    guild_id: int,
    condition: Condition,
    phrases: tuple[Unit, ...],
    low: int,
    high: int,
    cap: int,
    id_mask: int,
    *,
    own_company: tuple[int, tuple[str, ...]] | None = None,
) -> list[int]:
    """The sort keys of the visible matches, newest first, at most ``cap``.

    ``own_company`` is (company id, the condition's required keys without the company's)
    for a server whose own tags may name the company."""
    params: dict[str, object] = {
        "guild_id": guild_id,
        "required": list(condition.required),
        "alternatives": list(condition.alternatives),
        "patterns": list(condition.patterns),
        "low": low,
        "id_mask": id_mask,
        "batch": max(cap, 100),
    }
    if own_company is not None:
        params["company_id"], rest = own_company
        params["rest_required"] = list(rest)
    statement = _statement(condition, own_company is not None)
    keys: list[int] = []
    while len(keys) < cap and high >= low:
        rows = await database.fetch_all(statement, {**params, "high": high})
        keys += [int(row["sort_key"]) for row in rows if _has_phrases(row, phrases)]
        if len(rows) < int(str(params["batch"])):
            break
        high = int(rows[-1]["sort_key"]) - 1
    return keys[:cap]


def _has_phrases(row: Row, phrases: tuple[Unit, ...]) -> bool:
    title, summary = str(row["title"]), str(row["summary"])
    if not summary:  # the index row is the title alone: the index already checked it
        return True
    return all(phrase_in(title, unit) or phrase_in(summary, unit) for unit in phrases)
