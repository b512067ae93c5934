"""Use cases of the archive: what the CLI, the console and the cogs call.

Services raise news.errors exceptions whose message is safe to show; they never return error
strings or None for failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from news.catalog import bundled_companies, bundled_topics
from news.errors import InvalidInput, NotFound
from news.models import (
    Company,
    CompanyLookup,
    CompanyReport,
    CompanySpec,
    HeadlinePage,
    HeadlineQuery,
    ImportResult,
    NewHeadline,
    NewRoundup,
    NewSection,
    ParsedHeadline,
    ParsedRoundup,
    ParsedSection,
    Roundup,
    RoundupKind,
    Topic,
    WeekSummary,
)
from news.ports import ArchiveRepository, CompanyRepository, TopicRepository
from news.recognition import CompanyRecognizer, TopicRecognizer
from news.roundup_parser import parse_roundup
from news.text import detect_language
from news.urls import canonical_url
from news.weeks import parse_week, previous_weeks, week_of

MAX_PAGE_SIZE = 25
MAX_QUERY_LENGTH = 200
MAX_NAME_LENGTH = 100
MIN_ALIAS_LENGTH = 2
CHART_WEEKS = 12
COMPANY_HEADLINES = 10
MENTIONED_IN_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ImportRequest:
    guild_id: int
    text: str
    filename: str | None = None
    day: date | None = None  # the roundup's date; today when absent
    title: str | None = None
    publisher: str | None = None


class ArchiveService:
    """Imports roundups and answers questions about companies, headlines and weeks."""

    def __init__(
        self,
        companies: CompanyRepository,
        topics: TopicRepository,
        archive: ArchiveRepository,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._companies = companies
        self._topics = topics
        self._archive = archive
        self._clock = clock
        self._company_recognizer = CompanyRecognizer(())
        self._topic_recognizer = TopicRecognizer(())

    async def start(self) -> None:
        """Seed the bundled companies and topics (idempotent) and load the recognizers."""
        await self._companies.upsert_companies(bundled_companies())
        await self._topics.upsert_topics(bundled_topics())
        await self._reload_recognizers()

    async def _reload_recognizers(self) -> None:
        self._company_recognizer = CompanyRecognizer(await self._companies.all_companies())
        self._topic_recognizer = TopicRecognizer(await self._topics.all_topics())

    # --- importing ---------------------------------------------------------------------

    async def import_roundup(self, request: ImportRequest) -> ImportResult:
        """Parse an article, recognise its companies and topics, and file it under its week."""
        parsed = parse_roundup(request.text, filename=request.filename)
        new_roundup = self.build_roundup(parsed, request)
        roundup, replaced = await self._archive.save_roundup(new_roundup)
        return ImportResult(roundup=roundup, skipped=parsed.skipped, replaced=replaced)

    def build_roundup(self, parsed: ParsedRoundup, request: ImportRequest) -> NewRoundup:
        """The storable roundup for a parsed article (pure: no I/O)."""
        day = request.day or self._clock().date()
        published_at = datetime.combine(day, time(0), tzinfo=UTC)
        week = week_of(day)
        publisher = _clean_optional(request.publisher) or parsed.publisher
        title = _clean_optional(request.title) or parsed.title or _default_title(publisher, week)
        sections = tuple(self._build_section(s, published_at) for s in parsed.sections)
        return NewRoundup(
            guild_id=request.guild_id,
            week=week,
            kind=RoundupKind.IMPORTED,
            title=title[: MAX_NAME_LENGTH * 2],
            publisher=publisher,
            author=parsed.author,
            copyright=parsed.copyright,
            published_at=published_at,
            sections=tuple(s for s in sections if s.headlines or s.commentary),
        )

    def _build_section(self, section: ParsedSection, published_at: datetime) -> NewSection:
        commentary = "\n\n".join(section.paragraphs)
        return NewSection(
            title=section.title,
            commentary=commentary,
            mentioned_company_ids=self._company_recognizer.find(commentary),
            headlines=tuple(self._build_headline(h, published_at) for h in section.headlines),
        )

    def _build_headline(self, parsed: ParsedHeadline, published_at: datetime) -> NewHeadline:
        text = f"{parsed.title}\n{parsed.summary}"
        return NewHeadline(
            title=parsed.title,
            url=canonical_url(parsed.url) if parsed.url else None,
            summary=parsed.summary,
            language=detect_language(parsed.title),
            published_at=published_at,
            company_ids=self._company_recognizer.find(text),
            topic_ids=self._topic_recognizer.find(text),
        )

    # --- questions ---------------------------------------------------------------------

    async def lookup_company(self, guild_id: int, name: str) -> CompanyLookup:
        """A company's headlines, weekly counts and commentary mentions, or suggestions."""
        query = _require_text(name, "company name", MAX_NAME_LENGTH)
        company = self._company_recognizer.resolve(query)
        if company is None:
            return CompanyLookup(query, None, self._company_recognizer.suggest(query))
        weeks = previous_weeks(week_of(self._clock()), CHART_WEEKS)
        headlines = await self._archive.company_headlines(guild_id, company.id, COMPANY_HEADLINES)
        counts = await self._archive.company_weekly_counts(guild_id, company.id, weeks)
        mentioned = await self._archive.roundups_mentioning(
            guild_id, company.id, MENTIONED_IN_LIMIT
        )
        report = CompanyReport(
            company=company,
            headlines=tuple(headlines),
            weekly_counts=tuple((week, counts.get(week, 0)) for week in weeks),
            mentioned_in=tuple(mentioned),
        )
        return CompanyLookup(query, report)

    async def search_headlines(
        self,
        guild_id: int,
        text: str,
        *,
        week: str | None = None,
        company: str | None = None,
        topic: str | None = None,
        page: int = 1,
        per_page: int = 10,
    ) -> HeadlinePage:
        """Headlines matching the text and filters, newest first, one page of them."""
        if len(text) > MAX_QUERY_LENGTH:
            raise InvalidInput(f"A search can be at most {MAX_QUERY_LENGTH} characters long.")
        if not 1 <= per_page <= MAX_PAGE_SIZE:
            raise InvalidInput(f"A page holds between 1 and {MAX_PAGE_SIZE} headlines.")
        if not 1 <= page <= 10_000:
            raise InvalidInput("Pages are numbered from 1 to 10000.")
        query = HeadlineQuery(
            text=text.strip(),
            week=parse_week(week) if week else None,
            company_id=self._require_company(company).id if company else None,
            topic_id=self._require_topic(topic).id if topic else None,
            offset=(page - 1) * per_page,
            limit=per_page,
        )
        return await self._archive.search_headlines(guild_id, query)

    async def roundup(self, guild_id: int, week: str | None = None) -> Roundup:
        """The roundup of a week (the latest week with one when no week is given)."""
        wanted = parse_week(week) if week else await self._archive.latest_week(guild_id)
        found = await self._archive.roundup_for_week(guild_id, wanted) if wanted else None
        if found is None:
            raise NotFound(_no_roundup_message(wanted))
        return found

    async def weeks(self, guild_id: int) -> list[WeekSummary]:
        return await self._archive.weeks(guild_id)

    # --- companies and topics ----------------------------------------------------------

    async def add_company(
        self, name: str, english_name: str | None = None, aliases: Sequence[str] = ()
    ) -> Company:
        """Add a company that the bundled list lacks; its names must be new."""
        canonical = _require_text(name, "company name", MAX_NAME_LENGTH)
        english = _clean_optional(english_name) or canonical
        extra = tuple(_require_alias(alias) for alias in aliases)
        company = await self._companies.add_company(CompanySpec(canonical, english, extra))
        await self._reload_recognizers()
        return company

    async def add_alias(self, company_name: str, alias: str) -> Company:
        """Teach the bot another name for a known company."""
        company = self._require_company(company_name)
        updated = await self._companies.add_alias(company.id, _require_alias(alias))
        await self._reload_recognizers()
        return updated

    def company_choices(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete: (label, canonical name) best first."""
        return self._company_recognizer.autocomplete(prefix[:MAX_NAME_LENGTH], limit)

    def topic_choices(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete: (label, topic key) best first."""
        return self._topic_recognizer.autocomplete(prefix[:MAX_NAME_LENGTH], limit)

    def _require_company(self, name: str) -> Company:
        company = self._company_recognizer.resolve(name[:MAX_NAME_LENGTH])
        if company is None:
            hint = ", ".join(self._company_recognizer.suggest(name[:MAX_NAME_LENGTH]))
            tail = f" Did you mean: {hint}?" if hint else ""
            raise NotFound(f"I don't know a company called '{name[:60]}'.{tail}")
        return company

    def _require_topic(self, name: str) -> Topic:
        topic = self._topic_recognizer.resolve(name[:MAX_NAME_LENGTH])
        if topic is None:
            raise NotFound(f"I don't know a topic called '{name[:60]}'.")
        return topic


def _default_title(publisher: str | None, week: str) -> str:
    return f"{publisher} {week}" if publisher else f"Roundup {week}"


def _no_roundup_message(week: str | None) -> str:
    if week is None:
        return "This server has no roundup yet: import one first."
    return f"There is no roundup for {week} in this server."


def _clean_optional(value: str | None) -> str | None:
    cleaned = " ".join(value.split()) if value else ""
    return cleaned[: MAX_NAME_LENGTH * 2] or None


def _require_text(value: str, what: str, limit: int) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise InvalidInput(f"The {what} is empty.")
    if len(cleaned) > limit:
        raise InvalidInput(f"The {what} can be at most {limit} characters long.")
    return cleaned


def _require_alias(alias: str) -> str:
    cleaned = _require_text(alias, "alias", MAX_NAME_LENGTH)
    if len(cleaned) < MIN_ALIAS_LENGTH:
        raise InvalidInput(f"An alias needs at least {MIN_ALIAS_LENGTH} characters.")
    return cleaned
