"""Fixtures of the CLI and console tests: a feed site on 127.0.0.1 and a private archive, on
either backend."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.feed_server import ScriptedSite, running_scripted_site
from testkit.postgres import TemplateServer
from tests.backends import seeded_working_database


@pytest.fixture
def site() -> Iterator[ScriptedSite]:
    """A scripted feed site on its own event loop in a thread (the CLI runs asyncio.run)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    context = running_scripted_site()
    served = asyncio.run_coroutine_threadsafe(context.__aenter__(), loop).result(timeout=5)
    try:
        yield served
    finally:
        asyncio.run_coroutine_threadsafe(context.__aexit__(None, None, None), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


@pytest.fixture
def cli_environment(cli_archive: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test's own archive on each backend (cli_archive), feeds on 127.0.0.1 allowed."""
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")


@pytest.fixture
def cli_archive(
    backend_server: TemplateServer | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The test's own archive for commands run in-process, on each backend: a new SQLite
    file, or the session's PostgreSQL working database holding the bundled catalogue only
    (DATABASE_URL wins over DATABASE_PATH). No token, no stray .env from a checkout."""
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    if backend_server is None:
        monkeypatch.delenv("DATABASE_URL", raising=False)
    else:
        monkeypatch.setenv("DATABASE_URL", seeded_working_database(backend_server))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
