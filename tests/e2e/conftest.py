"""Fixtures for end-to-end tests against the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from testkit.fake_discord import FakeDiscord, ManualClock


@pytest.fixture
def discord_clock() -> ManualClock:
    """The fake's clock for interaction deadlines: it only moves when a test advances it,
    so a slow machine never turns a reply into a late one."""
    return ManualClock()


@pytest.fixture
async def fake_discord(discord_clock: ManualClock) -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(clock=discord_clock) as fake:
        yield fake
