"""What the services need from storage. db/ implements these; tests may fake them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from news.models import (
    Company,
    CompanySpec,
    GuildSettings,
    Headline,
    HeadlinePage,
    HeadlineQuery,
    NewRoundup,
    Roundup,
    RoundupRef,
    Topic,
    TopicSpec,
    WeekSummary,
)


class CompanyRepository(Protocol):
    async def all_companies(self) -> list[Company]: ...

    async def upsert_companies(self, specs: Sequence[CompanySpec]) -> None:
        """Insert or extend companies by canonical name (aliases are merged, never dropped)."""

    async def add_company(self, spec: CompanySpec) -> Company:
        """Create a company; raises InvalidInput when the name or an alias is taken."""

    async def add_alias(self, company_id: int, alias: str) -> Company:
        """Raises InvalidInput when the alias already names another company."""


class TopicRepository(Protocol):
    async def all_topics(self) -> list[Topic]: ...

    async def upsert_topics(self, specs: Sequence[TopicSpec]) -> None: ...


class ArchiveRepository(Protocol):
    async def save_roundup(self, roundup: NewRoundup) -> tuple[Roundup, bool]:
        """Store a roundup in one transaction; returns it and whether it replaced one."""

    async def roundup_for_week(self, guild_id: int, week: str) -> Roundup | None: ...

    async def latest_week(self, guild_id: int) -> str | None: ...

    async def weeks(self, guild_id: int) -> list[WeekSummary]: ...

    async def search_headlines(self, guild_id: int, query: HeadlineQuery) -> HeadlinePage: ...

    async def company_headlines(
        self, guild_id: int, company_id: int, limit: int
    ) -> list[Headline]: ...

    async def company_weekly_counts(
        self, guild_id: int, company_id: int, weeks: Sequence[str]
    ) -> dict[str, int]: ...

    async def roundups_mentioning(
        self, guild_id: int, company_id: int, limit: int
    ) -> list[RoundupRef]: ...


class SettingsRepository(Protocol):
    async def get_settings(self, guild_id: int) -> GuildSettings | None: ...

    async def save_settings(self, settings: GuildSettings) -> None: ...
