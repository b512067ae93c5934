"""Ingest with analysis: items per second and the process's memory with a week analysed.

    python bench/analysis.py [FEEDS] [--items 20000]

A week of items is made from the corpus feeds' items (FEEDS defaults to
../shared/corpus/feeds): each synthetic item takes the words of one real title and summary
in a shuffled order, with words of another item spliced in, so that no two texts are alike
while the vocabulary stays that of real news. Every item goes through what ingest does
(news.archive.importing.RoundupBuilder.headline: companies and mentions, topics, relevance,
with the Korean analyser). Printed: RSS before and after loading the analyser, items/s, and
the RSS after the week. Targets (issue 14): at least 1,000 items/s, at most 400 MB RSS.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import SIDECAR_SUFFIXES
from news.archive.importing import RoundupBuilder
from news.core.errors import InvalidInput
from news.feeds.parse import parse_feed
from news.language.korean import shared_analyser
from testkit.catalogue import bundled_catalogue

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FEEDS = ROOT / ".." / "shared" / "corpus" / "feeds"


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def corpus_items(folder: Path) -> list[tuple[str, str, str]]:
    now = datetime.now(UTC)
    items: list[tuple[str, str, str]] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.suffix in SIDECAR_SUFFIXES:
            continue
        try:
            feed = parse_feed(path.read_bytes(), url=path.as_uri(), now=now)
        except InvalidInput:
            continue
        items += [(i.title, i.summary, i.language) for i in feed.items]
    return items


def week_of_items(items: list[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    rng = random.Random(14)
    week: list[tuple[str, str, str]] = []
    for n in range(count):
        title, summary, language = items[n % len(items)]
        other_title, other_summary, _ = items[rng.randrange(len(items))]
        words = title.split()
        rng.shuffle(words)
        extra = other_title.split()[:3]
        body = summary.split()
        rng.shuffle(body)
        week.append(
            (" ".join(words + extra), " ".join(body + other_summary.split()[:10]), language)
        )
    return week


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feeds", nargs="?", type=Path, default=DEFAULT_FEEDS)
    parser.add_argument("--items", type=int, default=20_000)
    args = parser.parse_args()
    items = corpus_items(args.feeds.resolve())
    week = week_of_items(items, args.items)
    before = rss_mb()
    started = time.perf_counter()
    shared_analyser().morphemes("초기화")
    companies, topics = bundled_catalogue()
    builder = RoundupBuilder(companies, topics)
    loaded = rss_mb()
    print(f"{len(items)} corpus items -> {len(week)} synthetic items")
    print(
        f"RSS before analyser: {before:.0f} MB; after loading it and the catalogue: "
        f"{loaded:.0f} MB ({time.perf_counter() - started:.2f} s)"
    )
    now = datetime.now(UTC)
    started = time.perf_counter()
    for title, summary, language in week:
        builder.headline(title, url=None, summary=summary, language=language, published_at=now)
    elapsed = time.perf_counter() - started
    chars = sum(len(t) + len(s) for t, s, _ in week) / len(week)
    print(
        f"ingest with analysis: {len(week) / elapsed:,.0f} items/s "
        f"({elapsed:.2f} s; {chars:.0f} characters per item on average)"
    )
    print(f"RSS after analysing the week: {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
