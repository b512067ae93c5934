"""What story placement needs from storage. db/ implements it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Protocol

from news.core.models import DigestCandidate


@dataclass(frozen=True, slots=True)
class PlacedSummary:
    """What a week's placed headlines add up to: two processes that hold the same ids agree
    on it, and it costs the database one aggregate to say."""

    count: int
    id_sum: int


class StoryRepository(Protocol):
    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines that have a story, in publication order, with its id."""

    async def placed_summary(self, week: str) -> PlacedSummary:
        """How many of the week's headlines have a story, and the sum of their ids."""

    async def placed_ids(self, week: str) -> set[int]:
        """The ids of the week's headlines that have a story."""

    async def placed_among(self, week: str, ids: Collection[int]) -> list[DigestCandidate]:
        """Those of these headlines of the week that have a story, in publication order."""

    async def unplaced_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines without a story yet, in publication order."""

    async def save_story_ids(self, week: str, story_ids: Mapping[int, int]) -> set[int]:
        """Store the story id of each headline that has none yet (headline id -> story id);
        the ids of the headlines it was stored for (another process may have placed the
        others first)."""
