"""From article text to a storable roundup: parsing, recognition and the import pipeline.

Preparing an article is pure CPU work (no I/O), so it runs off the event loop: in a worker
thread for one article, and in a second process for a batch, where it overlaps with the
writing of the previous article (the GIL would make a thread wait on SQLite's own thread).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import TypeVar

from news.archive.articles import ExtractedArticle
from news.archive.parser import parse_roundup
from news.archive.parsing.repeats import link_key
from news.catalog.analysis import FeedEntry, HeadlineAnalyser, HeadlineAnalysis
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.models import (
    Company,
    NewHeadline,
    NewRoundup,
    NewSection,
    ParsedHeadline,
    ParsedRoundup,
    ParsedSection,
    RoundupKind,
    SkippedLine,
    Topic,
)
from news.core.text import Cut, clean_text, detect_language, truncate
from news.core.urls import canonical_url
from news.core.weeks import week_of

MAX_TITLE_LENGTH = 200
# A headline's title and summary at most, whatever the article holds (a feed's are shorter).
HEADLINE_TITLE_LIMIT = 300
HEADLINE_SUMMARY_LIMIT = 2000
DEFAULT_TITLE_HEADLINE = 60


@dataclass(frozen=True, slots=True)
class ImportRequest:
    guild_id: int
    text: str
    filename: str | None = None
    day: date | None = None  # the roundup's date; today when absent
    title: str | None = None
    publisher: str | None = None
    url: str | None = None  # the web address the article was fetched from
    # When the article was published, with its time of day, as a fetched page's metadata says
    # (a file's own front matter or meta tags come through the parser instead).
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PreparedImport:
    """An article ready to store, and what was skipped on the way."""

    roundup: NewRoundup
    skipped: tuple[SkippedLine, ...]


class RoundupBuilder:
    """Parses an article and recognises its companies and topics (pure: no I/O)."""

    def __init__(self, companies: Sequence[Company], topics: Sequence[Topic]) -> None:
        self.companies = CompanyRecognizer(companies)
        self.topics = TopicRecognizer(topics)
        self.analysis = HeadlineAnalyser(self.companies, self.topics)
        # Kept to rebuild the same builder in a worker process.
        self.catalog = (tuple(companies), tuple(topics))

    def prepare(self, request: ImportRequest, today: date) -> PreparedImport:
        # Where an article's text (a file, a page, a paste) enters: cleaned once, here.
        parsed = parse_roundup(clean_text(request.text), filename=request.filename)
        return PreparedImport(self.build(parsed, request, today), parsed.skipped)

    def build(self, parsed: ParsedRoundup, request: ImportRequest, today: date) -> NewRoundup:
        """The storable roundup for a parsed article, filed under the week of its day."""
        day = request.day or today
        published_at = datetime.combine(day, time(0), tzinfo=UTC)
        given = parsed.published_at or request.published_at
        if given is not None and (request.day is None or request.day == given.date()):
            # The article's own time of day, on the day it was written (its week too).
            day, published_at = given.date(), given
        week = week_of(day)
        publisher = clean_optional(request.publisher) or parsed.publisher
        title = (
            clean_optional(request.title) or parsed.title or _default_title(publisher, week, parsed)
        )
        sections = tuple(self._build_section(s, published_at) for s in parsed.sections)
        return NewRoundup(
            guild_id=request.guild_id,
            week=week,
            kind=RoundupKind.IMPORTED,
            title=title[:MAX_TITLE_LENGTH],
            publisher=publisher,
            author=parsed.author,
            copyright=parsed.copyright,
            published_at=published_at,
            sections=tuple(s for s in sections if s.headlines or s.commentary),
            url=canonical_url(request.url) if request.url else None,
        )

    def _build_section(self, section: ParsedSection, published_at: datetime) -> NewSection:
        commentary = "\n\n".join(section.paragraphs)
        return NewSection(
            title=section.title,
            commentary=commentary,
            mentioned_company_ids=self.companies.find(commentary),
            headlines=tuple(self._build_headline(h, published_at) for h in section.headlines),
        )

    def _build_headline(self, parsed: ParsedHeadline, published_at: datetime) -> NewHeadline:
        return self.headline(
            truncate(parsed.title, HEADLINE_TITLE_LIMIT, at=Cut.WORD),
            url=archive_url(parsed.url),
            summary=truncate(parsed.summary, HEADLINE_SUMMARY_LIMIT, at=Cut.WORD),
            language=detect_language(parsed.title),
            published_at=published_at,
        )

    def headline(
        self, title: str, *, url: str | None, summary: str, language: str, published_at: datetime
    ) -> NewHeadline:
        """A headline to store, analysed: companies it is about and mentions, topics and
        tech relevance (news.catalog.analysis)."""
        found = self.analysis.analyse(title, summary)
        return _analysed(HeadlineDraft(title, url, summary, language, published_at), found)

    def feed_headlines(self, drafts: Sequence[HeadlineDraft]) -> list[NewHeadline]:
        """The items of one feed document, analysed together: how tech the feed is counts a
        little for each (news.catalog.analysis.HeadlineAnalyser.analyse_feed)."""
        found = self.analysis.analyse_feed(
            [FeedEntry(d.title, d.summary, d.categories) for d in drafts]
        )
        return [_analysed(draft, each) for draft, each in zip(drafts, found, strict=True)]


@dataclass(frozen=True, slots=True)
class HeadlineDraft:
    """A feed item as ingest hands it to the analysis."""

    title: str
    url: str | None
    summary: str
    language: str
    published_at: datetime
    categories: tuple[str, ...] = ()


def _analysed(draft: HeadlineDraft, found: HeadlineAnalysis) -> NewHeadline:
    return NewHeadline(
        title=draft.title,
        url=draft.url,
        summary=draft.summary,
        language=draft.language,
        published_at=draft.published_at,
        company_ids=found.company_ids,
        topic_ids=found.topic_ids,
        mention_ids=found.mention_ids,
        relevance=found.relevance,
    )


T = TypeVar("T")


async def prepare_and_store_all(
    builder: RoundupBuilder,
    requests: Iterable[ImportRequest],
    today: date,
    store: Callable[[PreparedImport], Awaitable[T]],
) -> list[T]:
    """Prepare each article in a worker process while the one before it is stored."""
    loop = asyncio.get_running_loop()
    stored: list[T] = []
    # spawn, not fork: the parent has threads (SQLite's), which fork would copy half-held.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, context, _start_worker, (builder.catalog,)) as pool:
        preparing: asyncio.Future[PreparedImport] | None = None
        for request in requests:
            following = loop.run_in_executor(pool, _prepare_in_worker, request, today)
            if preparing is not None:
                stored.append(await store(await _settled(preparing, following)))
            preparing = following
        if preparing is not None:
            stored.append(await store(await preparing))
    return stored


async def _settled(
    current: asyncio.Future[PreparedImport], following: asyncio.Future[PreparedImport]
) -> PreparedImport:
    # When the current article fails, the one already sent to the worker is not wanted.
    try:
        return await current
    except BaseException:
        following.cancel()
        raise


_worker_builder: RoundupBuilder | None = None  # one per worker process, set at its start


def _start_worker(catalog: tuple[tuple[Company, ...], tuple[Topic, ...]]) -> None:
    global _worker_builder  # noqa: PLW0603 -- the worker process's own, built once
    _worker_builder = RoundupBuilder(*catalog)


def _prepare_in_worker(request: ImportRequest, today: date) -> PreparedImport:
    assert _worker_builder is not None, "the pool starts every worker with _start_worker"
    return _worker_builder.prepare(request, today)


def archive_url(url: str | None) -> str | None:
    """The canonical URL with its ``#fragment`` kept: a newsletter that links the items of
    one page (``…/migration#rollup-4``, ``…#item-2``) links different items."""
    if not url or canonical_url(url) is None:
        return None
    return link_key(url)


def clean_optional(value: str | None) -> str | None:
    """Whitespace collapsed, None for nothing, at most MAX_TITLE_LENGTH characters."""
    cleaned = " ".join(value.split()) if value else ""
    return cleaned[:MAX_TITLE_LENGTH] or None


def _default_title(publisher: str | None, week: str, parsed: ParsedRoundup) -> str:
    """A title for an untitled column. It names the first headline, so that two columns
    of one publisher in one week stay two roundups, while the same column imported again
    gets the same title and replaces itself."""
    first = next((s.headlines[0].title for s in parsed.sections if s.headlines), "")
    lead = f"{publisher or 'Roundup'} {week}"
    return f"{lead} · {first[:DEFAULT_TITLE_HEADLINE]}" if first else lead


def article_import_request(
    guild_id: int,
    article: ExtractedArticle,
    *,
    day: date | None,
    title: str | None,
    url: str | None = None,
) -> ImportRequest:
    """The importer's request for a fetched article: its own title, day and site name unless
    the admin gave others."""
    return ImportRequest(
        guild_id=guild_id,
        text=article.text,
        day=day or article.published,
        title=title or article.title,
        publisher=article.site_name,
        url=url,
        published_at=article.published_at,
    )
