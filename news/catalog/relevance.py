"""How much a headline is about technology: a score from 0 to 1, computed once at ingest.

The score adds up evidence from the title (full weight) and the summary (less): words of
the relevance vocabulary (news/catalog/data/relevance.tsv; positive for technology, negative
for sports, politics, crime, health, weather, entertainment), catalogue companies the
headline is about, and topic keywords that are tech words on their own. The sum goes
through a logistic curve, so one clear tech word in a title already passes the normal
strictness and a sports or politics word pulls a story down unless tech outweighs it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from enum import StrEnum
from functools import cache
from importlib.resources import files

from news.catalog.recognition import KeywordIndex, fold, prepare
from news.language.korean import KoreanAnalyser

RELEVANCE_HEADER = ("weight", "terms")

# Summaries weigh less than titles: they name context (who else, where, which court).
_SUMMARY_WEIGHT = 0.4
_SUMMARY_CHARS = 1500  # a summary's opening says what it is about; the rest adds nothing
_COMPANY_WEIGHT = 2.5  # per company the headline is about (at most two count)
_MENTION_WEIGHT = 0.5
_TOPIC_WEIGHT = 2.0  # per topic found by a keyword that is a tech word on its own
_MIDPOINT = 1.0  # the evidence at which the score is 0.5


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

    def evidence(self, title: str, summary: str) -> float:
        """The vocabulary's evidence: title words at full weight, summary words at less;
        each word counts once."""
        return self._evidence(title, 1.0) + self._evidence(
            summary[:_SUMMARY_CHARS], _SUMMARY_WEIGHT
        )

    def _evidence(self, text: str, weight: float) -> float:
        if not text:
            return 0.0
        prepared = prepare(text)
        seen: dict[str, float] = {}
        for start, end, value in self._terms.find(prepared):
            seen.setdefault(fold(prepared[start:end]), value)
        return weight * sum(seen.values())

    def score(
        self,
        title: str,
        summary: str,
        *,
        subjects: int = 0,
        mentions: int = 0,
        title_topics: int = 0,
        summary_topics: int = 0,
    ) -> float:
        """The relevance of a headline, 0..1, rounded to three places."""
        evidence = (
            self.evidence(title, summary)
            + _COMPANY_WEIGHT * min(subjects, 2)
            + _MENTION_WEIGHT * min(mentions, 2)
            + _TOPIC_WEIGHT * (min(title_topics, 2) + _SUMMARY_WEIGHT * min(summary_topics, 2))
        )
        return round(1.0 / (1.0 + math.exp(-(evidence - _MIDPOINT))), 3)


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
