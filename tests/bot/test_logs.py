"""Log lines an operator can grep and a collector can parse: one line per event."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.cli import main
from bot.logs import LogFormat, configure_logging
from bot.settings import Settings


@contextmanager
def unconfigured_root_logger() -> Iterator[None]:
    """The root logger as at the start of ``python -m bot``; pytest's handlers back after."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _log_a_failure(log_format: LogFormat) -> list[str]:
    stream = io.StringIO()
    log = logging.getLogger("bot.feed_poller")
    with unconfigured_root_logger():
        configure_logging("INFO", log_format, stream=stream)
        log.debug("not at INFO")
        log.info("polled %d feeds", 3)
        try:
            raise ValueError("bad\nfeed")
        except ValueError:
            log.exception("feed %s failed", 42)
    return stream.getvalue().splitlines()


def test_text_lines_carry_time_level_logger_and_fold_the_traceback() -> None:
    info, failure = _log_a_failure("text")

    assert info.endswith(" INFO bot.feed_poller: polled 3 feeds")
    assert info[:4].isdigit() and "T" in info.split(" ")[0]
    assert failure.split(" ", 1)[1].startswith("ERROR bot.feed_poller: feed 42 failed | Traceback")
    assert failure.endswith("ValueError: bad | feed")


def test_json_lines_are_one_object_each_with_the_traceback_inside() -> None:
    info, failure = (json.loads(line) for line in _log_a_failure("json"))

    assert set(info) == {"time", "level", "logger", "message"}
    assert (info["level"], info["logger"], info["message"]) == (
        "INFO",
        "bot.feed_poller",
        "polled 3 feeds",
    )
    assert failure["message"] == "feed 42 failed"
    assert failure["exc_info"].startswith("Traceback (most recent call last):")
    assert failure["exc_info"].endswith("ValueError: bad\nfeed")


def test_log_format_setting_accepts_either_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert Settings(_env_file=None).log_format == "json"


def test_an_unknown_log_format_is_a_settings_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    monkeypatch.setenv("LOG_FORMAT", "xml")

    assert main(["weeks"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: setting LOG_FORMAT: ")
    assert error.count("\n") == 1
