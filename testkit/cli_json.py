"""Running the CLI in-process with --json, as a script would read it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    """The exit code and the one JSON document printed on stdout."""
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)
