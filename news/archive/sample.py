"""The bundled sample roundup (written for this project in the Korean column format)."""

from __future__ import annotations

from importlib.resources import files

# The sample is a Korean column, so its title is Korean too.
SAMPLE_TITLE = "라운드업위클리 · 이번 주 테크 브리핑 (sample)"


def sample_roundup_text() -> str:
    return files("news.archive").joinpath("data/sample_roundup.txt").read_text(encoding="utf-8")
