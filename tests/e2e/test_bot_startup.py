"""Start-up: the gateway handshake and the command sync, as Discord sees them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import pytest_asyncio

from testkit.bot_harness import discord_accepts_everything
from testkit.fake_discord import Intent, Op
from tests.e2e.bot_harness import BotWorld, bot_world

ADMIN_COMMANDS = {"setup", "companies", "roundup-import", "roundup-delete", "feed", "status"}
# /digest is public: its post subcommand checks Manage Server at run time.
PUBLIC_COMMANDS = {
    "company",
    "headlines",
    "roundup",
    "digest",
    "help",
    "subscribe",
    "subscriptions",
    "unsubscribe",
    "alerts",
}
MANAGE_GUILD = 0x20


pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def started(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotWorld]:
    async with bot_world(tmp_path_factory.mktemp("startup")) as world:
        yield world


@pytest.fixture
def world(started: BotWorld) -> Iterator[BotWorld]:
    with discord_accepts_everything(started.fake):
        yield started


def dev_guild_commands(world: BotWorld) -> dict[str, dict[str, Any]]:
    return {command["name"]: command for command in world.fake.commands(world.alpha.id)}


def every_localised_entity(command: dict[str, Any]) -> list[dict[str, Any]]:
    """The command and all its options and subcommands, depth first."""
    found = [command]
    for option in command.get("options") or []:
        found.extend(every_localised_entity(option))
    return found


async def test_bot_identifies_without_privileged_intents(world: BotWorld) -> None:
    identify = world.fake.gateway.frames_received(Op.IDENTIFY)

    assert len(identify) == 1
    assert identify[0]["d"]["intents"] & Intent.PRIVILEGED == 0
    assert world.fake.gateway.close_codes == []


async def test_bot_is_ready_in_every_server(world: BotWorld) -> None:
    assert world.bot.is_ready()
    assert {guild.id for guild in world.bot.guilds} == {
        world.alpha.id,
        world.beta.id,
        world.muted.id,
    }


async def test_commands_are_synced_to_the_development_server_at_start(world: BotWorld) -> None:
    path = f"/applications/{world.fake.application_id}/guilds/{world.alpha.id}/commands"

    assert [r.status for r in world.fake.requests_to("PUT", path)] == [200]
    assert set(dev_guild_commands(world)) == ADMIN_COMMANDS | PUBLIC_COMMANDS


async def test_synced_commands_carry_korean_names_and_descriptions(world: BotWorld) -> None:
    missing = [
        entity["name"]
        for command in dev_guild_commands(world).values()
        for entity in every_localised_entity(command)
        if "ko" not in (entity.get("name_localizations") or {})
        or "ko" not in (entity.get("description_localizations") or {})
    ]

    assert missing == []
    assert dev_guild_commands(world)["company"]["name_localizations"]["ko"] == "회사"


async def test_admin_commands_default_to_manage_server(world: BotWorld) -> None:
    commands = dev_guild_commands(world)

    defaults = {name: int(commands[name]["default_member_permissions"]) for name in ADMIN_COMMANDS}
    assert defaults == dict.fromkeys(ADMIN_COMMANDS, MANAGE_GUILD)
    assert all(commands[name]["default_member_permissions"] is None for name in PUBLIC_COMMANDS)


async def test_discord_hides_admin_commands_from_plain_members(world: BotWorld) -> None:
    server = world.alpha

    visible = {
        name: world.fake.command_allowed(server.id, server.member.id, name)
        for name in ADMIN_COMMANDS | PUBLIC_COMMANDS
    }

    assert visible == {name: name in PUBLIC_COMMANDS for name in ADMIN_COMMANDS | PUBLIC_COMMANDS}


async def test_start_up_makes_no_request_discord_would_refuse(world: BotWorld) -> None:
    assert world.fake.rejections == []
    assert world.fake.unknown_routes == []
    assert world.fake.rate_limited == []
