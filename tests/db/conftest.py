from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import (
    AnyDatabase,
    SqlArchiveRepository,
    SqlCompanyRepository,
    SqlSettingsRepository,
    SqlTopicRepository,
)
from news.core.models import Company, CompanySpec, Topic, TopicSpec
from testkit.postgres import TemplateServer
from tests.backends import open_backend


@pytest.fixture
async def database(
    backend_server: TemplateServer | None, tmp_path: Path
) -> AsyncIterator[AnyDatabase]:
    """A fresh archive on each backend: every repository test runs on SQLite and PostgreSQL."""
    async with open_backend(backend_server, tmp_path / "archive.db") as database:
        yield database


@pytest.fixture
def archive(database: AnyDatabase) -> SqlArchiveRepository:
    return SqlArchiveRepository(database)


@pytest.fixture
def companies(database: AnyDatabase) -> SqlCompanyRepository:
    return SqlCompanyRepository(database)


@pytest.fixture
def topics(database: AnyDatabase) -> SqlTopicRepository:
    return SqlTopicRepository(database)


@pytest.fixture
def settings(database: AnyDatabase) -> SqlSettingsRepository:
    return SqlSettingsRepository(database)


@pytest.fixture
async def samsung(companies: SqlCompanyRepository) -> Company:
    return await bundled(
        companies, CompanySpec("삼성전자", "Samsung Electronics", ("삼성", "Samsung"))
    )


@pytest.fixture
async def nvidia(companies: SqlCompanyRepository) -> Company:
    return await bundled(companies, CompanySpec("엔비디아", "Nvidia", ("NVIDIA",)))


async def bundled(companies: SqlCompanyRepository, spec: CompanySpec) -> Company:
    """A company of the bundled catalogue, which every server knows."""
    await companies.upsert_companies([spec])
    return next(c for c in await companies.all_companies() if c.name == spec.name)


@pytest.fixture
async def security(topics: SqlTopicRepository) -> Topic:
    await topics.upsert_topics([TopicSpec("security", "Security", "보안", ("보안", "해킹"))])
    return (await topics.all_topics())[0]
