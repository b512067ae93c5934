"""Channel posting benchmark: 1,000 new stories for 100 channels delivered by the real bot's
channel job to a fake Discord that enforces the global rate limit.

    python bench/channel_posts.py [--channels N] [--per-channel N]

The fake allows 50 requests per second globally, and each channel's message route 5 per 5 s,
as Discord does. Each of ``--channels`` feeds of one server posts to its own channel and
brought ``--per-channel`` new stories (distinct stories, so one message each). The bot paces
its jobs' requests with one RequestPacer (ALERT_REQUESTS_PER_SECOND, default 47), shared
with alert delivery. Reported: messages delivered, the achieved request rate as a share of
the pacer's rate and of Discord's 50 per second, and how many requests were answered 429.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db import Database, SqlChannelRepository, SqlFeedRepository
from news.channels.models import ChannelFeed, ChannelPart
from news.core.models import NewHeadline
from news.feeds.sources import FeedSource
from testkit.bot_harness import roundup_bot
from testkit.fake_discord import FakeDiscord
from testkit.fake_discord.ratelimit import RateLimitConfig

GLOBAL_LIMIT = 50  # requests per second, as Discord allows a bot
PACED_RATE = 47.0  # ALERT_REQUESTS_PER_SECOND's default: the bot's own budget
SEED = 20261206
_LETTERS = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"


def nonsense_title(rng: random.Random) -> str:
    """Words that mean nothing, so that no two stories are grouped as one."""

    def word() -> str:
        return "".join(rng.choice(_LETTERS) + rng.choice(_VOWELS) for _ in range(3))

    return " ".join(word().capitalize() if n == 0 else word() for n in range(5))


async def prepare(
    database: Database, guild_id: int, channel_ids: list[int], per_channel: int
) -> None:
    """Feeds that post to their own channel, each with ``per_channel`` stories in its inbox,
    as a poll that brought them would leave them."""
    rng = random.Random(SEED)
    feeds = SqlFeedRepository(database)
    channels = SqlChannelRepository(database)
    now = datetime.now(UTC)
    for number, channel_id in enumerate(channel_ids):
        source = FeedSource(0, f"https://bench.test/{number}.xml", f"Feed {number}")
        followed, _ = await feeds.follow_feed(
            guild_id, source, name=None, added_by=None, added_at=now
        )
        await channels.save_channel_feed(
            ChannelFeed(guild_id, followed.source.id, channel_id, now - timedelta(minutes=1)),
            set(ChannelPart),
        )
        headlines = [
            NewHeadline(
                title=nonsense_title(rng),
                url=f"https://bench.test/{number}/{item}",
                summary="",
                language="en",
                published_at=now - timedelta(minutes=item),
            )
            for item in range(per_channel)
        ]
        await feeds.file_stories(followed.source.id, headlines, alert=True, arrived_at=now)


@dataclass(frozen=True, slots=True)
class Figures:
    messages: int
    requests: int
    limited: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def measure(channel_count: int, per_channel: int) -> Figures:
    limits = RateLimitConfig(
        global_limit=GLOBAL_LIMIT,
        route_overrides={"POST /channels/{channel_id}/messages": (5, 5.0)},
    )
    async with FakeDiscord(rate_limits=limits) as fake:
        guild = fake.add_guild("bench")
        channels = [fake.add_text_channel(guild, f"news-{n}") for n in range(channel_count)]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bot.db"
            async with roundup_bot(fake, path, guild.id) as bot:
                async with await Database.open(path) as database:
                    await prepare(database, guild.id, [c.id for c in channels], per_channel)
                first = len(fake.requests)
                started = time.perf_counter()
                await bot.channel_poster.run_job()
                seconds = time.perf_counter() - started
                window = fake.requests[first:]
                messages = sum(len(fake.messages(c.id)) for c in channels)
    limited = sum(1 for request in window if request.status == 429)
    return Figures(messages, len(window), limited, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=100)
    parser.add_argument("--per-channel", type=int, default=10)
    args = parser.parse_args()
    figures = asyncio.run(measure(args.channels, args.per_channel))
    expected = args.channels * args.per_channel
    print(
        f"channel posts: {figures.messages:,} of {expected:,} stories posted in "
        f"{args.channels} channels; {figures.requests:,} requests in {figures.seconds:.1f} s "
        f"= {figures.rate:.1f} req/s = {figures.rate / PACED_RATE:.1%} of the bot's paced "
        f"{PACED_RATE:g}/s, {figures.rate / GLOBAL_LIMIT:.1%} of Discord's {GLOBAL_LIMIT}/s; "
        f"429s: {figures.limited}"
    )


if __name__ == "__main__":
    main()
