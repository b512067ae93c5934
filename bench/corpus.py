"""Runs the feed pipeline over every feed file in a folder and says what each one gave.

    python bench/corpus.py PATH [--quiet]

For each file (recursively; the corpus's own notes, ``*.source``, ``*.tsv`` and ``*.md``, are
skipped): parse_feed → items → companies and topics recognised with the bundled lists, then
one line with the format, items imported, items naming a company or a topic, the problems
read leniently, or why the file is not a feed. No file can stop the run: an unexpected
exception is reported as a crash (a bug to fix) and the run goes on. Totals at the end.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.errors import InvalidInput
from news.feeds.parse import ParsedFeed, parse_feed
from testkit.catalogue import bundled_catalogue

SIDECAR_SUFFIXES = frozenset({".source", ".tsv", ".md"})


@dataclass
class Totals:
    files: int = 0
    feeds: int = 0
    not_feeds: int = 0
    crashes: int = 0
    items: int = 0
    with_company: int = 0
    with_topic: int = 0
    with_problems: int = 0
    formats: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)


class Pipeline:
    def __init__(self) -> None:
        companies, topics = bundled_catalogue()
        self.companies = CompanyRecognizer(companies)
        self.topics = TopicRecognizer(topics)

    def run(self, path: Path, root: Path, totals: Totals, *, quiet: bool) -> None:
        name = str(path.relative_to(root))
        totals.files += 1
        try:
            feed = parse_feed(
                path.read_bytes(), url=f"https://corpus.invalid/{name}", now=datetime.now(UTC)
            )
        except InvalidInput as error:
            totals.not_feeds += 1
            print(f"{name}\tNOT A FEED\t{error}")
            return
        except Exception as error:  # the script's promise: report it, never stop on it
            totals.crashes += 1
            print(f"{name}\tCRASH\t{type(error).__name__}: {error}")
            return
        self._count(feed, totals)
        if not quiet:
            print(self._line(name, feed))

    def _count(self, feed: ParsedFeed, totals: Totals) -> None:
        totals.feeds += 1
        totals.formats[feed.format] += 1
        totals.with_problems += bool(feed.problems)
        for item in feed.items:
            text = f"{item.title}\n{item.summary}"
            totals.items += 1
            totals.with_company += bool(self.companies.find(text))
            totals.with_topic += bool(self.topics.find(text))
            totals.languages[item.language] += 1

    def _line(self, name: str, feed: ParsedFeed) -> str:
        companies = sum(bool(self.companies.find(f"{i.title}\n{i.summary}")) for i in feed.items)
        topics = sum(bool(self.topics.find(f"{i.title}\n{i.summary}")) for i in feed.items)
        problems = "; ".join(feed.problems) or "-"
        return (
            f"{name}\t{feed.format}\t{len(feed.items)} items\t{companies} with company\t"
            f"{topics} with topic\t{problems}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="a folder of feed files (searched recursively)")
    parser.add_argument("--quiet", action="store_true", help="print failures and totals only")
    arguments = parser.parse_args()
    root: Path = arguments.path
    files = sorted(p for p in root.rglob("*") if p.is_file())
    feeds = [p for p in files if p.suffix not in SIDECAR_SUFFIXES]
    pipeline = Pipeline()
    totals = Totals()
    started = time.perf_counter()
    for path in feeds:
        pipeline.run(path, root, totals, quiet=arguments.quiet)
    elapsed = time.perf_counter() - started
    print(
        f"\n{totals.files} files ({len(files) - len(feeds)} notes skipped) in {elapsed:.2f} s: "
        f"{totals.feeds} feeds, {totals.not_feeds} not feeds, {totals.crashes} crashes; "
        f"{totals.items} items ({totals.with_company} naming a company, "
        f"{totals.with_topic} a topic); {totals.with_problems} feeds read with problems"
    )
    print("formats: " + ", ".join(f"{k} {v}" for k, v in totals.formats.most_common()))
    print("languages: " + ", ".join(f"{k} {v}" for k, v in totals.languages.most_common()))
    if totals.crashes:
        sys.exit(1)


if __name__ == "__main__":
    main()
