"""The command line end to end: each backend, real parser, output as a script would read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from news.archive.sample import sample_roundup_text
from testkit.cli_json import run_json

ARTICLE = """[테크위클리 김하늘 기자] 마이크로소프트가 새 칩을 공개했다.

ㆍ마이크로소프트, 자체 AI 가속기 공개
ㆍ구글, TPU 생산 두 배로

저작권자 © 테크위클리 무단전재 및 재배포 금지
"""


@pytest.fixture(autouse=True)
def isolated_database(cli_archive: None) -> None:
    """Every command here runs on SQLite and on PostgreSQL."""


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_import_prints_the_documented_json_shape(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, document = run_json(capsys, "import", str(article), "--date", "2026-11-25")
    assert code == 0
    roundup = document["roundup"]
    assert isinstance(roundup, dict)
    assert roundup["week"] == "2026-W48"
    assert roundup["publisher"] == "테크위클리"
    assert roundup["author"] == "김하늘"
    headline = roundup["sections"][0]["headlines"][0]
    assert headline["title"] == "마이크로소프트, 자체 AI 가속기 공개"
    assert headline["companies"] == ["마이크로소프트"]
    assert set(headline) >= {"title", "url", "companies", "topics"}
    assert isinstance(document["skipped"], list)


def test_import_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode())))
    code, document = run_json(capsys, "import", "-", "--date", "2026-11-25")
    assert code == 0
    assert len(document["roundup"]["sections"][0]["headlines"]) == 2


def test_reimporting_the_same_article_updates_in_place(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", str(article), "--date", "2026-11-25")
    code, document = run_json(capsys, "import", str(article), "--date", "2026-11-25")
    assert code == 0
    assert document["replaced"] is True
    _, weeks = run_json(capsys, "weeks")
    assert weeks == {"weeks": [{"week": "2026-W48", "roundups": 1, "headlines": 2}]}


def test_company_lookup_by_english_alias_finds_the_korean_company(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", str(article), "--date", "2026-11-25")
    code, document = run_json(capsys, "company", "MS")
    assert code == 0
    company = document["company"]
    assert isinstance(company, dict)
    assert company["name"] == "마이크로소프트"
    titles = [h["title"] for h in document["headlines"]]
    assert titles == ["마이크로소프트, 자체 AI 가속기 공개"]
    assert document["suggestions"] == []


def test_unknown_company_exits_1_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, document = run_json(capsys, "company", "마이크로소프")
    assert code == 1
    assert document["company"] is None
    assert "마이크로소프트" in document["suggestions"]


def test_headline_search_finds_a_two_syllable_word(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", str(article), "--date", "2026-11-25")
    code, document = run_json(capsys, "headlines", "구글")
    assert code == 0
    assert document["total"] == 1
    assert document["headlines"][0]["title"] == "구글, TPU 생산 두 배로"


def test_roundup_of_an_empty_week_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["roundup", "--week", "2026-W48"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.count("\n") == 1
    assert "no roundup for 2026-W48" in captured.err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["import", "missing.txt"], "No such file"),
        (["import", "article.txt", "--date", "2026-13-01"], "not a date"),
        (["headlines", "x", "--week", "2026-W99"], "has no week 99"),
        (["headlines", "x", "--page", "0"], "Pages are numbered"),
        (["headlines", "x", "--company", "없는회사이름"], "don't know a company"),
        (["companies", "alias", "마이크로소프트", "구글"], "already"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_non_zero(
    article: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_usage_mistake_is_the_usage_then_one_error_line_with_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["headlines", "--no-such-flag"])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m bot headlines")
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        "error: unknown option --no-such-flag (see python -m bot headlines --help)"
    ]


def test_binary_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    assert main(["import", str(path)]) == 1
    assert "not text" in capsys.readouterr().err


def test_companies_add_then_alias_makes_the_new_name_searchable(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["companies", "add", "라운드랩", "--english", "Roundlab"]) == 0
    assert main(["companies", "alias", "Roundlab", "RDL"]) == 0
    capsys.readouterr()
    code, document = run_json(capsys, "company", "RDL")
    assert code == 0
    assert document["company"]["name"] == "라운드랩"


def test_guilds_do_not_see_each_others_imports(
    article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "import", str(article), "--guild", "111", "--date", "2026-11-25")
    _, other = run_json(capsys, "headlines", "구글", "--guild", "222")
    assert other["total"] == 0


def test_run_without_token_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err
    assert err.count("\n") == 1


def test_run_with_placeholder_token_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "changeme")
    assert main(["run"]) == 2
    assert "placeholder" in capsys.readouterr().err


def test_sample_roundup_is_in_the_korean_column_format() -> None:
    text = sample_roundup_text()
    assert "ㆍ" in text
    assert "저작권자 ©" in text


def test_import_of_several_files_prints_one_document_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first.md", tmp_path / "second.md"
    first.write_text("- [카카오, 새 모델](https://example.com/1)\n", encoding="utf-8")
    second.write_text("- [네이버, 새 검색](https://example.com/2)\n", encoding="utf-8")
    code, document = run_json(capsys, "import", str(first), str(second), "--date", "2026-11-25")
    assert code == 0
    imports = document["imports"]
    assert isinstance(imports, list)
    assert [i["roundup"]["sections"][0]["headlines"][0]["title"] for i in imports] == [
        "카카오, 새 모델",
        "네이버, 새 검색",
    ]


@pytest.mark.parametrize("guild", ["99999999999999999999999", "9223372036854775808", "-1"])
def test_a_server_id_outside_64_bits_is_a_usage_error(
    guild: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # It used to reach SQLite and fail there as an "unexpected failure (OverflowError)".
    with pytest.raises(SystemExit) as exit:
        main(["company", "MS", "--guild", guild])
    assert exit.value.code == 2
    assert "invalid server id value" in capsys.readouterr().err


def test_input_echoed_in_an_error_stays_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # A newline typed into --week used to split the error over two lines of stderr.
    assert main(["roundup", "--week", "a\nerror: forged"]) == 1
    assert (
        capsys.readouterr().err
        == "error: 'a\\nerror: forged' is not a week: write it like 2026-W48.\n"
    )
