from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from db import Database


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """The tests of db/sqlite/ are about SQLite itself: one backend only."""
    async with await Database.open(tmp_path / "archive.db") as database:
        yield database
