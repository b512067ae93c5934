"""Which items of a feed a channel shows: ``include`` and ``exclude`` alternatives, separated
by commas, each a keyword as ``/subscribe keyword:`` takes it (words that must all appear, or
a "quoted phrase"; news.alerts.models.parse_keyword, matched as news.archive.search_terms
defines it), or ``topic:security`` / ``company:엔비디아``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from news.alerts.matching import units_match
from news.alerts.models import parse_keyword
from news.archive.search_terms import Unit, text_terms
from news.core.errors import InvalidInput

MAX_FILTER_LENGTH = 300  # characters of include, and of exclude
MAX_ALTERNATIVES = 10
_QUOTES = "\"'“”‘’「」"


@dataclass(frozen=True, slots=True)
class Alternative:
    units: tuple[Unit, ...] = ()  # a keyword's
    topic_id: int | None = None
    company_id: int | None = None

    def admits(
        self, text: str, terms: list[str], company_ids: Iterable[int], topic_ids: Iterable[int]
    ) -> bool:
        if self.topic_id is not None:
            return self.topic_id in topic_ids
        if self.company_id is not None:
            return self.company_id in company_ids
        return units_match(self.units, terms, text)


@dataclass(frozen=True, slots=True)
class FeedFilter:
    include: tuple[Alternative, ...] = ()
    exclude: tuple[Alternative, ...] = ()

    def admits(self, text: str, company_ids: tuple[int, ...], topic_ids: tuple[int, ...]) -> bool:
        """Some include alternative (when there are any) and no exclude alternative match."""
        if not self.include and not self.exclude:
            return True
        terms = text_terms(text)
        if self.include and not any(
            a.admits(text, terms, company_ids, topic_ids) for a in self.include
        ):
            return False
        return not any(a.admits(text, terms, company_ids, topic_ids) for a in self.exclude)


Resolver = Callable[[str], int]  # a topic's or company's name to its id; NotFound otherwise


def parse_filter(include: str, exclude: str, *, topic: Resolver, company: Resolver) -> FeedFilter:
    return FeedFilter(
        _alternatives(include, topic, company), _alternatives(exclude, topic, company)
    )


def clean_filter(value: str | None) -> str:
    """A filter as stored: whitespace collapsed, length-limited."""
    cleaned = " ".join((value or "").split())
    if len(cleaned) > MAX_FILTER_LENGTH:
        raise InvalidInput("channels.filter_too_long", limit=MAX_FILTER_LENGTH)
    return cleaned


def _alternatives(text: str, topic: Resolver, company: Resolver) -> tuple[Alternative, ...]:
    parts = [part.strip() for part in split_alternatives(clean_filter(text))]
    parts = [part for part in parts if part]
    if len(parts) > MAX_ALTERNATIVES:
        raise InvalidInput("channels.filter_too_many", limit=MAX_ALTERNATIVES)
    return tuple(_alternative(part, topic, company) for part in parts)


def _alternative(part: str, topic: Resolver, company: Resolver) -> Alternative:
    kind, sep, name = part.partition(":")
    if sep and kind.strip().lower() == "topic" and name.strip():
        return Alternative(topic_id=topic(name.strip()))
    if sep and kind.strip().lower() == "company" and name.strip():
        return Alternative(company_id=company(name.strip()))
    return Alternative(units=parse_keyword(part).units)


def split_alternatives(text: str) -> list[str]:
    """``text`` split at commas outside quotes (a quoted phrase may hold a comma)."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char in _QUOTES:
            quoted = not quoted
        if char == "," and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts
