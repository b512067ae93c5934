"""Small factories for the roundups the db tests store (our own made-up headlines)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from db import Database, SqlArchiveRepository
from news.core.models import CompanyActivity, NewHeadline, NewRoundup, NewSection, RoundupKind
from news.core.weeks import week_of

WEDNESDAY = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # in 2026-W48
NEXT_WEEK = WEDNESDAY + timedelta(weeks=1)


def headline(
    title: str,
    url: str | None = None,
    *,
    at: datetime = WEDNESDAY,
    summary: str = "",
    companies: tuple[int, ...] = (),
    topics: tuple[int, ...] = (),
) -> NewHeadline:
    return NewHeadline(
        title=title,
        url=url,
        summary=summary,
        language="ko",
        published_at=at,
        company_ids=companies,
        topic_ids=topics,
    )


def section(
    *headlines: NewHeadline,
    title: str | None = "주요 뉴스",
    commentary: str = "",
    mentions: tuple[int, ...] = (),
) -> NewSection:
    return NewSection(
        title=title, commentary=commentary, mentioned_company_ids=mentions, headlines=headlines
    )


def roundup(
    *sections: NewSection,
    guild_id: int = 1,
    title: str = "주간 테크 브리핑",
    at: datetime = WEDNESDAY,
    kind: RoundupKind = RoundupKind.IMPORTED,
    publisher: str | None = "테크 주간지",
) -> NewRoundup:
    return NewRoundup(
        guild_id=guild_id,
        week=week_of(at),
        kind=kind,
        title=title,
        publisher=publisher,
        author="김기자",
        copyright="© 테크 주간지",
        published_at=at,
        sections=sections,
    )


def headlines_roundup(*titles: str, guild_id: int = 1, at: datetime = WEDNESDAY) -> NewRoundup:
    """A one-section roundup of link-less headlines, all published at ``at``, titled after
    its first headline: each call is another article (the same article would replace)."""
    name = f"주간 테크 브리핑 · {titles[0]}" if titles else "주간 테크 브리핑"
    headlines = section(*(headline(title, at=at) for title in titles))
    return roundup(headlines, guild_id=guild_id, at=at, title=name)


async def activity(
    archive: SqlArchiveRepository,
    guild_id: int,
    company_id: int,
    *,
    weeks: Sequence[str] = ("2026-W48",),
    headline_limit: int = 10,
) -> CompanyActivity:
    """company_activity with the limits the service uses."""
    return await archive.company_activity(guild_id, company_id, weeks, headline_limit, 10)


async def count_rows(database: Database, table: str) -> int:
    row = await database.fetch_one("SELECT count(*) FROM " + table)
    assert row is not None
    return int(row[0])
