"""The digest outlet takes its request slots from the pacer alerts and channel posts share,
so a digest posted during a burst of alerts waits its turn instead of meeting a 429."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import discord
import pytest

from cogs.alerts.delivery import RequestPacer
from cogs.digest.delivery import DiscordDigestOutlet

RATE = 40.0  # requests per second: 25 ms apart
CHANNEL_ID = 42


class FakeTime:
    """A monotonic clock moved only by the sleeps, which are recorded in ``events``."""

    def __init__(self, events: list[str]) -> None:
        self.now = 1000.0
        self.events = events
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.events.append("wait")
        self.now += seconds
        await asyncio.sleep(0)


class RecordingChannel(discord.TextChannel):
    """A text channel (it passes the outlet's isinstance check) whose sends are recorded."""

    events: list[str]

    async def send(self, *args: Any, **kwargs: Any) -> Any:
        self.events.append(f"send {kwargs['nonce']}")
        return discord.Object(id=7)


class OneChannelClient:
    def __init__(self, channel: discord.TextChannel) -> None:
        self._channel = channel

    def get_channel(self, channel_id: int) -> discord.TextChannel | None:
        return self._channel if channel_id == CHANNEL_ID else None


def outlet(events: list[str], pacer: RequestPacer) -> DiscordDigestOutlet:
    channel = object.__new__(RecordingChannel)
    channel.events = events
    return DiscordDigestOutlet(cast(discord.Client, OneChannelClient(channel)), pacer)


async def test_a_digest_send_waits_for_the_slots_alerts_took_from_the_shared_pacer() -> None:
    events: list[str] = []
    time = FakeTime(events)
    shared = RequestPacer(RATE, clock=time.clock, sleep=time.sleep)
    digest = outlet(events, shared)
    for _ in range(3):  # alerts took the slots at +0, +25 ms and +50 ms
        await shared.slot()
    events.clear()

    message_id = await digest.send_part(CHANNEL_ID, [discord.Embed(title="W49")], "n1")

    assert message_id == 7
    assert events == ["wait", "send n1"]  # it waited before it sent, not after
    assert time.waits[-1] == pytest.approx(1 / RATE)


async def test_digest_parts_and_alerts_sent_together_share_one_spacing() -> None:
    events: list[str] = []
    time = FakeTime(events)
    shared = RequestPacer(RATE, clock=time.clock, sleep=time.sleep)
    digest = outlet(events, shared)

    await asyncio.gather(
        shared.slot(),
        digest.send_part(CHANNEL_ID, [discord.Embed(title="part 1")], "p1"),
        shared.slot(),
        digest.send_part(CHANNEL_ID, [discord.Embed(title="part 2")], "p2"),
    )

    # Four requests, one pacer: the first at once, then one interval apart each.
    assert time.waits == pytest.approx([1 / RATE] * 3)
    assert time.now == pytest.approx(1000.0 + 3 / RATE)
    assert [event for event in events if event.startswith("send")] == ["send p1", "send p2"]
