"""SHARD_COUNT and SHARD_IDS: refused at start, in one line and exit 2, when they cannot be."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "archive.db"))
    monkeypatch.setenv("DISCORD_TOKEN", "a-real-looking-token")
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout


@pytest.mark.parametrize(
    ("count", "ids", "said"),
    [
        ("2", "2", "SHARD_IDS [2] outside SHARD_COUNT=2"),
        ("4", "1,3,1", "SHARD_IDS lists a shard twice: 1,3,1"),
        ("2", "0,one", "SHARD_IDS must be shard numbers separated by commas"),
        (None, "0", "SHARD_IDS needs SHARD_COUNT"),
    ],
)
def test_impossible_shards_are_refused_in_one_line_with_exit_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    count: str | None,
    ids: str,
    said: str,
) -> None:
    if count is not None:
        monkeypatch.setenv("SHARD_COUNT", count)
    monkeypatch.setenv("SHARD_IDS", ids)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_shard_ids_are_read_as_a_comma_list() -> None:
    settings = Settings(_env_file=None, shard_count=4, shard_ids="1, 3")
    assert settings.shards == [1, 3]


def test_without_shard_settings_the_process_takes_every_shard() -> None:
    settings = Settings(_env_file=None)
    assert (settings.shard_count, settings.shards) == (None, None)
