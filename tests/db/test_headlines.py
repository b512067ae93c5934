from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from db import Database, SqlArchiveRepository
from news.core.models import HeadlineQuery
from testkit.builders import NEXT_WEEK, count_rows, headline, headlines_roundup, roundup, section


async def test_the_same_article_dated_again_moves_its_headlines_in_search(
    archive: SqlArchiveRepository,
) -> None:
    url = "https://news.test/moved"
    article = "https://press.test/weekly"
    first = replace(roundup(section(headline("이동한 기사", url))), url=article)
    moved = roundup(
        section(headline("이동한 기사", url, at=NEXT_WEEK)), title="다음 주", at=NEXT_WEEK
    )
    await archive.save_roundup(first)
    _, replaced = await archive.save_roundup(replace(moved, url=article))
    old_week = await archive.search_headlines(1, HeadlineQuery("이동", week="2026-W48"))
    new_week = await archive.search_headlines(1, HeadlineQuery("이동", week="2026-W49"))
    assert (replaced, old_week.total, new_week.total) == (True, 0, 1)


async def test_same_url_in_two_roundups_keeps_each_roundups_text(
    archive: SqlArchiveRepository, database: Database
) -> None:
    url = "https://news.test/shared"
    one, _ = await archive.save_roundup(roundup(section(headline("공유 기사", url)), title="A"))
    two, _ = await archive.save_roundup(roundup(section(headline("다른 제목", url)), title="B"))
    assert one.id != two.id
    assert one.sections[0].headlines[0].id != two.sections[0].headlines[0].id
    again = await archive.roundup_by_id(1, one.id)
    assert again is not None and again.sections[0].headlines[0].title == "공유 기사"
    assert await count_rows(database, "headlines") == 2


async def test_linkless_headlines_are_deduplicated_by_normalised_title(
    archive: SqlArchiveRepository, database: Database
) -> None:
    await archive.save_roundup(headlines_roundup("클라우드  장애", "클라우드 장애"))
    assert await count_rows(database, "headlines") == 1


async def test_headline_times_are_utc(archive: SqlArchiveRepository) -> None:
    seoul_evening = datetime(2026, 11, 25, 21, 30, tzinfo=UTC)
    saved, _ = await archive.save_roundup(roundup(section(headline("시간", at=seoul_evening))))
    assert saved.sections[0].headlines[0].published_at == seoul_evening
