"""How the search index stores terms and how a user's query becomes an FTS5 MATCH expression.

The terms themselves are defined once, in news.archive.search_terms (alert keywords match the same
way); here they become the ``terms`` column of headline_search and MATCH expressions,
company/topic tags fill the ``tags`` column, and the ``pairs`` column holds neighbouring terms
joined (term_pairs), which answers a phrase of common words without walking their doclists.
The index rows are written and dropped here too, by the sort key that is their rowid: the
FTS5 table is SQLite's own (another backend would index headlines its own way).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence

from news.archive.search_terms import (
    Phrase,
    Unit,
    is_cjk_term,
    phrase_in,
    search_units,
    term_pairs,
    text_terms,
)

from db.backend import Params, Session

TERMS_COLUMN = "terms"
TAGS_COLUMN = "tags"
PAIRS_COLUMN = "pairs"

_UNINDEX_HEADLINE = "DELETE FROM headline_search WHERE rowid = :old_sort_key"
_INDEX_HEADLINE = """
INSERT INTO headline_search (rowid, terms, tags, pairs) VALUES (:sort_key, :terms, :tags, :pairs)
"""
_SET_TAGS = "UPDATE headline_search SET tags = :tags WHERE rowid = :sort_key"
_OPTIMIZE = "INSERT INTO headline_search (headline_search) VALUES ('optimize')"


async def index_headlines(tx: Session, rows: Sequence[Params]) -> None:
    """Index headline rows (``sort_key``, ``title``, ``summary``, ``company_ids``,
    ``topic_ids``), in the order given."""
    await tx.executemany(_INDEX_HEADLINE, [_index_row(row) for row in rows])


def _index_row(row: Params) -> Params:
    terms = text_terms(row["title"] + "\n" + row["summary"])
    return {
        "sort_key": row["sort_key"],
        "terms": " ".join(terms),
        "tags": tags(row["company_ids"], row["topic_ids"]),
        "pairs": " ".join(term_pairs(terms)),
    }


async def unindex_headlines(tx: Session, rows: Sequence[Params]) -> None:
    """Drop the index rows of updated headlines, by their ``old_sort_key``."""
    await tx.executemany(_UNINDEX_HEADLINE, rows)


async def retag_headlines(tx: Session, rows: Sequence[Params]) -> None:
    """Rewrite the ``tags`` column of indexed headlines (``sort_key``, ``company_ids``,
    ``topic_ids``); their terms stay."""
    await tx.executemany(
        _SET_TAGS,
        [
            {"sort_key": row["sort_key"], "tags": tags(row["company_ids"], row["topic_ids"])}
            for row in rows
        ],
    )


async def optimize(tx: Session) -> None:
    """Merge the index's segments into one. Each write transaction adds a segment and FTS5
    merges them only four at a time, so a bulk import leaves a dozen, and every search term
    is looked up, and its doclist read, in each of them: one segment makes multi-word and
    week-filtered searches 1.2 to 3 times faster over half a million headlines."""
    await tx.execute(_OPTIMIZE)


def index_pairs(terms: str) -> str:
    """The ``pairs`` column for an index row whose ``terms`` column is ``terms`` (the SQL
    function term_pairs, with which migration 013 fills the column of stored rows)."""
    return " ".join(term_pairs(terms.split()))


def match_expression(query: str) -> str | None:
    """The FTS5 expression that finds headlines containing every word of ``query`` (and each
    quoted phrase as a phrase of terms).

    None when the query has nothing searchable (only punctuation, say). Every term is
    quoted, so ``*``, AND/OR/NOT/NEAR, parentheses and ``column:`` typed by a user are only
    text.
    """
    units = [_unit_expression(unit) for unit in search_units(query).units]
    return " AND ".join(units) if units else None


def reads_one_term(query: str) -> bool:
    """Whether the matches of ``query`` are those of one index term (or of a word or its
    plural): one unit whose phrases are single terms."""
    units = search_units(query).units
    return len(units) == 1 and all(len(phrase.terms) == 1 for phrase in units[0])


def phrases_parameter(query: str) -> str | None:
    """The quoted phrases of ``query`` that the candidates of the index must be checked for
    (PHRASE_MATCH): the index row holds the title and the summary as one run of terms, so its
    phrase match may span the two, or bridge words the title separates by a line break."""
    phrases = search_units(query).phrases
    if not phrases:
        return None
    return json.dumps([[[list(p.terms), p.prefix] for p in unit] for unit in phrases])


def phrase_match(title: str, summary: str, phrases: str) -> bool:
    """Whether every phrase stands within the title or within the summary."""
    return all(phrase_in(title, unit) or phrase_in(summary, unit) for unit in _units(phrases))


@functools.lru_cache(maxsize=64)
def _units(phrases: str) -> tuple[Unit, ...]:
    return tuple(
        tuple(Phrase(tuple(terms), bool(prefix)) for terms, prefix in unit)
        for unit in json.loads(phrases)
    )


def company_tag(company_id: int) -> str:
    return f"c{company_id:d}"


def topic_tag(topic_id: int) -> str:
    return f"t{topic_id:d}"


def tags(company_ids: Iterable[int], topic_ids: Iterable[int]) -> str:
    """The ``tags`` column of a headline: one token per company and per topic."""
    return " ".join([*map(company_tag, company_ids), *map(topic_tag, topic_ids)])


def filtered_expression(
    text_expression: str | None, company_id: int | None, topic_id: int | None
) -> str | None:
    """AND the company/topic tags to the text (match_expression); None if empty."""
    parts = []
    if text_expression:
        parts.append(text_expression)
    if company_id is not None:
        parts.append(f"{TAGS_COLUMN} : {_quote(company_tag(company_id))}")
    if topic_id is not None:
        parts.append(f"{TAGS_COLUMN} : {_quote(topic_tag(topic_id))}")
    return " AND ".join(parts) if parts else None


def _unit_expression(unit: Unit) -> str:
    phrases = [_phrase_expression(phrase) for phrase in unit]
    return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


def _phrase_expression(phrase: Phrase) -> str:
    """The phrase in the pairs column when its pair terms say exactly the same, otherwise in
    the terms column (never in tags, where a query word c12 would find a company tag)."""
    pairs = _pair_terms(phrase)
    column, terms = (PAIRS_COLUMN, pairs) if pairs else (TERMS_COLUMN, phrase.terms)
    return f"{column} : " + _quote(" ".join(terms)) + ("*" if phrase.prefix else "")


def _pair_terms(phrase: Phrase) -> list[str] | None:
    """The pair terms that stand side by side exactly where the phrase's terms do, or None.

    Every neighbouring pair of the phrase must have a pair term, and every inner term must be
    a word: the pairs column leaves out pairs of CJK terms, so two pair terms side by side
    there could otherwise have stood apart in the text. With ``prefix``, the last pair term
    need only begin (ai_칩 begins ai_칩이): its first term is whole, ended by the joiner.
    """
    terms = list(phrase.terms)
    pairs = term_pairs(terms)
    if len(terms) < 2 or len(pairs) != len(terms) - 1:
        return None
    if any(is_cjk_term(term) for term in terms[1:-1]):
        return None
    return pairs


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
