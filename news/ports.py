"""What the services need from storage. db/ implements these; tests may fake them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from news.models import (
    Company,
    CompanyActivity,
    CompanySpec,
    GuildSettings,
    HeadlinePage,
    HeadlineQuery,
    NewRoundup,
    Roundup,
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

    async def company_activity(
        self,
        guild_id: int,
        company_id: int,
        weeks: Sequence[str],
        headline_limit: int,
        mention_limit: int,
    ) -> CompanyActivity: ...


class SettingsRepository(Protocol):
    async def get_settings(self, guild_id: int) -> GuildSettings | None: ...

    async def save_settings(self, settings: GuildSettings) -> None: ...
