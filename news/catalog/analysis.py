"""Everything ingest learns from a headline's words, in one pass per recogniser: the
companies it is about and those it only mentions, its topics, and its tech relevance.

Run once when a headline is filed (feeds and imports) and stored, so that compiling a
digest, /company and alerts only read the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.catalog.relevance import RelevanceScorer, bundled_vocabulary
from news.catalog.subjects import subjects_and_mentions

# Context keywords (ban, funding, 투자) count for a topic once the story is this tech
# without them: a little under the normal strictness, so a tech story with one of them
# is filed under the topic.
_CONTEXT_THRESHOLD = 0.45
_SUMMARY_CHARS = 1500  # as much of a summary as the analysis reads
_OPENING_CHARS = 200
_SENTENCE_END = re.compile(r"[.!?。](?:\s|$)|다\.")


@dataclass(frozen=True, slots=True)
class HeadlineAnalysis:
    company_ids: tuple[int, ...]  # the companies the headline is about
    mention_ids: tuple[int, ...]  # companies it names in passing
    topic_ids: tuple[int, ...]
    relevance: float  # 0..1: how much it is about technology


class HeadlineAnalyser:
    """Companies, topics and relevance of a headline; pure, build once per catalogue."""

    def __init__(
        self,
        companies: CompanyRecognizer,
        topics: TopicRecognizer,
        scorer: RelevanceScorer | None = None,
    ) -> None:
        self._companies = companies
        self._topics = topics
        self._scorer = scorer or RelevanceScorer(bundled_vocabulary())

    def analyse(self, title: str, summary: str) -> HeadlineAnalysis:
        summary = summary[:_SUMMARY_CHARS]
        subjects, mentions = subjects_and_mentions(self._companies, title, summary)
        # Topics come from what the headline is about: the title and the summary's opening
        # sentence; later sentences wander (background, other companies, what else happened).
        opening = _opening(summary)
        title_topics = self._topics.find(title, tech_context=False)
        summary_topics = self._topics.find(opening, tech_context=False) if opening else ()
        relevance = self._scorer.score(
            title,
            summary,
            subjects=len(subjects),
            mentions=len(mentions),
            title_topics=len(title_topics),
            summary_topics=len(set(summary_topics) - set(title_topics)),
        )
        if relevance >= _CONTEXT_THRESHOLD:
            topic_ids = self._topics.find(f"{title}\n{opening}", tech_context=True)
        else:
            topic_ids = tuple(dict.fromkeys((*title_topics, *summary_topics)))
        return HeadlineAnalysis(subjects, mentions, topic_ids, relevance)


def _opening(summary: str) -> str:
    """The summary's first sentence, at most a couple of hundred characters."""
    end = _SENTENCE_END.search(summary, 0, _OPENING_CHARS)
    return summary[: end.end()] if end else summary[:_OPENING_CHARS]
