"""What the catalogue needs from storage: companies and topics. db/ implements these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from news.core.models import Company, CompanySpec, Topic, TopicSpec


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
