"""``python -m bot db …`` on PostgreSQL: migrate, check, backup through pg_dump, and
``db copy`` from SQLite, checked and resumable; an unreachable server is one line, exit 2."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.cli import main
from db.postgres.database import postgres_migrations
from db.sqlite.database import bundled_migrations
from testkit.cli_json import run_json
from testkit.postgres import TemplateServer, required, with_database

LATEST = len(bundled_migrations())


def test_postgres_migrations_are_twins_of_the_sqlite_ones() -> None:
    assert [m.name for m in postgres_migrations()] == [m.name for m in bundled_migrations()]


@pytest.fixture
def blank_url(postgres_server: TemplateServer) -> Iterator[str]:
    """A new, empty database (no migrations)."""
    name = f"{postgres_server.prefix}_blank"
    asyncio.run(postgres_server._admin(f'CREATE DATABASE "{name}"'))
    url = with_database(postgres_server.url, name)
    yield url
    asyncio.run(postgres_server.drop(url))


@pytest.fixture
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    return tmp_path


def test_migrate_check_and_backup_on_postgres(
    blank_url: str,
    environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", blank_url)
    names = [m.name for m in postgres_migrations()]

    code, document = run_json(capsys, "db", "migrate", "--dry-run")
    assert (code, document["migrations"], document["from_version"]) == (0, names, 0)
    code, document = run_json(capsys, "db", "check")
    assert code == 1
    assert document["pending_migrations"] == names

    code, document = run_json(capsys, "db", "migrate")
    assert (code, document["to_version"]) == (0, LATEST)
    code, document = run_json(capsys, "db", "check")
    assert (code, document["ok"], document["schema_version"]) == (0, True, LATEST)

    if shutil.which("pg_dump") is None:
        if required():
            pytest.fail("REQUIRE_POSTGRES=1, but pg_dump is not on PATH", pytrace=False)
        pytest.skip("pg_dump is not on PATH")
    target = environment / "roundup.dump"
    code, document = run_json(capsys, "db", "backup", str(target))
    assert code == 0
    assert document["backup"]["pages"] > 0  # entries listed by pg_restore --list
    assert target.stat().st_size == document["backup"]["bytes"]
    assert main(["db", "backup", str(target)]) == 1
    assert capsys.readouterr().err == f"error: {target} already exists (--force replaces it)\n"


def test_check_reports_a_schema_newer_than_the_code(
    blank_url: str,
    environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", blank_url)
    assert main(["db", "migrate"]) == 0
    asyncio.run(_execute(blank_url, "INSERT INTO schema_version VALUES (99, '099_future.sql')"))
    capsys.readouterr()

    code, document = run_json(capsys, "db", "check")
    assert code == 1
    assert any("newer than this code" in problem for problem in document["problems"])
    assert main(["weeks"]) == 1
    assert "upgrade the bot" in capsys.readouterr().err


def test_copy_moves_the_archive_checked_and_again_writes_nothing(
    blank_url: str,
    environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sample = (
        Path(__file__).resolve().parents[2] / "news" / "archive" / "data" / "sample_roundup.txt"
    )
    assert main(["import", str(sample), "--date", "2026-11-27"]) == 0
    assert main(["companies", "add", "테스트전자", "--english", "Test Electronics"]) == 0
    capsys.readouterr()
    sqlite_search = _json_of(capsys, "headlines", "보안")
    assert sqlite_search["total"] > 0

    code, document = run_json(capsys, "db", "copy", "--to", blank_url)
    assert code == 0, document
    copy = document["copy"]
    assert copy["ok"] is True
    assert copy["indexed"] == next(t["rows"] for t in copy["tables"] if t["table"] == "headlines")
    assert all(t["copied"] == t["rows"] for t in copy["tables"])

    code, again = run_json(capsys, "db", "copy", "--to", blank_url)
    assert code == 0
    assert again["copy"]["ok"] is True
    assert all(t["copied"] == 0 for t in again["copy"]["tables"])
    assert again["copy"]["indexed"] == 0

    monkeypatch.setenv("DATABASE_URL", blank_url)
    assert _json_of(capsys, "headlines", "보안") == sqlite_search
    # New rows get ids after the copied ones: the identity sequences moved on.
    assert main(["companies", "add", "둘째전자"]) == 0
    capsys.readouterr()
    assert _json_of(capsys, "company", "둘째전자")["company"] is not None


def test_an_unreachable_server_is_one_line_and_exit_2(
    environment: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    for argv in (["weeks"], ["db", "check"], ["db", "migrate"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: cannot reach the database at postgresql://nobody@127.0.0.1:1")
        assert err.count("\n") == 1


def _json_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, document = run_json(capsys, *argv)
    assert code == 0
    return document


async def _execute(url: str, statement: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
