"""Titles as sets of features, for telling how alike two titles are.

A title's features are its English words (lower-cased, lightly stemmed, number words as
digits) and its Korean words' character bigrams after particles and verb endings are cut off
(삼성전자가 and 삼성전자 agree, 앞당겨 and 앞당겼다 share 앞당), plus one feature per
company, person or product it names. A Korean word counts as one word spread over its bigrams,
so a partial match counts as part of a word. A week repeats its words and outlets, so each
distinct piece of a title and each outlet is worked out once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from itertools import chain
from typing import TypeVar

from news.catalog.entities import EntityRecognizer
from news.core.models import Headline
from news.stories.titles import COMPANY, ENTITY, TitleReading, read_title

_K = TypeVar("_K")
_V = TypeVar("_V")
_NAMED = frozenset((COMPANY, ENTITY))

# Particles and verb endings cut from the end of a Korean word, as long as two syllables stay
# (회의 or 보다 are left alone). Standing alone they were glued to a Latin name, a number or
# a quote (AMD는, 'X7'을), and are dropped.
_ENDINGS = (
    "에서는|에서도|으로는|으로도|에게서|까지는|부터는|했다고|한다고|하겠다|하기로|"
    "으로|에서|에게|까지|부터|보다|처럼|이라|이다|했다|한다|된다|됐다|하며|하고|했고|"
    "키로|였다|었다|이며|에는|에도|와는|과는|"
    "가|이|은|는|을|를|의|와|과|도|로|에|만|다|해|돼|며"
)
_WORD_ENDING = re.compile(r"(?P<stem>[가-힣]{2,}?)(?:" + _ENDINGS + ")")
_BARE_ENDING = re.compile(_ENDINGS)
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

    def __init__(self, entities: EntityRecognizer) -> None:
        self._entities = entities
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
            parts = _word_features(word)
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


def _word_features(token: str) -> tuple[tuple[str, float], ...]:
    if token in _STOPWORDS:
        return ()
    if token[0] < "가":  # Latin letters and digits
        if len(token) == 1 and token.isalpha():
            return ()  # an initial says nothing (titles join a dotted acronym: c.e.o.)
        number = _NUMBER_WORDS.get(token) or _ordinal(token)
        return ((number or stem(token), 1.0),)
    if _BARE_ENDING.fullmatch(token):
        return ()
    ending = _WORD_ENDING.fullmatch(token)
    word = ending["stem"] if ending else token
    if len(word) == 1:
        return ((word, 1.0),)  # 칩, 폰, 앱
    # A Korean word counts as one, spread over its bigrams, so that a partial match (앞당겨,
    # 앞당겼) counts as half a word rather than nothing or everything.
    share = 1.0 / (len(word) - 1)
    return tuple((word[start : start + 2], share) for start in range(len(word) - 1))


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
