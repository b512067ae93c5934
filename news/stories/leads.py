"""A report's lead, read beside its title: a second, weaker signal for one story.

An outlet that covers an event through the day (a speech, an election night) gives each
report its own title: "Trump's speech was bad" and "So, how did conservatives like the State
of the Union?" share one word, but the first's summary opens "During the State of the Union
speech on Tuesday evening". So a report is also read as a document: its title and the lead
of its summary (the first sentence or two), as words and as phrases (two content words next
to each other in one clause: "state union", "election day", "노태우 비자금"), which tell far
more than either word alone.

Words are English stems (as titles are read, news/stories/words.py) and, for Korean, the
nouns mecab-ko finds (지방교육재정교부금 is 지방 + 교육 + 재정 + 교부금, so 교육교부금 and
교부금 agree on 교부금). The people and products named (news/catalog/entities.py) are one word
whatever their spelling. Numbers are left out: a lead's dates and counts match by chance.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Set
from itertools import pairwise

from news.catalog.entities import EntityRecognizer
from news.language.korean import KoreanAnalyser, shared_analyser
from news.stories.occasions import PHRASE as _PHRASE
from news.stories.occasions import occasions_of
from news.stories.titles import ENTITY
from news.stories.words import Memo, stem

# Characters of a summary read as its lead: a sentence or two; a 10,000-character summary
# costs no more than a short one.
LEAD_CHARS = 320
PHRASE = _PHRASE  # prefix of a phrase: two content words, in order, in one clause
# What a lead's word weighs beside the same word in a title.
LEAD_WEIGHT = 0.5
# Words are weighed by how rare they are among at least this many headlines.
_MIN_CORPUS = 30

_CLAUSE = re.compile(r"[.!?;:,()\[\]{}\"“”‘’'«»|/–—…·\n]+")
_TOKEN = re.compile(r"[가-힣]+|[a-z][a-z0-9]*|[0-9]+")
_KOREAN_NOUNS = ("NNG", "NNP", "SL")
# Words that tell nothing in a sentence of news, however rare in titles.
_STOPWORDS = frozenset((
    "a", "an", "the", "of", "to", "in", "on", "for", "with", "and", "or", "at", "by", "from",
    "as", "is", "are", "was", "were", "be", "been", "being", "its", "it", "this", "that",
    "these", "those", "there", "their", "they", "them", "he", "she", "his", "her", "him", "we",
    "our", "us", "you", "your", "i", "me", "my", "who", "whom", "which", "what", "when",
    "where", "why", "how", "will", "would", "could", "should", "can", "may", "might", "must",
    "has", "have", "had", "do", "does", "did", "not", "no", "but", "if", "so", "than", "then",
    "also", "more", "most", "very", "just", "about", "into", "over", "after", "before",
    "said", "says", "say", "told", "according", "new", "up", "out", "one", "all", "some",
    "any", "other", "s", "t", "vs", "mr", "ms", "mrs", "here", "now", "only", "even",
    "still", "while", "since", "during", "week", "year", "years", "day", "today",
    "last", "first", "time", "way", "being", "because", "through", "what", "per", "via",
    "지난", "이날", "오는", "올해", "내년", "이번", "관련", "대한", "통해", "위해", "것", "수",
    "등", "및", "중", "측", "때", "전", "후", "뒤", "이후", "당시", "현재", "오전", "오후",
))  # fmt: skip


class LeadReader:
    """Reads titles and leads into words and phrases; each distinct word is read once."""

    def __init__(self, entities: EntityRecognizer, analyser: KoreanAnalyser | None = None) -> None:
        self._entities = entities
        self._analyser = analyser
        self._words: Memo[str, tuple[str, ...]] = Memo(self._word)

    def read(self, text: str) -> frozenset[str]:
        """The words and phrases of a title or a lead, names as one word each, and the
        occasions it speaks of (news/stories/occasions.py)."""
        folded = unicodedata.normalize("NFKC", text[:LEAD_CHARS]).casefold()
        features: list[str] = []
        for clause in _CLAUSE.split(folded):
            named, rest = self._entities.split(clause) if clause.strip() else ((), "")
            features.extend(ENTITY + name for _, name in named)
            words = [w for token in _TOKEN.findall(rest) for w in self._words[token]]
            features.extend(words)
            features.extend(PHRASE + a + " " + b for a, b in pairwise(words) if a != b)
            features.extend(occasions_of(words))
        return frozenset(features)

    def _word(self, token: str) -> tuple[str, ...]:
        if token in _STOPWORDS or token.isdigit():
            return ()
        if token[0] < "가":
            return (stem(token),) if len(token) > 1 else ()
        if self._analyser is None:
            self._analyser = shared_analyser()
        return tuple(
            m.surface
            for m in self._analyser.morphemes(token)
            if m.tag.startswith(_KOREAN_NOUNS) and m.surface not in _STOPWORDS
            and (len(m.surface) > 1 or m.tag == "NNP")
        )  # fmt: skip


def lead_of(summary: str) -> str:
    """The summary's lead: its first sentence, or two when the first is short."""
    text = " ".join(summary[: LEAD_CHARS * 2].split())
    end = _sentence_end(text, 60)
    return text[:end] if end else text[:LEAD_CHARS]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘'가-힣])|(?<=다\.)\s*")


def _sentence_end(text: str, at_least: int) -> int | None:
    for match in _SENTENCE_END.finditer(text):
        if match.start() >= at_least:
            return match.start()
    return None


class LeadOverlap:
    """How much of a headline's title and lead another story's reports already hold: each
    word weighs how rare it is in the week (a name in every summary says little), a lead's
    words LEAD_WEIGHT of a title's. Nothing counts unless a phrase of a title is shared
    (in the other's title or lead): a lead's commonplace words alone never make one story."""

    def __init__(
        self, title: frozenset[str], lead: frozenset[str], counts: Counter[str], seen: int
    ) -> None:
        corpus = math.log(max(seen, _MIN_CORPUS) + 1)

        def weight(feature: str) -> float:
            rarity = corpus - math.log(counts[feature] + 1)
            return rarity if feature in title else LEAD_WEIGHT * rarity

        self._title = title
        self._told = title | lead
        self._weight = weight
        self._total = math.fsum(map(weight, self._told)) or 1.0

    def share(self, told: Set[str], titles: Set[str]) -> float:
        """The share of the headline's weight in ``told`` (the other reports' title and lead
        words and phrases); ``titles`` are the other reports' title words and phrases."""
        shared = self._told & told
        title = self._title
        if not any(f[0] == PHRASE and (f in title or f in titles) for f in shared):
            return 0.0
        return math.fsum(map(self._weight, shared)) / self._total
