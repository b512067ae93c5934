"""Articles the importer refuses: one line saying why, exit 1, and nothing stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from testkit.cli_json import run_json


@pytest.fixture(autouse=True)
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    database = tmp_path / "archive.db"
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    return database


def test_an_article_without_headlines_says_so_exits_1_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prose.md"
    path.write_text("# Thoughts\n\nJust a paragraph of opinion, no stories.\n", encoding="utf-8")
    assert main(["import", str(path), "--date", "2026-11-25"]) == 1
    assert "No headlines found" in capsys.readouterr().err
    code, document = run_json(capsys, "weeks")
    assert code == 0
    assert document["weeks"] == []


def test_an_article_over_the_size_limit_is_refused_with_the_limit_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"- [x](https://x.example/1)\n" * 250_000)  # about 6.5 MB
    assert main(["import", str(path)]) == 1
    assert "5 MB" in capsys.readouterr().err
