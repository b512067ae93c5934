"""The local console, fed from a pipe as a script would."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import parse_command
from news.core.errors import InvalidInput


@pytest.fixture(autouse=True)
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")


def run_console(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *lines: str
) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["console"]) == 0
    return capsys.readouterr().out


def test_console_loads_the_sample_and_answers_company(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, "/company 엔비디아")
    assert "Loaded the bundled sample roundup" in out
    assert "엔비디아, 차세대 GPU 조기 출하 발표" in out


def test_console_search_and_roundup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, "/headlines 보안", "/roundup")
    assert "랜섬웨어 조직, 국내 제조사 노려" in out
    assert "라운드업위클리" in out


def test_start_without_token_opens_the_console(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/weeks\n"))
    assert main(["start"]) == 0
    assert "opening the local console" in capsys.readouterr().out


def test_console_reports_errors_and_keeps_going(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch, capsys, "/nope", '/company "unclosed', "/roundup 2026-W99", "/help"
    )
    assert "Unknown command /nope" in out
    assert "quote is not closed" in out
    assert "has no week 99" in out
    assert "/headlines QUERY" in out


def test_console_imports_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        "## AI\n\n- [카카오, 새 모델 공개](https://example.com/k)\n", encoding="utf-8"
    )
    out = run_console(monkeypatch, capsys, f"/import {article} date:2025-01-06", "/company 카카오")
    assert "Imported" in out
    assert "2025-W02" in out
    assert "카카오, 새 모델 공개" in out


def test_parse_command_splits_words_and_options() -> None:
    command = parse_command('/headlines "클라우드 보안" week:2026-W48 company:삼성')
    assert command is not None
    assert command.name == "headlines"
    assert command.text == "클라우드 보안"
    assert command.options == {"week": "2026-W48", "company": "삼성"}


def test_parse_command_refuses_an_open_quote() -> None:
    with pytest.raises(InvalidInput):
        parse_command('/company "x')


@pytest.mark.parametrize("path", ["a\x00b", "~no-such-user-here/x", "/dev/zero", "/tmp"])
def test_console_import_of_an_unreadable_path_is_one_error_line(
    path: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A NUL or an unknown ~user used to end the console with an unexpected failure, and
    # /dev/zero was read without end.
    out = run_console(monkeypatch, capsys, f"/import {path}", "/weeks")
    assert f"error: Cannot read {path}." in out
    assert "2026-W" in out  # the next line still ran
