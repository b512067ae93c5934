"""Fixtures of the CLI and console tests: a feed site on 127.0.0.1 and a private archive."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.feed_server import ScriptedSite, running_scripted_site


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
def cli_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An archive of the test's own, feeds on 127.0.0.1 allowed, no token."""
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    monkeypatch.setenv("ALLOW_PRIVATE_URLS", "true")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
