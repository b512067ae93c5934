"""The project's own documents agree with the program: the CHANGELOG's top entry is the
installed version, and ``.env.example`` documents exactly the settings the settings model
has."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from bot.cli.common import bot_version
from bot.settings import Settings
from cogs.server.status import bot_version as status_version

ROOT = Path(__file__).resolve().parents[2]


def test_version_prints_the_installed_package_version(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"roundup-bot {bot_version()}\n"


def test_version_is_the_one_in_pyproject_and_in_status() -> None:
    with (ROOT / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["version"]
    assert bot_version() == declared
    assert status_version() == declared


def test_the_changelogs_top_entry_is_the_package_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## (\S+)", text, flags=re.MULTILINE)
    assert entries, "CHANGELOG.md has no entry"
    assert entries[0] == bot_version()


def _documented_settings() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_every_setting_in_env_example_exists_and_every_setting_is_documented() -> None:
    model = {name.upper() for name in Settings.model_fields}
    assert _documented_settings() - model == set()
    assert model - _documented_settings() == set()
