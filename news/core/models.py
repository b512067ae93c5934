"""Domain models: frozen dataclasses shared by the services, the parsers and the repositories.

Times are timezone-aware UTC ``datetime`` objects; weeks are ISO weeks written ``2026-W48``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

# The local console and the CLI work in a space of their own, never a real Discord server.
LOCAL_GUILD_ID = 0
# Older headlines (an import of last year's roundups) are archive work, not news: nobody is
# alerted of them, and the archive does not queue them for the alert matcher.
MAX_ALERT_AGE = timedelta(days=7)


class RoundupKind(StrEnum):
    IMPORTED = "imported"
    COMPILED = "compiled"


# --- Companies and topics -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Company:
    id: int
    name: str  # canonical name, as Korean press writes it (e.g. 마이크로소프트)
    english_name: str
    aliases: tuple[str, ...] = ()  # every other spelling, both languages, abbreviations


@dataclass(frozen=True, slots=True)
class CompanySpec:
    """A company before it has an id: the bundled list and admin additions."""

    name: str
    english_name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    id: int
    key: str  # stable slug, e.g. "security"
    name_en: str
    name_ko: str
    keywords: tuple[str, ...] = ()  # Korean and English


@dataclass(frozen=True, slots=True)
class TopicSpec:
    key: str
    name_en: str
    name_ko: str
    keywords: tuple[str, ...] = ()


# --- Parsing a roundup article --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedHeadline:
    title: str  # trimmed of bullet and column tag
    url: str | None = None
    summary: str = ""
    tag: str | None = None  # column label such as 심층분석, without brackets
    line_no: int = 0  # 1-based line in the source text


@dataclass(frozen=True, slots=True)
class ParsedSection:
    title: str | None  # a heading when the layout has one
    paragraphs: tuple[str, ...]  # commentary
    headlines: tuple[ParsedHeadline, ...]


@dataclass(frozen=True, slots=True)
class SkippedLine:
    line_no: int
    text: str
    reason: str  # short English reason, e.g. "photo caption", "footer", "advertisement"


@dataclass(frozen=True, slots=True)
class ParsedRoundup:
    title: str | None
    publisher: str | None
    author: str | None
    copyright: str | None
    sections: tuple[ParsedSection, ...]
    skipped: tuple[SkippedLine, ...] = ()
    format: str = "text"  # "korean-column", "markdown", "html", "link-list", "text"
    published_at: datetime | None = None  # when the article gives a time of day, not just a date

    @property
    def headline_count(self) -> int:
        return sum(len(section.headlines) for section in self.sections)


# --- What the services hand to the repositories to store -------------------------------


@dataclass(frozen=True, slots=True)
class NewHeadline:
    title: str
    url: str | None  # canonical URL when known
    summary: str
    language: str  # "ko" or "en"
    published_at: datetime
    company_ids: tuple[int, ...] = ()  # the companies it is about (news.catalog.subjects)
    topic_ids: tuple[int, ...] = ()
    mention_ids: tuple[int, ...] = ()  # companies it names only in passing
    relevance: float = 1.0  # 0..1, how much it is about technology (news.catalog.relevance)
    # (guild id, company id): what a following server's own additions find in a feed entry
    # beyond company_ids, seen by that server only (news.catalog.guild_tags).
    guild_company_ids: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class NewSection:
    title: str | None
    commentary: str
    mentioned_company_ids: tuple[int, ...]  # companies named in the commentary
    headlines: tuple[NewHeadline, ...]


@dataclass(frozen=True, slots=True)
class NewRoundup:
    guild_id: int
    week: str
    kind: RoundupKind
    title: str
    publisher: str | None
    author: str | None
    copyright: str | None
    published_at: datetime
    sections: tuple[NewSection, ...]
    url: str | None = None  # the article's web address when it was fetched from one


# --- What the repositories return -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headline:
    id: int
    title: str
    url: str | None
    summary: str
    language: str
    published_at: datetime
    week: str
    companies: tuple[str, ...] = ()  # canonical company names
    topics: tuple[str, ...] = ()  # topic keys


@dataclass(frozen=True, slots=True)
class RoundupSection:
    position: int
    title: str | None
    commentary: str
    mentioned_companies: tuple[str, ...]
    headlines: tuple[Headline, ...]


@dataclass(frozen=True, slots=True)
class Roundup:
    id: int
    guild_id: int
    week: str
    kind: RoundupKind
    title: str
    publisher: str | None
    author: str | None
    copyright: str | None
    published_at: datetime
    sections: tuple[RoundupSection, ...]

    @property
    def headline_count(self) -> int:
        return sum(len(section.headlines) for section in self.sections)


@dataclass(frozen=True, slots=True)
class RoundupRef:
    """A roundup named in a list (e.g. those that mention a company in commentary)."""

    id: int
    week: str
    title: str
    publisher: str | None


@dataclass(frozen=True, slots=True)
class RoundupListing:
    """A roundup in the list of a server's roundups: what tells one from another."""

    id: int
    week: str
    title: str
    publisher: str | None
    kind: RoundupKind
    published_at: datetime
    headlines: int  # how many it lists


@dataclass(frozen=True, slots=True)
class CompanyActivity:
    """What the archive holds about one company, as a server sees it."""

    headlines: tuple[Headline, ...]  # newest first
    weekly_counts: tuple[tuple[str, int], ...]  # in the order of the weeks asked for
    mentioned_in: tuple[RoundupRef, ...]  # roundups naming it in commentary, newest first


@dataclass(frozen=True, slots=True)
class WeekSummary:
    week: str
    roundups: int
    headlines: int


@dataclass(frozen=True, slots=True)
class HeadlineQuery:
    text: str = ""  # free text, any language; empty means "everything"
    week: str | None = None
    company_id: int | None = None
    topic_id: int | None = None
    offset: int = 0
    limit: int = 10
    # The server added companies or spellings: its own tags on the feed headlines it sees
    # (news.catalog.guild_tags) count for the company filter and the companies shown.
    guild_tags: bool = False


@dataclass(frozen=True, slots=True)
class HeadlinePage:
    total: int  # a lower bound when total_exact is False (counting stops at a cap)
    headlines: tuple[Headline, ...]
    offset: int
    limit: int
    total_exact: bool = True

    @property
    def total_label(self) -> str:
        """The total as people read it: 1000+ when counting stopped at the cap."""
        return f"{self.total}" if self.total_exact else f"{self.total}+"


class SettingsPart(StrEnum):
    """The parts of GuildSettings that are written apart, so that an admin setting up the
    digest and another setting the alert channel at the same time both keep their change."""

    DIGEST = "digest"  # where, when and in which language the weekly digest goes
    ALERTS = "alerts"  # the alert channel


EVERY_SETTING = tuple(SettingsPart)  # what creating a server's settings writes


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    digest_channel_id: int | None = None
    digest_weekday: int = 0  # Monday = 0, as datetime.weekday()
    digest_hour: int = 9
    timezone: str = "Asia/Seoul"
    language: str = "ko"
    alert_channel_id: int | None = None


# --- The weekly digest ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestCandidate:
    """A headline of the week as the digest compiler sees it: with the outlet that ran it."""

    headline: Headline
    source: str | None  # the outlet's name (feed title, or the imported article's publisher)
    # The story it was placed in when it arrived (news.stories.clustering.StoryIndex); None for
    # headlines stored before stories were kept.
    story_id: int | None = None
    relevance: float = 1.0  # stored at ingest; rows stored before it count as relevant


@dataclass(frozen=True, slots=True)
class DigestSource:
    """One report of a digest item's story: as one outlet titled and linked it."""

    title: str
    url: str | None
    source: str | None


@dataclass(frozen=True, slots=True)
class DigestItem:
    headline: Headline  # the lead story of its group
    source: str | None
    more_sources: int = 0  # the other reports of the same story: len(sources) - 1
    # Every report of the story, the item's own first (empty for an imported roundup's items).
    sources: tuple[DigestSource, ...] = ()


@dataclass(frozen=True, slots=True)
class DigestSection:
    title: str  # a topic's name in the digest's language, or the imported section's title
    commentary: str  # empty for compiled sections
    items: tuple[DigestItem, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    """One week's post for one server, before rendering."""

    guild_id: int
    week: str
    title: str
    language: str  # "ko" or "en"
    sections: tuple[DigestSection, ...]
    imported: bool  # True when it is an imported roundup, kept with its own sections


# --- Results of use cases ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportResult:
    roundup: Roundup
    skipped: tuple[SkippedLine, ...]
    replaced: bool  # True when the same article was imported before and updated in place


@dataclass(frozen=True, slots=True)
class CompanyReport:
    company: Company
    headlines: tuple[Headline, ...]
    weekly_counts: tuple[tuple[str, int], ...]  # oldest week first
    mentioned_in: tuple[RoundupRef, ...]


@dataclass(frozen=True, slots=True)
class CompanyLookup:
    """Either a report for the company found, or suggestions when the name is unknown."""

    query: str
    report: CompanyReport | None
    suggestions: tuple[str, ...] = field(default_factory=tuple)
