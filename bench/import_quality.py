"""Import fidelity: real newsletters read by the importer, measured against hand labels.

    python bench/import_quality.py [CORPUS] [--labels bench/labels/roundups.json] [--verbose]
        [--fixtures tests/news/archive/fixtures] [--fixture-labels bench/labels/fixtures.json]

CORPUS defaults to ``../shared/corpus/roundups`` from the project root. A second set, scored
and printed apart from the corpus, is the project's own written newsletters (an HTML e-mail
with layout tables and tracking links, Markdown with inline HTML) in the test fixtures: they
stand for formats the corpus lacks, and the importer was built with them in view, so they
check behaviour rather than measure it on unseen text. Each labelled file is
read at run time and imported through the project's own path (``RoundupBuilder.prepare``:
parse, recognise, build the roundup to store, with the bundled catalogue); nothing is stored.
The labels (made by reading each file, holding links, line numbers and counts, never text):

- ``headlines``: the stories a reader sees, each with its line, its link (or null) and the
  line of the heading of its section (or null);
- ``optional``: lines that are fair either way (a timeline inside a story, points under a
  story that carry links); storing them costs nothing, leaving them out neither;
- ``repeats``: lines that repeat a story told elsewhere (a top list over the sections);
  storing one as a second headline counts as a duplicate;
- ``junk``: lines that must never become headlines (job ads, promos, people listed under a
  paragraph, navigation);
- each headline's ``companies``: the companies the story is ABOUT (its subjects), by the
  canonical name of the bundled catalogue (news/catalog/data/companies.tsv), read from the
  headline and its summary. A company is a subject when it acts or is acted on (launches,
  sells, sues, is sued, invests, is acquired, is criticised), when both sides of a deal or a
  head-to-head are the story, or when the story is about its own product named as such
  (Claude Opus → Anthropic, Gemini CLI → Google). It is not a subject when it is only a
  tool used ("using OpenAI models", "with NVIDIA H100"), the platform of someone else's
  project or how-to (a Figma plugin, macOS shortcuts, an Ollama MCP server), a person's
  employer or past ("co-founder of Twitch", "a Google engineer"), a comparison, a host of
  the link, or the source of a figure (an analyst's forecast); a survey of many products is
  about none of them. Companies missing from the catalogue are not labelled. An empty list
  means the story is about no catalogued company.

Printed per file and overall: headline precision and recall, duplicates, junk (stored
headlines on junk lines or on no labelled line at all), clean titles (no markup, and the
article's own words: the link's text for a linked line), section recall (a labelled
section is found when a stored section with that heading holds one of its stories), and
company precision and recall over the matched headlines whose labels list ``companies``:
precision is the share of the tags the pipeline gave them (``company_ids``, its subjects)
that the label lists, so a passing mention tagged as a subject counts wrong; recall is the
share of labelled subjects tagged.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from news.archive.importing import ImportRequest, RoundupBuilder
from news.archive.parser import parse_roundup
from news.core.errors import ImportRejected
from news.core.models import NewRoundup
from news.core.urls import canonical_url
from testkit.catalogue import bundled_catalogue

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "roundups"
DEFAULT_LABELS = ROOT / "bench" / "labels" / "roundups.json"
DEFAULT_FIXTURES = ROOT / "tests" / "news" / "archive" / "fixtures"
DEFAULT_FIXTURE_LABELS = ROOT / "bench" / "labels" / "fixtures.json"
_BLOCK_LINES = 3  # a title may be wrapped over this many source lines (an <a> tag split)
SPEED_ROUNDS = 20

_LINK = re.compile(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^()\s]*(?:\([^()\s]*\)[^()\s]*)*)\)")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MARKUP = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*[\s/>=]|\]\(|\*\*|__|`|\\|&[a-z]+;|&#\d+;|^#")
_LEADING_TAG = re.compile(r"^\[[^\[\]]{1,30}\]\s*")


@dataclass
class Score:
    expected: int = 0
    stored: int = 0  # headlines stored, optional ones excluded
    matched: int = 0
    duplicates: int = 0
    junk: int = 0
    unexpected: int = 0
    clean: int = 0
    clean_of: int = 0
    sections: int = 0
    sections_found: int = 0
    companies_expected: int = 0
    companies_found: int = 0
    companies_stored: int = 0
    companies_right: int = 0
    headlines_total: int = 0  # everything stored, for the speed figure
    problems: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in self.__dataclass_fields__:
            if name != "problems":
                setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def precision(self) -> float:
        return self.matched / self.stored if self.stored else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def link_key(url: str | None) -> str | None:
    """Canonical form of a link for matching; a #fragment names a different item."""
    if not url:
        return None
    url = url.strip().strip("{}<>").replace("\\&", "&")
    canonical = canonical_url(url)
    if canonical is None:
        return None
    fragment = urlsplit(url).fragment
    return f"{canonical}#{fragment}" if fragment else canonical


def _plain(markdown: str) -> str:
    text = _LINK.sub(lambda m: "" if m.group(0).startswith("!") else m.group(1), markdown)
    text = html.unescape(_TAG.sub(" ", text)).replace("\\", "")
    text = re.sub(r"[*_`]+", "", text)
    return _normal(text.lstrip("#"))


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(char for char in text if unicodedata.category(char) not in ("So", "Cf"))
    return " ".join(text.split())


def _link_texts(line: str) -> dict[str | None, str]:
    return {
        link_key(match.group(2)): _plain(match.group(1)).replace(" ", "")
        for match in _LINK.finditer(line)
    }


def is_clean(title: str, url: str | None, source_line: str) -> bool:
    """No markup, and the article's own words: its link's text, or words of its line."""
    if not title.strip() or _MARKUP.search(title):
        return False
    # compared without spaces: sources glue words to links ("about**[GitHub …")
    own = _normal(title).replace(" ", "")
    line = _plain(source_line).replace(" ", "")
    link_text = _link_texts(source_line).get(link_key(url))
    if link_text is not None and own not in (link_text, _LEADING_TAG.sub("", link_text)):
        # the newsletter's own words around its link ("Tyler Cowen: [The UK …](…)") are fine
        return _LEADING_TAG.sub("", link_text) in own and own in line
    return own in line


def _block(lines: Sequence[str], line_no: int) -> str:
    """The line and the few after it up to a blank one: a title wrapped inside a tag."""
    block: list[str] = []
    for line in lines[line_no - 1 : line_no - 1 + _BLOCK_LINES]:
        if not line.strip():
            break
        block.append(line.strip())
    return " ".join(block)


def _heading_text(line: str) -> str:
    return _plain(line.strip().lstrip("#").strip())


def score_file(
    path: Path, label: dict[str, Any], builder: RoundupBuilder, names: dict[int, str]
) -> tuple[Score, NewRoundup | None, float]:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    score = Score(expected=len(label["headlines"]))
    request = ImportRequest(guild_id=0, text=text, filename=path.name, day=date(2026, 1, 5))
    started = time.perf_counter()
    try:
        parsed = parse_roundup(text, filename=path.name)
        roundup = builder.build(parsed, request, date(2026, 1, 5))
    except ImportRejected as error:
        score.problems.append(f"rejected: {error}")
        return score, None, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    by_line = {entry["line"]: entry for entry in label["headlines"]}
    by_link = {link_key(e["url"]): e for e in label["headlines"] if e["url"]}
    repeats = {int(line): by_line[target] for line, target in label["repeats"].items()}
    optional, junk = set(label["optional"]), set(label["junk"])
    found: dict[int, str | None] = {}  # label line -> title of the stored section holding it
    line_numbers = [[h.line_no for h in s.headlines] for s in parsed.sections if s.headlines]
    stored = [section for section in roundup.sections if section.headlines]
    for section, numbers in zip(stored, line_numbers, strict=True):
        for headline, line_no in zip(section.headlines, numbers, strict=True):
            score.headlines_total += 1
            entry = (
                by_line.get(line_no) or repeats.get(line_no) or by_link.get(link_key(headline.url))
            )
            if entry is None and line_no in optional:
                continue
            score.stored += 1
            if entry is None:
                score.junk += 1
                score.unexpected += line_no not in junk
                score.problems.append(f"junk line {line_no}: {headline.title[:60]!r}")
                continue
            if entry["line"] in found:
                score.duplicates += 1
                score.problems.append(f"duplicate line {line_no} (of {entry['line']})")
                continue
            score.matched += 1
            found[entry["line"]] = section.title
            _score_companies(score, entry, {names[each] for each in headline.company_ids})
            score.clean_of += 1
            source = lines[entry["line"] - 1] if headline.url == entry["url"] else ""
            if (
                is_clean(headline.title, headline.url, lines[line_no - 1])
                or is_clean(headline.title, headline.url, source or lines[entry["line"] - 1])
                or is_clean(headline.title, headline.url, _block(lines, line_no))
            ):
                score.clean += 1
            else:
                score.problems.append(f"unclean title line {line_no}: {headline.title[:60]!r}")
    for entry in label["headlines"]:
        if entry["line"] not in found:
            score.problems.append(f"missed line {entry['line']}")
    _score_sections(score, label, lines, found)
    return score, roundup, elapsed


def _score_sections(
    score: Score, label: dict[str, Any], lines: Sequence[str], found: dict[int, str | None]
) -> None:
    wanted: dict[int, list[int]] = {}
    for entry in label["headlines"]:
        if entry["section"]:
            wanted.setdefault(entry["section"], []).append(entry["line"])
    score.sections = len(wanted)
    for heading_line, members in wanted.items():
        heading = _heading_text(lines[heading_line - 1])
        if any(
            member in found
            and found[member] is not None
            and _normal(found[member] or "") == heading
            for member in members
        ):
            score.sections_found += 1
        else:
            score.problems.append(f"section at line {heading_line} not found")


def _score_companies(score: Score, entry: dict[str, Any], stored: set[str]) -> None:
    """One matched headline's tags against its labelled subjects (when it has labels)."""
    if "companies" not in entry:
        return
    expected = set(entry["companies"])
    score.companies_expected += len(expected)
    score.companies_found += len(expected & stored)
    score.companies_stored += len(stored)
    score.companies_right += len(stored & expected)
    for name in sorted(stored - expected):
        score.problems.append(f"company not a subject, line {entry['line']}: {name}")
    for name in sorted(expected - stored):
        score.problems.append(f"company missed, line {entry['line']}: {name}")


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  - "


def _row(name: str, score: Score) -> str:
    return (
        f"{name[:44]:44} {score.expected:4} {score.stored:4} {score.precision:5.2f} "
        f"{score.recall:5.2f} {score.duplicates:4} {score.junk:4} "
        f"{_ratio(score.clean, score.clean_of):>5}"
        f" {_ratio(score.sections_found, score.sections):>5}"
        f" {_ratio(score.companies_right, score.companies_stored):>5}"
        f" {_ratio(score.companies_found, score.companies_expected):>5}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--fixture-labels", type=Path, default=DEFAULT_FIXTURE_LABELS)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"No corpus folder at {args.corpus}", file=sys.stderr)
        return 2
    labels = json.loads(args.labels.read_text(encoding="utf-8"))["files"]
    companies, topics = bundled_catalogue()
    builder = RoundupBuilder(companies, topics)
    names = {company.id: company.name for company in companies}
    print("== the real corpus")
    _score_set(args.corpus, labels, builder, names, verbose=args.verbose)
    print(_speed(args.corpus, labels, builder))
    if args.fixture_labels.is_file():
        print()
        print("== the project's own written fixtures (formats the corpus lacks; not the corpus)")
        fixture_labels = json.loads(args.fixture_labels.read_text(encoding="utf-8"))["files"]
        _score_set(args.fixtures, fixture_labels, builder, names, verbose=args.verbose)
    return 0


def _score_set(
    folder: Path,
    labels: Sequence[dict[str, Any]],
    builder: RoundupBuilder,
    names: dict[int, str],
    *,
    verbose: bool,
) -> Score:
    total = Score()
    print(
        f"{'file':44} {'exp':>4} {'got':>4} {'prec':>5} {'rec':>5} {'dup':>4} {'junk':>4}"
        f" {'clean':>5} {'sect':>5} {'coP':>5} {'coR':>5}"
    )
    for label in labels:
        path = folder / label["file"]
        if not path.is_file():
            print(f"{label['file'][:44]:44} missing")
            continue
        score, _, _ = score_file(path, label, builder, names)
        total.add(score)
        print(_row(label["file"], score))
        if verbose:
            for problem in score.problems:
                print(f"    {problem}")
    print(_row("overall", total))
    return total


def _speed(corpus: Path, labels: Sequence[dict[str, Any]], builder: RoundupBuilder) -> str:
    requests = [
        ImportRequest(guild_id=0, text=(corpus / each["file"]).read_text(), filename=each["file"])
        for each in labels
        if (corpus / each["file"]).is_file()
    ]
    headlines = 0
    started = time.perf_counter()
    for _ in range(SPEED_ROUNDS):
        for request in requests:
            try:
                roundup = builder.prepare(request, date(2026, 1, 5)).roundup
            except ImportRejected:
                continue
            headlines += sum(len(section.headlines) for section in roundup.sections)
    elapsed = time.perf_counter() - started
    return (
        f"prepare speed on these files (parse, recognise, build; no storage): "
        f"{headlines / elapsed:,.0f} headlines/s, {len(requests) * SPEED_ROUNDS / elapsed:,.0f}"
        " articles/s"
    )


if __name__ == "__main__":
    sys.exit(main())
