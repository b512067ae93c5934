"""The command line refuses what it cannot use, naming it: unknown options and commands
(with a suggestion), missing files among several, directories, a bad DATABASE_PATH; and it
never cuts its output when it goes to a pipe."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "archive.db"
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.chdir(tmp_path)
    return path


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as raised:
        main(list(argv))
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err
    assert "Traceback" not in err
    return err


def test_an_unknown_option_is_refused_with_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "headlines", "보안", "--wek", "2026-W48")
    assert "error: unknown option --wek; did you mean --week?" in err


def test_a_console_style_option_is_refused_not_searched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    err = usage_error(capsys, "headlines", "보안", "wek:2026-W48")
    assert "unexpected argument 'wek:2026-W48'; did you mean --week?" in err


@pytest.mark.parametrize(
    ("argv", "hint"),
    [(["compny", "MS"], "did you mean 'company'?"), (["feeds", "lst"], "did you mean 'list'?")],
)
def test_a_misspelt_command_gets_a_suggestion(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hint in usage_error(capsys, *argv)


def test_import_of_several_files_imports_the_good_and_names_the_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "good.md"
    good.write_text("- [카카오, 새 모델](https://example.com/1)\n", encoding="utf-8")
    assert main(["import", str(good), "missing.md", "--date", "2025-01-06"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "error: missing.md: No such file: missing.md\n"
    assert "카카오, 새 모델" in captured.out
    assert main(["headlines", "카카오", "--json"]) == 0
    assert '"total": 1' in capsys.readouterr().out


def test_import_of_a_directory_names_it_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    assert main(["import", str(folder)]) == 1
    assert capsys.readouterr().err == (
        f"error: {folder} is a directory, not a file: name the article files in it.\n"
    )


def _bad_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    folder = tmp_path / "folder"
    folder.mkdir()
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n", encoding="utf-8")
    return {
        "directory": (folder, "is a directory"),
        "not sqlite": (text, "is not a SQLite database"),
        "under a file": (text / "x.db", "is a file, not a folder"),
        "unwritable": (Path("/proc/roundup-bot/x.db"), "cannot be"),
    }


# `db check` of a path where no file can be reports it as its problem (the next test).
BAD_PATH_CASES = [
    *((case, ["weeks"]) for case in ("directory", "not sqlite", "under a file", "unwritable")),
    *((case, ["db", "check"]) for case in ("directory", "not sqlite")),
]


@pytest.mark.parametrize(("case", "command"), BAD_PATH_CASES)
def test_a_bad_database_path_is_one_line_naming_it_and_exit_2(
    case: str,
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, reason = _bad_paths(tmp_path)[case]
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: DATABASE_PATH {path} ")
    assert reason in err


@pytest.mark.parametrize("case", ["under a file", "unwritable"])
def test_db_check_of_a_path_where_no_file_can_be_reports_no_database(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, _ = _bad_paths(tmp_path)[case]
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert main(["db", "check"]) == 1
    assert f"no database at {path}" in capsys.readouterr().out


def test_a_refused_fetch_is_one_line_without_a_log_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["feeds", "add", "http://127.0.0.1:9/feed"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: Refused: 127.0.0.1")


def test_piped_output_keeps_long_lines_whole(
    tmp_path: Path, isolated_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_url = "https://example.com/" + "very-long-path-" * 20 + "end"
    article = tmp_path / "a.md"
    article.write_text(f"- [카카오, 아주 긴 주소의 기사]({long_url})\n", encoding="utf-8")
    assert main(["import", str(article), "--date", "2025-01-06"]) == 0
    capsys.readouterr()
    assert main(["headlines", "카카오"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.strip() == long_url for line in lines)


def test_answers_and_errors_in_korean_with_lang_ko(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roundup", "--week", "2026-W99", "--lang", "ko"]) == 1
    assert capsys.readouterr().err == "error: 2026년에는 99주가 없습니다.\n"
    assert main(["weeks", "--lang", "ko"]) == 0
    assert capsys.readouterr().out.strip() == "아직 라운드업이 없습니다."


def test_a_database_that_sqlite_cannot_open_is_refused_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "truncated.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
    path.write_bytes(path.read_bytes()[:100])
    monkeypatch.setenv("DATABASE_PATH", str(path))
    assert main(["weeks"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: DATABASE_PATH {path} cannot be opened:")
    assert err.count("\n") == 1
