"""Load, short: 40 commands at once from many users of two servers while the bot polls 50
feeds from 127.0.0.1 and two admins post the digest at the same moment. The long version,
with the bot in a process of its own, is ``python bench/load.py``."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

from aiohttp.test_utils import TestServer

from bench.commands import ACK_DEADLINE_S, Timeline
from bench.load import (
    ITEMS_PER_FEED,
    Place,
    Shot,
    command_mix,
    digest_figures,
    feed_path,
    feed_site,
    inject,
)
from news.core.weeks import week_of
from testkit.bot_harness import Server
from testkit.fake_discord import Perm
from tests.e2e.bot_harness import BotWorld, bot_world

FEEDS = 50
COMMANDS = 40
MEMBERS = 20  # per server: every command from its own user
REPLY_WITHIN_S = 8.0


def opml(base: str, numbers: range) -> bytes:
    outlines = "".join(
        f'<outline type="rss" text="Load feed {n}" xmlUrl="{base}{feed_path(n)}"/>' for n in numbers
    )
    return f'<opml version="2.0"><head/><body>{outlines}</body></opml>'.encode()


async def follow_feeds(world: BotWorld, base: str) -> None:
    """Half the feeds for each server, due at once, as an OPML import leaves them."""
    feeds = world.bot.services.feeds
    half = FEEDS // 2
    await feeds.import_opml(world.alpha.id, opml(base, range(half)))
    await feeds.import_opml(world.beta.id, opml(base, range(half, FEEDS)))


async def schedule_digest(world: BotWorld) -> None:
    """alpha's digest in its news channel, three days from now (nothing for the start-up
    catch-up), with this week's roundup imported: /digest post has something to post."""
    await world.bot.services.guild_settings.configure_digest(
        world.alpha.id,
        channel_id=world.alpha.channel.id,
        weekday=(datetime.now(UTC).weekday() + 3) % 7,
        hour=12,
        timezone="UTC",
        language="en",
    )
    await world.import_roundup(world.alpha)


def place_with_members(world: BotWorld, server: Server) -> Place:
    members = [
        world.fake.add_member(server.guild, f"{server.guild.name}-{n}") for n in range(MEMBERS)
    ]
    return Place(server.id, server.channel.id, tuple(members))


async def test_every_command_is_acknowledged_in_time_while_feeds_are_polled_and_a_digest_is_posted(
    tmp_path: Path,
) -> None:
    anchor = datetime.now(UTC).replace(microsecond=0)
    site = TestServer(feed_site(FEEDS, ITEMS_PER_FEED, anchor), host="127.0.0.1")
    await site.start_server()
    try:
        async with bot_world(tmp_path, allow_private_urls=True) as world:
            fake = world.fake
            await follow_feeds(world, str(site.make_url("")).rstrip("/"))
            await schedule_digest(world)
            places = (place_with_members(world, world.alpha), place_with_members(world, world.beta))
            second_admin = fake.add_member(
                world.alpha.guild, "admin2", permissions=Perm.MANAGE_GUILD
            )

            polling = asyncio.create_task(world.bot.feed_poller.run_job())
            shots = [
                await inject(fake, places, command, serial)
                for serial, command in enumerate(command_mix(COMMANDS, random.Random(7)))
            ]
            for admin in (world.alpha.admin, second_admin):
                record = await fake.slash(
                    world.alpha.id,
                    world.alpha.channel.id,
                    admin.id,
                    "digest post",
                    {"week": week_of(anchor)},
                )
                shots.append(Shot("/digest post", record, during_poll=True))
            await asyncio.gather(*(shot.record.wait_reply(within=REPLY_WITHIN_S) for shot in shots))
            polls = await polling

            timeline = Timeline(fake.requests, fake.application_id)
            acknowledged = [timeline.acknowledged_after(shot.record) for shot in shots]
            assert all(a is not None and a <= ACK_DEADLINE_S for a in acknowledged), acknowledged
            assert len(polls) == FEEDS
            assert [poll.error for poll in polls if poll.error] == []
            digest = digest_figures(fake, world.alpha.channel.id, shots)
            assert digest.first_parts == 1
            assert digest.parts == digest.expected_parts
    finally:
        await site.close()
