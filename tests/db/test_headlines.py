from __future__ import annotations

from datetime import UTC, datetime

from db import Database, SqliteArchiveRepository
from news.core.models import HeadlineQuery
from testkit.builders import NEXT_WEEK, count_rows, headline, headlines_roundup, roundup, section


async def test_moved_publication_time_moves_the_headline_in_search(
    archive: SqliteArchiveRepository,
) -> None:
    url = "https://news.test/moved"
    await archive.save_roundup(roundup(section(headline("이동한 기사", url))))
    await archive.save_roundup(
        roundup(section(headline("이동한 기사", url, at=NEXT_WEEK)), title="다음 주", at=NEXT_WEEK)
    )
    old_week = await archive.search_headlines(1, HeadlineQuery("이동", week="2026-W48"))
    new_week = await archive.search_headlines(1, HeadlineQuery("이동", week="2026-W49"))
    assert (old_week.total, new_week.total) == (0, 1)


async def test_same_url_from_two_roundups_is_one_headline(
    archive: SqliteArchiveRepository, database: Database
) -> None:
    url = "https://news.test/shared"
    one, _ = await archive.save_roundup(roundup(section(headline("공유 기사", url)), title="A"))
    two, _ = await archive.save_roundup(roundup(section(headline("공유 기사", url)), title="B"))
    assert one.id != two.id
    assert one.sections[0].headlines[0].id == two.sections[0].headlines[0].id
    assert await count_rows(database, "headlines") == 1


async def test_linkless_headlines_are_deduplicated_by_normalised_title(
    archive: SqliteArchiveRepository, database: Database
) -> None:
    await archive.save_roundup(headlines_roundup("클라우드  장애", "클라우드 장애"))
    assert await count_rows(database, "headlines") == 1


async def test_headline_times_are_utc(archive: SqliteArchiveRepository) -> None:
    seoul_evening = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)
    saved, _ = await archive.save_roundup(roundup(section(headline("시간", at=seoul_evening))))
    assert saved.sections[0].headlines[0].published_at == seoul_evening
