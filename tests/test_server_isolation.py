"""Servers kept apart, and every roundup of a week kept: through ArchiveService with the real
parser, recognisers and the repositories, on SQLite and on PostgreSQL. Server A and server B
share one database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from db import (
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlRetagRepository,
    SqlTopicRepository,
)
from news.archive import retagging
from news.archive.importing import ImportRequest
from news.archive.service import ArchiveService
from news.core.errors import NotFound
from testkit.postgres import TemplateServer
from tests.backends import open_backend

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
DAY = date(2026, 11, 25)
A, B = 101, 202
LINK = "https://news.test/chip"

A_ARTICLE = f"""# 에이 주간

## 반도체

- [엔비디아, 새 칩 공개]({LINK})
  엔비디아가 데이터센터용 칩을 내놨다.
"""
B_ARTICLE = f"""# 비 주간

## 소식

- [Apple ships a chip]({LINK})
  A different text for the same link.
"""


@pytest.fixture
async def service(
    backend_server: TemplateServer | None, tmp_path: Path
) -> AsyncIterator[ArchiveService]:
    async with open_backend(backend_server, tmp_path / "servers.db") as database:
        archive = ArchiveService(
            SqlCompanyRepository(database),
            SqlTopicRepository(database),
            SqlArchiveRepository(database),
            clock=lambda: NOW,
            retags=SqlRetagRepository(database),
        )
        await archive.start()
        yield archive
        await archive.close()


async def file(
    service: ArchiveService, guild: int, text: str, *, publisher: str | None = None
) -> int:
    request = ImportRequest(guild, text, filename="a.md", day=DAY, publisher=publisher)
    return (await service.import_roundup(request)).roundup.id


# --- the same link, different text ---------------------------------------------------------


async def test_another_servers_import_of_the_same_link_leaves_the_roundup_as_it_was(
    service: ArchiveService,
) -> None:
    await file(service, A, A_ARTICLE)
    await file(service, B, B_ARTICLE)

    [headline] = (await service.roundup(A)).sections[0].headlines
    assert (headline.title, headline.summary) == (
        "엔비디아, 새 칩 공개",
        "엔비디아가 데이터센터용 칩을 내놨다.",
    )
    assert headline.companies == ("엔비디아",)


async def test_another_servers_import_of_the_same_link_leaves_search_as_it_was(
    service: ArchiveService,
) -> None:
    await file(service, A, A_ARTICLE)
    await file(service, B, B_ARTICLE)

    assert [h.title for h in (await service.search_headlines(A, "")).headlines] == [
        "엔비디아, 새 칩 공개"
    ]
    assert (await service.search_headlines(A, "Apple")).total == 0
    assert [h.title for h in (await service.search_headlines(B, "")).headlines] == [
        "Apple ships a chip"
    ]


async def test_another_servers_import_of_the_same_link_leaves_company_tags_as_they_were(
    service: ArchiveService,
) -> None:
    await file(service, A, A_ARTICLE)
    await file(service, B, B_ARTICLE)

    nvidia = await service.lookup_company(A, "엔비디아")
    apple = await service.lookup_company(A, "애플")
    assert nvidia.report is not None and apple.report is not None
    assert [h.title for h in nvidia.report.headlines] == ["엔비디아, 새 칩 공개"]
    assert apple.report.headlines == ()


# --- catalogues ------------------------------------------------------------------------------


async def test_an_alias_added_in_one_server_is_unknown_in_another(
    service: ArchiveService,
) -> None:
    await service.add_alias("엔비디아", "녹색팀", guild_id=A)

    assert service.company_named("녹색팀", A).name == "엔비디아"
    assert (await service.lookup_company(B, "녹색팀")).report is None
    with pytest.raises(NotFound):
        service.company_named("녹색팀", B)


async def test_an_alias_added_in_one_server_tags_only_that_servers_imports(
    service: ArchiveService,
) -> None:
    await service.add_alias("엔비디아", "녹색팀", guild_id=A)
    text = "ㆍ녹색팀, 신제품 공개\n"
    a_roundup = await service.import_roundup(ImportRequest(A, text, day=DAY))
    b_roundup = await service.import_roundup(ImportRequest(B, text, day=DAY))

    assert a_roundup.roundup.sections[0].headlines[0].companies == ("엔비디아",)
    assert b_roundup.roundup.sections[0].headlines[0].companies == ()


async def test_a_company_added_in_one_server_is_not_visible_in_another(
    service: ArchiveService,
) -> None:
    await service.add_company("가상로봇", "Fictobot", ["픽토봇"], guild_id=A)

    assert (await service.lookup_company(A, "Fictobot")).report is not None
    assert (await service.lookup_company(B, "Fictobot")).report is None
    assert service.company_choices("가상", guild_id=A)[0][1] == "가상로봇"
    assert all(value != "가상로봇" for _, value in service.company_choices("가상", guild_id=B))


async def test_two_servers_may_add_a_company_of_the_same_name(service: ArchiveService) -> None:
    first = await service.add_company("가상로봇", "Fictobot", guild_id=A)
    second = await service.add_company("가상로봇", "Fictobot", guild_id=B)

    assert first.company.id != second.company.id


async def test_adding_a_company_retags_the_servers_stored_headlines_at_once(
    service: ArchiveService,
) -> None:
    await file(service, A, "# 주간\n\n- [가상로봇, 투자 유치](https://news.test/robot)\n")
    await file(service, B, "# 주간\n\n- [가상로봇, 투자 유치](https://news.test/robot)\n")

    change = await service.add_company("가상로봇", "Fictobot", guild_id=A)

    assert (change.retag.total, change.retag.changed, change.retag.in_background) == (1, 1, False)
    report = (await service.lookup_company(A, "가상로봇")).report
    assert report is not None and [h.title for h in report.headlines] == ["가상로봇, 투자 유치"]
    other = await service.search_headlines(B, "가상로봇")
    assert other.headlines[0].companies == ()


async def test_adding_a_company_finds_it_in_the_servers_stored_commentary(
    service: ArchiveService,
) -> None:
    commentary = "# 주간\n\n## 로봇\n\n가상로봇이 이번 주 가장 큰 투자를 받았다.\n\n- [소식](https://news.test/1)\n"
    await file(service, A, commentary)
    await file(service, B, commentary)

    await service.add_company("가상로봇", "Fictobot", guild_id=A)

    report = (await service.lookup_company(A, "Fictobot")).report
    assert report is not None and [m.title for m in report.mentioned_in] == ["주간"]
    [section] = (await service.roundup(A)).sections
    assert section.mentioned_companies == ("가상로봇",)
    assert (await service.lookup_company(B, "Fictobot")).report is None


async def test_a_big_archive_is_retagged_in_the_background_with_progress(
    service: ArchiveService, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = "\n".join(f"- [녹색팀 소식 {n}](https://news.test/{n})" for n in range(30))
    await file(service, A, f"# 주간\n\n{lines}\n")
    monkeypatch.setattr(retagging, "FOREGROUND_LIMIT", 10)
    monkeypatch.setattr(retagging, "BATCH", 7)

    change = await service.add_alias("엔비디아", "녹색팀", guild_id=A)

    assert change.retag.in_background and change.retag.total == 30
    await change.retag.wait()
    assert (change.retag.done, change.retag.changed) == (30, 30)
    report = (await service.lookup_company(A, "NVIDIA")).report
    assert report is not None and len(report.headlines) == 10


# --- every roundup of a week ---------------------------------------------------------------


async def test_a_different_article_of_the_week_adds_a_roundup(service: ArchiveService) -> None:
    first = await file(service, A, A_ARTICLE)
    second = await file(service, A, B_ARTICLE)

    listed = await service.roundups(A, "2026-W48")
    assert {r.id for r in listed} == {first, second}
    assert [w.roundups for w in await service.weeks(A)] == [2]


async def test_the_same_title_from_another_publisher_is_another_roundup(
    service: ArchiveService,
) -> None:
    await file(service, A, A_ARTICLE, publisher="가")
    result = await service.import_roundup(
        ImportRequest(A, A_ARTICLE, filename="a.md", day=DAY, publisher="나")
    )

    assert not result.replaced
    assert len(await service.roundups(A)) == 2


async def test_the_same_publisher_title_and_week_replaces_the_roundup(
    service: ArchiveService,
) -> None:
    first = await file(service, A, A_ARTICLE, publisher="가")
    again = await service.import_roundup(
        ImportRequest(A, B_ARTICLE.replace("비 주간", "에이 주간"), day=DAY, publisher="가")
    )

    assert again.replaced and again.roundup.id == first
    assert [h.title for h in (await service.search_headlines(A, "")).headlines] == [
        "Apple ships a chip"
    ]


async def test_the_same_web_address_replaces_the_roundup_whatever_its_title(
    service: ArchiveService,
) -> None:
    url = "https://press.test/weekly/48"
    await service.import_roundup(ImportRequest(A, A_ARTICLE, day=DAY, url=url))
    again = await service.import_roundup(
        ImportRequest(A, A_ARTICLE, day=DAY, url=url, title="New title")
    )

    assert again.replaced
    assert [r.title for r in await service.roundups(A)] == ["New title"]


async def test_deleting_a_roundup_removes_its_headlines_from_search(
    service: ArchiveService,
) -> None:
    keep = await file(service, A, A_ARTICLE)
    gone = await file(service, A, B_ARTICLE)

    deleted = await service.delete_roundup(A, gone)

    assert deleted.id == gone
    assert [r.id for r in await service.roundups(A)] == [keep]
    assert [h.title for h in (await service.search_headlines(A, "")).headlines] == [
        "엔비디아, 새 칩 공개"
    ]


async def test_a_server_cannot_delete_or_read_another_servers_roundup(
    service: ArchiveService,
) -> None:
    theirs = await file(service, A, A_ARTICLE)

    with pytest.raises(NotFound):
        await service.delete_roundup(B, theirs)
    with pytest.raises(NotFound):
        await service.roundup_by_id(B, theirs)
    assert (await service.roundup_by_id(A, theirs)).id == theirs


async def test_roundup_choices_name_the_servers_roundups_within_discords_limits(
    service: ArchiveService,
) -> None:
    for number in range(30):
        await file(service, A, A_ARTICLE.replace("에이 주간", f"에이 주간 {number}" + "가" * 120))
    await file(service, B, B_ARTICLE)

    choices = await service.roundup_choices(A, "")
    assert len(choices) == 25
    assert all("비 주간" not in label for label, _ in choices)
