"""``python -m bot db backup|check|migrate`` end to end on real SQLite files."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.cli import main
from db.sqlite.database import bundled_migrations
from testkit.cli_json import run_json

LATEST = len(bundled_migrations())


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "archive.db"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    return path


def _user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _set_user_version(path: Path, version: int) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(f"PRAGMA user_version = {version:d}")


def _old_archive(path: Path) -> None:
    with closing(sqlite3.connect(path)) as connection:
        connection.executescript(bundled_migrations()[0].sql)
        connection.execute("PRAGMA user_version = 1")


def test_migrate_dry_run_lists_and_changes_nothing_then_migrate_applies(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _old_archive(database)
    pending = [m.name for m in bundled_migrations()[1:]]

    code, document = run_json(capsys, "db", "migrate", "--dry-run")
    assert code == 0
    assert document == {
        "dry_run": True,
        "from_version": 1,
        "to_version": LATEST,
        "migrations": pending,
    }
    assert _user_version(database) == 1

    code, document = run_json(capsys, "db", "migrate")
    assert code == 0
    assert document["migrations"] == pending
    assert _user_version(database) == LATEST


def test_check_does_not_migrate_at_open(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _old_archive(database)

    code, document = run_json(capsys, "db", "check")

    assert code == 1
    assert document["schema_version"] == 1
    assert document["pending_migrations"] == [m.name for m in bundled_migrations()[1:]]
    assert _user_version(database) == 1


def test_check_of_a_healthy_archive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()

    code, document = run_json(capsys, "db", "check")

    assert code == 0
    assert document["ok"] is True
    assert document["problems"] == []
    assert document["schema_version"] == document["code_version"] == LATEST


def test_check_lists_the_problems_of_a_damaged_file(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    with database.open("r+b") as file:
        file.seek(4096)
        file.write(b"\x00\xff" * 8192)
    capsys.readouterr()

    code = main(["db", "check"])

    out = capsys.readouterr().out
    assert code == 1
    assert "problem" in out


def test_check_and_migrate_refuse_a_newer_schema(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    _set_user_version(database, LATEST + 1)
    capsys.readouterr()

    code, document = run_json(capsys, "db", "check")
    assert code == 1
    assert "newer than this code" in document["problems"][0]

    assert main(["db", "migrate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the database is at schema version")
    assert err.count("\n") == 1
    assert _user_version(database) == LATEST + 1


def test_backup_writes_a_verified_copy_and_will_not_overwrite_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "migrate"]) == 0
    capsys.readouterr()
    target = tmp_path / "backups" / "roundup.db"
    target.parent.mkdir()

    code, document = run_json(capsys, "db", "backup", str(target))
    assert code == 0
    assert document["backup"]["path"] == str(target)
    assert document["backup"]["integrity"] == "ok"
    assert _user_version(target) == LATEST

    assert main(["db", "backup", str(target)]) == 1
    assert capsys.readouterr().err == f"error: {target} already exists (--force replaces it)\n"
    assert main(["db", "backup", str(target), "--force"]) == 0


def test_db_needs_an_action(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["db"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m bot db")
    assert err.splitlines()[-1].startswith("error: the following arguments are required: action")
