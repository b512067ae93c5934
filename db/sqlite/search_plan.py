"""How a search reads SQLite: one statement answers the page and its capped total.

The page is read newest first and stops at the page: the index yields its matches (rowid =
sort key) newest first, so a frequent term costs a few dozen index entries. A first page
that is not full is every match there is, so its length is the total; otherwise the same
statement counts the matches up to the cap, reading the index oldest first (FTS5 reads a
doclist forwards about 1.5 times faster than backwards, and order does not matter to a
count). One statement rather than a page and then a count: a search is one trip to
SQLite's thread, and the count is never started when the page already tells the total.
"""

from __future__ import annotations

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


def page_and_total(matches: str, newest: str) -> str:
    """One statement for a page (:limit rows from :offset, newest first, as headline_view
    rows) with the number of matches up to :cap in a ``total`` column on every row. A page
    with no rows still yields one row, its headline columns NULL, to carry the total.

    ``matches`` selects the matching ``sort_key``s, unordered; ``newest`` orders it newest
    first. CASE evaluates only the branch it takes, so the count runs only when the page is
    full or not the first.
    """
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


SEARCH = page_and_total(INDEX_MATCHES, "ORDER BY f.rowid DESC")
LATEST = page_and_total(LATEST_MATCHES, "ORDER BY h.sort_key DESC")
