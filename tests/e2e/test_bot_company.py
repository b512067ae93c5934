"""/company and its autocomplete, in English and Korean, through Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from tests.e2e.bot_harness import BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

SPARK_BARS = set("▁▂▃▄▅▆▇█")
CHART_WEEKS = 12


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("company")) as world:
        await world.import_both_roundups(world.alpha)
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


def field(embed: dict[str, object], name: str) -> str:
    fields = embed.get("fields")
    assert isinstance(fields, list)
    values = [f["value"] for f in fields if f["name"] == name]
    assert values, f"no field {name!r} in {fields}"
    return str(values[0])


async def test_company_shows_its_latest_headlines_with_links(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "MS"})

    embed = reply.embeds[0]
    assert embed["title"] == "마이크로소프트 (Microsoft)"
    assert "Latest headlines" in embed["description"]
    assert "(https://example.com/ms-chip)" in embed["description"]
    assert "(https://example.com/ms-patch)" in embed["description"]
    assert "엔비디아, 데이터센터" not in embed["description"]


async def test_company_reply_is_public_and_mentions_nobody(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "Microsoft"})

    assert not reply.ephemeral
    assert reply.mentions_disabled


async def test_company_charts_its_headlines_per_week_as_a_sparkline(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "마이크로소프트"})

    chart = field(reply.embeds[0], "Headlines per week")
    bars = [char for char in chart if char in SPARK_BARS]
    assert len(bars) == CHART_WEEKS
    assert bars[-1] == "█"  # this week's two headlines are the peak
    assert chart.endswith("**2**")


async def test_company_lists_the_roundups_whose_commentary_mentions_it(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "엔비디아"})

    assert "가상 테크 라운드업" in field(reply.embeds[0], "Mentioned in commentary")


async def test_company_answers_in_korean_for_a_korean_client(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "MS"}, locale="ko")

    embed = reply.embeds[0]
    assert "최근 헤드라인" in embed["description"]
    assert field(embed, "주간 헤드라인 수")


async def test_unknown_company_gets_suggestions(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "Microsfot"})

    description = reply.embeds[0]["description"]
    assert "I don't know a company called **Microsfot**." in description
    assert "Did you mean: **마이크로소프트**" in description


async def test_unknown_company_is_reported_in_korean_for_a_korean_client(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "마이크로소"}, locale="ko")

    description = reply.embeds[0]["description"]
    assert "**마이크로소**라는 회사를 찾지 못했습니다." in description
    assert "이 회사를 찾으셨나요: **마이크로소프트**" in description


async def test_company_autocomplete_stays_within_discord_limits(world: BotWorld) -> None:
    choices = await world.choices(world.alpha, "company", "name", "")

    assert len(choices) == 25
    assert all(1 <= len(name) <= 100 and 1 <= len(value) <= 100 for name, value in choices)


async def test_company_autocomplete_puts_the_exact_name_first(world: BotWorld) -> None:
    choices = await world.choices(world.alpha, "company", "name", "마이크로소프트")

    assert choices[0][1] == "마이크로소프트"


async def test_company_autocomplete_completes_a_korean_prefix(world: BotWorld) -> None:
    choices = await world.choices(world.alpha, "company", "name", "마이", locale="ko")

    assert "마이크로소프트" in [value for _, value in choices]
    assert all("마이" in name for name, _ in choices)


async def test_company_autocomplete_completes_an_english_prefix(world: BotWorld) -> None:
    choices = await world.choices(world.alpha, "company", "name", "micro")

    # AMD comes last: only its long name, Advanced Micro Devices, matches.
    assert "마이크로소프트" in [value for _, value in choices[:5]]


async def test_company_autocomplete_choice_is_a_name_company_resolves(world: BotWorld) -> None:
    (_, value), *_ = await world.choices(world.alpha, "company", "name", "nvid")

    reply = await world.reply(world.alpha, "company", {"name": value})

    assert reply.embeds[0]["title"] == "엔비디아 (NVIDIA)"
