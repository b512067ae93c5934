"""Use cases of the archive: what the CLI, the console and the cogs call.

Services raise news.core.errors exceptions whose message is safe to show; they never return error
strings or None for failure.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from news.archive.importing import (
    ImportRequest,
    PreparedImport,
    RoundupBuilder,
    clean_optional,
    prepare_and_store_all,
)
from news.archive.ports import ArchiveRepository
from news.archive.retagging import Retag, Retagger, RetagRepository
from news.catalog.bundled import (
    bundled_companies,
    bundled_topics,
    companies_to_store,
    topics_to_store,
)
from news.catalog.guild_tags import GuildTagger
from news.catalog.ports import CompanyRepository, TopicRepository
from news.catalog.recognition import CompanyRecognizer, TopicRecognizer
from news.core.errors import InvalidInput, NotFound
from news.core.models import (
    MAX_ALERT_AGE,
    Company,
    CompanyLookup,
    CompanyReport,
    CompanySpec,
    HeadlinePage,
    HeadlineQuery,
    ImportResult,
    Roundup,
    RoundupListing,
    RoundupRef,
    Topic,
    WeekSummary,
)
from news.core.weeks import parse_week, previous_weeks, week_of

MAX_PAGE_SIZE = 25
MAX_QUERY_LENGTH = 200
MAX_NAME_LENGTH = 100
MIN_ALIAS_LENGTH = 2
CHART_WEEKS = 12
COMPANY_HEADLINES = 10
MENTIONED_IN_LIMIT = 10
# A bulk import of this many articles or more ends by compacting the search index (each
# article's transaction left a piece of it behind): 6 s for a million headlines on a busy
# machine, against the half hour their import took.
COMPACT_AFTER_ARTICLES = 20


@dataclass(frozen=True, slots=True)
class CatalogChange:
    """A company added or renamed in one server, and the re-tagging of its headlines."""

    company: Company
    retag: Retag


class ArchiveService:
    """Imports roundups and answers questions about companies, headlines and weeks."""

    def __init__(
        self,
        companies: CompanyRepository,
        topics: TopicRepository,
        archive: ArchiveRepository,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        retags: RetagRepository | None = None,
    ) -> None:
        self._companies = companies
        self._topics = topics
        self._archive = archive
        self._clock = clock
        # Without it, headlines are stored without a story and a digest groups them itself.
        self._builder = RoundupBuilder((), ())
        # The servers that added companies or spellings, each with its own recognisers.
        self._guild_builders: dict[int, RoundupBuilder] = {}
        # What each of those servers' own additions find in the feed headlines it sees.
        self._guild_taggers: dict[int, GuildTagger] = {}
        self._retagger = Retagger(retags) if retags is not None else None

    async def start(self) -> None:
        """Seed the bundled companies and topics the database lacks, and load the recognizers."""
        companies = companies_to_store(bundled_companies(), await self._companies.all_companies())
        topics = topics_to_store(bundled_topics(), await self._topics.all_topics())
        if companies:
            await self._companies.upsert_companies(companies)
        if topics:
            await self._topics.upsert_topics(topics)
        await self._reload_recognizers()

    async def close(self) -> None:
        """Let the background re-taggings finish."""
        if self._retagger is not None:
            await self._retagger.close()

    async def _reload_recognizers(self) -> None:
        topics = await self._topics.all_topics()
        self._builder = RoundupBuilder(await self._companies.all_companies(), topics)
        self._guild_builders = {}
        self._guild_taggers = {}
        for guild_id in await self._companies.guilds_with_additions():
            await self._reload_guild(guild_id, topics)

    async def _reload_guild(self, guild_id: int, topics: Sequence[Topic] | None = None) -> None:
        companies = await self._companies.guild_companies(guild_id)
        catalog = self._builder.catalog[1] if topics is None else topics
        builder = RoundupBuilder(companies, catalog)
        additions = await self._companies.guild_additions(guild_id)
        self._guild_builders[guild_id] = builder
        self._guild_taggers[guild_id] = GuildTagger(additions, builder.analysis, builder.companies)

    def builder(self) -> RoundupBuilder:
        """The bundled catalogue's recognisers, for the feeds: a feed's headlines are shared by
        every server that follows it, so no server's additions tag them."""
        return self._builder

    def builder_for(self, guild_id: int) -> RoundupBuilder:
        """The recognisers of one server: the bundled catalogue and its own additions."""
        return self._guild_builders.get(guild_id, self._builder)

    def guild_taggers(self) -> Mapping[int, GuildTagger]:
        """The servers that added companies or spellings, with what their additions find in
        a feed's headlines (for them only): ingest tags new feed headlines with these."""
        return self._guild_taggers

    def _tagger(self, guild_id: int) -> GuildTagger:
        return self._guild_taggers.get(guild_id) or GuildTagger(
            (), self._builder.analysis, self._builder.companies
        )

    def _company_recognizer(self, guild_id: int) -> CompanyRecognizer:
        return self.builder_for(guild_id).companies

    @property
    def _topic_recognizer(self) -> TopicRecognizer:
        return self._builder.topics

    # --- importing ---------------------------------------------------------------------

    async def import_roundup(self, request: ImportRequest) -> ImportResult:
        """Parse an article, recognise its companies and topics, and file it under its week."""
        builder = self.builder_for(request.guild_id)
        prepared = await asyncio.to_thread(builder.prepare, request, self._today())
        return await self._store(prepared)

    async def import_roundups(
        self,
        requests: Iterable[ImportRequest],
        on_imported: Callable[[ImportResult], None] | None = None,
    ) -> list[ImportResult]:
        """Import several articles in order, each in its own transaction.

        The next article is prepared in a second process while the previous one is
        written. The first article that cannot be imported stops the run; those before it
        stay filed.
        """

        async def store(prepared: PreparedImport) -> ImportResult:
            result = await self._store(prepared)
            if on_imported:
                on_imported(result)
            return result

        batch = list(requests)  # one server's articles: its recognisers read them all
        builder = self.builder_for(batch[0].guild_id) if batch else self._builder
        results = await prepare_and_store_all(builder, batch, self._today(), store)
        if len(results) >= COMPACT_AFTER_ARTICLES:
            await self._archive.compact_search_index()
        return results

    async def _store(self, prepared: PreparedImport) -> ImportResult:
        # Last year's roundups imported today are archive work, not news to alert anyone of.
        recent = prepared.roundup.published_at >= self._clock() - MAX_ALERT_AGE
        roundup, replaced = await self._archive.save_roundup(prepared.roundup, alert=recent)
        return ImportResult(roundup=roundup, skipped=prepared.skipped, replaced=replaced)

    def _today(self) -> date:
        return self._clock().date()

    # --- questions ---------------------------------------------------------------------

    async def lookup_company(self, guild_id: int, name: str) -> CompanyLookup:
        """A company's headlines, weekly counts and commentary mentions, or suggestions."""
        query = _require_name(name)
        recognizer = self._company_recognizer(guild_id)
        company = recognizer.resolve(query)
        if company is None:
            return CompanyLookup(query, None, recognizer.suggest(query))
        weeks = previous_weeks(week_of(self._clock()), CHART_WEEKS)
        own = guild_id in self._guild_taggers  # only a server with additions has own tags
        activity = await self._archive.company_activity(
            guild_id, company.id, weeks, COMPANY_HEADLINES, MENTIONED_IN_LIMIT, guild_tags=own
        )
        # The trend follows the data: an archive whose latest word on the company is older
        # than this week charts the weeks up to that headline, not empty weeks up to today.
        latest = activity.headlines[0].week if activity.headlines else None
        if latest is not None and latest < weeks[-1]:
            weeks = previous_weeks(latest, CHART_WEEKS)
            activity = await self._archive.company_activity(
                guild_id, company.id, weeks, COMPANY_HEADLINES, MENTIONED_IN_LIMIT, guild_tags=own
            )
        report = CompanyReport(
            company=company,
            headlines=activity.headlines,
            weekly_counts=activity.weekly_counts,
            mentioned_in=activity.mentioned_in,
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
            raise InvalidInput("search.too_long", limit=MAX_QUERY_LENGTH)
        if not 1 <= per_page <= MAX_PAGE_SIZE:
            raise InvalidInput("search.page_size", limit=MAX_PAGE_SIZE)
        if not 1 <= page <= 10_000:
            raise InvalidInput("search.page_range")
        query = HeadlineQuery(
            text=text.strip(),
            week=parse_week(week) if week else None,
            company_id=self.company_named(company, guild_id).id if company else None,
            topic_id=self.topic_named(topic).id if topic else None,
            offset=(page - 1) * per_page,
            limit=per_page,
            guild_tags=guild_id in self._guild_taggers,
        )
        return await self._archive.search_headlines(guild_id, query)

    async def roundup(self, guild_id: int, week: str | None = None) -> Roundup:
        """The first roundup of a week (the latest week with one when no week is given)."""
        return (await self.week_roundups(guild_id, week))[0]

    async def week_roundups(self, guild_id: int, week: str | None = None) -> list[Roundup]:
        """Every roundup of a week (the latest week with one when no week is given), imported
        first, then the latest published first; NotFound when there is none."""
        wanted = parse_week(week) if week else await self._archive.latest_week(guild_id)
        found = await self._archive.roundups_for_week(guild_id, wanted) if wanted else []
        if not found:
            raise _no_roundup(wanted)
        return found

    async def roundups(self, guild_id: int, week: str | None = None) -> list[RoundupListing]:
        """The server's roundups (of one week, or all of them), newest week first."""
        return await self._archive.list_roundups(guild_id, parse_week(week) if week else None)

    async def roundup_by_id(self, guild_id: int, roundup_id: int) -> Roundup:
        found = await self._archive.roundup_by_id(guild_id, roundup_id)
        if found is None:
            raise NotFound("roundup.no_such_id", id=roundup_id)
        return found

    async def delete_roundup(self, guild_id: int, roundup_id: int) -> RoundupRef:
        """Delete one of the server's roundups with the headlines it filed."""
        deleted = await self._archive.delete_roundup(guild_id, roundup_id)
        if deleted is None:
            raise NotFound("roundup.no_such_id", id=roundup_id)
        return deleted

    async def roundup_choices(
        self, guild_id: int, typed: str, limit: int = 25
    ) -> list[tuple[str, int]]:
        """Autocomplete: (label, roundup id) of the server's roundups whose week, title or
        publisher contains what was typed, newest first."""
        wanted = " ".join(typed.split()).casefold()[:MAX_NAME_LENGTH]
        choices = []
        for listing in await self._archive.list_roundups(guild_id, None):
            label = " · ".join(p for p in (listing.week, listing.publisher, listing.title) if p)
            if wanted in label.casefold() or wanted == str(listing.id):
                choices.append((label, listing.id))
            if len(choices) >= limit:
                break
        return choices

    async def weeks(self, guild_id: int) -> list[WeekSummary]:
        return await self._archive.weeks(guild_id)

    # --- companies and topics ----------------------------------------------------------

    async def add_company(
        self,
        name: str,
        english_name: str | None = None,
        aliases: Sequence[str] = (),
        *,
        guild_id: int,
    ) -> CatalogChange:
        """Add a company for one server; its names must be new to that server. The server's
        headlines are re-tagged (in the background when there are many)."""
        canonical = _require_name(name)
        english = clean_optional(english_name) or canonical
        extra = tuple(_require_alias(alias) for alias in aliases)
        spec = CompanySpec(canonical, english, extra)
        company = await self._companies.add_company(spec, guild_id)
        return CatalogChange(company, await self._catalog_changed(guild_id))

    async def add_alias(self, company_name: str, alias: str, *, guild_id: int) -> CatalogChange:
        """Teach one server another name for a company it knows."""
        company = self.company_named(company_name, guild_id)
        updated = await self._companies.add_alias(company.id, _require_alias(alias), guild_id)
        return CatalogChange(updated, await self._catalog_changed(guild_id))

    async def _catalog_changed(self, guild_id: int) -> Retag:
        await self._reload_guild(guild_id)
        if self._retagger is None:
            return Retag(guild_id, 0)
        return await self._retagger.start(guild_id, lambda: self._tagger(guild_id))

    def company_choices(
        self, prefix: str, limit: int = 25, *, guild_id: int
    ) -> list[tuple[str, str]]:
        """Autocomplete: (label, canonical name) best first, among what the server knows."""
        return self._company_recognizer(guild_id).autocomplete(prefix[:MAX_NAME_LENGTH], limit)

    def topic_choices(self, prefix: str, limit: int = 25) -> list[tuple[str, str]]:
        """Autocomplete: (label, topic key) best first."""
        return self._topic_recognizer.autocomplete(prefix[:MAX_NAME_LENGTH], limit)

    def company_named(self, name: str, guild_id: int) -> Company:
        """The company by any of its names, among those the server knows; NotFound (with
        suggestions) when unknown."""
        recognizer = self._company_recognizer(guild_id)
        company = recognizer.resolve(name[:MAX_NAME_LENGTH])
        if company is None:
            hint = ", ".join(recognizer.suggest(name[:MAX_NAME_LENGTH]))
            if hint:
                raise NotFound("company.unknown_suggest", name=name[:60], hint=hint)
            raise NotFound("company.unknown", name=name[:60])
        return company

    def topic_named(self, name: str) -> Topic:
        """The topic by its key or any of its names; NotFound when unknown."""
        topic = self._topic_recognizer.resolve(name[:MAX_NAME_LENGTH])
        if topic is None:
            raise NotFound("topic.unknown", name=name[:60])
        return topic


def _no_roundup(week: str | None) -> NotFound:
    if week is None:
        return NotFound("roundup.none_yet")
    return NotFound("roundup.not_found", week=week)


def _require_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput("company.name_empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput("company.name_too_long", limit=MAX_NAME_LENGTH)
    return cleaned


def _require_alias(alias: str) -> str:
    cleaned = " ".join(alias.split())
    if not cleaned:
        raise InvalidInput("alias.empty")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput("alias.too_long", limit=MAX_NAME_LENGTH)
    if len(cleaned) < MIN_ALIAS_LENGTH:
        raise InvalidInput("alias.too_short", minimum=MIN_ALIAS_LENGTH)
    return cleaned
