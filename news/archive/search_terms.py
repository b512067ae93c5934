"""How text becomes search terms and a query becomes the terms it needs: the one definition
of "matches" that the archive search (db/search_index.py) and alert keywords share.

SQLite's unicode61 tokenizer keeps a whole Korean word (삼성전자는) as one token, so it cannot
find 전자 inside it, and the trigram tokenizer cannot find two-syllable words (보안) at all.
So we make our own terms: Latin and digit words as lowercase words, and every Hangul/CJK run
as its overlapping character bigrams plus its last character (삼성전자 -> 삼성 성전 전자 자).
A Korean substring of two or more characters is then exactly a phrase of consecutive bigrams,
and a single character is a prefix of some term. Latin words stay whole, so AI never matches
inside "said"; a query word also finds its English plurals (chip finds chips), and a Korean
query word stands for its stem: the analyser cuts the particles and endings off
(마이크로소프트가 → 마이크로소프트, 삼성의 → 삼성), and particles after a Latin name go
(MS가 → ms), so the search finds every headline containing the stem, whatever follows it.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from news.catalog.recognition import particles_follow
from news.core.text import is_hangul
from news.language.korean import shared_analyser

# Hangul (syllables, jamo, compatibility jamo), kana and Han ideographs: scripts written
# without spaces between the parts of a word, indexed as bigrams.
_CJK = (
    "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\U00020000-\U0002ffff"
)
# Group 1: a CJK run; group 2: a word of any other script (letters and digits, no underscore,
# which unicode61 also treats as a separator).
_RUN = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")

_CJK_TERM = re.compile(f"[{_CJK}]")
# Joins two neighbouring terms into one pair term (ai_chip): never inside a term, since terms
# are runs of word characters without underscores.
PAIR_JOINER = "_"

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
    return _folded_terms(_fold(text))


def _folded_terms(folded: str) -> list[str]:
    terms: list[str] = []
    for cjk, word in _RUN.findall(folded):
        if word:
            terms.append(word)
        else:
            terms += _bigrams(cjk)
            terms.append(cjk[-1])
    return terms


def is_cjk_term(term: str) -> bool:
    """Whether ``term`` is a CJK bigram or character rather than a Latin (or other) word."""
    return _CJK_TERM.match(term) is not None


def term_pairs(terms: list[str]) -> list[str]:
    """Each two neighbouring terms of which at least one is a word (not CJK), joined by
    PAIR_JOINER, in order. A phrase of such words (ai chip, 오픈 AI) is then one pair term or
    a phrase of pair terms, found without walking the doclists of its words, which for two
    common words that rarely stand together is most of a million-headline index. Neighbouring
    CJK terms are left out: their bigrams already overlap."""
    return [
        first + PAIR_JOINER + second
        for first, second in itertools.pairwise(terms)
        if not (is_cjk_term(first) and is_cjk_term(second))
    ]


def query_units(query: str) -> list[Unit]:
    """What a search query needs: every unit (one per CJK run and per group of Latin words
    joined by punctuation), in order, without repeats. Empty when nothing is searchable."""
    units: list[Unit] = []
    for word in _fold(query).split():
        for unit in _word_units(word):
            if unit not in units:
                units.append(unit)
    return units


# A search query's quoted phrases: "…", “…” or 「…」 (single quotes are apostrophes too often).
_QUOTED = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」')


@dataclass(frozen=True, slots=True)
class SearchUnits:
    """What a search query needs: ``units`` must all be found; each of ``phrases`` (the
    quoted phrases of two terms or more, also among ``units``) must stand in one field of
    the headline (the title or the summary), its words side by side as typed."""

    units: tuple[Unit, ...]
    phrases: tuple[Unit, ...] = ()


def search_units(query: str) -> SearchUnits:
    """The units of a search query, quoted phrases as one unit each (see phrase_unit) and
    the words outside quotes as query_units makes them. An unclosed quote is only text."""
    units: list[Unit] = []
    phrases: list[Unit] = []
    rest: list[str] = []
    last = 0
    for match in _QUOTED.finditer(query):
        rest.append(query[last : match.start()])
        last = match.end()
        unit = phrase_unit(next(group for group in match.groups() if group is not None))
        if unit is None or unit in units:
            continue
        units.append(unit)
        if len(unit[0].terms) > 1:
            phrases.append(unit)
    rest.append(query[last:])
    for unit in query_units(" ".join(rest)):
        if unit not in units:
            units.append(unit)
    return SearchUnits(tuple(units), tuple(phrases))


def phrase_in(text: str, unit: Unit) -> bool:
    """Whether some phrase of ``unit`` stands in ``text`` as it does in an index row made of
    ``text`` alone: its terms side by side (the last one only begun, with ``prefix``)."""
    # No term spans white space, so the terms of the text are those of its words one after
    # the other, and a phrase can only start in a word containing its first term: only those
    # words and the few after them are made into terms (a search checks each of up to a
    # thousand candidates, and a summary is a paragraph).
    words = _fold(text).split()
    return any(_phrase_from(words, phrase) for phrase in unit)


def _phrase_from(words: list[str], phrase: Phrase) -> bool:
    # Terms are runs of word characters, so NUL never occurs in one: as a separator it turns
    # "these terms side by side" into a substring test.
    wanted = "\0" + "\0".join(phrase.terms) + ("" if phrase.prefix else "\0")
    for start, word in enumerate(words):
        if phrase.terms[0] not in word:
            continue
        terms = _folded_terms(word)
        enough = len(terms) + len(phrase.terms)
        following = iter(words[start + 1 :])
        while len(terms) < enough and (more := next(following, None)) is not None:
            terms += _folded_terms(more)
        if wanted in "\0" + "\0".join(terms) + "\0":
            return True
    return False


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
    matches = list(_RUN.finditer(word))
    for index, match in enumerate(matches):
        cjk, token = match.groups()
        if token:
            latin.append(token)
            continue
        last = index == len(matches) - 1 and match.end() == len(word)
        if last and latin and particles_follow(cjk, 0):
            continue  # MS가: the particles of a Latin name
        if latin:
            # U.S. or e-commerce: the pieces must stand next to each other, as in the text.
            yield _with_plural(latin)
            latin = []
        yield _cjk_unit(shared_analyser().stem(cjk) if last else cjk)
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


def stands_as_word(text: str, unit: Unit, companions: tuple[Unit, ...] = ()) -> bool:
    """Whether some phrase of ``unit`` has each of its Korean words standing as a word in
    ``text`` (at a morpheme boundary on both sides: 인수 in 인수했다 or 기업인수, not in
    인수위원회). Phrases without Korean stand as they matched. A word of the same keyword
    (``companions``) may follow it in a compound: 양자 센서 is found in 양자센서."""
    folded = _fold(text)
    nexts = tuple(run for other in companions for p in other for run in _korean_runs(p))
    return any(_phrase_stands(folded, _korean_runs(p), nexts) for p in unit)


def _phrase_stands(folded: str, runs: list[str], nexts: tuple[str, ...] = ()) -> bool:
    # A quoted phrase of several words may continue in the text ("삼성 전자" in 삼성
    # 전자부품, see phrase_unit): its last word need only begin a word.
    last = len(runs) - 1
    return all(_stands(folded, run, nexts, open_end=i == last > 0) for i, run in enumerate(runs))


def _korean_runs(phrase: Phrase) -> list[str]:
    """The Korean words a phrase's bigram terms spell (삼성 성전 전자 -> 삼성전자)."""
    runs: list[str] = []
    current = ""
    for term in phrase.terms:
        chained = len(term) == 2 and current and current[-1] == term[0]
        if chained:
            current += term[1]
            continue
        if len(current) >= 2 and is_hangul(current[0]):
            runs.append(current)
        current = term if len(term) == 2 and is_hangul(term[0]) else ""
    if len(current) >= 2 and is_hangul(current[0]):
        runs.append(current)
    return runs


def _stands(folded: str, run: str, nexts: tuple[str, ...] = (), *, open_end: bool = False) -> bool:
    analyser = shared_analyser()
    start = folded.find(run)
    while start >= 0:
        end = start + len(run)
        ends = (
            open_end
            or end == len(folded)
            or not is_hangul(folded[end])
            or particles_follow(folded, end)  # unknown names split oddly: 엔비디아의
            or folded.startswith(nexts, end)
            or analyser.ends_word(folded, end)
        )
        starts = (
            start == 0 or not is_hangul(folded[start - 1]) or analyser.starts_word(folded, start)
        )
        if ends and starts:
            return True
        start = folded.find(run, start + 1)
    return False
