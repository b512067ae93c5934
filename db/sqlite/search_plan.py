"""How a search reads SQLite: one statement answers the page and its capped total.

A search costs its walks of the index's matches (FTS5 yields them by rowid = sort key) and the
checks on each match (visible to the server, quoted phrases). One statement, so a search is
one trip to SQLite's thread; it walks the matches one of two ways:

- page first, for a query whose matches are one term's doclist (보안, AI, a word and its
  plural): the page is read newest first and stops at the page, a few dozen entries even for
  a term in every tenth headline. A first page that is not full is every match, so it is the
  total; otherwise the count follows, oldest first (FTS5 reads a doclist forwards about 1.5
  times faster than backwards) and stopping at the cap.
- count first, when several terms must meet (AI 칩, a quoted phrase, a word and a company):
  frequent words that rarely meet (보안 게임) have few matches, and finding even the newest
  ten means walking most of both doclists. So the count walks first, oldest first, up to the
  cap; below the cap it has seen every match, and the page is cut from them; at the cap the
  page is read from the index newest first, as above.
"""

from __future__ import annotations

from enum import Enum

from db.sqlite.search_index import reads_one_term

# What a server may see: the headlines of the sources it follows.
VISIBLE = """EXISTS (SELECT 1 FROM guild_headlines AS g
                    WHERE g.guild_id = :guild_id AND g.headline_id = {headline})"""

# The index's matches, unordered. The low 32 bits of a sort key are the headline id (a CHECK
# in the schema holds it), which spares a lookup in headlines for every candidate. Quoted
# phrases (:phrases, JSON; NULL when there are none) are checked on the candidates' own title
# and summary, since the index row runs the two together (a headline without a summary needs
# no check: its index row is its title).
INDEX_MATCHES = f"""
    SELECT f.rowid AS sort_key
      FROM headline_search AS f
     WHERE headline_search MATCH :match
       AND f.rowid BETWEEN :low AND :high
       AND {VISIBLE.format(headline="f.rowid & :id_mask")}
       AND (:phrases IS NULL
            OR EXISTS (SELECT 1 FROM headlines AS h
                        WHERE h.id = f.rowid & :id_mask
                          AND (h.summary = '' OR phrase_match(h.title, h.summary, :phrases))))
"""
# No text and no filter: the headlines the server sees.
LATEST_MATCHES = f"""
    SELECT h.sort_key
      FROM headlines AS h
     WHERE h.sort_key BETWEEN :low AND :high
       AND {VISIBLE.format(headline="h.id")}
"""


class Walk(Enum):
    """Which walk of the matches comes first (see the module's docstring)."""

    PAGE_FIRST = "page first"
    COUNT_FIRST = "count first"


def page_and_total(matches: str, newest: str, walk: Walk = Walk.PAGE_FIRST) -> str:
    """One statement for a page (:limit rows from :offset, newest first, as headline_view
    rows) with the number of matches up to :cap in a ``total`` column on every row. A page
    with no rows still yields one row, its headline columns NULL, to carry the total.

    ``matches`` selects the matching ``sort_key``s, unordered; ``newest`` orders it newest
    first. :cap must exceed :offset + :limit.
    """
    if walk is Walk.COUNT_FIRST:
        return _count_first(matches, newest)
    # CASE evaluates only the branch it takes: the count runs only when the page is full or
    # not the first.
    return f"""
WITH page AS MATERIALIZED (
    {matches}
    {newest}
    LIMIT :limit OFFSET :offset
),
counted AS MATERIALIZED (
    SELECT CASE WHEN :offset = 0 AND (SELECT count(*) FROM page) < :limit
                THEN (SELECT count(*) FROM page)
                ELSE (SELECT count(*) FROM ({matches} LIMIT :cap))
           END AS total
)
SELECT counted.total, v.*
  FROM counted
  LEFT JOIN (page JOIN headline_view AS v ON v.sort_key = page.sort_key) ON true
 ORDER BY v.sort_key DESC
"""


def _count_first(matches: str, newest: str) -> str:
    # Fewer matches than the cap: the page is cut from the counted ones. The cap reached:
    # the page is read from the index, newest first. A LIMIT of 0 skips its branch whole.
    return f"""
WITH counted AS MATERIALIZED ({matches} LIMIT :cap),
plan AS MATERIALIZED (
    SELECT count(*) AS total,
           CASE WHEN count(*) < :cap THEN :limit ELSE 0 END AS from_counted,
           CASE WHEN count(*) < :cap THEN 0 ELSE :limit END AS from_index
      FROM counted
),
page AS MATERIALIZED (
    SELECT sort_key FROM (
        SELECT c.sort_key FROM counted AS c
         ORDER BY c.sort_key DESC
         LIMIT (SELECT from_counted FROM plan) OFFSET :offset
    )
    UNION ALL
    SELECT sort_key FROM (
        {matches}
        {newest}
        LIMIT (SELECT from_index FROM plan) OFFSET :offset
    )
)
SELECT plan.total, v.*
  FROM plan
  LEFT JOIN (page JOIN headline_view AS v ON v.sort_key = page.sort_key) ON true
 ORDER BY v.sort_key DESC
"""


SEARCH = {walk: page_and_total(INDEX_MATCHES, "ORDER BY f.rowid DESC", walk) for walk in Walk}
LATEST = page_and_total(LATEST_MATCHES, "ORDER BY h.sort_key DESC")


def search_statement(text: str, filters: int) -> str:
    """The statement for a search of ``text`` (already known to have search units) and
    ``filters`` company or topic tags: page first when the matches are one term's doclist
    (or a word and its plural), count first when several terms must meet."""
    if not text and not filters:
        return LATEST
    single = (filters == 0 and reads_one_term(text)) or (not text and filters == 1)
    return SEARCH[Walk.PAGE_FIRST if single else Walk.COUNT_FIRST]
