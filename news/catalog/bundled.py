"""The bundled company and topic lists (news/catalog/data/*.tsv), parsed and checked on load.

A broken bundled list is a programming error, so it raises `CatalogError` instead of being
skipped; the message names every unusable or shared alias at once, so one run shows them all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from importlib.resources import files

from news.core.models import Company, CompanySpec, Topic, TopicSpec
from news.core.text import is_hangul, normalize

COMPANY_HEADER = ("name", "english_name", "aliases")
TOPIC_HEADER = ("key", "name_en", "name_ko", "keywords")

_LIST_SEPARATOR = "|"
_TOPIC_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class CatalogError(ValueError):
    """A bundled (or supplied) company or topic list is malformed."""


def bundled_companies() -> list[CompanySpec]:
    """The companies shipped with the bot, validated."""
    return parse_companies(_read_data("companies.tsv"))


def bundled_topics() -> list[TopicSpec]:
    """The topics shipped with the bot, validated."""
    return parse_topics(_read_data("topics.tsv"))


def parse_companies(text: str) -> list[CompanySpec]:
    """Parse a companies TSV (`name`, `english_name`, `aliases`) and validate it."""
    specs = [_company_from_row(row) for row in _rows(text, COMPANY_HEADER)]
    validate_companies(specs)
    return specs


def parse_topics(text: str) -> list[TopicSpec]:
    """Parse a topics TSV (`key`, `name_en`, `name_ko`, `keywords`) and validate it."""
    specs = [_topic_from_row(row) for row in _rows(text, TOPIC_HEADER)]
    validate_topics(specs)
    return specs


def validate_companies(specs: Sequence[CompanySpec]) -> None:
    """Raise CatalogError when a spelling is unusable or names two companies."""
    problems = [
        f"{spec.name}: {problem}"
        for spec in specs
        for spelling in company_spellings(spec)
        if (problem := _spelling_problem(spelling))
    ]
    owners: defaultdict[str, list[str]] = defaultdict(list)
    for spec in specs:
        for key in dict.fromkeys(normalize(spelling) for spelling in company_spellings(spec)):
            owners[key].append(spec.name)
    problems += [
        f"alias {key!r} is shared by {', '.join(names)}"
        for key, names in owners.items()
        if len(names) > 1
    ]
    if problems:
        raise CatalogError("invalid company list: " + "; ".join(problems))


def validate_topics(specs: Sequence[TopicSpec]) -> None:
    """Raise CatalogError on a malformed or repeated key, or a topic without keywords."""
    problems = [
        f"bad topic key {spec.key!r}" for spec in specs if not _TOPIC_KEY.fullmatch(spec.key)
    ]
    problems += [f"topic {spec.key!r} has no keywords" for spec in specs if not spec.keywords]
    seen: set[str] = set()
    for spec in specs:
        if spec.key in seen:
            problems.append(f"topic key {spec.key!r} appears twice")
        seen.add(spec.key)
    if problems:
        raise CatalogError("invalid topic list: " + "; ".join(problems))


def company_spellings(spec: CompanySpec) -> tuple[str, ...]:
    """Every way the company is written: canonical name, English name, then aliases."""
    return (spec.name, spec.english_name, *spec.aliases)


def companies_to_store(
    specs: Sequence[CompanySpec], stored: Sequence[Company]
) -> list[CompanySpec]:
    """The bundled companies the database lacks or knows less of, so that a start-up with an
    up-to-date catalogue writes nothing."""
    by_name = {company.name: company for company in stored}
    return [spec for spec in specs if not _company_holds(by_name.get(spec.name), spec)]


def topics_to_store(specs: Sequence[TopicSpec], stored: Sequence[Topic]) -> list[TopicSpec]:
    """The bundled topics the database lacks or holds differently."""
    by_key = {topic.key: topic for topic in stored}
    return [spec for spec in specs if not _topic_holds(by_key.get(spec.key), spec)]


def _company_holds(company: Company | None, spec: CompanySpec) -> bool:
    if company is None or company.english_name != spec.english_name:
        return False
    known = {normalize(s) for s in (company.name, company.english_name, *company.aliases)}
    return {normalize(s) for s in company_spellings(spec)} <= known


def _topic_holds(topic: Topic | None, spec: TopicSpec) -> bool:
    if topic is None or (topic.name_en, topic.name_ko) != (spec.name_en, spec.name_ko):
        return False
    return set(spec.keywords) <= set(topic.keywords)


def _read_data(filename: str) -> str:
    return (files("news.catalog") / "data" / filename).read_text(encoding="utf-8")


def _rows(text: str, header: tuple[str, ...]) -> Iterator[list[str]]:
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != header:
        raise CatalogError(f"expected the header {' / '.join(header)}")
    for line_no, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        row = [cell.strip() for cell in line.split("\t")]
        if len(row) != len(header) or not all(row[:-1]):
            raise CatalogError(f"line {line_no}: expected {len(header)} tab-separated columns")
        yield row


def _split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(_LIST_SEPARATOR) if item.strip()]


def _company_from_row(row: list[str]) -> CompanySpec:
    name, english_name, aliases_cell = row
    own_names = {name, english_name}
    aliases = dict.fromkeys(a for a in _split_list(aliases_cell) if a not in own_names)
    return CompanySpec(name=name, english_name=english_name, aliases=tuple(aliases))


def _topic_from_row(row: list[str]) -> TopicSpec:
    key, name_en, name_ko, keywords_cell = row
    keywords = tuple(dict.fromkeys(_split_list(keywords_cell)))
    return TopicSpec(key=key, name_en=name_en, name_ko=name_ko, keywords=keywords)


def _spelling_problem(spelling: str) -> str | None:
    """Why `spelling` would fire on ordinary text, or None when it is fine.

    A lone Latin letter (X) is everywhere; a lone Hangul syllable (델) is a word of its own
    and the recognizer only takes it when it stands as one.
    """
    if len(spelling) < 2 and not is_hangul(spelling):
        return f"{spelling!r} is too short: only a single Hangul syllable may stand alone"
    return None
