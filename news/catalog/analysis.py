"""Everything ingest learns from a headline's words, in one pass per recogniser: the
companies it is about and those it only mentions, its topics, and its tech relevance.

Run once when a headline is filed (feeds and imports) and stored, so that compiling a
digest, /company and alerts only read the result. A feed's items are analysed together
(``analyse_feed``): how tech the whole feed is counts a little for each of them
(news.catalog.relevance.source_prior).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from news.catalog.recognition import CompanyRecognizer, TopicRecognizer, topic_ids
from news.catalog.relevance import (
    RelevanceScorer,
    Strictness,
    bundled_vocabulary,
    logistic,
    source_prior,
)
from news.catalog.rules import read_rows
from news.catalog.subjects import ProductRecognizer, subjects_and_mentions

# Context keywords (ban, funding, 투자) count for a topic once the story is this tech
# without them: a little under the normal strictness, so a tech story with one of them
# is filed under the topic.
_CONTEXT_THRESHOLD = 0.45
# Topics are tech topics: a story this far from tech gets none, whatever word it uses (a
# crime report that involves a deepfake, a politics story that mentions chips).
_TOPIC_FLOOR = Strictness.LOW.threshold
_SUMMARY_CHARS = 1500  # as much of a summary as the analysis reads
_OPENING_CHARS = 200
_SENTENCE_END = re.compile(r"[.!?。](?:\s|$)|다\.")


@dataclass(frozen=True, slots=True)
class HeadlineAnalysis:
    company_ids: tuple[int, ...]  # the companies the headline is about
    mention_ids: tuple[int, ...]  # companies it names in passing
    topic_ids: tuple[int, ...]
    relevance: float  # 0..1: how much it is about technology


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """What the analysis reads of a feed item."""

    title: str
    summary: str
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Reading:
    """A headline read once; the source prior and the topics that depend on it come last."""

    title: str
    opening: str
    subjects: tuple[int, ...]
    mentions: tuple[int, ...]
    title_topics: tuple[int, ...]
    summary_topics: tuple[int, ...]
    evidence: float
    # The topics of a tech story when the title is all there is to read (no opening);
    # None when they must be read in the title and the opening together.
    tech_topics: tuple[int, ...] | None


class HeadlineAnalyser:
    """Companies, topics and relevance of a headline; pure, build once per catalogue."""

    def __init__(
        self,
        companies: CompanyRecognizer,
        topics: TopicRecognizer,
        scorer: RelevanceScorer | None = None,
        products: ProductRecognizer | None = None,
    ) -> None:
        self._companies = companies
        self._topics = topics
        self._scorer = scorer or RelevanceScorer(bundled_vocabulary())
        self._products = products if products is not None else ProductRecognizer.bundled(companies)
        self._company_topics = _company_topics(companies, topics)

    def analyse(self, title: str, summary: str, categories: Sequence[str] = ()) -> HeadlineAnalysis:
        """One headline on its own (an imported article, a single item)."""
        return self._finish(self._read(title, summary, tuple(categories)), 0.0)

    def analyse_feed(self, entries: Sequence[FeedEntry]) -> list[HeadlineAnalysis]:
        """The items of one feed document, in order, each weighed with the feed's prior."""
        readings = [self._read(e.title, e.summary, e.categories) for e in entries]
        prior = source_prior([logistic(reading.evidence) for reading in readings])
        return [self._finish(reading, prior) for reading in readings]

    def companies(self, title: str, summary: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """(subjects, mentions): the companies the headline is about, and those it names in
        passing, as ingest tags them (re-tagging reads them again with a server's catalogue)."""
        summary = summary[:_SUMMARY_CHARS]
        subjects, mentions = subjects_and_mentions(self._companies, title, summary, self._products)
        if subjects and self._scorer.is_advert(title):  # an advert sells; it is about no one
            return (), (*subjects, *mentions)
        return subjects, mentions

    def _read(self, title: str, summary: str, categories: tuple[str, ...]) -> _Reading:
        summary = summary[:_SUMMARY_CHARS]
        subjects, mentions = self.companies(title, summary)
        # Topics come from what the headline is about: the title and the summary's opening
        # sentence; later sentences wander (background, other companies, what else happened).
        opening = _opening(summary)
        in_title = self._topics.keyword_hits(title)
        title_topics = topic_ids(in_title, tech_context=False)
        summary_topics = (
            topic_ids(self._topics.keyword_hits(opening), tech_context=False) if opening else ()
        )
        evidence = self._scorer.total(
            title,
            summary,
            categories=categories,
            subjects=len(subjects),
            mentions=len(mentions),
            title_topics=len(title_topics),
            summary_topics=len(set(summary_topics) - set(title_topics)),
        )
        # Without an opening, the title alone is the text a tech story's topics are read in.
        tech_topics = None if opening else topic_ids(in_title, tech_context=True)
        return _Reading(
            title,
            opening,
            subjects,
            mentions,
            title_topics,
            summary_topics,
            evidence,
            tech_topics,
        )

    def _finish(self, reading: _Reading, prior: float) -> HeadlineAnalysis:
        relevance = logistic(reading.evidence + prior)
        if relevance < _TOPIC_FLOOR:
            found: tuple[int, ...] = ()
        elif relevance >= _CONTEXT_THRESHOLD:
            found = self._tech_topics(reading)
        else:
            found = tuple(dict.fromkeys((*reading.title_topics, *reading.summary_topics)))
        if relevance >= _TOPIC_FLOOR:  # a game maker's news is about gaming
            by_company = (t for c in reading.subjects for t in self._company_topics.get(c, ()))
            found = tuple(dict.fromkeys((*found, *by_company)))
        return HeadlineAnalysis(reading.subjects, reading.mentions, found, relevance)

    def _tech_topics(self, reading: _Reading) -> tuple[int, ...]:
        """The topics of a story tech enough for context keywords to count."""
        if reading.tech_topics is not None:
            return reading.tech_topics
        return self._topics.find(f"{reading.title}\n{reading.opening}", tech_context=True)


def _opening(summary: str) -> str:
    """The summary's first sentence, at most a couple of hundred characters."""
    end = _SENTENCE_END.search(summary, 0, _OPENING_CHARS)
    return summary[: end.end()] if end else summary[:_OPENING_CHARS]


def _company_topics(
    companies: CompanyRecognizer, topics: TopicRecognizer
) -> dict[int, tuple[int, ...]]:
    """Company id → the topics of news/catalog/data/company_topics.tsv, for the companies
    and topics this catalogue has."""
    found: dict[int, tuple[int, ...]] = {}
    for key, names in read_rows("company_topics.tsv", ("topic", "companies")):
        topic = topics.resolve(key)
        if topic is None:
            continue
        for name in names:
            company = companies.resolve(name)
            if company is not None:
                found[company.id] = (*found.get(company.id, ()), topic.id)
    return found
