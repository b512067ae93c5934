"""``python -m bot digest``: the week's digest as a script reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

ARTICLE = """# 가상 주간 브리핑

## 반도체

- [엔비디아, 새 칩 공개](https://example.com/chip)
"""


@pytest.fixture(autouse=True)
def isolated_database(cli_archive: None, tmp_path: Path) -> None:
    """Every command here runs on SQLite and on PostgreSQL."""
    (tmp_path / "article.md").write_text(ARTICLE, encoding="utf-8")


def test_digest_prints_the_documented_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "article.md", "--date", "2026-11-25"]) == 0
    capsys.readouterr()
    assert main(["digest", "--week", "2026-W48", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert {k: document[k] for k in ("guild", "week", "language", "imported")} == {
        "guild": 0,
        "week": "2026-W48",
        "language": "ko",
        "imported": True,
    }
    [section] = document["sections"]
    assert section["title"] == "반도체"
    assert section["items"] == [
        {
            "title": "엔비디아, 새 칩 공개",
            "url": "https://example.com/chip",
            "source": None,
            "more_sources": 0,
            "sources": [
                {"title": "엔비디아, 새 칩 공개", "url": "https://example.com/chip", "source": None}
            ],
            "companies": ["엔비디아"],
        }
    ]


def test_digest_of_an_empty_week_has_no_sections(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--week", "2026-W10", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sections"] == []


def test_digest_prints_for_people_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "article.md", "--date", "2026-11-25"]) == 0
    capsys.readouterr()
    assert main(["digest", "--week", "2026-W48"]) == 0
    assert "엔비디아, 새 칩 공개" in capsys.readouterr().out


def test_digest_of_a_bad_week_is_one_line_of_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--week", "someday"]) == 1
    assert capsys.readouterr().err.startswith("error: 'someday' is not a week")
