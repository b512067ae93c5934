"""The local console, fed from a pipe as a script would."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.console import parse_command
from news.core.errors import InvalidInput

# A week label as /weeks shows it; the bundled sample is filed under the week of the day the
# test runs, so no test names that week.
WEEK = re.compile(r"\d{4}-W\d{2}")


@pytest.fixture(autouse=True)
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def run_console(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *lines: str,
    code: int = 0,
    args: tuple[str, ...] = (),
) -> str:
    """What the piped console printed, errors (stderr) after answers (stdout)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["console", *args]) == code
    captured = capsys.readouterr()
    return captured.out + captured.err


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
        monkeypatch, capsys, "/nope", '/company "unclosed', "/roundup 2026-W99", "/help", code=1
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


@pytest.mark.parametrize("path", ["a\x00b", "~no-such-user-here/x", "/dev/zero"])
def test_console_import_of_an_unreadable_path_is_one_error_line(
    path: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A NUL or an unknown ~user used to end the console with an unexpected failure, and
    # /dev/zero was read without end.
    out = run_console(monkeypatch, capsys, f"/import {path}", "/weeks", code=1)
    assert f"error: Cannot read {path}." in out
    assert WEEK.search(out)  # the next line still ran


def test_console_names_a_directory_as_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, f"/import {tmp_path}", code=1)
    assert f"error: {tmp_path} is a directory, not a file." in out


def test_piped_console_exits_1_when_a_command_failed_and_runs_the_rest(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/roundup 2026-W99\n/weeks\n"))
    assert main(["console"]) == 1
    captured = capsys.readouterr()
    assert WEEK.search(captured.out)
    assert captured.err == "error: 2026 has no week 99.\n"


def test_piped_console_exits_0_when_every_command_succeeded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run_console(monkeypatch, capsys, "/weeks", "/headlines 보안", code=0)


def test_quit_ends_the_piped_console_before_the_lines_after_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, "/weeks", "/quit", "/roundup 2026-W99", code=0)
    assert "no week 99" not in out


def test_an_unknown_option_is_refused_with_a_suggestion_not_searched(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, "/headlines 보안 wek:2026-W48", code=1)
    assert "error: /headlines has no option wek: did you mean week:?" in out
    assert "랜섬웨어" not in out  # nothing was searched


def test_a_quoted_word_with_a_colon_is_searched_not_refused() -> None:
    command = parse_command('/headlines "wek:2026"')
    assert command is not None
    assert command.words == ["wek:2026"]


def test_a_misspelt_command_gets_a_suggestion(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, "/compny 삼성", "/digest previw", code=1)
    assert "Unknown command /compny. Did you mean /company?" in out
    assert "did you mean /digest preview?" in out


def test_console_answers_in_korean_with_lang_ko(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(
        monkeypatch, capsys, "/weeks", "/company 없는회사", "/help", code=1, args=("--lang", "ko")
    )
    assert "예시 라운드업을 불러왔습니다" in out
    assert "라운드업" in out and "헤드라인" in out  # the table's column labels
    assert "roundups" not in out
    assert "error: '없는회사'라는 회사를 찾지 못했습니다." in out
    assert "명령 (봇의 슬래시 명령과 같습니다)" in out


def test_console_language_follows_the_locale_of_the_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LANG", "ko_KR.UTF-8")
    out = run_console(monkeypatch, capsys, "/weeks")
    assert "주" in out and "헤드라인" in out


def test_console_server_commands_work_as_one_member(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The sample's own week: the week a post made today covers is last week from Monday to
    # Thursday (see covered_week).
    sample_week = WEEK.findall(run_console(monkeypatch, capsys, "/weeks"))[0]
    out = run_console(
        monkeypatch,
        capsys,
        "/setup digest channel:42 weekday:friday hour:9 timezone:Asia/Seoul language:en",
        "/setup alerts channel:43",
        "/setup digest-options sections:3 items:4 thread:false relevance:strict",
        "/setup show",
        "/digest next",
        "/subscribe keyword:보안",
        "/subscribe company:MS delivery:channel",
        "/subscriptions",
        "/unsubscribe 보안",
        "/subscriptions",
        f"/digest post week:{sample_week}",
        f"/digest preview week:{sample_week}",
        "/feed list",
        "/status",
    )
    assert "Friday 09:00 (Asia/Seoul)" in out
    assert "#43" in out
    assert "up to 3 sections of up to 4 items" in out and "tech relevance: strict" in out
    assert "The next digest goes out" in out and "in #42" in out
    assert "Subscribed to 보안 (keyword)" in out
    assert "1. 보안 (keyword, DM)" in out
    assert "Microsoft (company, the alert channel)" in out
    assert "Unsubscribed from 보안." in out
    assert "Would post to #42" in out
    assert "오픈AI, 추론 모델 요금 절반으로 인하" in out
    assert "No feeds yet" in out
    assert "roundup-bot 0." in out


def test_digest_post_without_a_channel_is_refused_as_in_discord(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = run_console(monkeypatch, capsys, "/digest post", code=1)
    assert "/setup digest" in out
