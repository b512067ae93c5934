"""``roundups``, ``roundup --id``, ``roundup delete`` and ``weeks`` with several roundups in a
week, and ``companies add|alias`` re-tagging what the server stored: the CLI end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from testkit.cli_json import run_json

FIRST = """# 첫째 라운드업

## 칩

- [녹색팀, 새 칩 공개](https://news.test/one)
- [구글, TPU 증산](https://news.test/two)
"""
SECOND = """# 둘째 라운드업

## 보안

- [클라우드 설정 오류](https://news.test/three)
"""


@pytest.fixture(autouse=True)
def isolated_database(cli_archive: None) -> None:
    """Every command here runs on SQLite and on PostgreSQL."""


def imported(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, text: str) -> int:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code, document = run_json(capsys, "import", str(path), "--date", "2026-11-25")
    assert code == 0 and document["replaced"] is False
    return int(document["roundup"]["id"])


def test_two_articles_of_a_week_are_two_roundups_listed_and_counted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first = imported(capsys, tmp_path, "a.md", FIRST)
    second = imported(capsys, tmp_path, "b.md", SECOND)

    code, listed = run_json(capsys, "roundups", "--week", "2026-W48")
    assert code == 0
    assert sorted(listed["roundups"], key=lambda r: r["id"]) == [
        {
            "id": first,
            "week": "2026-W48",
            "title": "첫째 라운드업",
            "publisher": None,
            "headlines": 2,
        },
        {
            "id": second,
            "week": "2026-W48",
            "title": "둘째 라운드업",
            "publisher": None,
            "headlines": 1,
        },
    ]
    _, weeks = run_json(capsys, "weeks")
    assert weeks == {"weeks": [{"week": "2026-W48", "roundups": 2, "headlines": 3}]}
    _, week = run_json(capsys, "roundup", "--week", "2026-W48")
    assert {r["id"] for r in week["roundups"]} == {first, second}


def test_roundup_by_id_and_delete(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    first = imported(capsys, tmp_path, "a.md", FIRST)
    second = imported(capsys, tmp_path, "b.md", SECOND)

    code, shown = run_json(capsys, "roundup", "--id", str(second))
    assert (code, shown["id"], shown["title"]) == (0, second, "둘째 라운드업")
    code, deleted = run_json(capsys, "roundup", "delete", str(second))
    assert (code, deleted["deleted"]["id"]) == (0, second)
    _, listed = run_json(capsys, "roundups")
    assert [r["id"] for r in listed["roundups"]] == [first]


def test_roundup_of_another_server_is_not_found(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    mine = imported(capsys, tmp_path, "a.md", FIRST)

    assert main(["roundup", "delete", str(mine), "--guild", "7"]) == 1
    assert f"no roundup #{mine}" in capsys.readouterr().err
    assert main(["roundup", "--id", str(mine), "--guild", "7"]) == 1


def test_roundup_delete_without_an_id_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roundup", "delete"]) == 1
    assert "roundup delete ID" in capsys.readouterr().err


def test_companies_alias_retags_the_servers_headlines_and_only_its_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    imported(capsys, tmp_path, "a.md", FIRST)

    code, added = run_json(capsys, "companies", "alias", "엔비디아", "녹색팀")
    assert (code, added["retagged"]) == (0, {"headlines": 2, "changed": 1})
    _, found = run_json(capsys, "company", "엔비디아")
    assert [h["title"] for h in found["headlines"]] == ["녹색팀, 새 칩 공개"]
    assert main(["company", "녹색팀", "--guild", "7"]) == 1
