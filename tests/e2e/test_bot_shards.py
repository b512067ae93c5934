"""Shards across processes: each bot connects only its SHARD_IDS, gets only the guilds those
shards own, and answers only their interactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import discord
import pytest

from bot.client import RoundupBot, bot_session
from testkit.bot_harness import Server, add_server, settings_for
from testkit.fake_discord import FakeDiscord, LoopbackOnlyConnector, point_discord_at, running_bot

SHARDS = 2


def shard_of(guild_id: int) -> int:
    return (guild_id >> 22) % SHARDS


def servers_on_each_shard(fake: FakeDiscord) -> dict[int, Server]:
    found: dict[int, Server] = {}
    for number in range(200):
        server = add_server(fake, f"server-{number}")
        found.setdefault(shard_of(server.id), server)
        if len(found) == SHARDS:
            return found
    raise AssertionError("the fake made no guild on one of the shards")


@asynccontextmanager
async def shard_process(
    fake: FakeDiscord, database: Path, dev_guild: int, shard_ids: str, seen: list[int]
) -> AsyncIterator[RoundupBot]:
    """One ``python -m bot run`` with SHARD_COUNT=2 and SHARD_IDS=``shard_ids``; ``seen``
    collects the ids of the interactions it receives."""
    settings = settings_for(fake, database, dev_guild).model_copy(
        update={"shard_count": SHARDS, "shard_ids": shard_ids}
    )
    with point_discord_at(fake):
        async with bot_session(
            settings, connector=LoopbackOnlyConnector(), guild_ready_timeout=0.05
        ) as bot:

            async def on_interaction(interaction: discord.Interaction) -> None:
                seen.append(interaction.id)

            bot.add_listener(on_interaction, "on_interaction")
            async with running_bot(bot, fake):
                yield bot


async def test_a_process_with_shard_1_of_2_connects_only_shard_1(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    servers = servers_on_each_shard(fake_discord)
    seen: list[int] = []
    async with shard_process(fake_discord, tmp_path / "bot.db", servers[1].id, "1", seen) as bot:
        assert fake_discord.gateway.shards_identified() == [(1, SHARDS)]
        assert {shard_of(guild.id) for guild in bot.guilds} == {1}
        assert servers[1].id in {guild.id for guild in bot.guilds}
        record = await fake_discord.slash(
            servers[1].id, servers[1].channel.id, servers[1].member.id, "help"
        )
        await record.wait_reply()
        assert seen == [record.id]
        # Shard 0's guild is another process's: Discord has no connection to send it on.
        with pytest.raises(LookupError):
            await fake_discord.slash(
                servers[0].id, servers[0].channel.id, servers[0].member.id, "help"
            )


async def test_two_processes_answer_only_the_interactions_of_their_own_shards(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    servers = servers_on_each_shard(fake_discord)
    database = tmp_path / "bot.db"
    seen: dict[int, list[int]] = {0: [], 1: []}
    async with (
        shard_process(fake_discord, database, servers[0].id, "0", seen[0]) as first,
        shard_process(fake_discord, database, servers[1].id, "1", seen[1]) as second,
    ):
        assert {shard_of(g.id) for g in first.guilds} == {0}
        assert {shard_of(g.id) for g in second.guilds} == {1}
        assert len(first.guilds) + len(second.guilds) == len(fake_discord.world.guilds)
        records = {}
        for shard, server in servers.items():
            records[shard] = await fake_discord.slash(
                server.id, server.channel.id, server.member.id, "help"
            )
            await records[shard].wait_reply()
        await first.sync_commands(guild_id=None)  # a DM needs the global commands
        dm = await fake_discord.slash(None, None, servers[1].member.id, "help")
        await dm.wait_reply()
    assert seen == {0: [records[0].id, dm.id], 1: [records[1].id]}  # DMs arrive on shard 0
