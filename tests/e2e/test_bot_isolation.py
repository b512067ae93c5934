"""Two servers, one bot: a server sees only its own roundups, headlines and settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import OptionValue
from tests.e2e.bot_harness import OLDER_ROUNDUP_WEEK, BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("isolation")) as world:
        await world.import_both_roundups(world.alpha)
        digest: dict[str, OptionValue] = {
            "channel": world.alpha.channel.id,
            "weekday": 2,
            "hour": 7,
            "timezone": "Asia/Seoul",
            "language": "ko",
        }
        await world.reply(world.alpha, "setup digest", digest, admin=True)
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


async def test_headlines_of_one_server_are_found_there(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "headlines", {"query": "마이크로소프트"})

    assert "새 AI 가속기" in reply.embeds[0]["description"]


async def test_headlines_of_one_server_are_not_found_in_another(world: BotWorld) -> None:
    reply = await world.reply(world.beta, "headlines", {"query": "마이크로소프트"})

    assert reply.embeds[0]["description"] == "No headlines match."


async def test_company_in_another_server_has_no_headlines_chart_or_mentions(
    world: BotWorld,
) -> None:
    reply = await world.reply(world.beta, "company", {"name": "MS"})

    embed = reply.embeds[0]
    assert embed["description"] == "No headlines about it in this server's archive yet."
    charts = [f["value"] for f in embed["fields"] if f["name"] == "Headlines per week"]
    assert charts[0].endswith("**0**")
    assert "Mentioned in commentary" not in [f["name"] for f in embed["fields"]]


async def test_latest_roundup_of_another_server_is_not_shown(world: BotWorld) -> None:
    reply = await world.reply(world.beta, "roundup")

    assert reply.ephemeral
    assert reply.content == "This server has no roundup yet: import one first."


async def test_roundup_of_a_week_of_another_server_is_not_shown(world: BotWorld) -> None:
    reply = await world.reply(world.beta, "roundup", {"week": OLDER_ROUNDUP_WEEK})

    assert reply.content == f"There is no roundup for {OLDER_ROUNDUP_WEEK} in this server."


async def test_settings_of_one_server_do_not_show_in_another(world: BotWorld) -> None:
    reply = await world.reply(world.beta, "setup show", admin=True)

    shown = {f["name"]: f["value"] for f in reply.embeds[0]["fields"]}
    assert shown["Digest channel"] == "not set"
    assert shown["Digest time"] == "Monday 09:00 (Asia/Seoul)"
