"""How text becomes search terms and a query becomes the terms it needs: the one definition
of "matches" that the archive search (db/search_index.py) and alert keywords share.

SQLite's unicode61 tokenizer keeps a whole Korean word (삼성전자는) as one token, so it cannot
find 전자 inside it, and the trigram tokenizer cannot find two-syllable words (보안) at all.
So we make our own terms: Latin and digit words as lowercase words, and every Hangul/CJK run
as its overlapping character bigrams plus its last character (삼성전자 -> 삼성 성전 전자 자).
A Korean substring of two or more characters is then exactly a phrase of consecutive bigrams,
and a single character is a prefix of some term. Latin words stay whole, so AI never matches
inside "said"; a query word also finds its English plurals (chip finds chips).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Phrase:
    """Terms that must stand next to each other; with ``prefix``, the last one need only
    begin a term (a single Korean character inside a longer word)."""

    terms: tuple[str, ...]
    prefix: bool = False


# A unit of a query: found when any of its phrases is.
Unit = tuple[Phrase, ...]


def text_terms(text: str) -> list[str]:
    """The terms of ``text``, in order."""
    terms: list[str] = []
    for cjk, word in _RUN.findall(_fold(text)):
        if word:
            terms.append(word)
        else:
            terms += _bigrams(cjk)
            terms.append(cjk[-1])
    return terms


def query_units(query: str) -> list[Unit]:
    """What a search query needs: every unit (one per CJK run and per group of Latin words
    joined by punctuation), in order, without repeats. Empty when nothing is searchable."""
    units: list[Unit] = []
    for word in _fold(query).split():
        for unit in _word_units(word):
            if unit not in units:
                units.append(unit)
    return units


def phrase_unit(phrase: str) -> Unit | None:
    """A quoted phrase as one unit: its terms in order, as they stand in a text containing it.
    A trailing Korean run may continue in the text (삼성 inside 삼성전자), so it ends with its
    bigrams, or as a prefix when it is one character. None when nothing is searchable."""
    runs = _RUN.findall(_fold(phrase))
    if not runs:
        return None
    *leading, (last_cjk, last_word) = runs
    terms = text_terms(" ".join(cjk or word for cjk, word in leading))
    if last_word:
        return _with_plural([*terms, last_word])
    if len(last_cjk) == 1:
        return (Phrase((*terms, last_cjk), prefix=True),)
    return (Phrase((*terms, *_bigrams(last_cjk))),)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def _word_units(word: str) -> Iterator[Unit]:
    latin: list[str] = []
    for match in _RUN.finditer(word):
        cjk, token = match.groups()
        if token:
            latin.append(token)
            continue
        if latin:
            # U.S. or e-commerce: the pieces must stand next to each other, as in the text.
            yield _with_plural(latin)
            latin = []
        yield _cjk_unit(cjk)
    if latin:
        yield _with_plural(latin)


def _cjk_unit(run: str) -> Unit:
    if len(run) == 1:
        return (Phrase((run,), prefix=True),)
    return (Phrase(tuple(_bigrams(run))),)


def _with_plural(terms: list[str]) -> Unit:
    phrase = Phrase(tuple(terms))
    plural = _plural(terms[-1])
    if plural is None:
        return (phrase,)
    return (phrase, Phrase((*terms[:-1], plural)))


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
