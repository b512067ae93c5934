from __future__ import annotations

import pytest

from db import Database, SqlArchiveRepository
from news.core.models import Company, HeadlineQuery, RoundupKind, Topic
from testkit.builders import (
    NEXT_WEEK,
    WEDNESDAY,
    activity,
    count_rows,
    headline,
    headlines_roundup,
    roundup,
    section,
)
from tests.backends import IntegrityError


async def test_saved_roundup_reads_back_with_sections_in_order(
    archive: SqlArchiveRepository, samsung: Company, nvidia: Company, security: Topic
) -> None:
    new = roundup(
        section(
            headline("삼성, 보안 칩 공개", "https://news.test/1", companies=(samsung.id,)),
            headline("엔비디아 실적 발표", "https://news.test/2", companies=(nvidia.id,)),
            title="반도체",
            commentary="삼성과 엔비디아가 나란히 움직였다.",
            mentions=(samsung.id, nvidia.id),
        ),
        section(
            headline("해킹 사고 잇따라", summary="요약", topics=(security.id,)),
            title="보안",
            commentary="",
        ),
    )
    saved, replaced = await archive.save_roundup(new)

    assert not replaced
    assert (saved.week, saved.kind, saved.title) == ("2026-W48", RoundupKind.IMPORTED, new.title)
    assert (saved.publisher, saved.author, saved.copyright) == (
        new.publisher,
        new.author,
        new.copyright,
    )
    assert [s.title for s in saved.sections] == ["반도체", "보안"]
    first, second = saved.sections
    assert first.commentary == "삼성과 엔비디아가 나란히 움직였다."
    assert first.mentioned_companies == ("삼성전자", "엔비디아")
    assert [h.title for h in first.headlines] == ["삼성, 보안 칩 공개", "엔비디아 실적 발표"]
    assert first.headlines[0].companies == ("삼성전자",)
    assert first.headlines[0].url == "https://news.test/1"
    assert second.headlines[0].topics == ("security",)
    assert second.headlines[0].summary == "요약"
    assert second.headlines[0].published_at == WEDNESDAY
    assert second.headlines[0].week == "2026-W48"
    assert await archive.roundup_for_week(1, "2026-W48") == saved


async def test_reimport_replaces_in_place_and_keeps_ids(
    archive: SqlArchiveRepository, database: Database
) -> None:
    first, _ = await archive.save_roundup(
        roundup(section(headline("기존 기사", "https://news.test/a")))
    )
    second, replaced = await archive.save_roundup(
        roundup(
            section(headline("기존 기사 (수정)", "https://news.test/a")),
            section(headline("새 기사", "https://news.test/b")),
        )
    )
    assert replaced
    assert second.id == first.id
    assert second.sections[0].headlines[0].id == first.sections[0].headlines[0].id
    assert second.sections[0].headlines[0].title == "기존 기사 (수정)"
    assert await count_rows(database, "roundups") == 1
    assert await count_rows(database, "roundup_sections") == 2
    assert await count_rows(database, "headlines") == 2
    assert await count_rows(database, "headline_search") == 2


async def test_reimport_replaces_company_links(
    archive: SqlArchiveRepository, samsung: Company, nvidia: Company
) -> None:
    url = "https://news.test/x"
    await archive.save_roundup(roundup(section(headline("칩 경쟁", url, companies=(samsung.id,)))))
    saved, _ = await archive.save_roundup(
        roundup(section(headline("칩 경쟁", url, companies=(nvidia.id,))))
    )
    assert saved.sections[0].headlines[0].companies == ("엔비디아",)
    assert (await activity(archive, 1, samsung.id)).headlines == ()


async def test_failed_save_leaves_nothing_written(
    archive: SqlArchiveRepository, database: Database
) -> None:
    unknown_company = 999
    with pytest.raises(IntegrityError):  # the foreign key refuses it, at the very end
        await archive.save_roundup(
            roundup(section(headline("실패", "https://news.test/f", companies=(unknown_company,))))
        )
    for table in ("headlines", "roundups", "sources", "headline_search"):
        assert await count_rows(database, table) == 0, table


async def test_roundup_for_unknown_week_is_none(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("기사"))
    assert await archive.roundup_for_week(1, "2020-W01") is None


async def test_imported_roundup_wins_over_compiled_one(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(roundup(section(headline("A")), kind=RoundupKind.COMPILED))
    imported, _ = await archive.save_roundup(roundup(section(headline("B")), title="기고"))
    assert await archive.roundup_for_week(1, "2026-W48") == imported


async def test_latest_week_and_weeks_newest_first(archive: SqlArchiveRepository) -> None:
    await archive.save_roundup(headlines_roundup("가", "나"))
    await archive.save_roundup(headlines_roundup("다", at=NEXT_WEEK))
    assert await archive.latest_week(1) == "2026-W49"
    weeks = await archive.weeks(1)
    assert [(w.week, w.roundups, w.headlines) for w in weeks] == [
        ("2026-W49", 1, 1),
        ("2026-W48", 1, 2),
    ]


async def test_guild_without_roundups_has_no_weeks(archive: SqlArchiveRepository) -> None:
    assert await archive.latest_week(1) is None
    assert await archive.weeks(1) == []


async def test_reimport_returns_exactly_what_is_read_back(
    archive: SqlArchiveRepository, samsung: Company
) -> None:
    first = section(headline("삼성, 새 칩", "https://news.test/k", companies=(samsung.id,)))
    await archive.save_roundup(roundup(first))
    changed = section(headline("삼성, 새 칩 (수정)", "https://news.test/k"), mentions=(samsung.id,))
    again, replaced = await archive.save_roundup(roundup(changed))
    assert replaced
    assert again == await archive.roundup_for_week(1, "2026-W48")


async def test_roundups_listed_by_week_or_all_and_deleted_with_their_headlines(
    archive: SqlArchiveRepository,
) -> None:
    first, _ = await archive.save_roundup(headlines_roundup("보안 패치", "칩 공개"))
    second, _ = await archive.save_roundup(headlines_roundup("실적 발표", at=NEXT_WEEK))

    listed = await archive.list_roundups(1)
    in_week = await archive.list_roundups(1, week="2026-W48")
    refused = await archive.delete_roundup(2, first.id)  # another server's roundup
    deleted = await archive.delete_roundup(1, first.id)

    assert [(r.id, r.week, r.headlines) for r in listed] == [
        (second.id, "2026-W49", 1),
        (first.id, "2026-W48", 2),
    ]
    assert [r.id for r in in_week] == [first.id]
    assert await archive.list_roundups(2) == []
    assert refused is None
    assert deleted is not None and (deleted.id, deleted.week) == (first.id, "2026-W48")
    assert [r.id for r in await archive.list_roundups(1)] == [second.id]
    assert (await archive.search_headlines(1, HeadlineQuery("보안"))).headlines == ()
    assert [
        h.title for h in (await archive.search_headlines(1, HeadlineQuery("실적"))).headlines
    ] == ["실적 발표"]
