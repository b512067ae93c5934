"""The console at a real terminal (a pseudo-terminal): Ctrl-C drops the line being typed,
not the program, and /quit leaves with exit 0."""

from __future__ import annotations

import os
import select
import sys
import time
from pathlib import Path

import pytest

pty = pytest.importorskip("pty")

WAIT_SECONDS = 60.0


def _read_until(fd: int, marker: bytes) -> bytes:
    """What the terminal showed until ``marker`` (select waits on the descriptor, no sleep)."""
    seen = b""
    deadline = time.monotonic() + WAIT_SECONDS
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    assert marker in seen, seen[-500:]
    return seen


def test_ctrl_c_cancels_the_line_and_quit_leaves_with_0(tmp_path: Path) -> None:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console on its own archive, in its own folder
        os.chdir(tmp_path)
        os.environ["DATABASE_PATH"] = str(tmp_path / "archive.db")
        os.environ["LANG"] = "C.UTF-8"
        os.environ.pop("DISCORD_TOKEN", None)
        os.execv(sys.executable, [sys.executable, "-m", "bot", "console"])
    try:
        _read_until(fd, b"roundup> ")
        os.write(fd, b"/company half-typed")
        _read_until(fd, b"half-typed")
        os.write(fd, b"\x03")  # Ctrl-C: the line is dropped, a new prompt comes
        _read_until(fd, b"roundup> ")
        os.write(fd, b"/weeks\n")
        shown = _read_until(fd, b"roundup> ")
        assert b"2026-W" in shown
        assert b"Traceback" not in shown
        os.write(fd, b"/quit\n")
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
