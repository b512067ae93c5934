"""Issue 17: hostile files through `python -m bot import`: a huge file is refused while it is
read, control characters are replaced where the text enters, headline titles are capped, and
UTF-16 without its byte-order mark is read."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from bot.cli import main
from testkit.cli_json import run_json

GIB = 1 << 30


@pytest.fixture(autouse=True)
def isolated_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


def test_a_1_gib_file_is_refused_without_being_read_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as sparse:  # a sparse file: 1 GiB long, nothing on disk
        sparse.truncate(GIB)
    before = _peak_rss_bytes()

    code = main(["import", str(huge)])

    assert code == 1
    assert "5 MB" in capsys.readouterr().err
    assert _peak_rss_bytes() - before < 256 * 1024 * 1024


def test_control_characters_in_a_file_are_replaced_and_titles_capped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_title = "Chips " * 100
    article = (
        "# Week\n\n"
        "- [Nvidia \x1bc ships\x07 a \x85chip](https://n.test/1)\n"
        f"- [{long_title}](https://n.test/2)\n"
    )
    path = tmp_path / "week.md"
    path.write_text(article, encoding="utf-8")

    code, document = run_json(capsys, "import", str(path), "--date", "2026-11-25")

    assert code == 0
    titles = [h["title"] for s in document["roundup"]["sections"] for h in s["headlines"]]
    assert titles[0] == "Nvidia \ufffdc ships\ufffd a \ufffdchip"
    assert len(titles[1]) <= 300 and titles[1].endswith("…")


def test_a_utf16_file_without_byte_order_mark_is_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "week.md"
    path.write_bytes("# 주간\n\n- [엔비디아 새 칩](https://n.test/1)\n".encode("utf-16-le"))

    code, document = run_json(capsys, "import", str(path), "--date", "2026-11-25")

    assert code == 0
    titles = [h["title"] for s in document["roundup"]["sections"] for h in s["headlines"]]
    assert titles == ["엔비디아 새 칩"]
