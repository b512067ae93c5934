"""How much a headline is about technology: a score from 0 to 1, computed once at ingest.

The score adds up evidence from the title (full weight), the summary and the feed's own
categories for the item (less): words of the relevance vocabulary (news/catalog/data/
relevance.tsv; positive for technology, negative for sports, politics, crime, health,
weather, entertainment, adverts), catalogue companies the headline is about (or whose
product it names), and topic keywords that are tech words on their own. The sum goes
through a logistic curve, so one clear tech word in a title passes the normal strictness, a
weak one alone does not, and a sports or politics word pulls a story down unless tech
outweighs it.

A feed is evidence too: most items of a tech site are tech, few of a general-news section
are. When a feed is polled, every item of the document is scored, and the mean tells how tech
the source is (``source_prior``): that shifts each item's evidence a little, so a terse title
on a developer blog is kept and a vague one in a politics feed is not. Clear cases stay
where they are; the shift is capped and shrinks for feeds with few items.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from enum import StrEnum
from functools import cache
from importlib.resources import files

from news.catalog.recognition import KeywordIndex, fold, prepare
from news.language.korean import KoreanAnalyser

RELEVANCE_HEADER = ("weight", "terms")

# Summaries weigh less than titles: they name context (who else, where, which court).
_SUMMARY_WEIGHT = 0.4
_SUMMARY_CHARS = 1500  # a summary's opening says what it is about; the rest adds nothing
_CATEGORY_WEIGHT = 0.6  # the feed's own section and tags for the item
_COMPANY_WEIGHT = 2.5  # per company the headline is about (at most two count)
_MENTION_WEIGHT = 0.5
_TOPIC_WEIGHT = 2.0  # per topic found by a keyword that is a tech word on its own
_MIDPOINT = 1.25  # the evidence at which the score is 0.5: one weak word is not enough
# The source prior: the feed's mean score, centred, times the slope, at most the cap either
# way, times n / (n + shrink) for a feed of n items (two items say little about a source).
_PRIOR_CENTRE = 0.5
_PRIOR_SLOPE = 5.0
_PRIOR_CAP = 1.5
_PRIOR_SHRINK = 5


class Strictness(StrEnum):
    """How tech a story must be for a server's compiled digest (/setup digest-options)."""

    OFF = "off"
    LOW = "low"
    NORMAL = "normal"
    STRICT = "strict"

    @property
    def threshold(self) -> float:
        return _THRESHOLDS[self]


_THRESHOLDS = {
    Strictness.OFF: 0.0,
    Strictness.LOW: 0.25,
    Strictness.NORMAL: 0.5,
    Strictness.STRICT: 0.75,
}


class RelevanceScorer:
    """Scores headlines with one vocabulary; build once, reuse."""

    def __init__(
        self, vocabulary: Iterable[tuple[str, float]], analyser: KoreanAnalyser | None = None
    ) -> None:
        self._terms = KeywordIndex(vocabulary, analyser)
        # The analysis reads a title twice (is it an advert, what evidence it holds): the
        # terms of the last text read are kept for the second time (one tuple, so a thread
        # sees the pair whole).
        self._last: tuple[str, list[tuple[int, int, float]]] = ("", [])

    def is_advert(self, title: str) -> bool:
        """Whether the title labels itself an advert or names a sale: such a post sells,
        it is about no company."""
        if _ADVERT_TAG.match(title):
            return True
        prepared = prepare(title)
        return any(value <= _ADVERT_WEIGHT for _, _, value in self._terms_in(prepared))

    def evidence(self, title: str, summary: str, categories: Sequence[str] = ()) -> float:
        """The vocabulary's evidence: title words at full weight, summary and category words
        at less; each word counts once in each."""
        return (
            self._evidence(title, 1.0)
            + self._evidence(summary[:_SUMMARY_CHARS], _SUMMARY_WEIGHT)
            + self._evidence(" | ".join(categories)[:_SUMMARY_CHARS], _CATEGORY_WEIGHT)
        )

    def _evidence(self, text: str, weight: float) -> float:
        if not text:
            return 0.0
        prepared = prepare(text)
        seen: dict[str, float] = {}
        for start, end, value in self._terms_in(prepared):
            seen.setdefault(fold(prepared[start:end]), value)
        return weight * sum(seen.values())

    def _terms_in(self, prepared: str) -> list[tuple[int, int, float]]:
        text, found = self._last
        if text != prepared:
            found = self._terms.find(prepared)
            self._last = (prepared, found)
        return found

    def score(
        self,
        title: str,
        summary: str,
        *,
        categories: Sequence[str] = (),
        subjects: int = 0,
        mentions: int = 0,
        title_topics: int = 0,
        summary_topics: int = 0,
        prior: float = 0.0,
    ) -> float:
        """The relevance of a headline, 0..1, rounded to three places; ``prior`` is the
        source's evidence (``source_prior``)."""
        evidence = self.total(
            title,
            summary,
            categories=categories,
            subjects=subjects,
            mentions=mentions,
            title_topics=title_topics,
            summary_topics=summary_topics,
        )
        return logistic(evidence + prior)

    def total(
        self,
        title: str,
        summary: str,
        *,
        categories: Sequence[str] = (),
        subjects: int = 0,
        mentions: int = 0,
        title_topics: int = 0,
        summary_topics: int = 0,
    ) -> float:
        """All the headline's own evidence (``logistic`` makes it a score)."""
        return (
            self.evidence(title, summary, categories)
            + (_ADVERT_EVIDENCE if _ADVERT_TAG.match(title) else 0.0)
            + _COMPANY_WEIGHT * min(subjects, 2)
            + _MENTION_WEIGHT * min(mentions, 2)
            + _TOPIC_WEIGHT * (min(title_topics, 2) + _SUMMARY_WEIGHT * min(summary_topics, 2))
        )


# A title that labels itself an advert ([Sponsor], [광고], Sponsored:) is one, whatever it sells.
_ADVERT_TAG = re.compile(
    r"^\W{0,3}(?:sponsor(?:ed)?|advert(?:isement)?|advertorial|promoted|paid post|ad|광고|협찬)"
    r"\s*[\])】:]",
    re.IGNORECASE,
)
_ADVERT_EVIDENCE = -20.0


# A title with a word this negative (Black Friday, coupon) is a deals post or an advert.
_ADVERT_WEIGHT = -6.0


def logistic(evidence: float) -> float:
    """Evidence as a score, 0..1, rounded to three places."""
    return round(1.0 / (1.0 + math.exp(-(evidence - _MIDPOINT))), 3)


def source_prior(scores: Sequence[float]) -> float:
    """The evidence a feed adds to each of its items, from its items' own scores (without a
    prior): positive for a feed that is mostly tech, negative for one that is mostly not."""
    if not scores:
        return 0.0
    mean = sum(scores) / len(scores)
    shift = max(-_PRIOR_CAP, min(_PRIOR_CAP, _PRIOR_SLOPE * (mean - _PRIOR_CENTRE)))
    return shift * len(scores) / (len(scores) + _PRIOR_SHRINK)


def parse_vocabulary(text: str) -> list[tuple[str, float]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines or tuple(lines[0].split("\t")) != RELEVANCE_HEADER:
        raise ValueError(f"expected the header {' / '.join(RELEVANCE_HEADER)}")
    vocabulary: list[tuple[str, float]] = []
    for line in lines[1:]:
        weight, _, terms = line.partition("\t")
        vocabulary += [(t.strip(), float(weight)) for t in terms.split("|") if t.strip()]
    return vocabulary


@cache
def bundled_vocabulary() -> tuple[tuple[str, float], ...]:
    text = (files("news.catalog") / "data" / "relevance.tsv").read_text(encoding="utf-8")
    return tuple(parse_vocabulary(text))
