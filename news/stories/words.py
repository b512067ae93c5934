"""Titles as sets of features, for telling how alike two titles are.

A title's features are its English words (lower-cased, lightly stemmed, number words as
digits) and its Korean words' nouns and verb stems as mecab-ko reads them (삼성전자가 and
삼성전자 agree, 앞당겨 and 앞당겼다 are both 앞당기), plus one feature per company, person or
product it names. A Korean compound counts as one word spread over its nouns, so a partial
match (교육교부금, 지방교육재정교부금) counts as part of a word. A week repeats its words and
outlets, so each distinct piece of a title and each outlet is worked out once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import chain
from typing import TypeVar

from news.catalog.entities import EntityRecognizer
from news.core.models import Headline
from news.language.korean import KoreanAnalyser, shared_analyser
from news.stories.titles import COMPANY, ENTITY, TitleReading, read_title

_K = TypeVar("_K")
_V = TypeVar("_V")
_NAMED = frozenset((COMPANY, ENTITY))

_TOKEN = re.compile(r"[가-힣]+|[a-z0-9]+")
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
# Number words, so that "six years" and "6 years", "first time" and "1st decline" agree ("one"
# is left alone: it is far more often a pronoun).
_NUMBER_WORDS = {
    word: str(number)
    for number, words in enumerate(
        (("first",), ("two", "second"), ("three", "third"), ("four", "fourth"),
         ("five", "fifth"), ("six", "sixth"), ("seven", "seventh"), ("eight", "eighth"),
         ("nine", "ninth"), ("ten", "tenth"), ("eleven", "eleventh"), ("twelve", "twelfth")),
        start=1,
    )
    for word in words
}  # fmt: skip
# Words too common in headlines of either language to tell one story from another.
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or", "at", "by", "from",
    "as", "is", "are", "be", "its", "it", "this", "that", "new", "after", "over", "into",
    "than", "up", "out", "about", "how", "why", "what", "s", "vs",
    "등", "및", "또", "더", "첫", "위해", "대한", "관련", "통해", "이번", "올해", "내년", "국내",
    "업계", "전망", "본격", "속도", "나선", "나서",
))  # fmt: skip


class Vocabulary:
    """Turns titles into features; a week repeats its words and outlets, so each distinct
    piece of a title and each outlet is worked out once."""

    def __init__(self, entities: EntityRecognizer, analyser: KoreanAnalyser | None = None) -> None:
        self._entities = entities
        self._analyser = analyser
        self._pieces: Memo[str, tuple[tuple[str, ...], ...]] = Memo(self._piece_features)
        self._markers: Memo[str, str] = Memo(COMPANY.__add__)
        self._outlets: Memo[str | None, str] = Memo(_outlet_name)
        self._words: dict[str, tuple[str, ...]] = {}  # word -> its features
        self.shares: dict[str, float] = {}  # feature -> the smallest share of a word it has

    def read(
        self, headline: Headline, source: str | None
    ) -> tuple[frozenset[str], list[tuple[str, ...]], TitleReading]:
        """The features of the title's words, one per company the headline names and one per
        anchor; the features of each word, a company's or an anchor's marker a word of its
        own; and the title's reading."""
        title = read_title(headline.title, self._outlets[source], self._entities)
        words = list(chain.from_iterable(map(self._pieces.__getitem__, title.text.split())))
        words.extend((self._markers[company],) for company in headline.companies)
        # A name is one word, whatever its spelling: 챗GPT and ChatGPT agree, and a title of
        # two names and two other words is not mostly alike another with the same two names.
        words.extend((anchor,) for anchor in title.anchors if anchor[0] in _NAMED)
        return frozenset(chain.from_iterable(words)), words, title

    def _piece_features(self, piece: str) -> tuple[tuple[str, ...], ...]:
        """The features of each word of the piece that has any."""
        return tuple(filter(None, map(self._word_features, _TOKEN.findall(piece))))

    def _word_features(self, word: str) -> tuple[str, ...]:
        known = self._words.get(word)
        if known is None:
            if self._analyser is None:
                self._analyser = shared_analyser()  # loaded on the first Korean title
            parts = _word_features(word, self._analyser)
            known = self._words[word] = tuple(feature for feature, _ in parts)
            for feature, share in parts:
                # A feature weighs the same in every title, so that similarities are plain
                # sums over set intersections; the smallest share keeps a bigram that 삼성
                # and 삼성전자 both have from counting as a whole word in either.
                if share < self.shares.get(feature, 2.0):
                    self.shares[feature] = share
        return known


class Memo(dict[_K, _V]):
    """A dict that works out a missing value once: lookups of known keys stay at C speed."""

    def __init__(self, work: Callable[[_K], _V]) -> None:
        super().__init__()
        self._work = work

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self._work(key)
        return value


def _outlet_name(source: str | None) -> str:
    """The outlet's name as it shows in a title; empty when too short to look for."""
    name = unicodedata.normalize("NFKC", source).casefold().strip() if source else ""
    return name if len(name) > 1 else ""


def _word_features(token: str, analyser: KoreanAnalyser) -> tuple[tuple[str, float], ...]:
    if token in _STOPWORDS:
        return ()
    if token[0] < "가":  # Latin letters and digits
        if len(token) == 1 and token.isalpha():
            return ()  # an initial says nothing (titles join a dotted acronym: c.e.o.)
        number = _NUMBER_WORDS.get(token) or _ordinal(token)
        return ((number or stem(token), 1.0),)
    # A Korean word's nouns and stems (mecab-ko): 삼성전자가 and 삼성전자 agree, 앞당겨 and
    # 앞당겼다 are both 앞당기, and a compound counts as one word spread over its nouns, so
    # that 교육교부금 and 지방교육재정교부금 share part of a word rather than nothing.
    parts = [part for part in analyser.content_words(token) if part not in _STOPWORDS]
    if not parts:
        return ()
    share = 1.0 / len(parts)
    return tuple((part, share) for part in parts)


def _ordinal(token: str) -> str | None:
    """The number of a written ordinal (1st, 22nd), or None."""
    match = _ORDINAL.fullmatch(token)
    return match[1] if match else None


def stem(word: str) -> str:
    """A crude English stem, enough for moves/moved/moving, chips/chip or resigns/resignation
    to agree."""
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in ("ations", "ation", "ions", "ion"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    for suffix in ("ing", "ies", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word
