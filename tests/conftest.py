"""Fixtures every test package shares: the PostgreSQL template server (once per session)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from testkit.postgres import TemplateServer, required, server_url, start_template_server

_SKIPPED: list[str] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[TemplateServer]:
    """The PostgreSQL server with a migrated template; the tests that ask for it are
    skipped when none answers, or fail under REQUIRE_POSTGRES=1 (CI)."""
    server, reason = start_template_server()
    if server is None:
        if required():
            pytest.fail(f"REQUIRE_POSTGRES=1, but {reason}", pytrace=False)
        _SKIPPED.append(str(reason))
        pytest.skip(str(reason))
    yield server
    asyncio.run(server.drop_template())


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend_server(request: pytest.FixtureRequest, backend: str) -> TemplateServer | None:
    """The template server when the test runs on PostgreSQL. A plain fixture, so that the
    session fixture starts outside the test's event loop."""
    if backend != "postgres":
        return None
    server: TemplateServer = request.getfixturevalue("postgres_server")
    return server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly whether the PostgreSQL half of the suite ran."""
    counts = {
        outcome: sum(
            "postgres" in report.nodeid for report in terminalreporter.stats.get(outcome, [])
        )
        for outcome in ("passed", "failed", "error", "skipped")
    }
    if not any(counts.values()):
        return
    if _SKIPPED:
        terminalreporter.write_line(
            f"PostgreSQL tests SKIPPED ({counts['skipped']}): {_SKIPPED[0]}. Start a server, "
            "or set TEST_DATABASE_URL; REQUIRE_POSTGRES=1 turns this into a failure.",
            yellow=True,
            bold=True,
        )
    else:
        terminalreporter.write_line(
            f"PostgreSQL tests at {server_url()}: {counts['passed']} passed, "
            f"{counts['failed'] + counts['error']} failed",
            green=not (counts["failed"] or counts["error"]),
        )
