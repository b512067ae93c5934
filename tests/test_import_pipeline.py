"""The archive's promise: the Korean column format imported exactly, companies right, traps silent.

Runs the real parser, recognizers and SQLite repositories together through ArchiveService.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from db import (
    Database,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlTopicRepository,
)
from news.archive.importing import ImportRequest
from news.archive.service import COMPACT_AFTER_ARTICLES, ArchiveService
from news.core.errors import ImportRejected, InvalidInput, NotFound
from testkit.postgres import TemplateServer
from tests.backends import open_seeded_backend

# The example of ../shared/ROUNDUP_FORMAT.md (written for the project's documentation).
COLUMN = (
    Path(__file__).parent / "news" / "archive" / "fixtures" / "korean_column_example.txt"
).read_text(encoding="utf-8")

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.fixture
async def service(
    backend_server: TemplateServer | None, tmp_path: Path
) -> AsyncIterator[ArchiveService]:
    """The archive service on each backend (SQLite, PostgreSQL)."""
    async with open_seeded_backend(backend_server, tmp_path / "archive.db") as database:
        archive = ArchiveService(
            SqlCompanyRepository(database),
            SqlTopicRepository(database),
            SqlArchiveRepository(database),
            clock=lambda: NOW,
        )
        await archive.start()
        yield archive


async def import_column(service: ArchiveService, guild_id: int = 1) -> None:
    await service.import_roundup(ImportRequest(guild_id, COLUMN, day=date(2026, 11, 25)))


async def test_korean_column_gives_exactly_its_headlines_in_their_sections(
    service: ArchiveService,
) -> None:
    result = await service.import_roundup(ImportRequest(1, COLUMN, day=date(2026, 11, 25)))
    sections = [[h.title for h in s.headlines] for s in result.roundup.sections]
    assert sections == [
        [
            "마이크로소프트, 자체 AI 가속기 '코발트 2' 공개",
            "“칩 없이는 AI도 없다”...구글, TPU 생산 두 배로",
        ],
        ["엔비디아의 고객들이 칩을 만드는 이유", '젠슨 황 "수요는 여전히 공급을 앞선다"'],
        [
            "삼성-네이버, 추론 칩 공동 개발...내년 양산 목표",
            "AI 반도체 스타트업 대표가 말하는 생존법",
        ],
    ]
    assert result.roundup.week == "2026-W48"
    assert (result.roundup.publisher, result.roundup.author) == ("테크위클리", "김하늘")


async def test_korean_column_headlines_name_the_right_companies(service: ArchiveService) -> None:
    result = await service.import_roundup(ImportRequest(1, COLUMN, day=date(2026, 11, 25)))
    companies = [set(h.companies) for s in result.roundup.sections for h in s.headlines]
    assert companies == [
        {"마이크로소프트"},
        {"구글"},
        {"엔비디아"},
        set(),  # a person in subject position is not a company
        {"삼성전자", "네이버"},
        set(),
    ]


async def test_commentary_mentions_are_kept_apart_from_headline_mentions(
    service: ArchiveService,
) -> None:
    result = await service.import_roundup(ImportRequest(1, COLUMN, day=date(2026, 11, 25)))
    mentioned = [set(s.mentioned_companies) for s in result.roundup.sections]
    assert mentioned == [
        {"마이크로소프트", "구글", "아마존"},
        {"엔비디아", "마이크로소프트"},
        {"삼성전자", "네이버"},
    ]


async def test_photo_captions_and_footer_are_skipped_with_reasons(service: ArchiveService) -> None:
    result = await service.import_roundup(ImportRequest(1, COLUMN, day=date(2026, 11, 25)))
    reasons = sorted({s.reason for s in result.skipped})
    assert "photo caption" in reasons
    assert "footer" in reasons
    assert result.roundup.copyright is not None


async def test_company_only_in_commentary_is_listed_as_mentioned_not_as_headline(
    service: ArchiveService,
) -> None:
    await import_column(service)
    lookup = await service.lookup_company(1, "Amazon")
    assert lookup.report is not None
    assert lookup.report.headlines == ()
    assert [ref.week for ref in lookup.report.mentioned_in] == ["2026-W48"]


async def test_company_lookup_counts_headlines_per_week(service: ArchiveService) -> None:
    await import_column(service)
    lookup = await service.lookup_company(1, "MS")
    assert lookup.report is not None
    assert lookup.report.weekly_counts[-1] == ("2026-W48", 1)
    assert len(lookup.report.weekly_counts) == 12


async def test_search_finds_two_syllable_korean_with_a_particle(service: ArchiveService) -> None:
    await import_column(service)
    page = await service.search_headlines(1, "고객")
    assert [h.title for h in page.headlines] == ["엔비디아의 고객들이 칩을 만드는 이유"]


async def test_search_filters_by_company_in_either_language(service: ArchiveService) -> None:
    await import_column(service)
    page = await service.search_headlines(1, "칩", company="Samsung")
    assert [h.title for h in page.headlines] == ["삼성-네이버, 추론 칩 공동 개발...내년 양산 목표"]


async def test_roundup_without_week_is_the_latest(service: ArchiveService) -> None:
    await import_column(service)
    assert (await service.roundup(1)).week == "2026-W48"


async def test_roundup_of_another_guild_is_not_found(service: ArchiveService) -> None:
    await import_column(service, guild_id=1)
    with pytest.raises(NotFound):
        await service.roundup(2)


async def test_prose_without_headlines_is_rejected(service: ArchiveService) -> None:
    with pytest.raises(ImportRejected):
        await service.import_roundup(ImportRequest(1, "그냥 평범한 문장 하나."))


@pytest.mark.parametrize("per_page", [0, 26, 10_000])
async def test_absurd_page_sizes_are_refused(service: ArchiveService, per_page: int) -> None:
    with pytest.raises(InvalidInput):
        await service.search_headlines(1, "AI", per_page=per_page)


async def test_overlong_query_is_refused(service: ArchiveService) -> None:
    with pytest.raises(InvalidInput):
        await service.search_headlines(1, "가" * 10_000)


async def test_added_alias_is_recognised_in_later_imports(service: ArchiveService) -> None:
    await service.add_alias("엔비디아", "녹색팀", guild_id=1)
    result = await service.import_roundup(
        ImportRequest(1, "ㆍ녹색팀, 신제품 공개\n", day=date(2026, 11, 25))
    )
    assert result.roundup.sections[0].headlines[0].companies == ("엔비디아",)


async def test_importing_several_articles_files_each_in_order(service: ArchiveService) -> None:
    requests = [
        ImportRequest(1, f"ㆍ카카오, {n}번째 발표\n", day=date(2026, 11, 2) + timedelta(weeks=n))
        for n in range(4)
    ]
    seen: list[str] = []
    results = await service.import_roundups(
        requests, on_imported=lambda r: seen.append(r.roundup.week)
    )
    assert [r.roundup.week for r in results] == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert seen == [r.roundup.week for r in results]
    assert len(await service.weeks(1)) == 4


@pytest.mark.parametrize(
    ("articles", "compacted"), [(COMPACT_AFTER_ARTICLES, True), (COMPACT_AFTER_ARTICLES - 1, False)]
)
async def test_a_bulk_import_leaves_the_search_index_in_one_segment(
    articles: int, compacted: bool
) -> None:
    async with await Database.open(":memory:") as database:
        service = ArchiveService(
            SqlCompanyRepository(database),
            SqlTopicRepository(database),
            SqlArchiveRepository(database),
            clock=lambda: NOW,
        )
        await service.start()
        first = date(2026, 1, 5)
        await service.import_roundups(
            ImportRequest(1, f"ㆍ카카오, {n}번째 발표\n", day=first + timedelta(weeks=n))
            for n in range(articles)
        )
        row = await database.fetch_one("SELECT count(DISTINCT segid) FROM headline_search_idx")
        assert row is not None
        assert (row[0] == 1) is compacted
        assert (await service.search_headlines(1, "카카오")).total == articles


async def test_a_bad_article_stops_a_batch_and_keeps_those_before_it(
    service: ArchiveService,
) -> None:
    good = ImportRequest(1, "ㆍ네이버, 새 서비스\n", day=date(2026, 11, 25))
    bad = ImportRequest(1, "그냥 평범한 문장 하나.")
    with pytest.raises(ImportRejected):
        await service.import_roundups([good, bad, good])
    assert [w.week for w in await service.weeks(1)] == ["2026-W48"]


async def test_two_untitled_columns_of_one_week_stay_two_roundups(service: ArchiveService) -> None:
    day = date(2026, 11, 25)
    await service.import_roundup(ImportRequest(1, "ㆍ삼성, 첫 번째 소식\n", day=day, publisher="A"))
    await service.import_roundup(ImportRequest(1, "ㆍ구글, 두 번째 소식\n", day=day, publisher="A"))
    assert (await service.weeks(1))[0].roundups == 2


async def test_links_that_differ_only_by_fragment_are_stored_apart(service: ArchiveService) -> None:
    text = "".join(f"- [Change {n}](https://docs.example/migration#change-{n})\n" for n in range(3))
    result = await service.import_roundup(
        ImportRequest(1, "## Changes\n\n" + text, filename="notes.md", day=date(2026, 11, 25))
    )
    urls = [h.url for h in result.roundup.sections[0].headlines]
    assert urls == [f"https://docs.example/migration#change-{n}" for n in range(3)]


async def test_import_keeps_the_time_of_day_the_article_gives(service: ArchiveService) -> None:
    text = "---\ntitle: Week 48\ndate: 2026-11-25 09:30:00 +0900\n---\n\n## AI\n\n- [A](https://a.example/1)\n"
    result = await service.import_roundup(ImportRequest(1, text, filename="w48.md"))
    published = datetime.fromisoformat(result.roundup.published_at.isoformat())
    assert published == datetime(2026, 11, 25, 0, 30, tzinfo=UTC)
    assert result.roundup.week == "2026-W48"


async def test_a_bare_date_in_the_article_leaves_midnight_of_the_day_given(
    service: ArchiveService,
) -> None:
    text = "---\ndate: 2026-11-25\n---\n\n## AI\n\n- [A](https://a.example/1)\n"
    result = await service.import_roundup(
        ImportRequest(1, text, filename="w48.md", day=date(2026, 11, 26))
    )
    assert result.roundup.published_at == datetime(2026, 11, 26, tzinfo=UTC)


async def test_a_tracking_redirect_is_stored_as_the_address_it_leads_to(
    service: ArchiveService,
) -> None:
    text = "## News\n\n- [A](https://click.mail.example/r?url=https%3A%2F%2Fnews.example%2Fa)\n"
    result = await service.import_roundup(
        ImportRequest(1, text, filename="mail.md", day=date(2026, 11, 25))
    )
    assert result.roundup.sections[0].headlines[0].url == "https://news.example/a"


async def test_company_trend_ends_at_its_latest_headline_when_that_is_older(
    service: ArchiveService,
) -> None:
    await service.import_roundup(ImportRequest(1, COLUMN, day=date(2023, 3, 15)))

    lookup = await service.lookup_company(1, "MS")

    assert lookup.report is not None
    counts = lookup.report.weekly_counts
    assert (len(counts), counts[0][0], counts[-1]) == (12, "2022-W52", ("2023-W11", 1))
