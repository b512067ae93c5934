from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import (
    Database,
    SqliteArchiveRepository,
    SqliteCompanyRepository,
    SqliteSettingsRepository,
    SqliteTopicRepository,
)
from news.core.models import Company, CompanySpec, Topic, TopicSpec


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with await Database.open(tmp_path / "archive.db") as database:
        yield database


@pytest.fixture
def archive(database: Database) -> SqliteArchiveRepository:
    return SqliteArchiveRepository(database)


@pytest.fixture
def companies(database: Database) -> SqliteCompanyRepository:
    return SqliteCompanyRepository(database)


@pytest.fixture
def topics(database: Database) -> SqliteTopicRepository:
    return SqliteTopicRepository(database)


@pytest.fixture
def settings(database: Database) -> SqliteSettingsRepository:
    return SqliteSettingsRepository(database)


@pytest.fixture
async def samsung(companies: SqliteCompanyRepository) -> Company:
    return await bundled(
        companies, CompanySpec("삼성전자", "Samsung Electronics", ("삼성", "Samsung"))
    )


@pytest.fixture
async def nvidia(companies: SqliteCompanyRepository) -> Company:
    return await bundled(companies, CompanySpec("엔비디아", "Nvidia", ("NVIDIA",)))


async def bundled(companies: SqliteCompanyRepository, spec: CompanySpec) -> Company:
    """A company of the bundled catalogue, which every server knows."""
    await companies.upsert_companies([spec])
    return next(c for c in await companies.all_companies() if c.name == spec.name)


@pytest.fixture
async def security(topics: SqliteTopicRepository) -> Topic:
    await topics.upsert_topics([TopicSpec("security", "Security", "보안", ("보안", "해킹"))])
    return (await topics.all_topics())[0]
