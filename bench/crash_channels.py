"""The crash bench's ``channels`` activity (bench/crash.py): ``python -m bot run`` posting the
new stories of feeds to their channels in the fake Discord, killed; restarted until nothing
waits: every story is in its channel exactly once (no duplicate, no loss)."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.channel_posts import prepare
from db import Database
from testkit.fake_discord import FakeDiscord

CHANNEL_FEEDS, CHANNEL_ITEMS = 4, 15


@dataclass(frozen=True, slots=True)
class ChannelPlan:
    channels: list[int]
    urls: list[str]


async def prepare_channels(template: Path, guild_id: int, first_channel: int) -> ChannelPlan:
    """Feeds of the guild posting to their own channel, each with stories in the channel
    inbox, as a poll that brought them leaves them: the bot's first channel run posts them."""
    channels = [first_channel + n for n in range(CHANNEL_FEEDS)]
    async with await Database.open(template) as database:
        await prepare(database, guild_id, channels, CHANNEL_ITEMS)
    urls = [
        f"https://bench.test/{f}/{n}" for f in range(CHANNEL_FEEDS) for n in range(CHANNEL_ITEMS)
    ]
    return ChannelPlan(channels, urls)


def channel_fake(latency: float, guild_id: int, channels: list[int]) -> FakeDiscord:
    fake = FakeDiscord(response_delay=latency)
    guild = fake.add_guild("crash", guild_id=guild_id)
    for number, channel_id in enumerate(channels):
        fake.add_text_channel(guild, f"news-{number}", channel_id=channel_id)
    return fake


def channels_quiet(database: Path) -> bool:
    """Everything matched and posted on record: no inbox row, nothing waiting, unshown or in
    doubt."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
        inbox, waiting, unshown, doubt, queued = db.execute(
            "SELECT (SELECT count(*) FROM channel_inbox),"
            " (SELECT count(*) FROM channel_outbox WHERE post_id IS NULL),"
            " (SELECT count(*) FROM channel_outbox WHERE shown = 0),"
            " (SELECT count(*) FROM channel_posts WHERE state = 'sending'),"
            " (SELECT count(*) FROM channel_outbox)"
        ).fetchone()
    return bool(inbox == waiting == unshown == doubt == 0 and queued > 0)


def doubtful_channel_nonces(database: Path) -> set[str]:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10) as db:
        rows = db.execute("SELECT nonce FROM channel_posts WHERE state = 'sending'").fetchall()
    return {str(row[0]) for row in rows}


def posting_violations(fake: FakeDiscord, plan: ChannelPlan) -> list[str]:
    posted = Counter(
        str(embed.get("url"))
        for channel in plan.channels
        for message in fake.messages(channel)
        for embed in message.embeds
    )
    twice = [url for url, n in posted.items() if n > 1]
    lost = [url for url in plan.urls if url not in posted]
    problems = []
    if twice:
        problems.append(f"{len(twice)} stories posted more than once, e.g. {twice[0]}")
    if lost:
        problems.append(f"{len(lost)} stories never posted, e.g. {lost[0]}")
    return problems
