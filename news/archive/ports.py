"""What the archive needs from storage: roundups, and the searches over their headlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from news.core.models import (
    CompanyActivity,
    HeadlinePage,
    HeadlineQuery,
    NewRoundup,
    Roundup,
    RoundupListing,
    RoundupRef,
    WeekSummary,
)


class RoundupRepository(Protocol):
    """A guild's roundups, by week."""

    async def save_roundup(
        self, roundup: NewRoundup, *, alert: bool = True
    ) -> tuple[Roundup, bool]:
        """Store a roundup in one transaction; returns it and whether it replaced one. With
        ``alert``, its headlines new to the archive wait for the alert matcher."""

    async def compact_search_index(self) -> None:
        """After many roundups filed in a row: merge the pieces the search index grew into,
        so that a search opens one rather than a dozen."""

    async def roundup_for_week(self, guild_id: int, week: str) -> Roundup | None: ...

    async def roundups_for_week(self, guild_id: int, week: str) -> list[Roundup]:
        """Every roundup of the week, imported first, then the latest published first."""

    async def roundup_by_id(self, guild_id: int, roundup_id: int) -> Roundup | None:
        """The guild's roundup with this id (None for another guild's)."""

    async def list_roundups(
        self, guild_id: int, week: str | None = None, limit: int = 1000
    ) -> list[RoundupListing]: ...

    async def delete_roundup(self, guild_id: int, roundup_id: int) -> RoundupRef | None:
        """Delete the guild's roundup and the headlines it filed; None when there is none."""

    async def latest_week(self, guild_id: int) -> str | None: ...

    async def weeks(self, guild_id: int) -> list[WeekSummary]: ...


class HeadlineSearchRepository(Protocol):
    """The searches over the headlines a guild can see."""

    async def search_headlines(self, guild_id: int, query: HeadlineQuery) -> HeadlinePage: ...

    async def company_activity(
        self,
        guild_id: int,
        company_id: int,
        weeks: Sequence[str],
        headline_limit: int,
        mention_limit: int,
        *,
        guild_tags: bool = False,
    ) -> CompanyActivity:
        """With ``guild_tags``, the guild's own tags on feed headlines count too."""


class ArchiveRepository(RoundupRepository, HeadlineSearchRepository, Protocol):
    """Everything the archive service asks of storage."""
