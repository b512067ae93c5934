"""Grouping and coverage-ranking quality on the real corpus, against the project's own labels.

    python bench/quality_grouping.py [CORPUS]      (default: ../shared/corpus)

Reads the feeds and roundups of the corpus at run time (their text is never stored here) and
groups the items of each period as the bot would: titles read with the bundled catalogue
(companies tagged at ingest, people and products, numbers and dates), placed in a StoryIndex
in publication order. Then compares with bench/labels/stories.tsv and compiles each period's
digest to check the ranking by coverage.

Periods: the corpus's files come from different dates, so only files of the same days are
grouped together (PERIODS below); every other feed is a period of its own. A roundup's items
are dated the roundup's day and their outlet is the linked site (a roundup links other
outlets' reports), or the roundup when an item has no link. A roundup that lists a headline
twice (a summary list, then the linked entry) gives one item, the linked one; so do several
links into one page (the sections of a release's notes).

Labels (bench/labels/stories.tsv, columns period, item, story, tech): an item is its link, or
``file#n`` (the n-th headline of a roundup) when it has none; items that share a story id
report one story; an item not listed is a story of its own. ``tech`` says whether the story
is tech news, for the ranking checks.

The labelling rule, judged by reading every item's title (and its summary or link where the
title alone does not say what it is about), for what a weekly digest should show as one item:
- One story is one event and its development within a few days: announcement and follow-up,
  talks, speculation, denial, reversal and outcome ("may return", "is not returning" and
  "returns" are one story: two items saying opposite things would mislead a weekly reader),
  and the reactions and commentary about that event (an outlet's analysis, a late-night
  recap, a party's reaction to an election result).
- A new action by someone is a new event, even in the same saga: a firing, the hire by
  another company, a staff letter, an appointment of someone else, a petition.
- An item that tells two events (a daily audio brief's "A... B" title, "X is not returning;
  Y is interim CEO") belongs to the story its title leads with. So a column's installment
  ([AI아나운서] 샘 알트먼, 오픈AI 복귀) is part of the event's story other outlets reported;
  what makes no story is installments alike only in their column and regular subjects.
- A post that tells no event of the week (a review, a how-to, a user's comparison, a
  column's installment, a deal or calendar post) is a story of its own.
- Reports more than a few days apart (an announced interview, then its video a week later)
  are separate items, as they fall in different weekly digests.
- One outlet's live coverage of one event (the reports, videos, columns and late-night recaps
  of a State of the Union address, the reactions to an election night) is one story: a
  weekly digest should show the State of the Union once, not eight times.
The bench prints recall for all pairs and for pairs of different outlets (the same story in
several outlets is what a digest must not repeat; one outlet's follow-ups and commentary are
harder to see from titles alone).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from news.archive.parser import parse_roundup
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.errors import InvalidInput
from news.core.models import DigestCandidate, Headline
from news.core.urls import canonical_url
from news.core.weeks import week_of
from news.digest.compile import compile_digest
from news.feeds.parse import parse_feed
from news.stories.clustering import StoryIndex
from testkit.catalogue import bundled_catalogue

LABELS = Path(__file__).resolve().parent / "labels" / "stories.tsv"
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"

# Files of the same days, grouped together; roundups with the day their items are dated.
PERIODS: dict[str, tuple[str, ...]] = {
    "2023-11": (
        "feeds/ko_digitaltoday_dailypick_audioclip_2023-11-24.xml",
        "roundups/en_bensbites_daily-digest-288_biggest-weekend_2023-11-20.txt",
        "roundups/ko_geeknews-codeproject_2023-11-w4.txt",
    ),
    "2026-W06": (
        "feeds/tricky/ko_lawtimes_generated_undeclared-ns.xml",
        "roundups/ko_weekly-dev-links_2026w06.txt",
    ),
    "2026-W08": ("roundups/ko_weekly-dev-links_2026w08.txt",),
}
# A daily roundup's items are dated its day; a weekly one's the Thursday of the week it
# covers (they report that week's events, not the day the roundup came out).
ROUNDUP_DAYS = {
    "en_bensbites_daily-digest-288_biggest-weekend_2023-11-20.txt": datetime(2023, 11, 20),
    "ko_geeknews-codeproject_2023-11-w4.txt": datetime(2023, 11, 23),
    "ko_weekly-dev-links_2026w06.txt": datetime(2026, 2, 5),
    "ko_weekly-dev-links_2026w08.txt": datetime(2026, 2, 19),
}
# Feeds that copy another feed of the corpus, and sidecars: not read.
SKIPPED_SUFFIXES = frozenset({".source", ".tsv", ".md", ".json"})


@dataclass(frozen=True)
class Item:
    key: str  # the link, or file#n
    candidate: DigestCandidate


def grouping_report(corpus_dir: Path, labels_path: Path = LABELS) -> dict[str, float]:
    """The figures: pairwise precision and recall, KO/EN stories grouped, ranking checks."""
    labels, tech = _labels(labels_path)
    companies, topics = bundled_catalogue()
    recognizers = (CompanyRecognizer(companies), TopicRecognizer(topics))
    names = {company.id: company.name for company in companies}
    keys = {topic.id: topic.key for topic in topics}
    found_pairs = true_pairs = right_pairs = 0
    outlet_true = outlet_right = 0
    cross_language = top10_total = top10_in = top5_total = top5_in = 0
    for period, items in _periods(corpus_dir, recognizers, names, keys).items():
        truth = {item.key: labels.get((period, item.key), f"{period}|{item.key}") for item in items}
        stories = _group(items)
        for members in stories.values():
            for a, b in combinations(members, 2):
                found_pairs += 1
                right_pairs += truth[a.key] == truth[b.key]
            languages = {m.candidate.headline.language for m in members}
            same = {truth[m.key] for m in members}
            if len(languages) > 1 and len(same) == 1 and len(members) > 1:
                cross_language += 1
        by_truth: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            by_truth[truth[item.key]].append(item)
        true_pairs += sum(len(m) * (len(m) - 1) // 2 for m in by_truth.values())
        found_story = {item.key: story for story, ms in stories.items() for item in ms}
        for members in by_truth.values():
            for a, b in combinations(members, 2):
                if a.candidate.source != b.candidate.source:
                    outlet_true += 1
                    outlet_right += found_story[a.key] == found_story[b.key]
        placed = [replace(item.candidate, story_id=story) for story, ms in stories.items()
                  for item in ms]  # fmt: skip
        digest = compile_digest(
            placed, guild_id=1, week=week_of(items[0].candidate.headline.published_at),
            language="ko", topics=topics, now=max(i.candidate.headline.published_at
                                                  for i in items) + timedelta(days=1),
        )  # fmt: skip
        shown = [
            {source.url or source.title for source in item.sources}
            for section in digest.sections
            for item in section.items
        ]
        covered = sorted(
            (story for story in by_truth if tech.get(story) and _outlets(by_truth[story]) > 1),
            key=lambda story: -_outlets(by_truth[story]),
        )
        for rank, story in enumerate(covered[:10]):
            reports = {_shown_key(item) for item in by_truth[story]}
            position = next((n for n, s in enumerate(shown) if s & reports), None)
            top10_total += 1
            top10_in += position is not None
            if rank < 5:
                top5_total += 1
                top5_in += position is not None and position < 5
    return {
        "pairs_found": found_pairs,
        "pairs_true": true_pairs,
        "precision": right_pairs / found_pairs if found_pairs else 1.0,
        "recall": right_pairs / true_pairs if true_pairs else 1.0,
        "outlet_pairs_true": outlet_true,
        "outlet_recall": outlet_right / outlet_true if outlet_true else 1.0,
        "cross_language_groups": cross_language,
        "top10_covered": top10_total,
        "top10_in_digest": top10_in,
        "top5_covered": top5_total,
        "top5_in_first5": top5_in,
    }


def _group(items: list[Item]) -> dict[int, list[Item]]:
    index = StoryIndex()
    stories: dict[int, list[Item]] = defaultdict(list)
    for item in sorted(items, key=lambda i: i.candidate.headline.published_at):
        stories[index.add(item.candidate)].append(item)
    return stories


def _outlets(items: Iterable[Item]) -> int:
    return len({item.candidate.source for item in items})


def _shown_key(item: Item) -> str:
    return item.candidate.headline.url or item.candidate.headline.title


def _labels(path: Path) -> tuple[dict[tuple[str, str], str], dict[str, bool]]:
    labels: dict[tuple[str, str], str] = {}
    tech: dict[str, bool] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            story = f"{row['period']}|{row['story']}"
            labels[(row["period"], row["item"])] = story
            tech[story] = row["tech"] == "1"
    return labels, tech


def _periods(
    corpus: Path,
    recognizers: tuple[CompanyRecognizer, TopicRecognizer],
    names: dict[int, str],
    keys: dict[int, str],
) -> dict[str, list[Item]]:
    grouped = {name for files in PERIODS.values() for name in files}
    periods: dict[str, list[Item]] = {}
    for period, files in PERIODS.items():
        periods[period] = [
            item for name in files for item in _read(corpus / name, recognizers, names, keys)
        ]
    for path in sorted((corpus / "feeds").glob("*")):
        name = str(path.relative_to(corpus))
        if path.is_file() and path.suffix not in SKIPPED_SUFFIXES and name not in grouped:
            items = list(_read(path, recognizers, names, keys))
            if items:
                periods[path.name] = items
    return {period: items for period, items in periods.items() if items}


def _read(
    path: Path,
    recognizers: tuple[CompanyRecognizer, TopicRecognizer],
    names: dict[int, str],
    keys: dict[int, str],
) -> Iterable[Item]:
    companies, topics = recognizers
    number = len(str(path)) * 100_000  # ids unique across files of a period

    def item(key: str, title: str, url: str | None, summary: str, language: str,
             published: datetime, source: str) -> Item:  # fmt: skip
        nonlocal number
        number += 1
        text = f"{title}\n{summary[:2000]}"
        headline = Headline(
            id=number, title=title, url=url, summary=summary, language=language,
            published_at=published, week=week_of(published),
            companies=tuple(names[c] for c in companies.find(text)),
            topics=tuple(keys[t] for t in topics.find(text)),
        )  # fmt: skip
        return Item(key, DigestCandidate(headline, source))

    if path.parent.name == "roundups":
        parsed = parse_roundup(path.read_text(encoding="utf-8"), filename=path.name)
        day = ROUNDUP_DAYS[path.name].replace(tzinfo=UTC)
        language = "ko" if path.name.startswith("ko_") else "en"
        headlines = [h for section in parsed.sections for h in section.headlines]
        linked = {h.title for h in headlines if h.url}
        pages: set[str] = set()
        for n, parsed_headline in enumerate(headlines):
            if parsed_headline.url is None and parsed_headline.title in linked:
                continue  # listed twice: the linked entry stands for it
            url = parsed_headline.url
            page = canonical_url(url) if url else None
            if page in pages:
                continue  # sections of one linked page (a release's notes): one item
            if page:
                pages.add(page)
            host = urlsplit(url).hostname if url else None
            yield item(url or f"{path.name}#{n}", parsed_headline.title, url,
                       "", language, day + timedelta(minutes=n), host or path.stem)  # fmt: skip
        return
    try:
        feed = parse_feed(path.read_bytes(), url=f"https://corpus.invalid/{path.name}",
                          now=datetime(2026, 12, 6, tzinfo=UTC))  # fmt: skip
    except InvalidInput:
        return
    for n, feed_item in enumerate(feed.items):
        yield item(feed_item.url or f"{path.name}#{n}", feed_item.title, feed_item.url,
                   feed_item.summary, feed_item.language, feed_item.published,
                   feed.title or path.stem)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, nargs="?", default=DEFAULT_CORPUS)
    arguments = parser.parse_args()
    figures = grouping_report(arguments.corpus)
    print(
        f"pairwise precision {figures['precision']:.3f} "
        f"({figures['pairs_found']:.0f} pairs grouped), "
        f"recall {figures['recall']:.3f} ({figures['pairs_true']:.0f} labelled pairs)"
    )
    print(
        f"recall over pairs of different outlets {figures['outlet_recall']:.3f} "
        f"({figures['outlet_pairs_true']:.0f} labelled pairs)"
    )
    print(f"Korean/English stories grouped as one: {figures['cross_language_groups']:.0f}")
    print(
        f"most-covered tech stories in the digest: {figures['top10_in_digest']:.0f} of "
        f"{figures['top10_covered']:.0f} (the 10 most covered, or fewer when a period has fewer)"
    )
    print(
        f"of the 5 most covered, among the digest's first 5 items: "
        f"{figures['top5_in_first5']:.0f} of {figures['top5_covered']:.0f}"
    )


if __name__ == "__main__":
    main()
