"""The bundled sample roundup (written for this project in the Korean column format)."""

from __future__ import annotations

from importlib.resources import files


def sample_roundup_text() -> str:
    return files("news.archive").joinpath("data/sample_roundup.txt").read_text(encoding="utf-8")
