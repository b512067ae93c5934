"""What Discord and the bot's own code throw at it: rate limits, gateway reconnects, bugs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import Op, Upload
from tests.e2e.bot_harness import KOREAN_COLUMN, BotWorld, bot_world

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "database password is hunter2"
APOLOGY = "Something went wrong on my side. It has been logged; please try again later."


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("resilience")) as world:
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


@pytest.fixture
def broken_lookup(world: BotWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """/company hits a bug: the service raises something no one planned for."""

    async def explode(guild_id: int, name: str) -> None:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(world.bot.services.archive, "lookup_company", explode)


async def test_rate_limited_interaction_response_is_retried(world: BotWorld) -> None:
    world.fake.fail_with_429("POST", "/interactions/*/*/callback")
    limited_before = len(world.fake.rate_limited)

    reply = await world.reply(world.alpha, "help")

    assert reply.embeds[0]["title"] == "roundup-bot"
    assert len(world.fake.rate_limited) == limited_before + 1


async def test_rate_limited_followup_is_retried(world: BotWorld) -> None:
    world.fake.fail_with_429("POST", "/webhooks/*/*")
    limited_before = len(world.fake.rate_limited)
    upload = Upload("column.txt", KOREAN_COLUMN.encode(), "text/plain")

    record = await world.run(world.alpha, "roundup-import", {"file": upload}, admin=True)

    (summary,) = await record.wait_followups()
    assert "2 sections, 4 headlines" in summary.content
    assert len(world.fake.rate_limited) == limited_before + 1


async def test_gateway_reconnect_resumes_and_commands_still_work(world: BotWorld) -> None:
    await world.fake.request_reconnect()
    await world.fake.wait_for_resume()

    reply = await world.reply(world.alpha, "help")

    assert reply.embeds[0]["title"] == "roundup-bot"
    assert len(world.fake.gateway.frames_received(Op.IDENTIFY)) == 1


@pytest.mark.usefixtures("broken_lookup")
async def test_unexpected_error_gets_a_private_generic_apology(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "MS"})

    assert reply.ephemeral
    assert reply.content == APOLOGY
    assert SECRET not in reply.content


@pytest.mark.usefixtures("broken_lookup")
async def test_unexpected_error_apology_is_korean_for_a_korean_client(world: BotWorld) -> None:
    reply = await world.reply(world.alpha, "company", {"name": "MS"}, locale="ko")

    assert reply.content.startswith("봇 내부에서 문제가 생겼습니다.")


@pytest.mark.usefixtures("broken_lookup")
async def test_unexpected_error_is_logged_with_its_ids(
    world: BotWorld, caplog: pytest.LogCaptureFixture
) -> None:
    server = world.alpha
    with caplog.at_level(logging.ERROR, logger="bot.tree"):
        record = await world.run(server, "company", {"name": "MS"})
        await record.wait_reply()

    (logged,) = [r for r in caplog.records if r.name == "bot.tree"]
    message = logged.getMessage()
    assert f"guild={server.id}" in message
    assert f"user={server.member.id}" in message
    assert f"interaction={record.id}" in message
    assert logged.exc_info is not None
    assert SECRET in str(logged.exc_info[1])
