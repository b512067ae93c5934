"""/help: what the bot does, in the reader's language."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from tests.e2e.bot_harness import BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

COMMANDS = [
    "/company",
    "/headlines",
    "/roundup",
    "/roundup-import",
    "/digest",
    "/setup",
    "/companies",
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("help")) as world:
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


async def test_help_lists_every_command_privately(world: BotWorld) -> None:
    reply = await world.reply(world.beta, "help")

    body = reply.embeds[0]["description"]
    assert reply.ephemeral
    assert reply.mentions_disabled
    assert [command for command in COMMANDS if f"**{command}" not in body] == []
    assert "Names work in Korean and English" in body


async def test_help_is_korean_for_a_korean_client(world: BotWorld) -> None:
    reply = await world.reply(world.beta, "help", locale="ko")

    embed = reply.embeds[0]
    assert embed["title"] == "roundup-bot 도움말"
    assert "회사 이름은 한국어와 영어 모두 됩니다" in embed["description"]
    assert "Names work in Korean and English" not in embed["description"]


async def test_help_answers_in_a_direct_message(world: BotWorld) -> None:
    record = await world.fake.slash(None, None, world.beta.member.id, "help")

    reply = await record.wait_reply()
    assert reply.embeds[0]["title"] == "roundup-bot"
