"""What story placement needs from storage. db/ implements it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from news.core.models import DigestCandidate


class StoryRepository(Protocol):
    async def placed_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines that have a story, in publication order, with its id."""

    async def unplaced_headlines(self, week: str) -> list[DigestCandidate]:
        """The week's headlines without a story yet, in publication order."""

    async def save_story_ids(self, story_ids: Mapping[int, int]) -> None:
        """Store each headline's story id (headline id -> story id)."""
