"""The archive bench in short: a small archive built through the real import path, every
class of search timed and every answer checked against the generated truth (the long run is
``python bench/archive.py --headlines 1000000 --db PATH``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.archive import TARGET_P99_MS, Figures, Line, argument_parser, run, target_line


async def test_every_answer_on_a_small_archive_is_checked_and_right(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = argument_parser().parse_args(
        [
            "--headlines", "4000",
            "--db", str(tmp_path / "bench.db"),
            "--samples", "3",
            "--cold-samples", "0",
            "--baseline-samples", "1",
            "--single-articles", "2",
        ]
    )  # fmt: skip

    assert await run(args) == 0  # a wrong answer raises WrongAnswer instead

    printed = capsys.readouterr().out
    assert "all right" in printed
    assert "no match" in printed
    assert "rare co-occurring words" in printed
    assert "cold: not measured (--cold-samples 0)" in printed


def line(label: str, p99_ms: float) -> Line:
    figures = Figures(p99_ms / 2, p99_ms, 300)
    return Line(label, figures, figures)


def test_the_target_line_names_every_class_over_the_target() -> None:
    lines = [line("fast", 1.0), line("slow", TARGET_P99_MS + 2), line("slower", TARGET_P99_MS + 3)]

    said = target_line(lines, 1_000_000)

    assert "missed by slow (7.00 ms), slower (8.00 ms)" in said
    assert "slowest: slower, 8.00 ms" in said
    assert "fast" not in said


def test_the_target_line_says_met_when_every_class_is_under_it() -> None:
    said = target_line([line("fast", 1.0), line("also fast", TARGET_P99_MS)], 1_000_000)

    assert ": met; slowest: also fast, 5.00 ms" in said
