"""What goes into the full-text index and how a user's query becomes an FTS5 MATCH expression.

SQLite's unicode61 tokenizer keeps a whole Korean word (삼성전자는) as one token, so it cannot
find 전자 inside it, and the trigram tokenizer cannot find two-syllable words (보안) at all.
So we index our own terms: Latin and digit words as lowercase words, and every Hangul/CJK run
as its overlapping character bigrams plus its last character (삼성전자 -> 삼성 성전 전자 자).
A Korean substring of two or more characters is then exactly a phrase of consecutive bigrams,
and a single character is a prefix of some term. Latin words stay whole, so AI never matches
inside "said"; a query word also finds its English plurals (chip finds chips).

Everything here is pure; the repository stores ``index_terms`` in the ``terms`` column and
company/topic tags in the ``tags`` column of headline_search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

# Hangul (syllables, jamo, compatibility jamo), kana and Han ideographs: scripts written
# without spaces between the parts of a word, indexed as bigrams.
_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0002ffff"
)
# Group 1: a CJK run; group 2: a word of any other script (letters and digits, no underscore,
# which unicode61 also treats as a separator).
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")

# Shorter words are abbreviations (AI, MS, IT) that must match only themselves, not "its".
PLURAL_MIN_LENGTH = 3
TERMS_COLUMN = "terms"
TAGS_COLUMN = "tags"


def index_terms(text: str) -> str:
    """The space-separated terms the search index stores for ``text``."""
    return " ".join(_terms(unicodedata.normalize("NFKC", text).casefold()))


def match_expression(query: str) -> str | None:
    """The FTS5 expression that finds headlines containing every word of ``query``.

    None when the query has nothing searchable (only punctuation, say). Every term is
    quoted, so quotes, ``*``, AND/OR/NOT/NEAR, parentheses and ``column:`` typed by a
    user are only text.
    """
    units: list[str] = []
    for word in unicodedata.normalize("NFKC", query).casefold().split():
        for unit in _word_units(word):
            if unit not in units:
                units.append(unit)
    return " AND ".join(units) if units else None


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
    """Restrict the text to the terms column and AND the company/topic tags; None if empty."""
    parts = []
    if text_expression:
        parts.append(f"{TERMS_COLUMN} : ({text_expression})")
    if company_id is not None:
        parts.append(f"{TAGS_COLUMN} : {_quote(company_tag(company_id))}")
    if topic_id is not None:
        parts.append(f"{TAGS_COLUMN} : {_quote(topic_tag(topic_id))}")
    return " AND ".join(parts) if parts else None


def _terms(folded: str) -> list[str]:
    terms: list[str] = []
    for cjk, word in _RUN.findall(folded):
        if word:
            terms.append(word)
        else:
            terms += _bigrams(cjk)
            terms.append(cjk[-1])
    return terms


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _word_units(word: str) -> Iterator[str]:
    """One AND-ed unit per CJK run and per group of Latin words joined by punctuation."""
    latin: list[str] = []
    for match in _RUN.finditer(word):
        cjk, token = match.groups()
        if token:
            latin.append(token)
            continue
        if latin:
            yield _latin_unit(latin)
            latin = []
        yield _cjk_unit(cjk)
    if latin:
        yield _latin_unit(latin)


def _latin_unit(tokens: list[str]) -> str:
    # U.S. or e-commerce: the pieces must stand next to each other, as in the text.
    phrase = _quote(" ".join(tokens))
    plural = _plural(tokens[-1])
    if plural is None:
        return phrase
    return f"({phrase} OR {_quote(' '.join([*tokens[:-1], plural]))})"


def _plural(word: str) -> str | None:
    """The English plural of a word of three letters or more (chip -> chips, box -> boxes).

    A whole word rather than a prefix query: FTS5 answers a prefix query by merging every
    matching doclist in full before it returns one row, which costs tens of milliseconds for
    a common prefix over a million headlines, while OR-ed words stream newest first.
    """
    if len(word) < PLURAL_MIN_LENGTH or not (word.isascii() and word.isalpha()):
        return None
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def _cjk_unit(run: str) -> str:
    if len(run) == 1:
        return _quote(run) + "*"
    return _quote(" ".join(_bigrams(run)))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
