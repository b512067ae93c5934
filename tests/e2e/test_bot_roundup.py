"""/roundup (a week's roundup as it will be posted) and /roundup-import (an attached article)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import CallbackType, InteractionRecord, OptionValue, Upload
from tests.e2e.bot_harness import KOREAN_COLUMN, OLDER_ROUNDUP_WEEK, BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

COLUMN = Upload("column.txt", KOREAN_COLUMN.encode(), "text/plain")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("roundup")) as world:
        await world.import_both_roundups(world.alpha)
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


async def import_column(
    world: BotWorld, day: str, upload: Upload = COLUMN, *, locale: str = "en-US"
) -> InteractionRecord:
    """An admin of beta imports ``upload`` dated ``day`` (each test its own week)."""
    options: dict[str, OptionValue] = {"file": upload, "date": day}
    return await world.run(world.beta, "roundup-import", options, admin=True, locale=locale)


async def test_roundup_of_a_week_shows_that_weeks_roundup(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "roundup", {"week": OLDER_ROUNDUP_WEEK})

    header, section = reply.embeds
    assert header["title"] == "지난 라운드업"
    assert header["footer"]["text"] == f"{OLDER_ROUNDUP_WEEK} · 1 sections · 2 headlines"
    assert section["title"] == "클라우드"
    assert "(https://example.com/ms-power)" in section["description"]
    assert not reply.ephemeral


async def test_roundup_without_a_week_shows_the_latest_one(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "roundup")

    assert reply.embeds[0]["title"] == "가상 테크 라운드업"
    assert [embed["title"] for embed in reply.embeds[1:]] == ["AI 칩", "보안"]


async def test_roundup_footer_is_korean_for_a_korean_client(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "roundup", {"week": OLDER_ROUNDUP_WEEK}, locale="ko")

    assert reply.embeds[0]["footer"]["text"] == f"{OLDER_ROUNDUP_WEEK} · 섹션 1개 · 헤드라인 2개"


async def test_roundup_of_a_week_without_one_gets_a_private_message(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "roundup", {"week": "2026-W01"})

    assert reply.ephemeral
    assert reply.content == "There is no roundup for 2026-W01 in this server."


async def test_admin_import_is_deferred_privately_then_summarised(world: BotWorld) -> None:
    record = await import_column(world, "2026-01-07")

    (summary,) = await record.wait_followups()
    assert record.callback is not None
    assert record.callback.type == CallbackType.DEFERRED_CHANNEL_MESSAGE
    assert summary.ephemeral
    assert "for 2026-W02: 2 sections, 4 headlines." in summary.content
    assert "**Skipped 3 lines**" in summary.content
    assert "photo caption" in summary.content
    assert "footer" in summary.content


async def test_import_summary_is_korean_for_a_korean_client(world: BotWorld) -> None:
    record = await import_column(world, "2026-01-14", locale="ko")

    (summary,) = await record.wait_followups()
    assert "2026-W03에 가져왔습니다: 섹션 2개, 헤드라인 4개." in summary.content
    assert "건너뛴 줄 3개" in summary.content


async def test_imported_roundup_answers_company_questions(world: BotWorld) -> None:
    record = await import_column(world, "2026-01-21")
    await record.wait_followups()

    reply = await world.reply(world.beta, "company", {"name": "네이버"})

    assert "네이버, 기업용 AI 비서 출시" in reply.embeds[0]["description"]


async def test_import_of_an_image_is_refused_with_a_clear_message(world: BotWorld) -> None:
    picture = Upload("chart.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")

    record = await import_column(world, "2026-01-28", picture)

    refusal = await record.wait_reply()
    assert refusal.ephemeral
    assert refusal.content == "Attach the article as a .txt, .md or .html file."
