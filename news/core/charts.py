"""Tiny text charts that read the same in a terminal and in a Discord embed."""

from __future__ import annotations

from collections.abc import Sequence

_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """One block character per value, scaled to the largest; zero is the lowest bar."""
    peak = max(values, default=0)
    if peak <= 0:
        return _BARS[0] * len(values)
    top = len(_BARS) - 1
    return "".join(_BARS[round(max(v, 0) / peak * top)] for v in values)
