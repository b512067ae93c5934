"""What the catalogue needs from storage: companies and topics. db/ implements these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from news.core.models import Company, CompanySpec, Topic, TopicSpec


class CompanyRepository(Protocol):
    """The bundled catalogue, and what each server added to it (seen by that server only)."""

    async def all_companies(self) -> list[Company]:
        """The bundled catalogue alone."""

    async def guild_companies(self, guild_id: int | None) -> list[Company]:
        """The bundled catalogue with the guild's companies and spellings."""

    async def guilds_with_additions(self) -> list[int]: ...

    async def guild_additions(self, guild_id: int) -> list[Company]:
        """Only the spellings the guild added, each as a company with the id of the company
        it names (its own, or a bundled one it gave another name)."""

    async def upsert_companies(self, specs: Sequence[CompanySpec]) -> None:
        """Insert or extend bundled companies by canonical name (aliases are merged, never
        dropped)."""

    async def add_company(self, spec: CompanySpec, guild_id: int) -> Company:
        """Create a company of the guild; raises InvalidInput when the name or an alias is
        taken in what the guild knows."""

    async def add_alias(self, company_id: int, alias: str, guild_id: int) -> Company:
        """Another spelling, for the guild only. Raises InvalidInput when the alias already
        names another company the guild knows."""


class TopicRepository(Protocol):
    async def all_topics(self) -> list[Topic]: ...

    async def upsert_topics(self, specs: Sequence[TopicSpec]) -> None: ...
