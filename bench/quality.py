"""How well the bot understands a week of real news, against labels the project made itself.

    python bench/quality.py [FEEDS] [--labels bench/labels/items.tsv] [--misses]

FEEDS defaults to ../shared/corpus/feeds relative to the project root. Each feed file is
parsed with the project's own feed parser and its items analysed together as ingest
does (companies each is about and mentions, topics, tech relevance with the feed's prior);
the figures compare that with bench/labels/items.tsv (item link → tech yes/no, topics,
subject companies), which holds links and judgements only, never the feeds' text. Printed:

- tech precision of what the digest filter keeps (at each strictness) and tech recall;
- topic precision and recall over (item, topic) pairs;
- company-tag precision (a passing mention tagged as a subject counts wrong) and recall;
- the grouping figures of bench/quality_grouping.py (pairwise precision and recall, KO/EN
  stories grouped, coverage ranking).

How the labels are made (read the item's title and summary, never the code's output):

- tech: 1 when a reader of a weekly tech roundup wants the item there: news, analysis or a
  how-to about computing, software, the internet, electronics and gadgets, telecoms, chips,
  AI, tech companies and their business, regulation of tech, crypto and fintech, EVs and
  space technology. 0 for politics, crime, courts, sports, health and wellness, weather,
  celebrities, horoscopes, obituaries and personnel lists, general economy and markets,
  pure science without technology (animals, astronomy photos), and for adverts, sponsor
  posts and shopping deals, whatever they sell. A story about a tech company's business
  (a merger, a CEO, a lawsuit) is tech, whichever outlet frames it.
- topics: the topics (keys of news/catalog/data/topics.tsv) the item is about, not every
  topic a word of it touches: a review of an iPhone game is gaming, a roundup episode gets
  the topic of each of its stories. Topics serve tech readers, so an item labelled 0 has none
  (a crime story that involves a deepfake is a crime story).
- companies: the catalogue companies (canonical names) the item is about: whose product,
  deal, result, decision or trouble it reports, named or through their product (an iPhone
  review is about Apple). A company named in passing is not: the platform something runs on,
  an employer in a biography, a comparison ("closer than Google's"), a quote, a background
  sentence. Judged for every item, off-topic ones too (a factory explosion is about the
  company whose factory it is), though off-topic items rarely have one; an advert or a deals
  post is about no company (it sells Apple gear, it does not report on Apple).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import SIDECAR_SUFFIXES
from bench.quality_grouping import grouping_report
from news.archive.importing import HeadlineDraft, RoundupBuilder
from news.catalog.relevance import Strictness
from news.core.errors import InvalidInput
from news.core.models import NewHeadline
from news.feeds.parse import parse_feed
from testkit.catalogue import bundled_catalogue

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FEEDS = ROOT / ".." / "shared" / "corpus" / "feeds"
DEFAULT_LABELS = ROOT / "bench" / "labels" / "items.tsv"


@dataclass(frozen=True, slots=True)
class Label:
    tech: bool
    topics: frozenset[str]
    companies: frozenset[str]


@dataclass(frozen=True, slots=True)
class Analysed:
    feed: str
    link: str
    title: str
    headline: NewHeadline
    topics: frozenset[str]
    companies: frozenset[str]
    mentions: frozenset[str]


def read_labels(path: Path) -> dict[tuple[str, str], Label]:
    labels: dict[tuple[str, str], Label] = {}
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    for line in lines:
        if line.startswith(("#", "feed\t")):
            continue
        feed, link, tech, topics, companies = line.split("\t")
        labels[(feed, link)] = Label(
            tech == "1",
            frozenset(filter(None, topics.split("|"))),
            frozenset(filter(None, companies.split("|"))),
        )
    return labels


def analyse_feeds(folder: Path) -> list[Analysed]:
    companies, topics = bundled_catalogue()
    builder = RoundupBuilder(companies, topics)
    company_names = {company.id: company.name for company in companies}
    topic_keys = {topic.id: topic.key for topic in topics}
    now = datetime.now(UTC)
    found: list[Analysed] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.suffix in SIDECAR_SUFFIXES:
            continue
        try:
            feed = parse_feed(path.read_bytes(), url=path.as_uri(), now=now)
        except InvalidInput as error:
            print(f"  skipped {path.name}: {error}")
            continue
        # As ingest files a polled document: its items together (news.feeds.service).
        headlines = builder.feed_headlines(
            [
                HeadlineDraft(i.title, i.url, i.summary, i.language, i.published, i.categories)
                for i in feed.items
            ]
        )
        for item, headline in zip(feed.items, headlines, strict=True):
            found.append(
                Analysed(
                    path.name,
                    item.url or item.guid,
                    item.title,
                    headline,
                    frozenset(topic_keys[t] for t in headline.topic_ids),
                    frozenset(company_names[c] for c in headline.company_ids),
                    frozenset(company_names[c] for c in headline.mention_ids),
                )
            )
    return found


def ratio(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "n/a (0/0)"


def report(items: list[Analysed], labels: Mapping[tuple[str, str], Label], misses: bool) -> None:
    paired = [
        (item, labels[(item.feed, item.link)]) for item in items if (item.feed, item.link) in labels
    ]
    print(f"items: {len(items)} parsed, {len(paired)} labelled")
    tech_total = sum(label.tech for _, label in paired)
    print(f"tech items (labels): {tech_total}")
    for strictness in Strictness:
        kept = [(i, lab) for i, lab in paired if i.headline.relevance >= strictness.threshold]
        right = sum(lab.tech for _, lab in kept)
        print(
            f"digest filter {strictness:>6}: keeps {len(kept):3d}; tech precision "
            f"{ratio(right, len(kept))}; tech recall {ratio(right, tech_total)}"
        )
    topic_hits = sum(len(i.topics & lab.topics) for i, lab in paired)
    topic_found = sum(len(i.topics) for i, _ in paired)
    topic_true = sum(len(lab.topics) for _, lab in paired)
    print(
        f"topic precision {ratio(topic_hits, topic_found)}; recall {ratio(topic_hits, topic_true)}"
    )
    company_hits = sum(len(i.companies & lab.companies) for i, lab in paired)
    company_found = sum(len(i.companies) for i, _ in paired)
    company_true = sum(len(lab.companies) for _, lab in paired)
    print(
        f"company-tag precision {ratio(company_hits, company_found)}; "
        f"recall {ratio(company_hits, company_true)}; "
        f"mentions kept apart: {sum(len(i.mentions) for i, _ in paired)}"
    )
    if misses:
        for item, label in paired:
            keeps = item.headline.relevance >= Strictness.NORMAL.threshold
            wrong = [
                *(["tech-kept-wrongly"] if keeps and not label.tech else []),
                *(["tech-dropped"] if label.tech and not keeps else []),
                *(f"topic+{t}" for t in item.topics - label.topics),
                *(f"topic-{t}" for t in label.topics - item.topics),
                *(f"company+{c}" for c in item.companies - label.companies),
            ]
            if wrong:
                print(f"  {item.headline.relevance:.2f} {item.title[:70]!r}: {' '.join(wrong)}")


def grouping(corpus: Path) -> None:
    """The other half of issue 14: story grouping and ranking by coverage, on the same corpus."""
    for name, value in grouping_report(corpus).items():
        print(f"grouping {name}: {value:.3f}" if value % 1 else f"grouping {name}: {value:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("feeds", nargs="?", type=Path, default=DEFAULT_FEEDS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--misses", action="store_true", help="list every item judged wrong")
    args = parser.parse_args()
    folder = args.feeds.resolve()
    if not folder.is_dir():
        parser.error(f"{folder} is not a folder of feeds")
    items = analyse_feeds(folder)
    report(items, read_labels(args.labels), args.misses)
    grouping(folder.parent)


if __name__ == "__main__":
    main()
