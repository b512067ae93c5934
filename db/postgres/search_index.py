"""The headline search index on PostgreSQL: a GIN over the same terms SQLite's FTS5 indexes.

news.archive.search_terms defines the terms once (Latin words; Hangul/CJK runs as overlapping
bigrams plus their last character). Each headline gets one headline_search row: ``terms``,
the terms in order between spaces (a phrase is then a substring: `` 삼성 성전 전자 ``), and
``keys``, the distinct terms plus '^' + the first character of each non-ASCII term and
'#c<id>' / '#t<id>' tags. A query needs every key of its phrases (``keys @> required``, and
``keys && alternatives`` for a word that may be plural), and each phrase is then checked in
``terms`` with a regular expression, so the results are exactly SQLite's: any Korean substring
of two or more syllables is its bigram phrase (recall 1.0), a single syllable a '^' key.

pg_trgm would not do: its trigrams cannot index a two-syllable word such as 보안.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from news.archive.search_terms import Phrase, Unit, search_units, text_terms

from db.backend import Params, Session

PREFIX_MARK = "^"
TAG_MARK = "#"

_UNINDEX_HEADLINE = "DELETE FROM headline_search WHERE sort_key = :old_sort_key"
_INDEX_HEADLINE = """
INSERT INTO headline_search (sort_key, terms, keys) VALUES (:sort_key, :terms, :keys)
"""
_SET_KEYS = "UPDATE headline_search SET keys = :keys WHERE sort_key = :sort_key"


def index_row(
    sort_key: int, text: str, company_ids: Iterable[int], topic_ids: Iterable[int]
) -> dict[str, object]:
    """The headline_search row of a headline (also what `db copy` and the bench write)."""
    terms = text_terms(text)
    return {
        "sort_key": sort_key,
        "terms": index_terms(terms),
        "keys": index_keys(terms, company_ids, topic_ids),
    }


def index_terms(terms: Sequence[str]) -> str:
    return " " + " ".join(terms) + " "


def index_keys(
    terms: Sequence[str], company_ids: Iterable[int], topic_ids: Iterable[int]
) -> list[str]:
    keys = dict.fromkeys(terms)
    keys.update(dict.fromkeys(PREFIX_MARK + term[0] for term in terms if not term[0].isascii()))
    keys.update(dict.fromkeys(map(company_key, company_ids)))
    keys.update(dict.fromkeys(map(topic_key, topic_ids)))
    return list(keys)


def company_key(company_id: int) -> str:
    return f"{TAG_MARK}c{company_id:d}"


def topic_key(topic_id: int) -> str:
    return f"{TAG_MARK}t{topic_id:d}"


async def index_headlines(tx: Session, rows: Sequence[Params]) -> None:
    """Index headline rows (``sort_key``, ``title``, ``summary``, ``company_ids``,
    ``topic_ids``)."""
    await tx.executemany(
        _INDEX_HEADLINE,
        [
            index_row(
                row["sort_key"],
                row["title"] + "\n" + row["summary"],
                row["company_ids"],
                row["topic_ids"],
            )
            for row in rows
        ],
    )


async def unindex_headlines(tx: Session, rows: Sequence[Params]) -> None:
    """Drop the index rows of updated headlines, by their ``old_sort_key``."""
    await tx.executemany(_UNINDEX_HEADLINE, rows)


async def retag_headlines(tx: Session, rows: Sequence[Params]) -> None:
    """Rewrite the tag keys of indexed headlines (``sort_key``, ``text``, ``company_ids``,
    ``topic_ids``): the keys hold the terms and the tags together, so both are written."""
    await tx.executemany(
        _SET_KEYS,
        [
            {
                "sort_key": row["sort_key"],
                "keys": index_keys(text_terms(row["text"]), row["company_ids"], row["topic_ids"]),
            }
            for row in rows
        ],
    )


# --- queries ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    """What a search asks of headline_search: every key of ``required``, one of
    ``alternatives`` (when not empty), and a match for every regular expression of
    ``patterns`` in ``terms``."""

    required: tuple[str, ...]
    alternatives: tuple[str, ...]
    patterns: tuple[str, ...]


def condition(text: str, company_id: int | None, topic_id: int | None) -> Condition | None:
    """The condition for a query; None when the text has nothing searchable."""
    units = list(search_units(text).units) if text.strip() else []
    if text.strip() and not units:
        return None
    required: dict[str, None] = {}
    alternatives: tuple[str, ...] = ()
    patterns = []
    for unit in units:
        keys = [set(_phrase_keys(phrase)) for phrase in unit]
        common = set.intersection(*keys)
        required.update(
            dict.fromkeys(key for phrase in unit for key in _phrase_keys(phrase) if key in common)
        )
        rest = [phrase_keys - common for phrase_keys in keys]
        # One set of alternatives is enough to narrow the index scan; the patterns decide.
        if len(unit) > 1 and not alternatives and all(rest):
            alternatives = tuple(sorted({min(r) for r in rest}))
        patterns.append(_unit_pattern(unit))
    if company_id is not None:
        required[company_key(company_id)] = None
    if topic_id is not None:
        required[topic_key(topic_id)] = None
    return Condition(tuple(required), alternatives, tuple(patterns))


def _phrase_keys(phrase: Phrase) -> list[str]:
    *whole, last = phrase.terms
    if not phrase.prefix:
        return [*whole, last]
    # A prefix that starts in ASCII has no key of its own: the pattern alone checks it.
    return [*whole, PREFIX_MARK + last[0]] if not last[0].isascii() else whole


def _unit_pattern(unit: Unit) -> str:
    return "(?:" + "|".join(_phrase_pattern(phrase) for phrase in unit) + ")"


def _phrase_pattern(phrase: Phrase) -> str:
    body = " ".join(_escape(term) for term in phrase.terms)
    return " " + body + ("" if phrase.prefix else " ")


def _escape(term: str) -> str:
    # Terms are letters and digits only; escape anything else anyway, as PostgreSQL's ARE
    # reads a backslash before a non-alphanumeric character as that character.
    return re.sub(r"([^\w])", r"\\\1", term)
