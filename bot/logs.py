"""Logging, configured once in main(): one line per event on standard error.

One line per event, tracebacks included, so ``grep``, ``journalctl`` and log shippers keep an
event and its traceback together. ``text`` is for people, ``json`` for log collectors.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Literal, TextIO

LogFormat = Literal["text", "json"]

LINE_BREAK = " | "  # what a newline inside a text-mode event becomes


def configure_logging(level: str, log_format: LogFormat, *, stream: TextIO | None = None) -> None:
    """Send every logger's records at ``level`` and above to ``stream`` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    # Like basicConfig, a no-op when the root logger already has handlers (pytest's).
    logging.basicConfig(level=level, handlers=[handler])


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def _exception_text(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    parts = []
    if record.exc_info:
        parts.append(formatter.formatException(record.exc_info))
    elif record.exc_text:
        parts.append(record.exc_text)
    if record.stack_info:
        parts.append(formatter.formatStack(record.stack_info))
    return "\n".join(parts) or None


class TextFormatter(logging.Formatter):
    """``2026-11-28T02:04:25.123+00:00 ERROR bot.client: message | Traceback … | …``"""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        trace = _exception_text(self, record)
        if trace:
            line = f"{line}\n{trace}"
        return LINE_BREAK.join(line.strip("\n").splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exc_info when any."""

    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        trace = _exception_text(self, record)
        if trace:
            document["exc_info"] = trace
        # json.dumps escapes newlines, so a traceback stays on its event's line.
        return json.dumps(document, ensure_ascii=False)
